"""Reading contact files: encodings, delimiters, XLSX, column guessing and row checks."""

from __future__ import annotations

import io
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from seminar_app.attendance.imports import ReportError, parse_report
from seminar_app.contacts.imports import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    ContactFileError,
    check_mapping,
    guess_mapping,
    read_contacts,
    read_table,
)
from seminar_app.contacts.recognition import language_code
from seminar_app.errors import DomainError, ValidationFailed
from tests import xlsx_bombs

GROUPS = [("researchers", "Researchers"), ("policy_makers", "Policy makers")]


def contacts_of(data: bytes):  # type: ignore[no-untyped-def]
    table = read_table(data)
    mapping = guess_mapping(table.headers)
    check_mapping(table, mapping)
    return read_contacts(table, mapping, GROUPS)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_any_common_delimiter_is_read(delimiter: str) -> None:
    text = delimiter.join(["Name", "E-mail", "Organisation"]) + "\n"
    text += delimiter.join(["Ana Sousa", "ana@dgrsp.example", "DGRSP"]) + "\n"
    read = contacts_of(text.encode())
    assert [(c.name, c.email, c.organisation) for c in read.contacts] == [("Ana Sousa", "ana@dgrsp.example", "DGRSP")]


def test_bom_cp1252_and_utf16_files_keep_their_accents() -> None:
    text = "Nome;Endereço de e-mail;Entidade;País\nJoão Gonçalves;joao@example.pt;Câmara;Portugal\n"
    for data in (b"\xef\xbb\xbf" + text.encode(), text.encode("cp1252"), text.encode("utf-16")):
        (contact,) = contacts_of(data).contacts
        assert (contact.name, contact.organisation, contact.country) == ("João Gonçalves", "Câmara", "PT")


def test_xlsx_first_sheet_with_first_and_last_name_columns() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["First name", "Last name", "Email", "Company", "Country", "Group", "Language"])
    sheet.append(["Ioana", "Popescu", "ioana@anp.example", "ANP", "Romania", "policy makers", "Romanian"])
    sheet.append([None, None, None])
    sheet.append(["Marco", "Rossi", "marco@uni.example", "Uni", "IT", "Unknown group", "it"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    read = contacts_of(buffer.getvalue())
    ioana, marco = read.contacts
    assert (ioana.name, ioana.country, ioana.stakeholder_group, ioana.language) == (
        "Ioana Popescu",
        "RO",
        "policy_makers",
        "ro",
    )
    assert marco.line == 4 and marco.stakeholder_group == "" and "not recognised" in marco.notes[0]


def test_quoted_fields_with_delimiters_and_line_breaks_inside() -> None:
    data = b'Name,Email,Organisation\n"Sousa, Ana",ana@example.org,"Line one\nline two"\nBo,bo@example.org,X\n'
    read = contacts_of(data)
    assert read.contacts[0].name == "Sousa, Ana"
    assert read.contacts[1].line == 4  # the quoted line break makes the second record start on line 4


def test_bad_rows_are_rejected_with_their_line_and_reason() -> None:
    data = b"Name,Email,Organisation\nA,a@example.org,X\nB,foo@,Y\nC,,Z\nD,d@example.org,W,extra\n"
    read = contacts_of(data)
    assert [c.email for c in read.contacts] == ["a@example.org"]
    assert [reason for _line, reason in read.rejected] == [
        "line 3: 'foo@' is not a valid e-mail address",
        "line 4 has no e-mail address",
        "line 5 has 4 values but the header has 3 columns",
    ]


def test_repeated_addresses_are_merged_and_their_lines_reported() -> None:
    data = b"Name,Email,Organisation\nAna,ANA@example.org,\n,ana@example.org,DGRSP\nBo,bo@example.org,\n"
    read = contacts_of(data)
    assert len(read.contacts) == 2
    ana = read.duplicates[0]
    assert (ana.email, ana.name, ana.organisation, ana.line, ana.duplicate_lines) == (
        "ana@example.org",
        "Ana",
        "DGRSP",
        2,
        [3],
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"Name,Email\n", "only a header"),
        (b"Name,Organisation\nAna,DGRSP\n", "no column of e-mail addresses"),
        (b"\x00\x01\x02\x03binary\xff\xfe junk" * 20, "not a CSV or XLSX"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "not a CSV or XLSX"),
        (b"Name,Email\nAna,\x81\x8d@example.org\n", "could not be read"),
    ],
)
def test_files_that_cannot_be_imported_say_why(data: bytes, message: str) -> None:
    with pytest.raises(ContactFileError, match=message) as caught:
        read_table(data)
    assert caught.value.field == "file"


