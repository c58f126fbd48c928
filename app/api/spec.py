"""The OpenAPI 3.1 document, generated from the endpoint declarations and their pydantic models.

Rules: every rule of the `api` blueprint with a declaration (`app/api/endpoint.py`) becomes one operation; its
parameters come from the Flask rule (path: integers 1…2³¹−1 or strings) and from the query model's JSON Schema;
its answers from the response model, plus the problems it can give (`application/problem+json`): 401 and 429
for every endpoint with a token, 403 with a permission, 400/404/413/415/422 as declared, 304 for ETag'd
answers. Component schemas are pydantic's JSON Schema 2020-12, OpenAPI 3.1's own dialect.
"""

from __future__ import annotations

import re

from flask import Flask
from pydantic.json_schema import models_json_schema

from app.api.endpoint import ENDPOINTS, Endpoint
from app.api.problems import MEDIA_TYPE, PROBLEMS
from app.api.schemas import ID_MAX, Problem

REF = "#/components/schemas/{model}"
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _models() -> list:
    pairs = [(Problem, "serialization")]
    for e in ENDPOINTS.values():
        pairs.append((e.response, "serialization"))
        if e.body is not None:
            pairs.append((e.body, "validation"))
    return pairs


def _query_parameters(e: Endpoint) -> list[dict]:
    if e.query is None:
        return []
    schema = e.query.model_json_schema(ref_template=REF)
    required = set(schema.get("required", []))
    params = []
    for name, prop in schema["properties"].items():
        prop = dict(prop)
        description = prop.pop("description", "")
        prop.pop("title", None)
        options = [o for o in prop.pop("anyOf", []) if o.get("type") != "null"]
        if options:  # a query string cannot carry null: an absent parameter is the null
            prop.update(options[0])
        if prop.get("default", 0) is None:
            del prop["default"]
        params.append({"name": name, "in": "query", "required": name in required, "schema": prop,
                       "description": description})
    return params


def _path(rule) -> tuple[str, list[dict]]:
    params = []

    def swap(match):
        converter, name = match.group(1), match.group(2)
        schema = ({"type": "integer", "minimum": 1, "maximum": ID_MAX} if converter == "int"
                  else {"type": "string", "minLength": 1, "maxLength": 40, "pattern": "^[A-Za-z0-9]+$"})
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
        return "{" + name + "}"

    return PARAM.sub(swap, rule.rule), params


def _problem(code_status: int) -> dict:
    code = next(c for c, (status, _t, _v) in PROBLEMS.items() if status == code_status)
    return {"description": f"{PROBLEMS[code][1]} ({PROBLEMS[code][2]})",
            "content": {MEDIA_TYPE: {"schema": {"$ref": REF.format(model="Problem")}}}}


def _operation(name: str, e: Endpoint, path_params: list[dict]) -> dict:
    responses = {str(e.status): {"description": e.summary, "content": {
        "application/json": {"schema": {"$ref": REF.format(model=e.response.__name__)}}}}}
    params = path_params + _query_parameters(e)
    if e.etag:
        responses["304"] = {"description": "Not modified (the ETag sent in If-None-Match is current)"}
        params.append({"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}})
    statuses = set(e.errors) | ({401, 429} if e.permission else set()) | ({403} if e.permission else set())
    for status in sorted(statuses):
        responses[str(status)] = _problem(status)
    op = {"operationId": name.removeprefix("api."), "summary": e.summary, "description": e.description,
          "tags": [e.tag], "parameters": params, "responses": responses}
    if e.body is not None:
        op["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": {"$ref": REF.format(model=e.body.__name__)}}}}
    op["security"] = [{"bearer": []}] if e.permission else []
    return op


def openapi(app: Flask) -> dict:
    _, components = models_json_schema(_models(), ref_template=REF)
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        e = ENDPOINTS.get(rule.endpoint)
        if e is None:
            continue
        path, path_params = _path(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule.endpoint, e, path_params)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Lan Tỏa API", "version": "1.0.0",
                 "description": "Đọc số liệu và gửi kết quả học trực tuyến của chương trình Bình dân học AI. "
                                "Errors are application/problem+json with Vietnamese title_vi/detail_vi."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": components.get("$defs", {}),
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                      "description": "Mã truy cập do quản trị viên cấp"}}},
    }
