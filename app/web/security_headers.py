"""The Content-Security-Policy, HSTS and ``Cache-Control: no-store`` on what holds personal
data, for every response (a plain ASGI middleware, like the others)."""

import base64
import hashlib
import re

from fastapi import Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import get_settings

# Pages work without JavaScript; the one script is a static file. Images may be data: URIs
# because badges carry their QR code as an SVG data URI (an image cannot run script).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
CSP_BYTES = CONTENT_SECURITY_POLICY.encode()
HSTS = "max-age=31536000"  # one year; sub-domains are the deployer's to decide
# Pages and API answers holding personal data or private links: never kept by a browser or
# a shared cache, whatever the route set.
PRIVATE_PREFIXES = ("/admin", "/register/", "/api/v1/register/")
SWAGGER_CDN = "https://cdn.jsdelivr.net"


def _is_private(scope: Scope) -> bool:
    """Whether the response holds personal data: an organiser's or a focal point's page, or
    any route whose access rule is not public (organiser auth or a private link)."""
    path: str = scope["path"]
    if path == "/admin" or path.startswith(PRIVATE_PREFIXES):
        return True
    from app.auth.access import Access, AccessRule  # the access rules import the web layer

    route = scope.get("route")
    for dependency in getattr(route, "dependencies", None) or ():
        rule = getattr(dependency, "dependency", None)
        if isinstance(rule, AccessRule):
            return rule.access != Access.public
    return False


class SecurityHeadersMiddleware:
    """Add the CSP (unless the route set its own), HSTS when cookies are secure (the site is
    then served over HTTPS), and ``Cache-Control: no-store`` on private responses."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = get_settings().secure_cookies

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message["headers"] = list(message.get("headers", ()))
                names = {name.lower() for name, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP_BYTES))
                if secure:
                    headers[:] = [
                        h for h in headers if h[0].lower() != b"strict-transport-security"
                    ]
                    headers.append((b"strict-transport-security", HSTS.encode()))
                if _is_private(scope):
                    headers[:] = [h for h in headers if h[0].lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
            await send(message)

        await self.app(scope, receive, send_wrapper)


def _script_hashes(html: str) -> list[str]:
    hashes = []
    for body in re.findall(r"<script>(.*?)</script>", html, flags=re.DOTALL):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    return hashes


async def swagger_ui(request: Request) -> HTMLResponse:
    """FastAPI's Swagger UI, which loads its script and style from a CDN and starts with an
    inline script: its own policy allows that CDN and that one script, by its hash. Swagger
    UI also applies inline styles as it renders (swagger-api/swagger-ui#10655), so this page
    alone allows them; it shows only the application's own OpenAPI schema."""
    response = get_swagger_ui_html(
        openapi_url=request.app.openapi_url, title=f"{request.app.title} - API"
    )
    scripts = " ".join([SWAGGER_CDN, *_script_hashes(bytes(response.body).decode())])
    response.headers["content-security-policy"] = (
        f"default-src 'self'; script-src {scripts}; style-src {SWAGGER_CDN} 'unsafe-inline'; "
        f"img-src 'self' data: https://fastapi.tiangolo.com; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    return response
