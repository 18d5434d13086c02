"""The import file's pure rules (registration.domain.importing): reading CSV and XLSX as real exports make them,
the header, spreadsheet damage to NIPs and phone numbers, duplicates, and the tally."""
from __future__ import annotations

import io

import pytest

from registration.domain import importing
from registration.domain.importing import (
    CSV, MSG_DUPLICATE, MSG_NIP_AS_NUMBER, MSG_NIP_ROUNDED, MSG_PHONE_AS_NUMBER, MSG_REGISTERED, XLSX, FileProblem,
    RowError, SheetRow, Tally, check_rows, count_rows, detect_kind, map_header, open_sheet, spreadsheet_damage,
)
from retret_testing.files import xlsx_bytes

NIP = "198609262015051001"


def _rows(data: bytes, kind: str = CSV) -> tuple[importing.Sheet, list[importing.SheetRow]]:
    sheet = open_sheet(io.BytesIO(data), kind)
    return sheet, list(sheet.rows)


def _problem(step) -> str:
    with pytest.raises(FileProblem) as excinfo:
        step()
    return excinfo.value.message


# --------------------------------------------------------------------------- the file
@pytest.mark.parametrize(("head", "name", "kind"), [
    (b"nip,name", "pejabat.csv", CSV), (b"nip;name", None, CSV), (b"nip,name", "PEJABAT.TXT", CSV),
    (b"PK\x03\x04rest", "pejabat.xlsx", XLSX), (b"PK\x03\x04rest", "pejabat", XLSX),
])
def test_kind_is_told_by_the_content(head, name, kind):
    assert detect_kind(head, name) == kind


@pytest.mark.parametrize(("head", "name", "expected"), [
    (b"", "a.csv", importing.MSG_EMPTY),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a.xls", importing.MSG_XLS),
    (b"nip,name", "a.xls", importing.MSG_XLS),
    (b"%PDF-1.4", "surat.pdf", importing.MSG_TYPE),
    (b"PK\x03\x04", "a.ods", importing.MSG_TYPE),
])
def test_kinds_that_are_refused(head, name, expected):
    assert _problem(lambda: detect_kind(head, name)) == expected


def test_csv_with_bom_semicolons_crlf_and_header_spaces_and_case():
    data = "\ufeff NIP ;Name ; Unit Code;PHONE\r\n19860926 201505 1 001;Budi, S.T.;SETDA;0812 3456 7890\r\n".encode()
    sheet, rows = _rows(data)
    assert sheet.columns == {"nip": 0, "name": 1, "unit_code": 2, "phone": 3}
    assert rows == [SheetRow(1, {"nip": "19860926 201505 1 001", "name": "Budi, S.T.", "unit_code": "SETDA",
                                 "phone": "0812 3456 7890"})]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_the_one_that_reads_the_known_columns(delimiter):
    data = delimiter.join(["name", "nip", "position"]) + "\n" + delimiter.join(
        ["Siti; S.E.", NIP, "Camat, Klojen"]).replace("Siti; S.E.", '"Siti; S.E."').replace(
        "Camat, Klojen", '"Camat, Klojen"') + "\n"
    _sheet, rows = _rows(data.encode())
    assert rows[0].cells == {"name": "Siti; S.E.", "nip": NIP, "position": "Camat, Klojen"}


def test_excel_sep_line_and_leading_blank_lines_and_quoted_newlines():
    data = b"sep=;\r\n\r\nnip;name;position\r\n" + NIP.encode() + b';Budi;"Kepala Bagian\r\nUmum"\r\n'
    _sheet, rows = _rows(data)
    assert rows[0].cells["position"] == "Kepala Bagian\r\nUmum"


def test_blank_rows_are_skipped_but_keep_their_numbers_and_extra_columns_are_ignored():
    data = b"No,nip,name,Keterangan\n1,198609262015051001,Budi,x\n2,,,\n,,,\n4,198609262015051002,Siti\n"
    sheet, rows = _rows(data)
    assert sheet.ignored_columns == ["No", "Keterangan"]
    assert [row.number for row in rows] == [1, 4]
    assert rows[1].cells == {"nip": "198609262015051002", "name": "Siti"}  # a short row: the rest is blank
    assert count_rows(open_sheet(io.BytesIO(data), CSV)) == 2


def test_count_rows_stops_once_past_the_limit_and_refuses_a_file_without_rows():
    data = ("nip,name\n" + "".join(f"{NIP},Budi\n" for _ in range(50))).encode()
    assert count_rows(open_sheet(io.BytesIO(data), CSV), stop_after=10) == 11
    assert _problem(lambda: count_rows(open_sheet(io.BytesIO(b"nip,name\r\n\r\n"), CSV))) == importing.MSG_NO_ROWS


