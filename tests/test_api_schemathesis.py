"""The OpenAPI document is tested against the running app by Schemathesis (property-based), bounded and
deterministic: a few examples per operation (hypothesis `derandomize`, no example database), with a token of a
client that may read and ingest. Checks: no 5xx, every status, content type, header and body as documented.
Left out: `positive_data_acceptance` (a schema-valid cursor, map key or phone may still be one this API refuses
with a documented 400/422, e.g. a cursor it never gave)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.extensions import db
from app.training.settings import set_setting
from tests.api_helpers import bearer, make_client

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
EXAMPLES = 8


def test_every_operation_keeps_to_the_document(app, world):
    set_setting("api_limit", 10_000)
    secret = make_client(world.dai_tu, name="Schemathesis", ingest=True)[2]
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 13

    for operation in operations:
        @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            response = case.call(headers=bearer(secret))
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except Exception as error:  # name the operation, keep Schemathesis's own report
            pytest.fail(f"{operation.method.upper()} {operation.path}: {error}")