def test_no_recognised_email_heading_asks_for_the_column() -> None:
    table = read_table(b"Who,Where\nAna,ana@example.org\n")
    mapping = guess_mapping(table.headers)
    with pytest.raises(ValidationFailed) as caught:
        check_mapping(table, mapping)
    assert "e-mail" in caught.value.errors["email"][0]
    mapping["email"] = 1
    check_mapping(table, mapping)
    assert [c.email for c in read_contacts(table, mapping, GROUPS).contacts] == ["ana@example.org"]


def test_two_fields_on_one_column_are_refused() -> None:
    table = read_table(b"Name,Email\nAna,ana@example.org\n")
    with pytest.raises(ValidationFailed) as caught:
        check_mapping(table, {"email": 1, "name": 0, "organisation": 0})
    assert "already used" in caught.value.errors["organisation"][0]


def test_headings_in_partner_languages_are_recognised() -> None:
    mapping = guess_mapping(["Correo electrónico", "Nombre", "Institución", "País", "Sector", "Idioma"])
    assert mapping == {
        "email": 0,
        "name": 1,
        "first_name": None,
        "last_name": None,
        "organisation": 2,
        "country": 3,
        "stakeholder_group": 4,
        "language": 5,
    }


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    st.binary(max_size=400)
    | st.text(max_size=300).map(lambda t: ("Name;Email\n" + t).encode())
    | st.lists(st.lists(st.sampled_from(["a@b.example", "x", "", '"', "é", "foo@", ";"]), max_size=5), max_size=8).map(
        lambda rows: "\n".join(",".join(r) for r in [["Name", "Email"], *rows]).encode()
    )
)
def test_parser_never_crashes_and_keeps_lines_within_the_file(data: bytes) -> None:
    try:
        table = read_table(data)
        mapping = guess_mapping(table.headers)
        check_mapping(table, mapping)
        read = read_contacts(table, mapping, GROUPS)
    except DomainError as exc:
        assert exc.message
        return
    lines = data.count(b"\n") + data.count(b"\r") + 1
    for line in [c.line for c in read.contacts] + [line for line, _reason in read.rejected]:
        assert 2 <= line <= lines


# --- hostile workbooks: refused before they are unpacked ----------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: xlsx_bombs.wide_rows_bomb(rows=400, cells=5000), "too large to import"),
        (lambda: xlsx_bombs.wide_rows_bomb(rows=1500, cells=1000), "too large to import"),
        (lambda: xlsx_bombs.shared_string_bomb(megabytes=120), "too large to import"),
        (xlsx_bombs.declared_dimension_bomb, "too large to import"),
        (lambda: xlsx_bombs.lying_sizes(xlsx_bombs.wide_rows_bomb(rows=400, cells=5000)), "not a CSV or XLSX"),
        (lambda: xlsx_bombs.lying_sizes(xlsx_bombs.shared_string_bomb(20), "xl/sharedStrings.xml"), "not a CSV"),
    ],
    ids=["wide-rows", "many-cells", "shared-string", "declared-dimension", "lying-sheet", "lying-strings"],
)
def test_workbook_bombs_are_refused_in_bounded_memory(app, build, message: str) -> None:  # type: ignore[no-untyped-def]
    data = build()
    assert len(data) < MAX_IMPORT_BYTES
    tracemalloc.start()
    try:
        with pytest.raises(ContactFileError, match=message):
            read_table(data)
        with pytest.raises(ReportError, match="xlsx"):
            parse_report(data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 30 * 1024 * 1024, f"reading a {len(data) / 1e6:.2f} MB file took {peak / 1e6:.0f} MB"


def test_a_workbook_of_the_largest_allowed_list_is_still_read() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Email", *[f"Column {n}" for n in range(3, 21)]])
    for n in range(MAX_IMPORT_ROWS):
        sheet.append([f"Person {n}", f"p{n}@example.org", *["x"] * 18])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue())
    assert (len(table.rows), table.rows[-1][1][1]) == (MAX_IMPORT_ROWS, f"p{MAX_IMPORT_ROWS - 1}@example.org")


@pytest.mark.parametrize(
    ("headers", "name", "first", "last"),
    [
        (["Nome", "Apelido"], None, 0, 1),  # pt
        (["Nome", "Sobrenome"], None, 0, 1),  # pt-BR
        (["Primeiro nome", "Último nome"], None, 0, 1),
        (["First name", "Surname"], None, 0, 1),
        (["Forename", "Family name"], None, 0, 1),
        (["Given name", "Last name"], None, 0, 1),
        (["Nombre", "Apellidos"], None, 0, 1),  # es
        (["Nome", "Cognome"], None, 0, 1),  # it
        (["Nom", "Prénom"], None, 1, 0),  # fr: "Nom" beside "Prénom" is the family name
        (["Vorname", "Name"], None, 0, 1),  # de
        (["Nume", "Prenume"], None, 1, 0),  # ro
        (["Etunimi", "Sukunimi"], None, 0, 1),  # fi
        (["Ad", "Soyad"], None, 0, 1),  # tr
        (["Adı", "Soyadı"], None, 0, 1),
        (["Imię", "Nazwisko"], None, 0, 1),  # pl
        (["Nom"], 0, None, None),  # alone, the whole name
        (["Nome"], 0, None, None),
        (["Name"], 0, None, None),
        (["Nome completo", "Nome", "Apelido"], 0, None, None),  # a full-name column wins
        (["Adı Soyadı"], 0, None, None),
        (["Imię i nazwisko"], 0, None, None),
    ],
)
def test_name_headings_in_every_shipped_language(headers: list[str], name, first, last) -> None:  # type: ignore[no-untyped-def]
    mapping = guess_mapping(["E-mail", *headers])
    shift = {None: None, **{i: i + 1 for i in range(len(headers))}}
    assert (mapping["name"], mapping["first_name"], mapping["last_name"]) == (shift[name], shift[first], shift[last])


