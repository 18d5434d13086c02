"""Import files as real exports make them, for tests and benchmarks: CSV (any separator, BOM, line ends) and XLSX
(typed cells, including 18-digit integers, which openpyxl itself would write rounded)."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, timedelta
from typing import Iterable

from openpyxl import Workbook

COLUMNS = ["nip", "name", "position", "position_kind", "unit_code", "unit_name", "rank", "echelon", "email", "phone"]
PHONES = ("0812-3456-7890", "+62 813 1234 5678", "6285712345678", "0878.1234.5678")


def nip_number(i: int) -> str:
    """The i-th of many distinct valid NIPs (i from 0): born from 1970 on, appointed 2000-01, sequence 1-999."""
    birth = date(1970, 1, 1) + timedelta(days=i // 999)
    return f"{birth:%Y%m%d}200001{1 + i % 2}{1 + i % 999:03d}"


def official_row(i: int, **overrides) -> dict:
    """A whole, valid row for official number i (from 0)."""
    row = {
        "nip": nip_number(i), "name": f"Pejabat Nomor {i}, S.Sos.", "position": "Lurah Oro-oro Dowo",
        "position_kind": "lurah", "unit_code": "35.73.03.1001", "unit_name": "Kelurahan Oro-oro Dowo",
        "rank": "III/d", "echelon": "IV.a", "email": f"pejabat{i}@malangkota.go.id", "phone": PHONES[i % len(PHONES)],
    }
    row.update(overrides)
    return row


def csv_bytes(rows: Iterable[dict], columns: list[str] | None = None, delimiter: str = ",", bom: bool = False,
              newline: str = "\r\n", headers: list[str] | None = None) -> bytes:
    """`rows` (dicts) as CSV; `headers` replaces the written names of `columns` (shuffled case, spaces)."""
    columns = columns or COLUMNS
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(headers or columns)
    for row in rows:
        writer.writerow(["" if row.get(name) is None else row.get(name) for name in columns])
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def xlsx_bytes(rows: Iterable[list], header: list | None = None) -> bytes:
    """`rows` (lists of typed cells) in the first sheet of an XLSX; integers of 16 digits or more keep every digit
    (openpyxl writes numbers with 16 significant digits, so they are patched into the sheet's XML afterwards)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    exact: list[int] = []

    def cell(value):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
            exact.append(value)
            return f"__INT_{len(exact) - 1}__"
        return value

    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append([cell(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return _exact_integers(out.getvalue(), exact) if exact else out.getvalue()


_PLACEHOLDER = re.compile(rb'<c r="([A-Z]+[0-9]+)"([^>]*) t="inlineStr"><is><t>__INT_([0-9]+)__</t></is></c>')


def _exact_integers(data: bytes, values: list[int]) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                content = _PLACEHOLDER.sub(
                    lambda m: b'<c r="%s"%s t="n"><v>%d</v></c>' % (m.group(1), m.group(2), values[int(m.group(3))]),
                    content)
            target.writestr(item, content)
    return out.getvalue()
