from flask import Flask

from retret.http.errors import ApiError, flatten_messages, install_error_handlers, translate


def test_flatten_drops_the_location_level_and_dots_nested_paths():
    messages = {"json": {"official": {"nip": ["Missing data for required field."]},
                         "scans": {3: {"scanned_at": ["Not a valid datetime."]}}}}
    flat = flatten_messages(messages)
    assert flat == {"official.nip": ["Wajib diisi."],
                    "scans.3.scanned_at": ["Waktu tidak valid (gunakan ISO-8601, mis. 2025-05-15T07:30:00+07:00)."]}


def test_schema_level_errors_keep_a_name():
    assert flatten_messages({"json": {"_schema": ["Invalid input type."]}}) == {"_schema": ["Tipe data tidak valid."]}


def test_translate_keeps_numbers_and_unknown_messages():
    assert translate("Longer than maximum length 200.") == "Maksimal 200 karakter."
    assert translate("Must be one of: apel, lecture.") == "Harus salah satu dari: apel, lecture."
    assert translate("NIP harus terdiri dari 18 angka.") == "NIP harus terdiri dari 18 angka."


def _app():
    app = Flask("t")
    install_error_handlers(app)

    @app.get("/conflict")
    def conflict():
        raise ApiError(409, "Kode retret sudah dipakai.", code="duplicate_code")

    @app.get("/bug")
    def bug():
        raise RuntimeError("boom")

    return app


def test_api_error_and_unknown_paths_are_problem_json():
    client = _app().test_client()
    response = client.get("/conflict")
    assert response.status_code == 409 and response.mimetype == "application/problem+json"
    assert response.get_json() == {"type": "https://retret.go.id/problems/duplicate_code", "title": "Konflik",
                                   "status": 409, "detail": "Kode retret sudah dipakai.", "code": "duplicate_code"}
    missing = client.get("/nope")
    assert missing.status_code == 404 and missing.get_json()["title"] == "Tidak ditemukan"
    wrong = client.post("/conflict")
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]


def test_a_bug_is_a_500_problem_without_internals():
    response = _app().test_client().get("/bug")
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    assert "boom" not in response.get_data(as_text=True)


def test_a_nul_character_in_the_query_is_a_422_naming_the_parameter(make_app):
    client = make_app("reporting").test_client()
    response = client.get("/api/v1/reports/projection?cursor=a%00b")
    assert response.status_code == 422 and response.get_json()["errors"] == {"cursor": ["Tidak boleh berisi karakter NUL."]}


def test_behind_a_trusted_proxy_the_client_address_comes_from_x_forwarded_for(make_app):
    from flask import request
    app = make_app("reporting", TRUSTED_PROXIES="1")
    app.add_url_rule("/whoami", "whoami", lambda: request.remote_addr)
    response = app.test_client().get("/whoami", headers={"X-Forwarded-For": "10.1.2.3"})
    assert response.get_data(as_text=True) == "10.1.2.3"
    plain = make_app("reporting", TRUSTED_PROXIES="0").test_client()
    plain.application.add_url_rule("/whoami", "whoami", lambda: request.remote_addr)
    assert plain.get("/whoami", headers={"X-Forwarded-For": "10.1.2.3"}).get_data(as_text=True) != "10.1.2.3"
