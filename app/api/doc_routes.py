"""The API's own documentation: the OpenAPI document and a readable page built from it (no token needed)."""

from __future__ import annotations

from flask import current_app, jsonify, render_template

from app.api.problems import PROBLEMS
from app.api.routes import bp
from app.api.spec import openapi


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(openapi(current_app))


def _type_of(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type_of(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list[{_type_of(schema.get('items', {}))}]"
    return schema.get("format") or schema.get("type", "any")


@bp.get("/docs")
def docs():
    document = openapi(current_app)
    operations = [(path, method.upper(), op) for path, methods in document["paths"].items()
                  for method, op in methods.items()]
    return render_template("api/docs.html", document=document, operations=operations, problems=PROBLEMS,
                           type_of=_type_of)
