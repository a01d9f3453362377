"""A corpus of awkward class lists, made by the tests (nothing is checked in)."""

from __future__ import annotations

import codecs
import io

from openpyxl import Workbook

HEADER = ["full_name", "email", "user_type", "course_code"]


def rows(n: int, *, course: str = "", domain: str = "school.test") -> list[list[str]]:
    return [[f"Pupil {i}", f"pupil{i}@{domain}", "student", course] for i in range(1, n + 1)]


def csv_text(table: list[list[str]], *, delimiter: str = ",", newline: str = "\n") -> str:
    def cell(value: str) -> str:
        if any(c in value for c in (delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    return newline.join(delimiter.join(cell(v) for v in row) for row in table) + newline


def utf8_bom(table) -> bytes:
    return codecs.BOM_UTF8 + csv_text(table).encode("utf-8")


def utf16_tabs(table, *, big_endian: bool = False) -> bytes:
    """What Excel's "Unicode text" writes: UTF-16 with a BOM, tab-separated, CRLF."""
    text = csv_text(table, delimiter="\t", newline="\r\n")
    if big_endian:
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return codecs.BOM_UTF16_LE + text.encode("utf-16-le")


def cp1252_semicolons(table) -> bytes:
    """What Excel in a French or German locale writes for "CSV": Windows-1252, ';', CRLF."""
    return csv_text(table, delimiter=";", newline="\r\n").encode("cp1252")


def xlsx(table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in table:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
