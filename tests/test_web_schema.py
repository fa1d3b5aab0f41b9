"""The JSON API against its own OpenAPI schema (schemathesis): whatever a client sends
within or around the documented parameters, the app answers without a server error and
with responses that match the schema, over a workspace holding hostile data."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from report_fixtures import build_hostile_workspace

from inconcert.store.workspace import Workspace
from inconcert.web.app import guarded_app

LOOPBACK = {"Host": "127.0.0.1"}  # the app refuses other Host headers on loopback


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    workspace = build_hostile_workspace(tmp_path_factory.mktemp("schema"))
    ws = Workspace.open(workspace, read_only=True)
    try:
        yield schemathesis.openapi.from_asgi("/openapi.json", guarded_app(ws, token=None, loopback_only=True), headers=LOOPBACK)
    finally:
        ws.close()


def test_every_operation_conforms_and_never_fails(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def conforms(case):
            case.call_and_validate(headers=LOOPBACK)

        conforms()