def test_a_portuguese_organisers_header_is_read_with_first_and_last_names() -> None:
    headers = ["Nome", "Apelido", "E-mail", "Organização", "Cargo", "País", "Grupo"]
    assert guess_mapping(headers) == {
        "email": 2,
        "name": None,
        "first_name": 0,
        "last_name": 1,
        "organisation": 3,
        "country": 5,
        "stakeholder_group": 6,
        "language": None,
    }
    text = ";".join(headers) + "\nMaria da Conceição;Gonçalves;mc@exemplo.pt;Câmara;Técnica;Portugal;Investigadores\n"
    (contact,) = contacts_of(text.encode("cp1252")).contacts
    assert contact.name == "Maria da Conceição Gonçalves"


def test_languages_are_recognised_by_their_name_in_every_shipped_language() -> None:
    names = {
        "Inglês": "en",
        "INGLES": "en",
        "inglese": "en",
        "İngilizce": "en",
        "Englanti": "en",
        "angielski": "en",
        "Portugiesisch": "pt",
        "portugais": "pt",
        "Română": "ro",
        "rumano": "ro",
    }
    for value, code in names.items():
        assert language_code(value) == code, value
    assert language_code("Crioulo") is None


def test_group_values_are_compared_without_case_or_accents_and_unknown_ones_counted() -> None:
    rows = "".join(
        f"p{i}@example.org;{group};{language}\n"
        for i, (group, language) in enumerate(
            [("policy MAKERS", "Inglês"), ("Autarquias", "Crioulo"), ("autarquias", "en"), ("Researchers", "Crioulo")]
        )
    )
    table = read_table(("Email;Group;Language\n" + rows).encode())
    mapping = guess_mapping(table.headers)
    read = read_contacts(table, mapping, GROUPS)
    assert [c.stakeholder_group for c in read.contacts] == ["policy_makers", "", "", "researchers"]
    assert read.unknown["stakeholder_group"] == {"Autarquias": 2}
    assert read.unknown["language"] == {"Crioulo": 2}

    chosen = {"stakeholder_group": {"autarquias": "policy_makers"}, "language": {"crioulo": "pt"}}
    read = read_contacts(table, mapping, GROUPS, chosen)
    assert [c.stakeholder_group for c in read.contacts] == ["policy_makers"] * 3 + ["researchers"]
    assert [c.language for c in read.contacts] == ["en", "pt", "en", "pt"]
    assert not any(c.notes for c in read.contacts)


def _workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


SHEETS = {
    "Instruções": [["Lista de contactos do parceiro"], ["Preencha a folha seguinte."]],
    "Contactos": [["Nome", "Apelido", "Email"], ["Ana", "Sousa", "ana@exemplo.pt"]],
    "Parceiros": [["Name", "Email"], ["Marco Rossi", "marco@uni.example"], ["Ioana Pop", "ioana@anp.example"]],
}


def test_a_workbook_is_read_from_its_first_sheet_with_a_recognisable_header() -> None:
    data = _workbook(SHEETS)
    table = read_table(data)
    assert (table.sheet, table.sheets, table.skipped_sheets) == ("Contactos", tuple(SHEETS), 1)
    assert [c.name for c in contacts_of(data).contacts] == ["Ana Sousa"]

    chosen = read_table(data, sheet="Parceiros")
    assert (chosen.sheet, chosen.skipped_sheets, len(chosen.rows)) == ("Parceiros", 0, 2)
    with pytest.raises(ContactFileError, match="no column of e-mail addresses"):
        read_table(data, sheet="Instruções")
    with pytest.raises(ContactFileError, match="This workbook has no sheet “Other”"):
        read_table(data, sheet="Other")


def test_a_workbook_of_one_sheet_names_it() -> None:
    table = read_table(_workbook({"Folha1": [["Email"], ["a@example.org"]]}))
    assert (table.sheet, table.sheets, table.skipped_sheets) == ("Folha1", ("Folha1",), 0)
