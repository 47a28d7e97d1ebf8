"""Reading Zoom and Teams participant reports (real-shaped samples in tests/fixtures) and
matching them to registrants: pure functions, no database."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seminar_app.attendance.imports import Participant, ReportError, normalise_name, parse_duration, parse_report
from seminar_app.attendance.matching import match_participants

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture(autouse=True)
def _request(app):  # type: ignore[no-untyped-def]
    """Messages are translated, so parsing runs inside a request like on the page."""
    with app.test_request_context():
        yield


def by_name(participants: list[Participant]) -> dict[str, tuple[str, int]]:
    return {p.name: (p.email, p.minutes) for p in participants}


def test_zoom_report_with_meeting_details_sums_rejoins() -> None:
    report = parse_report(fixture("zoom_participants.csv"))
    assert (report.tool, report.encoding) == ("Zoom", "UTF-8")
    people = by_name(report.participants)
    assert people["Ana Sousa"] == ("Ana.Sousa@DGRSP.example", 33 + 58)
    assert people["Joao  MARTINS"] == ("", 122)
    assert people["rui (Rui Costa)"] == ("rui.costa@reinsercao.example", 5)
    assert len(report.participants) == 8


def test_teams_report_in_utf16_with_tabs_reads_only_the_participants_section() -> None:
    report = parse_report(fixture("teams_attendance_utf16.csv"))
    assert (report.tool, report.encoding) == ("Microsoft Teams", "UTF-16")
    people = by_name(report.participants)
    assert people["Ana Sousa"] == ("ANA.SOUSA@dgrsp.example", 65)  # 1h 5m 3s, once: section 3 is not added
    assert people["João Martins (Guest)"] == ("", 45)
    assert people["Helena Duarte"] == ("helena.duarte@ong.example", 121)  # address taken from the UPN column
    assert people["Zé Ninguém (External)"] == ("", 60)
    assert len(report.participants) == 6


def test_excel_saved_cp1252_with_semicolons() -> None:
    report = parse_report(fixture("zoom_participants_excel_cp1252.csv"))
    assert report.encoding == "Windows-1252"
    assert by_name(report.participants)["João Martins"] == ("", 122)


def test_utf16_big_endian_and_without_bom_are_read() -> None:
    text = "Name\tIn-Meeting Duration\tEmail\nÁlvaro Pinto\t12m 5s\talvaro@example.org\n"
    for data in (text.encode("utf-16-be"), b"\xfe\xff" + text.encode("utf-16-be"), text.encode("utf-16-le")):
        assert by_name(parse_report(data).participants) == {"Álvaro Pinto": ("alvaro@example.org", 12)}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Name,E-mail,Organisation\nAna,ana@example.org,DGRSP\n", "Duration \\(Minutes\\)"),
        (b"", "empty"),
        (b"\x00\x01\x02\x03binary\xff\xfe garbage" * 20, "not a text"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "xlsx"),
        (b"Name,Duration (Minutes)\nAna,\x81\x8d\n", "could not be read"),
        (b"Name,Duration (Minutes)\nAna Sousa,about an hour\n", "Line 2"),
        (b"Name,Duration (Minutes)\nAna Sousa,99999999\n", "not a duration"),
    ],
)
def test_files_that_are_not_reports_get_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(ReportError, match=message) as caught:
        parse_report(data)
    assert caught.value.field == "report"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1h 5m 3s", 3903), ("45m 12s", 2712), ("32s", 32), ("2h", 7200), ("1:05:03", 3903), ("12", 720), ("7.5", 450)],
)
def test_duration_formats(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@given(st.integers(0, 300), st.integers(0, 59), st.integers(0, 59))
def test_duration_parser_reads_what_teams_writes(h: int, m: int, s: int) -> None:
    parts = [f"{h}h"] * bool(h) + [f"{m}m"] * bool(m) + [f"{s}s"] * (bool(s) or not (h or m))
    assert parse_duration(" ".join(parts)) == h * 3600 + m * 60 + s
    assert parse_duration(f"{h}:{m:02d}:{s:02d}") == h * 3600 + m * 60 + s


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400) | st.text(max_size=200).map(lambda t: ("Name,Duration (Minutes)\n" + t).encode()))
def test_parse_never_fails_with_anything_but_a_report_error(data: bytes) -> None:
    try:
        report = parse_report(data)
    except ReportError as exc:
        assert exc.message
    else:
        assert all(p.seconds >= 0 for p in report.participants)


@dataclass
class Person:
    id: int
    name: str
    email: str | None


PEOPLE = [
    Person(1, "Ana Sousa", "ana.sousa@dgrsp.example"),
    Person(2, "João Martins", "joao.martins@pj.example"),
    Person(3, "Maria Silva", "maria.silva@psp.example"),
    Person(4, "Maria Silva", "msilva@ngo.example"),
    Person(5, "Rui Costa", "rui.costa@reinsercao.example"),
    Person(6, "Pedro Alves", "pedro.alves@psp.example"),
    Person(7, "Helena Duarte", "helena.duarte@ong.example"),
]


def test_zoom_sample_matches_by_email_then_name_with_ambiguous_and_short_rows() -> None:
    report = parse_report(fixture("zoom_participants.csv"))
    preview = match_participants(report.participants, PEOPLE, min_minutes=10, already_present={7})

    matched = {m.registration.id: (m.by_email, m.participant.minutes) for m in preview.matched}
    assert matched == {1: (True, 91), 2: (False, 122), 6: (False, 108)}
    assert [m.registration.id for m in preview.already] == [7]
    assert [(p.name, [r.id for r in regs]) for p, regs in preview.ambiguous] == [("Maria Silva", [3, 4])]
    assert [p.name for p in preview.unmatched] == ["Centro de Prevenção Lisboa", "iPhone de Carla"]
    assert [(p.name, r.id if r else None) for p, r in preview.too_short] == [("rui (Rui Costa)", 5)]
    assert preview.total == len(report.participants)


def test_teams_guest_suffix_and_rows_of_one_person_added_before_the_threshold() -> None:
    participants = [
        Participant("João Martins (Guest)", "", 6 * 60),
        Participant("joao martins", "joao.martins@pj.example", 5 * 60),
    ]
    preview = match_participants(participants, PEOPLE, min_minutes=10)
    [match] = preview.matched
    assert (match.registration.id, match.participant.minutes) == (2, 11)


def test_names_compare_without_case_accents_or_spaces() -> None:
    assert normalise_name("  JOSÉ   Conceição ") == normalise_name("jose conceicao") == "jose conceicao"
