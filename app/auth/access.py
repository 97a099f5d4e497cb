"""Who may use each route. Every route declares its rule in its decorator with
``dependencies=[allow(...)]``; ``tests/auth/test_access.py`` walks the route table and fails
on any route without exactly one rule. The rule resolves the signed-in account (login-session
cookie, or a bearer token on the API), refuses what the account may not do, and checks the
CSRF token of every form post authenticated by cookie."""

from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.params import Depends as DependsParam

from app.auth import service as auth_service
from app.auth.models import ROLE_RANK, Account, Role
from app.db import UNSAFE_METHODS, DbSessionDep
from app.errors import Forbidden, NotAuthenticated
from app.i18n import N_
from app.web.csrf import CSRF_FIELD, csrf_token_is_valid
from app.web.problems import is_for_programs

LOGIN_COOKIE = "mp_login"


class Access(StrEnum):
    public = "public"
    focal_point = "focal_point"  # the private link in the path is the credential
    viewer = "viewer"
    organiser = "organiser"
    admin = "admin"


class SignInRequired(NotAuthenticated):
    """Raised on a page: the handler redirects the browser to the sign-in page."""


class CsrfFailed(Forbidden):
    pass


class AccessRule:
    def __init__(self, access: Access) -> None:
        self.access = access

    async def __call__(self, request: Request, db_session: DbSessionDep) -> None:
        is_api = is_for_programs(request.url.path)
        account, by_token = _resolve_account(request, db_session)
        request.state.account = account
        if request.method in UNSAFE_METHODS and not by_token:
            await _check_csrf(request, is_api=is_api)
        if self.access in (Access.public, Access.focal_point):
            return
        if account is None:
            if is_api:
                raise NotAuthenticated(N_("Authentication required: send a bearer token."))
            raise SignInRequired(N_("Please sign in to continue."))
        if ROLE_RANK[Role(account.role)] < ROLE_RANK[Role(self.access.value)]:
            raise Forbidden(N_("Your account may not do this."))


def allow(access: Access) -> DependsParam:
    """The access rule of a route: ``dependencies=[allow(Access.organiser)]``."""
    return Depends(AccessRule(access))


def _resolve_account(request: Request, db_session: Any) -> tuple[Account | None, bool]:
    authorization = request.headers.get("authorization", "")
    if authorization:
        scheme, _, secret = authorization.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise NotAuthenticated(N_("The Authorization header must be 'Bearer <token>'."))
        account = auth_service.account_for_api_token(
            db_session, secret.strip(), record_use=request.method in UNSAFE_METHODS
        )
        if account is None:
            raise NotAuthenticated(N_("This token is not valid or has been revoked."))
        return account, True
    secret = auth_service.unsign_cookie(request.cookies.get(LOGIN_COOKIE))
    if secret:
        return auth_service.account_for_login_session(db_session, secret), False
    return None, False


async def _check_csrf(request: Request, *, is_api: bool) -> None:
    if is_api:
        # Cookie-authenticated API writes must carry the token in a header; anonymous API
        # calls carry no cookie credentials, so there is nothing to forge.
        if request.cookies.get(LOGIN_COOKIE) is None:
            return
        submitted = request.headers.get("x-csrf-token")
    else:
        content_type = request.headers.get("content-type", "")
        submitted = None
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            submitted = value if isinstance(value, str) else None
    if not csrf_token_is_valid(request, submitted):
        raise CsrfFailed(
            N_(
                "This form has expired or did not come from this site. "
                "Reload the page and try again."
            )
        )


def _current_account(request: Request) -> Account:
    account = getattr(request.state, "account", None)
    if account is None:  # only reachable on a route whose rule lets anonymous users in
        raise NotAuthenticated(N_("Authentication required."))
    return account


CurrentAccount = Annotated[Account, Depends(_current_account)]


def may(account: Account | None, access: Access) -> bool:
    """Whether this account's role reaches ``access`` (for showing or hiding controls)."""
    if access in (Access.public, Access.focal_point):
        return True
    if account is None:
        return False
    return ROLE_RANK[Role(account.role)] >= ROLE_RANK[Role(access.value)]
