"""Tables as downloads: xlsx workbooks with several sheets and CSV files Norwegian Excel opens as they are."""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# A cell starting with one of these can be read as a formula by a spreadsheet (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Characters Excel does not allow in a sheet's title, and its length limit.
SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "-"))
SHEET_TITLE_MAX = 31
MIN_WIDTH, MAX_WIDTH = 8, 60


@dataclass(frozen=True)
class Sheet:
    """One table: a title (the sheet's name in a workbook), a header row and the rows under it."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]


def neutralise(text: str) -> str:
    """Prefix text a spreadsheet would run as a formula with an apostrophe, so it stays text."""
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _local(value: datetime) -> datetime:
    """Local wall-clock time without a zone (xlsx has no time zones)."""
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def xlsx_cell(value: object) -> object:
    """A value as openpyxl should store it: numbers as numbers, text neutralised, dates local."""
    if value is None:
        return None
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, datetime):
        return _local(value)
    if isinstance(value, date):
        return value
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def csv_cell(value: object) -> str:
    """A value as text for a Norwegian CSV file: decimal comma, local time, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal | float):
        number = _number(Decimal(str(value)))
        return str(number).replace(".", ",")
    if isinstance(value, datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def _sheet_title(title: str, used: set[str]) -> str:
    base = (str(title).translate(SHEET_TITLE_FORBIDDEN).strip() or "Ark")[:SHEET_TITLE_MAX]
    candidate, number = base, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate, number = f"{base[: SHEET_TITLE_MAX - len(suffix)]}{suffix}", number + 1
    used.add(candidate.lower())
    return candidate


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """A workbook with one worksheet per table: bold, frozen header row and columns wide enough to read."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(_sheet_title(sheet.title, used))
        headers = [neutralise(str(header)) for header in sheet.headers]
        worksheet.append(headers)
        widths = [len(header) for header in headers]
        for row in sheet.rows:
            cells = [xlsx_cell(value) for value in row]
            worksheet.append(cells)
            for index, cell in enumerate(cells[: len(widths)]):
                text = cell.strftime("%Y-%m-%d %H:%M") if isinstance(cell, date) else str(cell or "")
                widths[index] = max(widths[index], len(text))
        for cell in worksheet[1]:
            cell.font = bold
        for index, width in enumerate(widths, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
        worksheet.freeze_panes = "A2"
    if not workbook.worksheets:
        workbook.create_sheet("Ark")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(sheet: Sheet) -> str:
    """One table as semicolon-separated text with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(str(header)) for header in sheet.headers])
    for row in sheet.rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue()


def _download(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


def xlsx_response(*, filename: str, sheets: Iterable[Sheet]) -> HttpResponse:
    """Download the tables as an xlsx workbook named ``filename``."""
    return _download(xlsx_bytes(sheets), content_type=XLSX_CONTENT_TYPE, filename=filename)


def csv_response(*, filename: str, sheet: Sheet) -> HttpResponse:
    """Download one table as CSV: UTF-8 with a byte order mark and semicolons, as Norwegian Excel expects."""
    return _download(csv_text(sheet).encode("utf-8-sig"), content_type=CSV_CONTENT_TYPE, filename=filename)