@pytest.mark.parametrize(("header", "missing"), [(b"name,email", "nip"), (b"nip;nama", "name"),
                                                 (b"NIP_PEGAWAI,NAMA", "nip, name")])
def test_missing_required_columns_are_named(header, missing):
    message = _problem(lambda: open_sheet(io.BytesIO(header + b"\nx,y\n"), CSV))
    assert message.startswith(f"Kolom wajib tidak ada pada baris judul: {missing}.")


def test_a_column_twice_is_refused():
    assert "'nip'" in _problem(lambda: map_header(["nip", "name", " NIP "]))
    assert "'language'" in _problem(lambda: map_header(["nip", "name", "language", "Bahasa"]))


@pytest.mark.parametrize("header", ["language", " Language ", "BAHASA", "bahasa"])
def test_the_language_column_is_named_language_or_bahasa(header):
    assert map_header(["nip", "name", header]) == ({"nip": 0, "name": 1, "language": 2}, [])


def test_bahasa_counts_as_a_known_column_when_telling_the_delimiter():
    sheet, rows = _rows(b"nip;name;bahasa\n198609262015051001;Budi, S.T.;en\n")
    assert sheet.columns == {"nip": 0, "name": 1, "language": 2}
    assert rows == [SheetRow(1, {"nip": NIP, "name": "Budi, S.T.", "language": "en"})]


@pytest.mark.parametrize("data", [b"", b"\n\n  \n"])
def test_no_header(data):
    assert _problem(lambda: open_sheet(io.BytesIO(data), CSV)) == importing.MSG_NO_HEADER


def test_csv_that_is_not_utf8_names_how_far_it_was_read():
    data = "nip,name\n198609262015051001,Budi\n198609262015051002,Andr\u00e9\n".encode("latin-1")
    message = _problem(lambda: _rows(data))
    assert "UTF-8" in message and "baris data 1" in message


def test_utf16_export_is_not_utf8():
    assert "UTF-8" in _problem(lambda: _rows("nip\tname\n".encode("utf-16")))


def test_xlsx_first_sheet_with_typed_cells():
    data = xlsx_bytes([[None], ["Name", "NIP", "Phone"], ["Budi", 198609262015051001, 6281234567890],
                  [None, None, None], ["Siti", "198609262015051002", "0812-3456-7890"]])
    sheet, rows = _rows(data, XLSX)
    assert sheet.columns == {"name": 0, "nip": 1, "phone": 2}
    assert rows == [SheetRow(1, {"name": "Budi", "nip": 198609262015051001, "phone": 6281234567890}),
                    SheetRow(3, {"name": "Siti", "nip": "198609262015051002", "phone": "0812-3456-7890"})]


@pytest.mark.parametrize("data", [b"PK\x03\x04 not really a zip", xlsx_bytes([["nip", "name"]])[:300]])
def test_corruptxlsx_bytes(data):
    assert _problem(lambda: _rows(data, XLSX)) == importing.MSG_BAD_XLSX


# --------------------------------------------------------------------------- cells
@pytest.mark.parametrize(("raw", "text"), [
    (198609262015051001, NIP), ("198609262015051001", NIP), (" 19860926 201505 1 001 ", " 19860926 201505 1 001 "),
])
def test_nip_cells_that_kept_their_digits(raw, text):
    cells, errors = spreadsheet_damage({"nip": raw})
    assert (cells, errors) == ({"nip": text}, {})


@pytest.mark.parametrize("raw", [1.98609262015051e17, 198609262015051001.0, "1.98609E+17", "1,98609E+17",
                                 " 1.98609262015051E17 "])
def test_nip_stored_as_a_floating_number_is_refused_never_guessed(raw):
    assert spreadsheet_damage({"nip": raw})[1] == {"nip": [MSG_NIP_AS_NUMBER]}


@pytest.mark.parametrize("raw", ["198609262015051000", 198609262015051000])
def test_nip_whose_last_digits_a_spreadsheet_rounded_to_000(raw):
    assert spreadsheet_damage({"nip": raw})[1] == {"nip": [MSG_NIP_ROUNDED]}


@pytest.mark.parametrize("raw", [81234567890, 81234567890.0, "81234567890", "812-3456-7890"])
def test_phone_that_lost_its_leading_zero(raw):
    errors = spreadsheet_damage({"phone": raw})[1]
    assert errors["phone"][0].startswith("Nomor HP kehilangan angka 0 di depan (tertulis 81234567890)")


