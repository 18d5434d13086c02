"""Badges: the QR code carrying a registration's badge code (segno), and the printable badges of a retreat (fpdf2).

No database and no Flask here: the use cases hand in what a badge shows."""
from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass

import segno
from fpdf import FPDF

PNG, SVG = "png", "svg"
FORMATS = {PNG: "image/png", SVG: "image/svg+xml"}
A6, A4 = "a6", "a4"
LAYOUTS = (A6, A4)
BADGE_W, BADGE_H = 105.0, 148.0  # mm: an A6 card; four fill an A4 sheet
QR_SIZE = 62.0  # mm, with its quiet zone of QR_BORDER modules
QR_BORDER = 4
MARGIN = 8.0
# Where the four cards of an A4 sheet lie (A4 is 210 × 297 mm: the half-millimetre left over goes between rows).
A4_SLOTS = ((0.0, 0.0), (BADGE_W, 0.0), (0.0, 148.5), (BADGE_W, 148.5))


@dataclass(frozen=True)
class Badge:
    code: str
    name: str
    unit: str | None
    group: str | None
    room: str | None


def qr_code(code: str) -> segno.QRCode:
    """A regular QR code (never a micro QR: phone scanners read every QR) with medium error correction, which
    survives a creased or smudged badge."""
    return segno.make(code, error="m", micro=False)


def qr_image(code: str, fmt: str) -> bytes:
    buffer = io.BytesIO()
    qr_code(code).save(buffer, kind=fmt, scale=10, border=4)
    return buffer.getvalue()


def printable(text: str | None, limit: int) -> str:
    """Text the PDF's built-in font can draw: accents kept where Latin-1 has them, other letters folded to their
    base letter, anything else a '?'; cut to `limit` characters."""
    if not text:
        return ""
    folded = "".join(c if _latin1(c) else unicodedata.normalize("NFKD", c)[0] for c in text)
    safe = folded.encode("latin-1", "replace").decode("latin-1")
    return safe if len(safe) <= limit else safe[: limit - 3].rstrip() + "..."


def _latin1(char: str) -> bool:
    return ord(char) < 256


def badges_pdf(title: str, badges: list[Badge], layout: str) -> bytes:
    """One A6 card per page, or four cards per A4 page with cutting lines."""
    pdf = FPDF(unit="mm", format=(BADGE_W, BADGE_H) if layout == A6 else "A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(printable(title, 200))
    pdf.set_creator("Retret")
    per_page = 1 if layout == A6 else len(A4_SLOTS)
    for index, badge in enumerate(badges):
        if index % per_page == 0:
            pdf.add_page()
            if layout == A4:
                _cutting_lines(pdf)
        x, y = (0.0, 0.0) if layout == A6 else A4_SLOTS[index % per_page]
        _card(pdf, x, y, title, badge)
    return bytes(pdf.output())


def _cutting_lines(pdf: FPDF) -> None:
    pdf.set_draw_color(170)
    pdf.set_line_width(0.2)
    pdf.set_dash_pattern(dash=2, gap=2)
    pdf.line(BADGE_W, 0, BADGE_W, pdf.h)
    pdf.line(0, 148.5, pdf.w, 148.5)
    pdf.set_dash_pattern()


def _card(pdf: FPDF, x: float, y: float, title: str, badge: Badge) -> None:
    width = BADGE_W - 2 * MARGIN
    pdf.set_text_color(60)
    pdf.set_font("Helvetica", "B", 9)
    pdf.set_xy(x + MARGIN, y + MARGIN)
    pdf.multi_cell(width, 4.2, printable(title, 120), align="C", max_line_height=4.2)
    _draw_qr(pdf, badge.code, x + (BADGE_W - QR_SIZE) / 2, y + 22)
    pdf.set_text_color(0)
    pdf.set_xy(x + MARGIN, y + 22 + QR_SIZE + 4)
    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(width, 6, printable(badge.name, 80), align="C")
    pdf.set_font("Helvetica", "", 10)
    pdf.set_x(x + MARGIN)
    pdf.multi_cell(width, 5, printable(badge.unit, 90), align="C")
    placement = "   ".join(part for part in (printable(badge.group, 40), _room(badge.room)) if part)
    if placement:
        pdf.set_font("Helvetica", "B", 12)
        pdf.set_xy(x + MARGIN, y + BADGE_H - MARGIN - 8)
        pdf.cell(width, 8, placement, align="C")


def _draw_qr(pdf: FPDF, code: str, x: float, y: float) -> None:
    """The QR as vector squares (each row's runs of dark modules as one rectangle): sharp at any print size,
    where a scaled image is smoothed by many viewers and printers."""
    rows = [list(row) for row in qr_code(code).matrix_iter(border=QR_BORDER)]
    module = QR_SIZE / len(rows)
    pdf.set_fill_color(0)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            # a hair wider than the run, so neighbouring rows never show a seam when rasterised
            pdf.rect(x + start * module, y + r * module, (c - start) * module, module + 0.01, style="F")


def _room(room: str | None) -> str:
    return f"Kamar {printable(room, 40)}" if room else ""
