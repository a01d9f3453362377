"""Reading a class list: a CSV or .xlsx file, or a pasted list, into plain rows.

Nothing is asked of the person: the encoding (UTF-8 with or without BOM, UTF-16 LE/BE with
BOM, Windows-1252 as the fallback), the delimiter (comma, semicolon, tab), the header's case,
order and stray spaces, CRLF, blank lines and quoted fields are all worked out here. Whatever
the bytes, the result is rows or an ``ImportFileError`` with a message for the person; no other
exception leaves this module.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

COLUMNS = ("full_name", "email", "user_type", "course_code")
REQUIRED = ("full_name", "email")
ALIASES = {
    "full_name": "full_name", "fullname": "full_name", "name": "full_name", "student": "full_name",
    "student_name": "full_name",
    "email": "email", "e_mail": "email", "email_address": "email", "e_mail_address": "email", "mail": "email",
    "user_type": "user_type", "usertype": "user_type", "role": "user_type", "type": "user_type",
    "course_code": "course_code", "coursecode": "course_code", "course": "course_code", "code": "course_code",
}
XLSX_MAX_UNCOMPRESSED = 50 * 1024 * 1024  # a 2 MB upload that inflates past this is refused
MAX_CELL = 1000  # characters kept of one cell: enough for any name or address


class ImportFileError(Exception):
    """The whole file cannot be read; ``str(error)`` is the message for the person."""


@dataclass
class ParsedRow:
    line: int  # the line (CSV, pasted) or row (.xlsx) where the record starts, 1-based
    values: dict[str, str]
    error: str = ""  # a row that cannot be read as the header says (column count)


@dataclass
class ParsedFile:
    rows: list[ParsedRow] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    kind: str = "csv"

    @property
    def description(self) -> str:
        if self.kind == "xlsx":
            return _("Excel workbook (first sheet)")
        if self.kind == "list":
            return _("pasted list")
        names = {",": _("comma"), ";": _("semicolon"), "\t": _("tab")}
        return _("%(encoding)s text, %(delimiter)s-separated") % {
            "encoding": self.encoding, "delimiter": names.get(self.delimiter, self.delimiter)
        }


def max_rows() -> int:
    return settings.INVITATIONS_IMPORT_MAX_ROWS


def max_bytes() -> int:
    return settings.INVITATIONS_IMPORT_MAX_BYTES


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _("The list has more than %(max)s people. Split it into files of at most %(max)s rows.")
        % {"max": f"{max_rows():,}"}
    )


def _too_large() -> ImportFileError:
    return ImportFileError(
        _("The file is larger than %(mb)s MB. Split it into smaller files.") % {"mb": f"{max_bytes() / 1048576:g}"}
    )


# --- Files ----------------------------------------------------------------------------------


def parse_file(data: bytes, *, name: str = "") -> ParsedFile:
    if len(data) > max_bytes():
        raise _too_large()
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data[:4] == b"PK\x03\x04":
        return parse_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(
            _("This is an old Excel file (.xls). Save it as .xlsx or CSV in Excel and upload that.")
        )
    text, encoding = decode(data)
    return parse_text(text, encoding=encoding)


def decode(data: bytes) -> tuple[str, str]:
    """The text of the bytes and the name of the encoding found."""
    for bom, codec, label in (
        (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
        (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
    ):
        if data.startswith(bom):
            try:
                return _text_only(data.decode(codec)), label
            except UnicodeDecodeError:
                raise ImportFileError(
                    _("The file says it is %(encoding)s text but is not. Save it again as CSV (UTF-8).")
                    % {"encoding": label}
                ) from None
    if b"\x00" in data:
        raise _not_text()
    try:
        return _text_only(data.decode("utf-8")), "UTF-8"
    except UnicodeDecodeError:
        # Windows-1252 leaves five bytes undefined; they are not in any real name list.
        try:
            return _text_only(data.decode("cp1252")), "Windows-1252"
        except UnicodeDecodeError:
            raise _not_text() from None


def _not_text() -> ImportFileError:
    return ImportFileError(
        _("This file is neither a spreadsheet (.xlsx) nor a text file (CSV). Upload a .xlsx or .csv file.")
    )


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text_only(text: str) -> str:
    """Refuse binary data that happened to decode: text files have (almost) no control bytes."""
    controls = len(_CONTROL.findall(text[:20000]))
    if "\x00" in text or controls > max(3, len(text[:20000]) // 200):
        raise _not_text()
    return _CONTROL.sub("", text)


def normalise_header(cell: str) -> str:
    key = re.sub(r"[\s\-.]+", "_", str(cell).strip().strip("\ufeff").strip().lower()).strip("_")
    return ALIASES.get(key, key)


def _header_error(found: list[str]) -> ImportFileError:
    shown = ", ".join(f"“{cell.strip()}”" for cell in found if cell.strip()) or _("nothing")
    return ImportFileError(
        _(
            "The first row must name the columns. Expected: full_name, email, user_type and, "
            "optionally, course_code (in any order). Found: %(found)s."
        )
        % {"found": shown}
    )


def _columns(header: list[str]) -> list[str]:
    columns = [normalise_header(cell) for cell in header]
    if not all(column in columns for column in REQUIRED):
        raise _header_error(header)
    seen = set()
    for column in columns:
        if column in COLUMNS and column in seen:
            raise ImportFileError(_("The column “%(column)s” appears twice in the header.") % {"column": column})
        seen.add(column)
    return columns


def _detect_delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    best, best_score = ",", (-1, -1)
    for delimiter in (",", ";", "\t"):
        try:
            cells = next(csv.reader([first], delimiter=delimiter))
        except (csv.Error, StopIteration):
            continue
        known = sum(normalise_header(cell) in COLUMNS for cell in cells)
        score = (known, len(cells))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def parse_text(text: str, *, encoding: str = "UTF-8") -> ParsedFile:
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    delimiter = _detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    parsed = ParsedFile(encoding=encoding, delimiter=delimiter, kind="csv")
    try:
        header, start = None, 1
        for record in reader:
            line, start = start, reader.line_num + 1
            cells = [cell[:MAX_CELL] for cell in record]
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = cells
                parsed.columns = _columns(header)
                continue
            _add_row(parsed, line, cells)
    except csv.Error as error:
        raise ImportFileError(
            _("The file could not be read as CSV near line %(line)s: %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from None
    if header is None:
        raise ImportFileError(_("The file is empty."))
    return parsed


def _add_row(parsed: ParsedFile, line: int, cells: list[str]) -> None:
    width = len(parsed.columns)
    # Spreadsheets pad rows with empty trailing cells: those are not extra columns.
    while len(cells) > width and not cells[-1].strip():
        cells.pop()
    error = ""
    if len(cells) != width:
        error = _("This row has %(found)s columns; the header has %(expected)s.") % {
            "found": len(cells), "expected": width
        }
    values = {column: cell.strip() for column, cell in zip(parsed.columns, cells) if column in COLUMNS}
    if len(parsed.rows) >= max_rows():
        raise _too_many_rows()
    parsed.rows.append(ParsedRow(line=line, values=values, error=error))


def parse_xlsx(data: bytes) -> ParsedFile:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > XLSX_MAX_UNCOMPRESSED:
                raise ImportFileError(_("This workbook is too large once unpacked. Save it as CSV and upload that."))
            if "xl/workbook.xml" not in archive.namelist():
                raise ImportFileError(_("This ZIP file is not an Excel workbook (.xlsx)."))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ImportFileError(_("This file looks like a workbook but cannot be opened. Save it again as .xlsx.")) from None
    parsed = ParsedFile(encoding="", delimiter="", kind="xlsx")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            header = None
            for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=26), start=1):
                cells = [_cell_text(value) for value in values]
                if not any(cell.strip() for cell in cells):
                    continue
                if header is None:
                    while cells and not cells[-1].strip():
                        cells.pop()
                    header = cells
                    parsed.columns = _columns(header)
                    continue
                _add_row(parsed, number, cells)
        finally:
            workbook.close()
    except ImportFileError:
        raise
    except Exception:  # openpyxl raises many kinds of error on damaged workbooks
        raise ImportFileError(_("This workbook cannot be read. Open it in Excel and save it again as .xlsx.")) from None
    if header is None:
        raise ImportFileError(_("The workbook's first sheet is empty."))
    return parsed


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)[:MAX_CELL]


# --- Pasted lists ---------------------------------------------------------------------------

_NAME_ADDR = re.compile(r"^\s*(?P<name>.*?)\s*<\s*(?P<email>[^<>\s]+)\s*>\s*$")


def parse_pasted(text: str) -> ParsedFile:
    """One person a line: ``Name <email>``, ``email``, or ``name, email`` (also ``;`` or tab).
    A pasted CSV with a header row is read as a file."""
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes():
        raise _too_large()
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise ImportFileError(_("The list is empty."))
    delimiter = _detect_delimiter(first)
    if sum(normalise_header(cell) in COLUMNS for cell in first.split(delimiter)) >= 2:
        return parse_text(_text_only(text), encoding="UTF-8")
    parsed = ParsedFile(kind="list", columns=["full_name", "email"])
    for number, raw in enumerate(lines, start=1):
        line = _CONTROL.sub("", raw).strip()[:MAX_CELL]
        if not line:
            continue
        if len(parsed.rows) >= max_rows():
            raise _too_many_rows()
        match = _NAME_ADDR.match(line)
        if match:
            name, email = match["name"].strip().strip('"').strip(), match["email"]
        else:
            parts = [part.strip() for part in re.split(r"[,;\t]", line)]
            parts = [part for part in parts if part]
            if len(parts) == 1:
                name, email = "", parts[0]
            elif len(parts) == 2:
                name, email = parts
                if "@" in name and "@" not in email:  # "email, name"
                    name, email = email, name
            else:
                parsed.rows.append(ParsedRow(number, {"full_name": "", "email": line},
                                             _("Write one person a line: “Name <email>”, “email” or “name, email”.")))
                continue
        parsed.rows.append(ParsedRow(number, {"full_name": name, "email": email}))
    return parsed


# --- Templates ------------------------------------------------------------------------------

TEMPLATE_ROWS = [
    ("full_name", "email", "user_type", "course_code"),
    ("Ada Lovelace", "ada@example.org", "student", "MATH-7B"),
    ("Alan Turing", "alan@example.org", "student", ""),
]


def template_csv() -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(TEMPLATE_ROWS)
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")  # the BOM makes Excel read UTF-8


def template_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Invitations"
    for row in TEMPLATE_ROWS:
        sheet.append(list(row))
    for column, width in zip("ABCD", (24, 30, 12, 14)):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