@pytest.mark.parametrize("raw", [8.12346e10 + 0.5, "8.12346E+10", "8,12346E+10"])
def test_phone_in_scientific_notation(raw):
    assert spreadsheet_damage({"phone": raw})[1] == {"phone": [MSG_PHONE_AS_NUMBER]}


def test_phone_written_with_62_as_a_number_keeps_all_digits():
    assert spreadsheet_damage({"phone": 6281234567890}) == ({"phone": "6281234567890"}, {})


def test_other_cells_as_text_and_blanks_as_no_value():
    from datetime import datetime
    cells, errors = spreadsheet_damage({"unit_code": 3573.0, "name": "  ", "position": None, "rank": True,
                                        "unit_name": datetime(2025, 5, 16), "email": 1.5})
    assert errors == {}
    assert cells == {"unit_code": "3573", "name": None, "position": None, "rank": "TRUE",
                     "unit_name": "2025-05-16", "email": "1.5"}


# --------------------------------------------------------------------------- rows
def _validate(cells):
    """A stand-in for the API schema: nip and name required, email must hold an @."""
    errors = {name: ["Wajib diisi."] for name in ("nip", "name") if not cells.get(name)}
    if cells.get("email") and "@" not in cells["email"]:
        errors["email"] = ["Alamat email harus memuat tanda @."]
    return (None, errors) if errors else (dict(cells), {})


def _checked(rows, registered=()):
    return list(check_rows([SheetRow(n, cells) for n, cells in rows], _validate, set(registered)))


def test_a_nip_met_before_is_an_error_on_each_later_row_only():
    other = "198609262015051002"
    checked = _checked([(1, {"nip": NIP, "name": "A"}), (2, {"nip": other, "name": "B"}),
                        (3, {"nip": "19860926 201505 1 001", "name": "C"}), (5, {"nip": NIP, "name": "D"})])
    assert [row.valid for row in checked] == [True, True, False, False]
    assert checked[2].errors == (RowError(3, "nip", MSG_DUPLICATE.format(row=1)),)
    assert checked[3].errors[0].message == "NIP ini sudah ada di baris 1."


def test_a_first_occurrence_with_other_errors_still_makes_later_ones_duplicates():
    checked = _checked([(1, {"nip": NIP, "name": "A", "email": "x"}), (2, {"nip": NIP, "name": "B"})])
    assert [error.field for error in checked[0].errors] == ["email"]
    assert [error.field for error in checked[1].errors] == ["nip"]


@pytest.mark.parametrize(("cell", "code"), [
    ("id", "id"), ("ID", "id"), (" En ", "en"), ("Indonesia", "id"), ("bahasa  Indonesia", "id"),
    ("English", "en"), ("INGGRIS", "en"), ("Bahasa Inggris", "en"), (None, None), ("  ", None),
    ("Jawa", "Jawa"),  # left as written: the schema refuses it with its message
])
def test_a_language_cell_is_read_as_its_code(cell, code):
    [row] = _checked([(1, {"nip": NIP, "name": "A", "language": cell})])
    assert row.data["language"] == code


def test_already_registered():
    checked = _checked([(1, {"nip": NIP, "name": "A"})], registered=[NIP])
    assert checked[0].errors == (RowError(1, "nip", MSG_REGISTERED),)


def test_every_error_of_a_row_in_column_order_and_a_damaged_cell_is_not_validated_again():
    checked = _checked([(7, {"email": "x", "phone": 81234567890, "name": None, "nip": 1.98e17})])
    assert [(error.row, error.field) for error in checked[0].errors] == [
        (7, "nip"), (7, "name"), (7, "email"), (7, "phone")]
    assert checked[0].errors[0].message == MSG_NIP_AS_NUMBER  # not also "Wajib diisi."
    assert checked[0].data is None


def test_tally_counts_rows_and_lists_at_most_the_maximum_of_errors(monkeypatch):
    monkeypatch.setattr(importing, "MAX_REPORTED_ERRORS", 3)
    tally = Tally()
    for row in _checked([(1, {"nip": NIP, "name": "A"}), (2, {"email": "x"}), (3, {"email": "x"})]):
        tally.add(row)
    assert (tally.total, tally.valid, tally.invalid) == (3, 1, 2)
    assert len(tally.errors) == 3 and tally.errors_omitted == 3


def test_an_unclosed_quote_that_swallows_the_rest_of_the_file_is_a_file_problem():
    data = b'nip,name\n198609262015051001,"Budi\n' + b"198609262015051002,Siti\n" * 10_000
    assert _problem(lambda: _rows(data)).startswith("Berkas CSV tidak dapat dibaca mulai baris data 1:")
