"""GET /api/v1/openapi.json: the API's OpenAPI 3.1 document, built with apispec from the app's own URL map.

Paths, methods and path parameters come from app.url_map, so a route cannot be left out; what each operation
takes and answers comes from vendorportal/api/schemas.py (pydantic models turned into JSON Schema). Which
operations need a bearer token comes from the views themselves (token_required marks them).
"""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

from apispec import APISpec
from flask import Flask, current_app
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema
from werkzeug.routing import Rule

from vendorportal.access.decorators import checked
from vendorportal.api import schemas as s
from vendorportal.api.base import bp, token_required

PREFIX = bp.url_prefix or ""
REF = "#/components/schemas/{model}"
_EXTENSION = "vendorportal.openapi"

# werkzeug's rule syntax: <converter(args):name>, converter and args optional.
_VARIABLE = re.compile(r"<(?:(?P<converter>[a-zA-Z_]\w*)(?:\((?P<args>.*?)\))?:)?(?P<name>[a-zA-Z_]\w*)>")

ERRORS = {
    400: ("BadRequest", "The body is not a JSON object, or holds a value the database cannot store, such as a NUL "
                        "character (`bad_request`)."),
    401: ("Unauthorized", "No token, or a revoked one (`unauthorized`)."),
    403: ("Forbidden", "The caller may see this but not do that (`forbidden`)."),
    404: ("NotFound", "No such thing, or the caller may not see it (`not_found`)."),
    409: ("Conflict", "The change clashes with the current state (`conflict`; `not_ready` for a pack's PDF)."),
    413: ("TooLarge", "The body is larger than the portal accepts (`too_large`)."),
    422: ("Invalid", "Some fields are not valid (`invalid`; `invalid_file` for an upload with bad cells): "
                     "`details` names each."),
}

DESCRIPTION = """JSON under /api/v1, authenticated only by `Authorization: Bearer <token>` (cookies never
authenticate the API). Errors always have the shape `{"error": {"code", "message", "details": [{field, message}]}}`,
in the token owner's language; a bad cell of an uploaded file is a detail with `row` and `column`. What a role may
not see answers 404, what it may see but not change 403, no or a revoked token 401."""


class _Untitled(GenerateJsonSchema):
    """Leave out pydantic's per-field titles ("Vendor Id" for vendor_id): they say nothing the name does not."""

    def field_title_should_be_set(self, schema) -> bool:
        return False


def component_schemas(models: tuple[type[BaseModel], ...] = s.MODELS) -> dict[str, dict]:
    """JSON Schemas of the models and the models they use, by name (answers as serialised, bodies as read)."""
    pairs = [(m, "serialization" if issubclass(m, s.Answer) else "validation") for m in models]
    _keys, top = models_json_schema(pairs, ref_template=REF, schema_generator=_Untitled)
    return top.get("$defs", {})


def path_of(rule: Rule) -> tuple[str, list[dict]]:
    """Return the OpenAPI path of a werkzeug rule ("/x/<int:id>" -> "/x/{id}") and its path parameters."""
    parameters = []

    def replace(match: re.Match) -> str:
        converter, name = match["converter"] or "default", match["name"]
        if converter == "int":
            schema: dict[str, Any] = {"type": "integer", "minimum": 1}
        elif converter == "any":
            schema = {"type": "string", "enum": [a.strip(" '\"") for a in (match["args"] or "").split(",")]}
        else:
            schema = {"type": "string"}
        parameters.append({"in": "path", "name": name, "required": True, "schema": schema})
        return "{" + name + "}"

    return _VARIABLE.sub(replace, rule.rule), parameters


def api_routes(app: Flask):
    """Yield (rule, method) for every /api/v1 route of the app."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/"):
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                yield rule, method


def _json(schema: Any) -> dict:
    return {"application/json": {"schema": schema}}


def _operation(app: Flask, rule: Rule, op: s.Operation | None) -> dict:
    view = app.view_functions[rule.endpoint]
    protected = getattr(view, "token_required", False)
    out: dict[str, Any] = {"operationId": rule.endpoint.removeprefix(bp.name + "."),
                           "tags": [view.__module__.rsplit(".", 1)[-1]]}
    if op is None:  # the contract test fails on this; the route still appears
        out.update(summary="Undocumented", responses={"default": {"description": "Not documented yet."}})
        out["x-undocumented"] = True
        return out
    out["summary"] = op.summary
    if op.description:
        out["description"] = op.description
    if protected:
        out["security"] = [{"bearerAuth": []}]
    if op.query:
        out["parameters"] = [{"in": "query", "name": p.name, "required": p.required, "schema": p.schema,
                              **({"description": p.description} if p.description else {})} for p in op.query]
    if op.body is not None:
        out["requestBody"] = {"required": op.body_required, "content": _json(op.body.__name__)}
    if op.multipart is not None:
        out["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": op.multipart.__name__}}}
    responses: dict[str, Any] = {}
    for status, answer in op.ok.items():
        if isinstance(answer, dict):
            binary = {"schema": {"type": "string", "format": "binary"}}
            responses[str(status)] = {"description": " ".join(answer.values()),
                                      "content": {media: binary for media in answer}}
            continue
        responses[str(status)] = {"description": f"{HTTPStatus(status).phrase}: {answer.__name__}.",
                                  "content": _json(answer.__name__)}
        if op.location:
            responses[str(status)]["headers"] = {"Location": {
                "description": "The new thing's address.", "schema": {"type": "string"}}}
    for status in sorted({401, *op.errors} if protected else set(op.errors)):
        responses[str(status)] = ERRORS[status][0]
    out["responses"] = responses
    return out


def build(app: Flask) -> dict:
    """Build the OpenAPI document of every /api/v1 route of the app."""
    spec = APISpec(title="VendorPortal API", version="1", openapi_version="3.1.0",
                   info={"description": DESCRIPTION})
    spec.components.security_scheme("bearerAuth", {
        "type": "http", "scheme": "bearer",
        "description": "An API token: `vendorportal create-token`, or the API tokens page."})
    for name, schema in component_schemas().items():
        spec.components.schema(name, schema)
    for name, description in ERRORS.values():
        spec.components.response(name, {"description": description, "content": _json("Error")})
    paths: dict[str, tuple[dict, list]] = {}
    for rule, method in api_routes(app):
        path, parameters = path_of(rule)
        operations, _params = paths.setdefault(path, ({}, parameters))
        operations[method.lower()] = _operation(app, rule, s.OPERATIONS.get((rule.endpoint, method)))
    for path, (operations, parameters) in sorted(paths.items()):
        spec.path(path=path, operations=operations, parameters=parameters or None)
    return spec.to_dict()


def document(app: Flask) -> dict:
    """The app's OpenAPI document, built once."""
    if _EXTENSION not in app.extensions:
        app.extensions[_EXTENSION] = build(app)
    return app.extensions[_EXTENSION]


@bp.get("/openapi.json")
@token_required
@checked()
def openapi():
    return document(current_app)
