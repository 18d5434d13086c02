"""Small helpers for API tests."""
from __future__ import annotations


def assert_problem(response, status: int, field: str | None = None, code: str | None = None) -> dict:
    """The response is problem+json with `status`; naming `field` in `errors` / carrying `code` when given."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == "application/problem+json", response.mimetype
    body = response.get_json()
    for key in ("type", "title", "status", "detail"):
        assert key in body, body
    assert body["status"] == status
    if field is not None:
        assert field in body.get("errors", {}), body
        assert all(isinstance(m, str) and m for m in body["errors"][field])
    if code is not None:
        assert body.get("code") == code, body
    return body


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
