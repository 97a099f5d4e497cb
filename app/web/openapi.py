"""The OpenAPI document of the JSON API, as a contract clients can be generated from.

Each operation is named after its route (``list_editions``), carries the bearer scheme when
it needs a token, and declares the errors it can answer, all as ``Problem`` (RFC 9457);
lists declare their paging headers, items their ETag and writes their If-Match."""

from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from app.auth.access import Access, AccessRule
from app.db import UNSAFE_METHODS
from app.web.pagination import TOTAL_HEADER
from app.web.problems import PROBLEM_MEDIA_TYPE, Problem

BEARER = "bearerAuth"
TOKEN_ACCESS = (Access.viewer, Access.organiser, Access.admin)
# Operations that answer with an ETag, and writes that honour If-Match.
ETAG_READS = {
    "get_edition",
    "get_agenda_item",
    "get_outcome",
    "get_delegation",
    "get_registration_settings",
}
CONDITIONAL_WRITES = {
    "update_edition",
    "update_agenda_item",
    "delete_agenda_item",
    "update_outcome",
    "change_delegation_status",
    "update_registration_settings",
    "update_participant",
    "delete_participant",
}
ERROR_DESCRIPTIONS = {
    "401": "No bearer token where one is needed, or one that is not valid.",
    "403": "The token's account may not do this.",
    "404": "Nothing at this address (or not visible to this caller).",
    "409": "Refused by a rule of the Platform; the detail says which.",
    "412": "The item changed since it was read: its ETag no longer matches If-Match.",
    "413": "The request body is larger than the server accepts.",
    "422": "The input was refused; ``errors`` names each field and why.",
}
PAGING_HEADERS = {
    TOTAL_HEADER: {
        "description": "How many entries the whole list has.",
        "schema": {"type": "integer"},
    },
    "Link": {
        "description": 'Other pages of the list: rel="first", "prev", "next", "last".',
        "schema": {"type": "string"},
    },
}
ETAG_HEADER = {
    "ETag": {
        "description": "The item's version; send it back in If-Match to write safely.",
        "schema": {"type": "string"},
    }
}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": "The ETag last read: the write is refused with 412 if the item changed "
    "since. Without it, the write is made whatever the item's version.",
    "schema": {"type": "string"},
}


def operation_id(route: APIRoute) -> str:
    """Operations are named after their routes: ``api_list_editions`` is ``list_editions``."""
    return route.name.removeprefix("api_")


def _access(route: APIRoute) -> Access | None:
    for dependency in route.dependencies:
        if isinstance(dependency.dependency, AccessRule):
            return dependency.dependency.access
    return None


def _problem(description: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/Problem"}
    return {"description": description, "content": {PROBLEM_MEDIA_TYPE: {"schema": schema}}}


def _errors_of(route: APIRoute, operation: dict[str, Any], access: Access | None) -> set[str]:
    # Every operation reads the Authorization header: one that is not a valid bearer token
    # is refused with 401 even where no token is needed.
    codes = {code for code in operation.get("responses", {}) if code.startswith("4")} | {"401"}
    if access in TOKEN_ACCESS:
        codes.add("403")
    if operation.get("requestBody"):
        codes.add("413")
    if "{" in route.path_format:
        codes.add("404")
    if operation.get("parameters") or operation.get("requestBody"):
        codes.add("422")
    if route.methods & UNSAFE_METHODS:
        codes.add("409")
    if operation["operationId"] in CONDITIONAL_WRITES:
        codes.add("412")
    return codes


def _document(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    components["securitySchemes"] = {
        BEARER: {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token of an organiser's account (marrakech create-token).",
        }
    }
    routes = {operation_id(route): route for route in _api_routes(app.routes)}
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            route = routes.get(operation.get("operationId", ""))
            if route is not None and path.startswith("/api/"):
                _complete(route, operation)
    return schema


def _api_routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    """Every route, descending into the included routers."""
    for route in routes:
        original = getattr(route, "original_router", None)
        if original is not None:
            yield from _api_routes(original.routes)
        elif isinstance(route, APIRoute):
            yield route


def _complete(route: APIRoute, operation: dict[str, Any]) -> None:
    access = _access(route)
    operation["summary"] = operation["operationId"].replace("_", " ").capitalize()
    if access in TOKEN_ACCESS:
        operation["security"] = [{BEARER: []}]
    responses = operation.setdefault("responses", {})
    for code in sorted(_errors_of(route, operation, access)):
        described = responses.get(code, {}).get("description")
        if described in (None, "", "Validation Error", "Additional Response"):
            described = ERROR_DESCRIPTIONS.get(code, "Refused; the detail says why.")
        responses[code] = _problem(described)
    success = next(code for code in responses if code.startswith("2"))
    names = {parameter["name"] for parameter in operation.get("parameters", [])}
    if {"limit", "offset"} <= names:
        responses[success].setdefault("headers", {}).update(PAGING_HEADERS)
    if operation["operationId"] in ETAG_READS | CONDITIONAL_WRITES and success != "204":
        responses[success].setdefault("headers", {}).update(ETAG_HEADER)
    if operation["operationId"] in CONDITIONAL_WRITES:
        operation.setdefault("parameters", []).append(IF_MATCH)


def install_openapi(app: FastAPI) -> None:
    """Serve the completed document at /openapi.json (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
