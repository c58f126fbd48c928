"""Declaring an API endpoint once: its permission, query, body and answer schemas (pydantic models).

The same declaration validates the request, serialises the answer and feeds the OpenAPI document
(`app/api/spec.py`), so the document cannot drift from what the code checks.

Rules:
- a query string is validated by the endpoint's query model; a bad value answers 400 with one entry per field;
- a JSON body must be sent as `application/json` (else 415); the view gets its raw bytes and validates them
  with its body model in one pass (per-row errors, `app/api/ingest.py`);
- a 200 answer carries an `ETag` (SHA-256 of its body); a request whose `If-None-Match` names it answers 304 with
  no body. Answers vary by token (`Vary: Authorization`) and are revalidated every time (`Cache-Control: no-cache`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import Response, request
from pydantic import BaseModel, ValidationError

from app.api import guard
from app.api.problems import ApiProblem
from app.api.row_errors import field_errors


@dataclass(frozen=True)
class Endpoint:
    summary: str
    description: str
    tag: str
    response: type[BaseModel]
    permission: str | None = "read"
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    status: int = 200
    etag: bool = True
    errors: tuple[int, ...] = ()


ENDPOINTS: dict[str, Endpoint] = {}


def endpoint(**declared) -> Callable:
    spec = Endpoint(**declared)

    def decorate(view):
        ENDPOINTS[f"api.{view.__name__}"] = spec

        @wraps(view)
        def wrapper(**kwargs):
            if spec.permission:
                guard.authenticate(spec.permission)
            if spec.query is not None:
                kwargs["query"] = _query(spec.query)
            if spec.body is not None:
                kwargs["payload"] = _json_body()
            return render(view(**kwargs), spec)

        return wrapper

    return decorate


def _query(model: type[BaseModel]) -> BaseModel:
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as error:
        raise ApiProblem("bad-request", "Invalid query parameters.", "Tham số truy vấn không hợp lệ.",
                         errors=field_errors(error)) from None


def _json_body():
    if not request.is_json:
        raise ApiProblem("unsupported-media-type", "Send the body as application/json.",
                         "Cần gửi nội dung dạng application/json.")
    return request.get_data(cache=False)


def render(result: BaseModel, spec: Endpoint) -> Response:
    body = result.model_dump_json(by_alias=True)
    response = Response(body, status=spec.status, mimetype="application/json")
    response.headers["Vary"] = "Authorization"
    if spec.etag and spec.status == 200:
        tag = '"' + hashlib.sha256(body.encode("utf-8")).hexdigest()[:32] + '"'
        response.headers["ETag"] = tag
        response.headers["Cache-Control"] = "no-cache"
        if tag in _if_none_match():
            not_modified = Response(status=304, headers={"ETag": tag, "Vary": "Authorization",
                                                         "Cache-Control": "no-cache"})
            return not_modified
    return response


def _if_none_match() -> set[str]:
    raw = request.headers.get("If-None-Match", "")
    return {part.strip().removeprefix("W/") for part in raw.split(",") if part.strip()}
