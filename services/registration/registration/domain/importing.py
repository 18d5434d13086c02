"""Reading and checking an import file (CSV or XLSX) of officials, row by row: pure, no Flask, no database.

The file is streamed: rows are read one at a time and never gathered in a list, so a 100,000-row file is checked
in bounded memory (what grows is the set of NIPs seen and at most MAX_REPORTED_ERRORS errors).

- Header row (the first non-blank one): the columns in COLUMNS, in any order, in any case, with surrounding spaces;
  a space or a hyphen inside a name counts as "_" ("Unit Code" is unit_code), and "bahasa" is `language`. `nip` and
  `name` are required; other columns are ignored and reported back, so that a "No" or "Keterangan" column does no
  harm.
- `language`: id or en in any case, or the language's name (Indonesia, English, Inggris); a blank cell is none (the
  retreat's language).
- CSV: UTF-8 with or without BOM; `;`, `,` or tab separated (told by which reads more known columns in the header;
  an Excel "sep=;" first line is honoured); any line endings.
- XLSX: the first sheet. Cells keep the type the spreadsheet gave them, which tells a NIP stored as text from one a
  spreadsheet turned into a number: an integer keeps its 18 digits (accepted), a float cannot (refused, never
  guessed), and a phone number that lost its leading 0 is refused the same way.
- Rows are numbered from 1 after the header, blank rows included (so row 5 is the spreadsheet's line 6); a row whose
  known cells are all blank is skipped and counts nowhere else.
"""
from __future__ import annotations

import csv
import itertools
import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import BinaryIO, Callable, Container, Iterable, Iterator

from retret.rules.nip import normalize_nip

from .officials import language_code

COLUMNS = ("nip", "name", "position", "position_kind", "unit_code", "unit_name", "rank", "echelon", "email",
           "phone", "language")
# Other header names of a column: organisers write their spreadsheets in Bahasa Indonesia.
HEADER_ALIASES = {"bahasa": "language"}
REQUIRED = ("nip", "name")
# Up to this many data rows are answered in the request; a larger file becomes a job on the bulk queue.
SYNC_MAX_ROWS = 10_000
# A file is refused beyond this many rows (split it): it bounds how long one job may hold a retreat's lock.
MAX_ROWS = 200_000
# Every error of a file answered in the request is listed (eleven columns of 10,000 rows at the most); only a job's
# file, up to MAX_ROWS, may have more, and there the answer stays bounded (`errors_omitted` counts the rest).
MAX_REPORTED_ERRORS = len(COLUMNS) * SYNC_MAX_ROWS
ALLOWED_EXTENSIONS = ("", "csv", "txt", "xlsx", "xlsm")

CSV, XLSX = "csv", "xlsx"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls) and other old Office files
_DELIMITERS = (",", ";", "\t")
_EXCEL_SEP_LINE = re.compile(r"^sep=(.)\s*$", re.IGNORECASE)
_HEADER_JOINERS = re.compile(r"[\s\-]+")
# "1.98609E+17", "1,98609E+17" (Indonesian decimal comma), "8.12346e10": a number a spreadsheet rounded.
_SCIENTIFIC = re.compile(r"^[+-]?[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+$")
_PHONE_SEPARATORS = re.compile(r"[\s().\-]+")

MSG_EMPTY = "Berkas kosong."
MSG_TYPE = "Jenis berkas tidak didukung; kirim CSV (UTF-8) atau XLSX."
MSG_XLS = "Format .xls (Excel 97-2003) tidak didukung; simpan sebagai .xlsx atau CSV UTF-8."
MSG_NOT_UTF8 = ("Berkas CSV bukan teks UTF-8 (terbaca sampai baris data {row}). Di Excel pilih Simpan Sebagai → "
                "\"CSV UTF-8\", atau kirim XLSX.")
MSG_CSV = ("Berkas CSV tidak dapat dibaca mulai baris data {row}: ada sel yang terlalu panjang (lebih dari 128 "
           "ribu karakter) atau tanda kutip yang tidak ditutup.")
