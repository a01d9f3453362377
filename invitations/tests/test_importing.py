"""Reading class lists: the corpus of awkward files, and any bytes at all."""

import codecs

import pytest
from hypothesis import HealthCheck, given, settings as hsettings
from hypothesis import strategies as st

from invitations.importing import ImportFileError, parse_file, parse_pasted, template_csv, template_xlsx

from . import files

NAMES = [
    ["Zoë Ångström", "zoe@school.test", "student", "MATH-7B"],
    ["François Müller", "francois@school.test", "Student", ""],
    ['O\'Brien, "Pat"', "pat@school.test", "student", ""],
]


def values(parsed):
    return [(row.values.get("full_name"), row.values.get("email")) for row in parsed.rows]


@pytest.mark.parametrize(
    "data, encoding, delimiter",
    [
        (files.utf8_bom([files.HEADER, *NAMES]), "UTF-8", ","),
        (files.csv_text([files.HEADER, *NAMES]).encode(), "UTF-8", ","),
        (files.utf16_tabs([files.HEADER, *NAMES]), "UTF-16", "\t"),
        (files.utf16_tabs([files.HEADER, *NAMES], big_endian=True), "UTF-16", "\t"),
        (files.cp1252_semicolons([files.HEADER, *NAMES]), "Windows-1252", ";"),
    ],
    ids=["utf8-bom", "utf8", "utf16le-tabs", "utf16be-tabs", "cp1252-semicolons"],
)
def test_encodings_and_delimiters_are_detected(data, encoding, delimiter):
    parsed = parse_file(data)
    assert (parsed.encoding, parsed.delimiter) == (encoding, delimiter)
    assert values(parsed) == [(name, email) for name, email, *_ in NAMES]
    assert parsed.rows[0].values["course_code"] == "MATH-7B"
    assert all(not row.error for row in parsed.rows)


def test_header_case_order_spaces_crlf_blank_lines_and_quotes():
    text = (
        "\r\n"
        " E-Mail ; Full Name ;ROLE\r\n"
        "\r\n"
        'ada@school.test;"Lovelace; Ada ""the first""";student\r\n'
        "   \r\n"
        "alan@school.test;Alan Turing;teacher\r\n"
    )
    parsed = parse_file(text.encode("cp1252"))
    assert parsed.columns == ["email", "full_name", "user_type"]
    assert values(parsed) == [('Lovelace; Ada "the first"', "ada@school.test"), ("Alan Turing", "alan@school.test")]
    assert [row.line for row in parsed.rows] == [4, 6]


def test_a_multi_line_quoted_field_is_one_row():
    text = 'full_name,email,user_type\n"Ada\nLovelace",ada@school.test,student\nAlan,alan@school.test,student\n'
    parsed = parse_file(text.encode())
    assert values(parsed) == [("Ada\nLovelace", "ada@school.test"), ("Alan", "alan@school.test")]
    assert [row.line for row in parsed.rows] == [2, 4]


def test_a_row_with_another_column_count_is_an_error_for_that_row_only():
    text = "full_name,email,user_type\nAda,ada@school.test,student,extra\nBob,bob@school.test\nCy,cy@school.test,student,,\n"
    parsed = parse_file(text.encode())
    assert [bool(row.error) for row in parsed.rows] == [True, True, False]
    assert "4 columns; the header has 3" in parsed.rows[0].error
    assert parsed.rows[2].values["email"] == "cy@school.test"  # trailing empty cells are padding


def test_a_wrong_header_says_what_was_expected_and_found():
    with pytest.raises(ImportFileError) as error:
        parse_file("Vorname;Mail\nAda;ada@school.test\n".encode())
    message = str(error.value)
    assert "Expected: full_name, email, user_type" in message
    assert "“Vorname”, “Mail”" in message


def test_a_header_without_rows_is_read_as_no_rows():
    assert parse_file(b"full_name,email,user_type\n\n").rows == []


