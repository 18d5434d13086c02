"""Every error an endpoint can answer is declared in its service's OpenAPI document, the same way in all three
services (retret.http.docs): as application/problem+json, 401/403 wherever a token is needed, 404 wherever the path
names something, 422 wherever the client sends data."""
from __future__ import annotations

import pytest

SERVICES = ("registration", "notifications", "reporting")
METHODS = ("get", "post", "put", "patch", "delete")


def _resolve(spec: dict, response: dict) -> dict:
    """A response object, following a `$ref` into components."""
    ref = response.get("$ref")
    if ref is None:
        return response
    node = spec
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def _operations(spec: dict):
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method], item.get("parameters", [])


@pytest.mark.parametrize("service", SERVICES)
def test_every_error_is_declared_as_problem_json(service, make_app):
    spec = make_app(service).test_client().get("/openapi.json").get_json()
    missing = []
    for path, method, operation, path_params in _operations(spec):
        responses = operation["responses"]
        where = f"{method.upper()} {path}"
        for status, response in responses.items():
            if not status.startswith(("2", "3")):
                if list(_resolve(spec, response).get("content", {})) != ["application/problem+json"]:
                    missing.append(f"{where}: {status} is not declared as application/problem+json")
        wanted = set()
        if operation.get("security", spec.get("security")):
            wanted |= {"401", "403"}
        params = list(path_params) + operation.get("parameters", [])
        if any(p["in"] == "path" for p in params):
            wanted.add("404")
        if "requestBody" in operation or any(p["in"] == "query" for p in params):
            wanted.add("422")
        if "application/json" in operation.get("requestBody", {}).get("content", {}):
            wanted.add("400")
        missing += [f"{where}: {status} not declared" for status in sorted(wanted - set(responses))]
    assert not missing, "\n".join(missing)