MSG_BAD_XLSX = "Berkas XLSX rusak atau bukan XLSX; buka dan simpan ulang di Excel, atau kirim CSV UTF-8."
MSG_NO_HEADER = "Berkas tidak memuat baris judul kolom (mis. nip;name;position;...)."
MSG_MISSING_COLUMNS = ("Kolom wajib tidak ada pada baris judul: {columns}. Kolom yang dikenal: "
                       + ", ".join(COLUMNS) + ".")
MSG_DUPLICATE_COLUMN = "Kolom '{column}' muncul lebih dari sekali pada baris judul."
MSG_NO_ROWS = "Berkas tidak memuat satu pun baris data di bawah baris judul."
MSG_TOO_MANY_ROWS = f"Berkas memuat lebih dari {MAX_ROWS:_} baris data; bagi menjadi beberapa berkas.".replace("_", ".")
MSG_NIP_AS_NUMBER = ("NIP tersimpan sebagai angka sehingga digitnya hilang (mis. 1,98609E+17). Format kolom NIP "
                     "sebagai Teks di spreadsheet, ketik ulang NIP-nya, lalu unggah lagi.")
MSG_NIP_ROUNDED = ("NIP berakhiran 000: angka terakhirnya kemungkinan hilang karena kolom NIP diformat sebagai "
                   "angka. Format kolom NIP sebagai Teks, ketik ulang NIP-nya, lalu unggah lagi.")
MSG_PHONE_AS_NUMBER = ("Nomor HP tersimpan sebagai angka dalam notasi ilmiah (mis. 8,12346E+10) sehingga digitnya "
                       "hilang. Format kolom phone sebagai Teks, ketik ulang nomornya, lalu unggah lagi.")
MSG_PHONE_LOST_ZERO = ("Nomor HP kehilangan angka 0 di depan (tertulis {value}), biasanya karena kolom diformat "
                       "sebagai angka. Format kolom phone sebagai Teks lalu tulis 08xx, atau tulis +62.")
MSG_DUPLICATE = "NIP ini sudah ada di baris {row}."
MSG_REGISTERED = "Pejabat dengan NIP ini sudah terdaftar pada retret ini."


