"""Every route declares who may use it, in its decorator."""

from collections.abc import Iterator

from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Mount

from app.auth.access import AccessRule
from app.main import create_app

FRAMEWORK_ROUTES = {"/openapi.json", "/docs", "/docs/oauth2-redirect"}


def walk(routes: list[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route, descending into included routers."""
    for route in routes:
        original = getattr(route, "original_router", None)
        if original is not None:
            assert not any(isinstance(d.dependency, AccessRule) for d in original.dependencies), (
                "declare access on each route"
            )
            yield from walk(original.routes)
        else:
            yield route


def api_routes() -> list[APIRoute]:
    found = []
    for route in walk(create_app().routes):
        if isinstance(route, Mount) and route.path == "/static":
            continue
        if isinstance(route, APIRoute):
            found.append(route)
        else:
            assert getattr(route, "path", None) in FRAMEWORK_ROUTES, f"unexpected {route!r}"
    return found


def test_every_route_declares_exactly_one_access_rule() -> None:
    routes = api_routes()
    assert len(routes) > 10
    undeclared = [
        f"{sorted(route.methods)} {route.path}"
        for route in routes
        if len([d for d in route.dependencies if isinstance(d.dependency, AccessRule)]) != 1
    ]
    assert undeclared == []


def test_every_route_has_a_name() -> None:
    for route in api_routes():
        assert route.name and not route.name.startswith("_"), route.path
