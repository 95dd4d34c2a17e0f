"""Exports read back as they were written: numbers stay numbers, text that looks like a formula stays text."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

from openpyxl import load_workbook

from dekomp.core.exports import Sheet, csv_response, csv_text, neutralise, xlsx_bytes, xlsx_response

PEOPLE = Sheet(
    "Behovsmeldinger",
    ["Referanse", "Tiltak", "Beløp (kr)", "Andel", "Sendt inn"],
    [
        ["2027-0001", "Lesing i alle fag", Decimal(150000), Decimal("0.35"), datetime(2027, 3, 1, 11, 30, tzinfo=UTC)],
        ["2027-0002", "Språk – æøå", 42, None, None],
    ],
)
LINES = Sheet("Budsjettposter", ["Referanse", "Beløp"], [["2027-0001", Decimal(100000)]])
INJECTIONS = ["=1+1", "+47 22 00 00 00", "-2+3", "@SUM(A1)", "\tTab", "\rCR", '=HYPERLINK("http://evil")']


def test_neutralise_prefixes_formula_starts_only():
    for text in INJECTIONS:
        assert neutralise(text) == f"'{text}"
    assert neutralise("Oslo kommune") == "Oslo kommune"
    assert neutralise("") == ""


def test_xlsx_has_one_sheet_per_table_with_numbers_as_numbers():
    workbook = load_workbook(io.BytesIO(xlsx_bytes([PEOPLE, LINES])))
    assert workbook.sheetnames == ["Behovsmeldinger", "Budsjettposter"]
    sheet = workbook["Behovsmeldinger"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Referanse", "Tiltak", "Beløp (kr)", "Andel", "Sendt inn")
    assert rows[1][2] == 150000 and isinstance(rows[1][2], int)
    assert rows[1][3] == 0.35
    assert rows[1][4] == datetime(2027, 3, 1, 12, 30)  # Oslo time (UTC+1 in March), no zone
    assert rows[2] == ("2027-0002", "Språk – æøå", 42, None, None)
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width >= len("Lesing i alle fag")
    assert workbook["Budsjettposter"]["B2"].value == 100000


def test_xlsx_writes_formula_like_text_as_text():
    sheet = Sheet("Ark", ["Tekst"], [[text] for text in INJECTIONS])
    cells = [row[0] for row in load_workbook(io.BytesIO(xlsx_bytes([sheet])))["Ark"].iter_rows(min_row=2)]
    # XML reads a carriage return back as a line feed; what matters is the apostrophe in front.
    assert [cell.value.replace("\n", "\r") for cell in cells] == [f"'{text}" for text in INJECTIONS]
    assert all(cell.data_type == "s" for cell in cells)


def test_xlsx_sheet_titles_are_valid_and_unique():
    sheets = [Sheet("A/B: [test]?", ["x"], []), Sheet("A/B: [test]?", ["x"], []), Sheet("x" * 40, ["x"], [])]
    names = load_workbook(io.BytesIO(xlsx_bytes(sheets))).sheetnames
    assert names[0] == "A-B- -test--"
    assert names[1] == "A-B- -test-- (2)"
    assert len(names[2]) == 31


def test_csv_is_semicolon_separated_with_decimal_comma():
    rows = list(csv.reader(io.StringIO(csv_text(PEOPLE)), delimiter=";"))
    assert rows[0] == ["Referanse", "Tiltak", "Beløp (kr)", "Andel", "Sendt inn"]
    assert rows[1] == ["2027-0001", "Lesing i alle fag", "150000", "0,35", "2027-03-01 12:30"]
    assert rows[2] == ["2027-0002", "Språk – æøå", "42", "", ""]


def test_csv_neutralises_formula_injection():
    sheet = Sheet("Ark", ["Tekst", "Tall"], [[text, -5] for text in INJECTIONS])
    rows = list(csv.reader(io.StringIO(csv_text(sheet), newline=""), delimiter=";"))[1:]
    assert [row[0] for row in rows] == [f"'{text}" for text in INJECTIONS]
    assert {row[1] for row in rows} == {"-5"}  # a negative number is a number, not a formula


def test_csv_response_has_bom_and_filename():
    response = csv_response(filename="behovsmeldinger æ.csv", sheet=PEOPLE)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert "attachment" in response["Content-Disposition"]
    assert "behovsmeldinger" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text), delimiter=";"))[2][1] == "Språk – æøå"


def test_xlsx_response_is_a_download():
    response = xlsx_response(filename="runde.xlsx", sheets=[PEOPLE])
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="runde.xlsx"'
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["Behovsmeldinger"]