class FileProblem(Exception):
    """The file as a whole cannot be imported; `message` (Bahasa Indonesia) says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str


@dataclass(frozen=True)
class SheetRow:
    number: int                 # data rows from 1, blank ones included
    cells: dict[str, object]    # the known columns only, as the file typed them


@dataclass
class Sheet:
    columns: dict[str, int]     # known column → its index in a row
    ignored_columns: list[str]
    rows: Iterator[SheetRow]    # the non-blank data rows, streamed


@dataclass(frozen=True)
class CheckedRow:
    number: int
    data: dict | None           # the row's official as the API's schema loads it; None when invalid
    errors: tuple[RowError, ...]

    @property
    def valid(self) -> bool:
        return not self.errors


@dataclass
class Tally:
    """The counts and the errors of an import, as the answer reports them."""
    total: int = 0
    valid: int = 0
    invalid: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_omitted: int = 0

    def add(self, row: CheckedRow) -> None:
        self.total += 1
        if row.valid:
            self.valid += 1
            return
        self.invalid += 1
        room = max(MAX_REPORTED_ERRORS - len(self.errors), 0)
        self.errors.extend(row.errors[:room])
        self.errors_omitted += max(len(row.errors) - room, 0)


# A row validator: the known cells (text or None) → (the loaded data, {} ) or (None, {field: [messages]}).
Validator = Callable[[dict[str, str | None]], tuple[dict | None, dict[str, list[str]]]]


# --------------------------------------------------------------------------- the file
def detect_kind(head: bytes, filename: str | None) -> str:
    """CSV or XLSX, told by the content (the name's extension only refuses what is surely neither)."""
    extension = (filename or "").rsplit(".", 1)[1].lower() if "." in (filename or "") else ""
    if not head:
        raise FileProblem(MSG_EMPTY)
    if head.startswith(_OLE_MAGIC) or extension == "xls":
        raise FileProblem(MSG_XLS)
    if extension not in ALLOWED_EXTENSIONS:
        raise FileProblem(MSG_TYPE)
    return XLSX if head.startswith(_ZIP_MAGIC) else CSV


def open_sheet(stream: BinaryIO, kind: str) -> Sheet:
    """The header of the file in `stream` (read from its start) and an iterator over its data rows."""
    rows = _xlsx_rows(stream) if kind == XLSX else _csv_rows(stream)
    for header in rows:
        if any(_text(cell) for cell in header):
            columns, ignored = map_header(header)
            return Sheet(columns, ignored, _data_rows(rows, columns))
    raise FileProblem(MSG_NO_HEADER)


def count_rows(sheet: Sheet, stop_after: int | None = None) -> int:
    """The non-blank data rows (counting stops once past `stop_after`); a file without any is refused."""
    count = 0
    for _row in sheet.rows:
        count += 1
        if stop_after is not None and count > stop_after:
            break
    sheet.rows.close()
    if count == 0:
        raise FileProblem(MSG_NO_ROWS)
    return count


def map_header(header: list) -> tuple[dict[str, int], list[str]]:
    """Known column → index, and the names of the columns that will be ignored."""
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(header):
        name = _column_name(_text(cell).lstrip("\ufeff"))
        if not name:
            continue
        if name not in COLUMNS:
            ignored.append(_text(cell).strip()[:50])
        elif name in columns:
            raise FileProblem(MSG_DUPLICATE_COLUMN.format(column=name))
        else:
            columns[name] = index
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise FileProblem(MSG_MISSING_COLUMNS.format(columns=", ".join(missing)))
    return columns, ignored[:50]


def _column_name(cell: str) -> str:
    """The known column a header cell names (or the cell, joined and lower-cased, when it names none)."""
    name = _HEADER_JOINERS.sub("_", cell.strip().lower())
    return HEADER_ALIASES.get(name, name)


def _data_rows(rows: Iterator[list], columns: dict[str, int]) -> Iterator[SheetRow]:
    count = 0
    try:
        for number, row in enumerate(rows, start=1):
            cells = {name: row[index] if index < len(row) else None for name, index in columns.items()}
            if all(_blank(value) for value in cells.values()):
                continue
            count += 1
            if count > MAX_ROWS:
                raise FileProblem(MSG_TOO_MANY_ROWS)
            yield SheetRow(number, cells)
    finally:
        rows.close()  # now, not when garbage is collected: the caller reads the stream again


def _csv_rows(stream: BinaryIO) -> Iterator[list[str]]:
    lines = _text_lines(stream)
    first = next(lines, "")
    separator = _EXCEL_SEP_LINE.match(first.strip("\r\n"))
    if separator:
        delimiter, first = separator.group(1), next(lines, "")
    else:
        delimiter = _delimiter(first)
    row = 0
    try:
        for row, cells in enumerate(csv.reader(itertools.chain([first], lines), delimiter=delimiter)):
            yield cells
    except UnicodeDecodeError:
        raise FileProblem(MSG_NOT_UTF8.format(row=row)) from None
    except csv.Error:
        raise FileProblem(MSG_CSV.format(row=row + 1)) from None


def _text_lines(stream: BinaryIO) -> Iterator[str]:
    """The lines of the stream as text, from the first non-blank one, decoded one line at a time (so that a byte
    that is not UTF-8 is found on its line). The line ends stay, for the csv module."""
    lines = _byte_lines(stream)
    try:
        for raw in lines:
            line = raw.decode("utf-8-sig")
            if line.strip():
                yield line
                break
    except UnicodeDecodeError:
        raise FileProblem(MSG_NOT_UTF8.format(row=0)) from None
    for raw in lines:
        yield raw.decode("utf-8")


def _byte_lines(stream: BinaryIO, size: int = 64 * 1024) -> Iterator[bytes]:
    """Lines split on LF, or on CR alone for files from old Mac spreadsheets; no byte of a multi-byte UTF-8
    character is ever one of those two."""
    pending, end = b"", None
    while chunk := stream.read(size):
        pending += chunk
        if end is None:
            end = b"\r" if b"\r" in pending and b"\n" not in pending else b"\n"
        *lines, pending = pending.split(end)
        for line in lines:
            yield line + end
    if pending:
        yield pending


def _delimiter(header_line: str) -> str:
    """The separator that reads the most known column names from the header (then the most columns)."""
    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([header_line], delimiter=delimiter), [])
        known = sum(_column_name(cell) in COLUMNS for cell in cells)
        return known, len(cells)
    return max(_DELIMITERS, key=score)