def test_xlsx_made_with_openpyxl():
    parsed = parse_file(files.xlsx([["Email", "Full name", "User type", "Course code"],
                                    ["ada@school.test", "Ada", "student", "MATH-7B"],
                                    [None, None, None, None],
                                    ["bob@school.test", "Bob", "student", 1234]]))
    assert parsed.kind == "xlsx"
    assert values(parsed) == [("Ada", "ada@school.test"), ("Bob", "bob@school.test")]
    assert parsed.rows[1].values["course_code"] == "1234"
    assert parsed.rows[1].line == 4


def test_the_templates_read_back():
    assert len(parse_file(template_csv()).rows) == 2
    assert len(parse_file(template_xlsx()).rows) == 2


def test_5001_rows_is_refused_with_a_clear_message(settings):
    data = files.csv_text([files.HEADER, *files.rows(5001)]).encode()
    with pytest.raises(ImportFileError, match="more than 5,000 people"):
        parse_file(data)
    assert len(parse_file(files.csv_text([files.HEADER, *files.rows(5000)]).encode()).rows) == 5000


def test_too_large_a_file_is_refused(settings):
    settings.INVITATIONS_IMPORT_MAX_BYTES = 1000
    with pytest.raises(ImportFileError, match="larger than"):
        parse_file(b"full_name,email\n" + b"a,b@c.de\n" * 200)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"  \r\n\r\n", "empty"),
        (bytes(range(256)) * 8, "neither a spreadsheet"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "neither a spreadsheet"),
        (b"PK\x03\x04garbage-that-is-no-zip", "cannot be opened"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel file"),
        (codecs.BOM_UTF16_LE + b"a", "says it is UTF-16"),
    ],
    ids=["empty", "blank", "binary", "png", "broken-zip", "xls", "odd-utf16"],
)
def test_junk_gets_a_clear_error(data, message):
    with pytest.raises(ImportFileError, match=message):
        parse_file(data)


def test_a_zip_that_is_not_a_workbook(tmp_path):
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ImportFileError, match="not an Excel workbook"):
        parse_file(out.getvalue())


def test_pasted_lists():
    parsed = parse_pasted(
        "Ada Lovelace <ada@school.test>\n\n  alan@school.test  \nGrace Hopper, grace@school.test\n"
        "linus@school.test; Linus\n\"Quoted, Name\" <q@school.test>\na, b, c\n"
    )
    assert values(parsed) == [
        ("Ada Lovelace", "ada@school.test"),
        ("", "alan@school.test"),
        ("Grace Hopper", "grace@school.test"),
        ("Linus", "linus@school.test"),
        ("Quoted, Name", "q@school.test"),
        ("", "a, b, c"),
    ]
    assert [row.line for row in parsed.rows] == [1, 3, 4, 5, 6, 7]
    assert parsed.rows[-1].error


def test_a_pasted_csv_with_a_header_is_read_as_a_file():
    parsed = parse_pasted("full_name\temail\tuser_type\nAda\tada@school.test\tstudent\n")
    assert parsed.kind == "csv" and values(parsed) == [("Ada", "ada@school.test")]


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096) | st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_bytes_give_rows_or_a_clear_error(data):
    try:
        parsed = parse_file(data)
    except ImportFileError as error:
        assert str(error)
    else:
        assert all(isinstance(row.values, dict) for row in parsed.rows)


@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.text(max_size=30), min_size=1, max_size=6), max_size=20),
       st.sampled_from([",", ";", "\t"]))
def test_any_table_behind_a_good_header_is_read(table, delimiter):
    data = files.csv_text([files.HEADER, *table], delimiter=delimiter).encode("utf-8", "surrogatepass")
    try:
        parsed = parse_file(data)
    except ImportFileError as error:
        assert str(error)
    else:
        assert parsed.columns == files.HEADER


@hsettings(max_examples=200, deadline=None)
@given(st.text(max_size=3000))
def test_any_pasted_text_gives_rows_or_a_clear_error(text):
    try:
        parsed = parse_pasted(text)
    except ImportFileError as error:
        assert str(error)
    else:
        assert all(isinstance(row.values, dict) for row in parsed.rows)
