"""POST /retreats/{id}/registrations/import: messy real-world CSV and XLSX files, all-or-nothing, duplicates,
capacity and events, every rejection; the jobs of files beyond the request's limit (GET /import-jobs/{id})."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from registration.domain.importing import MSG_NIP_AS_NUMBER, MSG_PHONE_AS_NUMBER
from retret.rules.nip import MSG_GENDER
from retret_testing.files import COLUMNS, csv_bytes, nip_number, official_row, xlsx_bytes


def _post(api, retreat_id, data: bytes | None, filename="pejabat.csv", query="", headers=None):
    body = {} if data is None else {"file": (io.BytesIO(data), filename)}
    return api.client.post(f"/api/v1/retreats/{retreat_id}/registrations/import{query}", data=body,
                           headers=api.admin if headers is None else headers, content_type="multipart/form-data")


def _imported(api, retreat_id, data, filename="pejabat.csv", query="") -> dict:
    response = _post(api, retreat_id, data, filename, query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _rejected(api, retreat_id, data, filename="pejabat.csv", query="") -> dict:
    response = _post(api, retreat_id, data, filename, query)
    assert response.status_code == 422, response.get_json()
    assert response.content_type == "application/problem+json"
    return response.get_json()


def _count(model) -> int:
    from registration.context import context
    with context.db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def _registrations(api, retreat_id) -> list[dict]:
    response = api.client.get(f"/api/v1/retreats/{retreat_id}/registrations?limit=500", headers=api.admin)
    return response.get_json()["items"]


def _official(api, nip) -> dict:
    return api.client.get(f"/api/v1/officials/{nip}", headers=api.admin).get_json()


# --------------------------------------------------------------------------- messy files that import
def test_csv_with_bom_semicolons_crlf_shuffled_upper_case_headers_and_spaces(api):
    retreat = api.retreat(publish=True)
    columns = ["phone", "NAME", "nip", "email", "unit_name", "position", "rank", "echelon", "position_kind",
               "unit_code"]
    headers = [f"  {name.upper()} " for name in columns]
    rows = [official_row(0, nip="19700101 200001 1 001", email=" Budi@MalangKota.GO.ID ", name="  Budi  "),
            official_row(1, phone="0812 3456 7891", rank="", echelon=" ")]
    data = csv_bytes(rows, [c.lower() for c in columns], delimiter=";", bom=True, newline="\r\n", headers=headers)
    body = _imported(api, retreat["id"], data)
    assert body == {"total": 2, "valid": 2, "invalid": 0, "created": 2, "errors": [], "dry_run": False,
                    "updated": 0, "waitlisted": 0, "ignored_columns": []}
    budi = _official(api, "197001012000011001")
    assert (budi["name"], budi["email"], budi["phone"]) == ("Budi", "Budi@malangkota.go.id", "+6281234567890")
    assert budi["nip_kind"] == "pns"
    second = _official(api, nip_number(1))
    assert (second["rank"], second["echelon"], second["phone"]) == (None, None, "+6281234567891")
    assert [r["official"]["nip"] for r in _registrations(api, retreat["id"])] == [budi["nip"], second["nip"]]


def test_xlsx_with_nip_as_an_integer_and_phone_with_62_as_a_number(api):
    retreat = api.retreat(publish=True)
    data = xlsx_bytes([[198609262015051001, "Budi", 6281234567890, "camat"],
                       ["199001012022211001", "Siti (PPPK)", "0857-1234-5678", None]],
                      header=["NIP", "Name", "Phone", "Position Kind"])
    body = _imported(api, retreat["id"], data, "pejabat.xlsx")
    assert (body["created"], body["errors"]) == (2, [])
    assert _official(api, "198609262015051001")["phone"] == "+6281234567890"
    assert _official(api, "199001012022211001")["nip_kind"] == "pppk"


def test_a_csv_language_column_named_bahasa_takes_codes_and_names_in_any_case(api):
    retreat = api.retreat(publish=True)
    rows = [official_row(i, bahasa=cell) for i, cell in enumerate(("EN", " Inggris ", "indonesia", "", "id"))]
    body = _imported(api, retreat["id"], csv_bytes(rows, ["nip", "name", "bahasa"], delimiter=";"))
    assert (body["created"], body["errors"], body["ignored_columns"]) == (5, [], [])
    expected = ["en", "en", "id", None, "id"]
    assert [_official(api, nip_number(i))["language"] for i in range(5)] == expected
    invited = api.outbox("participant.invited")
    assert [e["data"]["official"]["language"] for e in invited] == expected


def test_an_xlsx_language_column(api):
    retreat = api.retreat(publish=True)
    data = xlsx_bytes([["198609262015051001", "Budi", "English"], ["198609262015051002", "Siti", "ID"],
                       ["198609262015051003", "Ani", None]], header=["NIP", "Name", "Bahasa"])
    assert _imported(api, retreat["id"], data, "pejabat.xlsx")["created"] == 3
    assert [_official(api, f"19860926201505100{i}")["language"] for i in (1, 2, 3)] == ["en", "id", None]


def test_an_unknown_language_is_an_error_on_its_row_and_a_blank_cell_clears_a_known_officials(api):
    retreat = api.retreat(publish=True)
    columns = COLUMNS + ["language"]
    rows = [official_row(0, language="en"), official_row(1, language="Jawa"),
            official_row(2, language="fr", email="x@")]
    body = _rejected(api, retreat["id"], csv_bytes(rows, columns))
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(2, "language"), (3, "email"), (3, "language")]
    assert body["errors"][0]["message"] == (
        "Bahasa tidak valid; gunakan id (Bahasa Indonesia) atau en (bahasa Inggris).")
    assert _count_officials() == 0
    known = api.official(5, language="en")
    body = _imported(api, retreat["id"], csv_bytes([{**known, "language": ""}], ["nip", "name", "language"]))
    assert (body["created"], body["updated"]) == (1, 1)
    assert _official(api, known["nip"])["language"] is None
    assert api.outbox("participant.updated")[0]["data"]["changed"] == ["language"]


def test_xlsx_with_nip_as_a_float_and_phone_without_its_zero_is_refused_never_guessed(api):
    retreat = api.retreat(publish=True)
    data = xlsx_bytes([[1.98609262015051e17, "Budi", "081234567890"], ["198609262015051002", "Siti", 81234567890],
                       ["198609262015051003", "Ani", 8.12345678e10 + 0.5]], header=["nip", "name", "phone"])
    body = _rejected(api, retreat["id"], data, "pejabat.xlsx")
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(1, "nip"), (2, "phone"), (3, "phone")]
    assert body["errors"][0]["message"] == MSG_NIP_AS_NUMBER
    assert "kehilangan angka 0" in body["errors"][1]["message"]
    assert body["errors"][2]["message"] == MSG_PHONE_AS_NUMBER
    assert _count_officials() == 0


def test_csv_nip_in_scientific_notation_or_rounded_by_a_spreadsheet(api):
    retreat = api.retreat()
    data = b"nip,name\n1.98609E+17,Budi\n198609262015051000,Siti\n"
    errors = _rejected(api, retreat["id"], data)["errors"]
    assert errors[0] == {"row": 1, "field": "nip", "message": MSG_NIP_AS_NUMBER}
    assert errors[1]["row"] == 2 and "berakhiran 000" in errors[1]["message"]


def test_blank_rows_and_unknown_columns(api):
    retreat = api.retreat(publish=True)
    data = (b"No;nip;name;Keterangan\n1;198609262015051001;Budi;hadir\n2;;;\n;;;\n"
            b"4;198609262015051002;Siti;\n5;198609262015053003;Ani;\n")
    body = _rejected(api, retreat["id"], data)
    assert body["ignored_columns"] == ["No", "Keterangan"]
    assert (body["total"], body["valid"], body["invalid"]) == (3, 2, 1)
    assert body["errors"] == [{"row": 5, "field": "nip", "message": MSG_GENDER}]  # row numbers count blank rows


# --------------------------------------------------------------------------- errors per row, all or nothing
def test_several_errors_on_one_row_are_all_reported_in_column_order(api):
    retreat = api.retreat(publish=True)
    bad = official_row(1, name="", position_kind="bupati", rank="V/a", echelon="III", email="budi@localhost",
                       phone="0341-551234")
    body = _rejected(api, retreat["id"], csv_bytes([official_row(0), bad, official_row(2, email="x@")]))
    assert (body["total"], body["valid"], body["invalid"], body["created"]) == (3, 1, 2, 0)
    assert [(e["row"], e["field"]) for e in body["errors"]] == [
        (2, "name"), (2, "position_kind"), (2, "rank"), (2, "echelon"), (2, "email"), (2, "phone"), (3, "email")]
    messages = {e["field"]: e["message"] for e in body["errors"] if e["row"] == 2}
    assert messages["rank"] == "Golongan tidak valid; gunakan I/a sampai IV/e."
    assert messages["email"].startswith("Nama domain setelah tanda @")
    assert "nomor HP (seluler)" in messages["phone"]
    assert body["type"].endswith("/invalid_rows") and body["status"] == 422 and body["code"] == "invalid_rows"
    assert body["detail"].startswith("2 dari 3 baris tidak valid")


def test_all_or_nothing_one_bad_row_writes_no_official_registration_or_event(api):
    from registration.models import Official, Registration
    retreat = api.retreat(publish=True)
    known = api.official(900)
    before = (len(api.outbox()), _count(Official), _count(Registration))
    rows = [official_row(i) for i in range(20)]
    rows.append(official_row(20, nip=known["nip"], name="Nama Baru"))  # would update a known official
    rows.append(official_row(21, email="bukan-email"))
    body = _rejected(api, retreat["id"], csv_bytes(rows))
    assert (body["valid"], body["invalid"], body["created"]) == (21, 1, 0)
    assert (len(api.outbox()), _count(Official), _count(Registration)) == before
    assert _official(api, known["nip"])["name"] == known["name"]


def test_dry_run_checks_and_creates_nothing(api):
    from registration.models import Official, Registration
    retreat = api.retreat(publish=True)
    before = len(api.outbox())
    body = _imported(api, retreat["id"], csv_bytes([official_row(i) for i in range(3)]), query="?dry_run=true")
    assert body == {"total": 3, "valid": 3, "invalid": 0, "created": 0, "errors": [], "dry_run": True,
                    "updated": 0, "waitlisted": 0, "ignored_columns": []}
    assert (_count(Official), _count(Registration), len(api.outbox())) == (0, 0, before)
    # A dry run with invalid rows answers the same 422 as the real import.
    assert _rejected(api, retreat["id"], csv_bytes([official_row(0, rank="X")]), query="?dry_run=1")["invalid"] == 1
    assert _imported(api, retreat["id"], csv_bytes([official_row(0)]), query="?dry_run=false")["created"] == 1


def test_duplicates_inside_the_file_flag_only_the_later_rows(api):
    retreat = api.retreat(publish=True)
    rows = [official_row(0), official_row(1), official_row(2, nip=nip_number(0).replace("2000", " 2000 ")),
            official_row(3), official_row(4, nip=nip_number(0)), official_row(5, nip=nip_number(1))]
    errors = _rejected(api, retreat["id"], csv_bytes(rows))["errors"]
    assert errors == [{"row": 3, "field": "nip", "message": "NIP ini sudah ada di baris 1."},
                      {"row": 5, "field": "nip", "message": "NIP ini sudah ada di baris 1."},
                      {"row": 6, "field": "nip", "message": "NIP ini sudah ada di baris 2."}]


def test_an_official_already_registered_in_this_retreat_is_an_error_on_that_row(api):
    retreat, other = api.retreat(publish=True), api.retreat("LAIN", publish=True)
    registered = api.register(retreat["id"], 7)
    api.register(other["id"], 8)  # registered elsewhere: fine here
    rows = [official_row(0), official_row(1, nip=registered["official"]["nip"]),
            official_row(2, nip=api.nip(8), name="Pejabat Delapan")]
    body = _rejected(api, retreat["id"], csv_bytes(rows))
    assert body["errors"] == [{"row": 2, "field": "nip", "message": "Pejabat dengan NIP ini sudah terdaftar pada "
                                                                    "retret ini."}]


# --------------------------------------------------------------------------- registering: capacity, events
def test_capacity_and_waitlist_apply_to_imported_rows_with_their_events(api):
    retreat = api.retreat(publish=True, capacity=3)
    api.register(retreat["id"], 1)
    body = _imported(api, retreat["id"], csv_bytes([official_row(i) for i in range(4)]))
    assert (body["created"], body["waitlisted"]) == (4, 2)
    items = _registrations(api, retreat["id"])
    assert [(r["number"], r["status"]) for r in items] == [
        (1, "invited"), (2, "invited"), (3, "invited"), (4, "waitlisted"), (5, "waitlisted")]
    assert [r["official"]["nip"] for r in items[1:]] == [nip_number(i) for i in range(4)]
    assert api.outbox_types()[-4:] == ["participant.invited", "participant.invited", "registration.waitlisted",
                                       "registration.waitlisted"]
    invited = api.outbox("participant.invited")[-2:]
    assert [e["data"]["official"]["nip"] for e in invited] == [nip_number(0), nip_number(1)]
    assert invited[0]["data"]["invitation_url"].startswith("http") and invited[0]["retreat_id"] == retreat["id"]


def test_a_draft_retreat_keeps_participant_invited_until_it_is_published(api):
    retreat = api.retreat()
    _imported(api, retreat["id"], csv_bytes([official_row(i) for i in range(3)]))
    assert "participant.invited" not in api.outbox_types()
    api.publish(retreat["id"])
    assert [e["data"]["official"]["nip"] for e in api.outbox("participant.invited")] == [
        nip_number(i) for i in range(3)]


def test_a_known_official_is_updated_with_participant_updated(api):
    retreat, earlier = api.retreat(publish=True), api.retreat("LAMA", publish=True)
    known = api.register(earlier["id"], 5)["official"]
    rows = [official_row(0, nip=known["nip"], name=known["name"], position="Kepala Dinas Kominfo",
                         position_kind=known["position_kind"], unit_code=known["unit_code"],
                         unit_name=known["unit_name"], rank=known["rank"], echelon=known["echelon"],
                         email=known["email"], phone=known["phone"])]
    assert _imported(api, retreat["id"], csv_bytes(rows))["updated"] == 1
    updated = api.outbox("participant.updated")
    assert len(updated) == 1 and updated[0]["data"]["changed"] == ["position"]
    assert _official(api, known["nip"])["position"] == "Kepala Dinas Kominfo"


def test_a_file_without_optional_columns_leaves_a_known_officials_other_data_alone(api):
    retreat = api.retreat(publish=True)
    known = api.official(3)
    body = _imported(api, retreat["id"], csv_bytes([known], columns=["nip", "name"]))
    assert (body["created"], body["updated"]) == (1, 0)
    assert _official(api, known["nip"])["email"] == known["email"]
    assert api.outbox("participant.updated") == []


def test_five_thousand_rows(api):
    retreat = api.retreat(publish=True)
    data = csv_bytes([official_row(i) for i in range(5000)], delimiter=";", bom=True)
    started = time.perf_counter()
    body = _imported(api, retreat["id"], data)
    elapsed = time.perf_counter() - started
    assert (body["total"], body["created"], body["errors"]) == (5000, 5000, [])
    items = _registrations(api, retreat["id"])
    assert len(items) == 500 and items[-1]["number"] == 500
    assert len(api.outbox("participant.invited")) == 5000
    print(f"\n5,000-row import: {elapsed:.1f} s")


def test_every_error_of_a_file_answered_in_the_request_is_listed(api):
    retreat = api.retreat()
    rows = [official_row(i, rank="X", echelon="Y", email="bukan-email") for i in range(1500)]
    body = _rejected(api, retreat["id"], csv_bytes(rows))
    assert (body["invalid"], len(body["errors"])) == (1500, 4500) and "errors_omitted" not in body
    assert {e["field"] for e in body["errors"]} == {"rank", "echelon", "email"}
    assert body["errors"][-1]["row"] == 1500


def test_errors_listed_are_capped_and_the_rest_counted(api, monkeypatch):
    from registration.domain import importing
    monkeypatch.setattr(importing, "MAX_REPORTED_ERRORS", 5)
    retreat = api.retreat()
    body = _rejected(api, retreat["id"], csv_bytes([official_row(i, rank="X", echelon="Y") for i in range(4)]))
    assert (body["invalid"], len(body["errors"]), body["errors_omitted"]) == (4, 5, 3)


# --------------------------------------------------------------------------- rejections of the endpoint
def _file_error(response) -> str:
    assert response.status_code == 422, response.get_json()
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert list(body["errors"]) == ["file"]
    return body["errors"]["file"][0]


def test_no_file(api):
    retreat = api.retreat()
    assert _file_error(_post(api, retreat["id"], None)) == "Wajib diisi."


@pytest.mark.parametrize(("data", "filename", "expected"), [
    (b"", "pejabat.csv", "Berkas kosong."),
    (b"nip;name\r\n", "pejabat.csv", "Berkas tidak memuat satu pun baris data di bawah baris judul."),
    (b"\n \n", "pejabat.csv", "Berkas tidak memuat baris judul kolom"),
    (b"nama;jabatan\nBudi;Camat\n", "pejabat.csv", "Kolom wajib tidak ada pada baris judul: nip, name."),
    (b"%PDF-1.4 ...", "undangan.pdf", "Jenis berkas tidak didukung"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "pejabat.xls", "Format .xls (Excel 97-2003)"),
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "foto.csv", "Berkas CSV bukan teks UTF-8"),
    ("nip;name\n198609262015051001;Andr\u00e9\n".encode("cp1252"), "pejabat.csv", "Berkas CSV bukan teks UTF-8"),
    (b"PK\x03\x04 this is no workbook", "pejabat.xlsx", "Berkas XLSX rusak atau bukan XLSX"),
])
def test_files_that_cannot_be_read_are_422_naming_file(api, data, filename, expected):
    retreat = api.retreat()
    assert _file_error(_post(api, retreat["id"], data, filename)).startswith(expected)


def test_an_xlsx_cut_short_is_422(api):
    retreat = api.retreat()
    data = xlsx_bytes([[official_row(i)[c] for c in COLUMNS] for i in range(50)], header=COLUMNS)
    assert "XLSX rusak" in _file_error(_post(api, retreat["id"], data[: len(data) // 2], "pejabat.xlsx"))


@pytest.mark.parametrize("value", ["yes", "maybe", "TRUE", ""])
def test_bad_dry_run_value(api, value):
    retreat = api.retreat()
    response = _post(api, retreat["id"], csv_bytes([official_row(0)]), query=f"?dry_run={value}")
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"dry_run": ["Harus bernilai true atau false."]}


def test_unknown_retreat_is_404_and_a_cancelled_one_409(api):
    data = csv_bytes([official_row(0)])
    assert _post(api, "7b0c8a4e-2f1d-4c59-9a51-0d7c43b1e5aa", data).status_code == 404
    assert _post(api, "not-a-uuid", data).status_code == 404
    retreat = api.retreat()
    assert api.client.post(f"/api/v1/retreats/{retreat['id']}/cancel", headers=api.admin).status_code == 200
    response = _post(api, retreat["id"], data)
    assert response.status_code == 409 and response.get_json()["code"] == "retreat_cancelled"
    assert _count_officials() == 0


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("operator", 403), ("secretariat", 403)])
def test_only_an_admin_may_import(api, role, status):
    retreat = api.retreat()
    headers = api.headers(role) if role else {}
    response = _post(api, retreat["id"], csv_bytes([official_row(0)]), headers=headers)
    assert response.status_code == status and response.content_type == "application/problem+json"
    assert _count_officials() == 0


def test_an_upload_beyond_the_size_limit_is_413(api, monkeypatch):
    from registration.services import imports
    monkeypatch.setattr(imports, "MAX_UPLOAD_BYTES", 10_000)
    retreat = api.retreat()
    response = _post(api, retreat["id"], csv_bytes([official_row(i) for i in range(100)]))
    assert response.status_code == 413 and response.content_type == "application/problem+json"
    assert _count_officials() == 0


def _count_officials() -> int:
    from registration.models import Official
    return _count(Official)


# --------------------------------------------------------------------------- jobs beyond the request's limit
@pytest.fixture
def small_limit(app, monkeypatch):
    """Files of more than 5 rows become jobs (the contract's 10,000 would make slow tests)."""
    from registration.context import context
    monkeypatch.setenv("IMPORT_SYNC_MAX_ROWS", "5")
    context.__dict__.pop("config", None)
    assert context.config.import_sync_max_rows == 5
    return 5


def _job(api, job_id, headers=None) -> dict:
    response = api.client.get(f"/api/v1/import-jobs/{job_id}", headers=headers or api.admin)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_default_limit_is_the_contracts_10000(app):
    from registration.context import context
    from registration.domain.importing import SYNC_MAX_ROWS
    assert SYNC_MAX_ROWS == context.config.import_sync_max_rows == 10_000


def test_a_file_over_the_limit_is_a_job_run_on_the_bulk_queue(api, small_limit, operator, secretariat):
    from registration import tasks
    from registration.models import ImportJobChunk
    retreat = api.retreat(publish=True, capacity=6)
    response = _post(api, retreat["id"], csv_bytes([official_row(i) for i in range(8)]), "besar.csv")
    assert response.status_code == 202
    job = response.get_json()
    assert response.headers["Location"] == f"/api/v1/import-jobs/{job['id']}"
    assert (job["state"], job["retreat_id"], job["filename"], job["dry_run"]) == (
        "queued", retreat["id"], "besar.csv", False)
    assert _count(ImportJobChunk) == 1 and _registrations(api, retreat["id"]) == []
    for headers in (operator, secretariat):
        assert _job(api, job["id"], headers)["state"] == "queued"

    tasks.import_registrations(job["id"])  # in-process, as the worker runs it
    done = _job(api, job["id"])
    assert done["state"] == "done" and done["progress"] == {"processed": 8, "total": 8}
    assert done["result"] == {"total": 8, "valid": 8, "invalid": 0, "created": 8, "errors": [], "dry_run": False,
                              "updated": 0, "waitlisted": 2, "ignored_columns": []}
    assert done["started_at"] and done["finished_at"]
    assert len(_registrations(api, retreat["id"])) == 8 and len(api.outbox("participant.invited")) == 6
    assert _count(ImportJobChunk) == 0  # the file is gone with the job

    tasks.import_registrations(job["id"])  # delivered twice: nothing imported twice
    assert len(_registrations(api, retreat["id"])) == 8
    trail = _audit(api, retreat_id=retreat["id"], entity="import_jobs")
    assert {e["entity_id"] for e in trail} == {job["id"]}
    assert trail[0]["operation"] == "insert" and trail[0]["changes"]["filename"] == [None, "besar.csv"]  # uploaded
    assert trail[-1]["actor"] == "admin" and trail[-1]["request"] == f"registration.import_registrations (job {job['id']})"
    assert trail[-1]["changes"]["created"] == [None, 8]  # imported by the worker, in the uploader's name


def _audit(api, **filters) -> list[dict]:
    response = api.client.get("/api/v1/audit", query_string=filters, headers=api.admin)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_an_import_is_one_entry_in_the_audit_trail_not_one_per_row(api):
    retreat = api.retreat(publish=True)
    _imported(api, retreat["id"], csv_bytes([official_row(i) for i in range(3)]), query="?dry_run=true")
    _rejected(api, retreat["id"], csv_bytes([official_row(0), official_row(1, nip="1")]))
    assert _audit(api, retreat_id=retreat["id"], entity="registrations") == []  # nothing kept, nothing written
    _imported(api, retreat["id"], csv_bytes([official_row(i) for i in range(3)]))
    [entry] = _audit(api, retreat_id=retreat["id"], entity="registrations")
    assert (entry["actor"], entry["entity_id"], entry["operation"]) == ("admin", "import", "insert")
    assert entry["request"] == "POST /api/v1/retreats/<uuid:retreat_id>/registrations/import"
    assert entry["changes"] == {"total": [None, 3], "created": [None, 3], "updated": [None, 0],
                                "waitlisted": [None, 0]}
    assert _audit(api, entity="officials") == []


def test_a_job_with_invalid_rows_is_done_with_the_422_body_and_creates_nothing(api, small_limit):
    from registration import tasks
    retreat = api.retreat(publish=True)
    rows = [official_row(i) for i in range(7)] + [official_row(1)]
    job = _post(api, retreat["id"], csv_bytes(rows), query="?dry_run=false").get_json()
    tasks.import_registrations(job["id"])
    done = _job(api, job["id"])
    assert done["state"] == "done"
    result = done["result"]
    assert (result["status"], result["code"], result["total"], result["invalid"], result["created"]) == (
        422, "invalid_rows", 8, 1, 0)
    assert result["errors"] == [{"row": 8, "field": "nip", "message": "NIP ini sudah ada di baris 2."}]
    assert _registrations(api, retreat["id"]) == [] and _count_officials() == 0


def test_a_dry_run_job_of_an_xlsx_file(api, small_limit):
    from registration import tasks
    retreat = api.retreat()
    data = xlsx_bytes([[official_row(i)[name] for name in COLUMNS] for i in range(6)], header=COLUMNS)
    job = _post(api, retreat["id"], data, "pejabat.xlsx", query="?dry_run=true")
    assert job.status_code == 202 and job.get_json()["dry_run"] is True
    tasks.import_registrations(job.get_json()["id"])
    done = _job(api, job.get_json()["id"])
    assert (done["state"], done["result"]["valid"], done["result"]["created"]) == ("done", 6, 0)
    assert _count_officials() == 0


def test_a_job_fails_when_the_retreat_was_cancelled_meanwhile(api, small_limit):
    from registration import tasks
    retreat = api.retreat()
    job = _post(api, retreat["id"], csv_bytes([official_row(i) for i in range(6)])).get_json()
    api.client.post(f"/api/v1/retreats/{retreat['id']}/cancel", headers=api.admin)
    tasks.import_registrations(job["id"])
    failed = _job(api, job["id"])
    assert failed["state"] == "failed" and failed["error"]["status"] == 409
    assert failed["error"]["code"] == "retreat_cancelled" and failed["result"] is None
    assert _count_officials() == 0


def test_a_job_whose_file_is_damaged_further_in_fails_naming_file(api, small_limit):
    from registration import tasks
    retreat = api.retreat()
    data = csv_bytes([official_row(i) for i in range(7)]) + "198609262015051001,Andr\u00e9\n".encode("cp1252")
    job = _post(api, retreat["id"], data).get_json()
    tasks.import_registrations(job["id"])
    failed = _job(api, job["id"])
    assert failed["state"] == "failed" and "UTF-8" in failed["error"]["errors"]["file"][0]


def test_an_unknown_job_is_404_and_only_staff_read_jobs(api):
    assert api.client.get("/api/v1/import-jobs/7b0c8a4e-2f1d-4c59-9a51-0d7c43b1e5aa",
                          headers=api.admin).status_code == 404
    assert api.client.get("/api/v1/import-jobs/nope", headers=api.admin).status_code == 404
    assert api.client.get("/api/v1/import-jobs/7b0c8a4e-2f1d-4c59-9a51-0d7c43b1e5aa").status_code == 401


def test_a_job_left_queued_is_sent_again_by_beats_scan(api, small_limit, frozen_clock):
    from datetime import timedelta

    from registration import tasks
    from retret import clock
    retreat = api.retreat()
    job = _post(api, retreat["id"], csv_bytes([official_row(i) for i in range(6)])).get_json()
    assert tasks.resend_import_jobs() == 0  # just sent
    frozen_clock(clock.now() + timedelta(seconds=61))
    assert tasks.resend_import_jobs() == 1
    assert tasks.resend_import_jobs() == 0
    tasks.import_registrations(job["id"])
    assert _job(api, job["id"])["state"] == "done"


def test_a_job_through_a_real_registration_worker(api, small_limit, redis_server):
    """The API stores the file and sends the task; the bulk worker process (as the Procfile starts it) runs it
    from registration.bulk, reading the file from the database."""
    retreat = api.retreat(publish=True)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "--app", "registration.bulk_worker", "worker", "--loglevel", "INFO",
         "--concurrency", "1", "--without-gossip", "--without-mingle", "--hostname", f"import{os.getpid()}@%h"],
        env={**os.environ}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        response = _post(api, retreat["id"], csv_bytes([official_row(i) for i in range(40)]), "besar.csv")
        assert response.status_code == 202
        job_id = response.get_json()["id"]
        deadline = time.monotonic() + 90
        while (job := _job(api, job_id))["state"] not in ("done", "failed") and time.monotonic() < deadline:
            time.sleep(0.5)
        assert job["state"] == "done", job
        assert job["result"]["created"] == 40 and job["progress"] == {"processed": 40, "total": 40}
        assert len(api.outbox("participant.invited")) == 40
    finally:
        os.killpg(worker.pid, 15)
        output = worker.communicate(timeout=30)[0].decode(errors="replace")
    assert "registration.import_registrations" in output, output[-3000:]