def _xlsx_rows(stream: BinaryIO) -> Iterator[list]:
    from openpyxl import load_workbook  # only XLSX imports pay for importing openpyxl

    try:
        with warnings.catch_warnings():  # "no default style" and the like: nothing an organiser can act on
            warnings.simplefilter("ignore")
            workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - a corrupt upload raises anything (zip, XML, KeyError): it is the client's 422
        raise FileProblem(MSG_BAD_XLSX) from None
    try:
        if not workbook.worksheets:
            raise FileProblem(MSG_BAD_XLSX)
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception:  # noqa: BLE001 - as above, for damage further into the sheet
                raise FileProblem(MSG_BAD_XLSX) from None
            yield list(row)
    finally:
        workbook.close()


# --------------------------------------------------------------------------- the rows
def check_rows(rows: Iterable[SheetRow], validate: Validator, registered: Container[str]) -> Iterator[CheckedRow]:
    """Every row checked against the API's rules, plus the file's own: a NIP met before in the file (an error on
    each later row only) and an official already registered in the retreat (`registered` NIPs)."""
    first_row_of: dict[str, int] = {}
    for row in rows:
        cells, errors = spreadsheet_damage(row.cells)
        if cells.get("language"):
            cells["language"] = language_code(cells["language"])
        damaged = set(errors)  # left out of validation: what is wrong with them is already said
        data, messages = validate({name: value for name, value in cells.items() if name not in damaged})
        errors.update({name: list(found) for name, found in messages.items() if name not in damaged})
        nip = normalize_nip(cells["nip"]) if "nip" not in errors and cells.get("nip") else None
        if nip is not None:
            if nip in first_row_of:
                errors["nip"] = [MSG_DUPLICATE.format(row=first_row_of[nip])]
            else:
                first_row_of[nip] = row.number
                if nip in registered:
                    errors["nip"] = [MSG_REGISTERED]
        found = tuple(RowError(row.number, name, message) for name in _in_column_order(errors)
                      for message in errors[name])
        yield CheckedRow(row.number, None if found else data, found)


def spreadsheet_damage(raw: dict[str, object]) -> tuple[dict[str, str | None], dict[str, list[str]]]:
    """The cells as text (blank → None), and the errors of values a spreadsheet damaged: a NIP or a phone number
    stored as a number lost digits or its leading 0. Such a value is refused, never repaired by a guess."""
    cells: dict[str, str | None] = {}
    errors: dict[str, list[str]] = {}
    for name, value in raw.items():
        problem = _damage(name, value)
        if problem:
            errors[name] = [problem]
        cells[name] = None if _blank(value) else _cell_text(name, value)
    return cells, errors


def _damage(name: str, value: object) -> str | None:
    if name == "nip":
        if isinstance(value, float) or (isinstance(value, str) and _SCIENTIFIC.match(value.strip())):
            return MSG_NIP_AS_NUMBER
        digits = normalize_nip(_cell_text(name, value)) if not _blank(value) else ""
        if len(digits) == 18 and digits.isdigit() and digits.endswith("000"):
            return MSG_NIP_ROUNDED
    if name == "phone":
        if isinstance(value, float) and not (value.is_integer() and abs(value) < 1e15):
            return MSG_PHONE_AS_NUMBER
        if isinstance(value, str) and _SCIENTIFIC.match(value.strip()):
            return MSG_PHONE_AS_NUMBER
        digits = _PHONE_SEPARATORS.sub("", _cell_text(name, value)) if not _blank(value) else ""
        if digits.isdigit() and digits.startswith("8") and 9 <= len(digits) <= 12:
            return MSG_PHONE_LOST_ZERO.format(value=digits)
    return None


def _cell_text(name: str, value: object) -> str:
    """What the cell reads as text: an integral number without ".0", a date as YYYY-MM-DD."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _in_column_order(errors: dict[str, list[str]]) -> list[str]:
    return sorted(errors, key=lambda name: COLUMNS.index(name) if name in COLUMNS else len(COLUMNS))
