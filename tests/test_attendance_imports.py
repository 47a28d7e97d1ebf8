"""Reading Zoom and Teams participant reports (real-shaped samples in tests/fixtures) and
matching them to registrants: pure functions, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seminar_app.attendance.imports import Participant, ReportError, normalise_name, parse_duration, parse_report
from seminar_app.attendance.matching import match_participants
from seminar_app.attendance.report_dates import DAY_FIRST, MONTH_FIRST, choose_order, parse_timestamp

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


# --- Zoom webinars, Teams lists, waiting rooms, dates ------------------------------------


def test_zoom_webinar_attendee_report_reads_only_attendees_and_sums_rejoins() -> None:
    report = parse_report(fixture("zoom_webinar_attendees.csv"))
    assert (report.tool, report.title) == ("Zoom", "Webinar: mentoria em liberdade condicional")
    assert report.days == (date(2026, 10, 14),) and report.date_order == "MDY"
    assert by_name(report.participants) == {
        "Ana Sousa": ("Ana.Sousa@DGRSP.example", 33 + 58),
        "joao (João Martins)": ("joao.martins@pj.example", 122),
        "Rui Costa": ("rui.costa@reinsercao.example", 5),
        "Maria Silva": ("", 104),  # from "Other Attended"
    }
    # The host and the panelist are never attendees; Pedro registered but did not attend ("--" times).
    assert report.left_out == {"no_shows": 1, "hosts": 2}


def test_webinar_report_with_numeric_dates_semicolons_and_trailing_columns() -> None:
    text = (
        "Attendee Report;;;\nTopic;Webinar ID;Actual Start Time;Actual Duration (minutes);;\n"
        "Mentoring;1;10/14/2026 09:58:12 AM;60;;\nAttendee Details;;;;;\n"
        "ATTENDED;User Name (Original Name);first name;last name;EMAIL;Join Time;Leave Time;"
        "Time in Session (minutes);;\n"
        "Yes;;Ana;Sousa;ana@example.org;10/14/2026 09:58:12 AM;10/14/2026 10:58:12 AM;60;;\n"
    )
    report = parse_report(text.encode("utf-8-sig"))
    assert by_name(report.participants) == {"Ana Sousa": ("ana@example.org", 60)}
    assert report.days == (date(2026, 10, 14),)


def test_teams_2020_list_builds_durations_from_join_and_leave_pairs() -> None:
    report = parse_report(fixture("teams_list_2020_day_first_utf16.csv"), day_ends=time(12, 30))
    assert (report.tool, report.encoding, report.date_order) == ("Microsoft Teams", "UTF-16", "DMY")
    assert report.days == (date(2026, 10, 14),)
    people = [(p.name, p.seconds, p.same_name, p.open_end) for p in report.participants]
    assert ("Ana Sousa", (32 * 60 + 38) + (57 * 60 + 54), False, False) in people
    # Two sessions of "Maria Silva" open at once are two people: never summed into one row.
    assert ("Maria Silva", 59 * 60, True, False) in people and ("Maria Silva", 100 * 60, True, False) in people
    # Still in the meeting when the list was downloaded: counted until the event's end, and said so.
    assert ("João Martins", 9030, False, True) in people
    # "Joined before": in the meeting since the list started.
    assert ("Centro de Prevenção Lisboa", 9297, False, True) in people
    assert all("@" not in p.email for p in report.participants)


def test_teams_list_without_the_event_end_closes_at_the_last_moment_of_the_list() -> None:
    text = (
        "Full Name\tUser Action\tTimestamp\nAna\tJoined\t10/14/2026, 9:58:12 AM\nRui\tJoined\t10/14/2026, 1:00:00 PM\n"
    )
    report = parse_report(text.encode("utf-16"))
    assert by_name(report.participants) == {"Ana": ("", 181), "Rui": ("", 0)}
    assert report.date_order == "MDY" and report.days == (date(2026, 10, 14),)


@pytest.mark.parametrize(("event_day", "order"), [(date(2026, 3, 4), "MDY"), (date(2026, 4, 3), "DMY")])
def test_an_ambiguous_date_is_read_as_the_events_day(event_day: date, order: str) -> None:
    report = parse_report(fixture("teams_list_2020_ambiguous_utf16.csv"), days=[event_day])
    assert report.days == (event_day,) and report.date_order == order


def test_an_ambiguous_date_on_none_of_the_events_days_is_read_the_tools_usual_way() -> None:
    report = parse_report(fixture("teams_list_2020_ambiguous_utf16.csv"), days=[date(2026, 9, 1)])
    assert report.days == (date(2026, 4, 3),)  # Teams: the organiser's locale, day first unless the dates say not


def test_zoom_rows_in_the_waiting_room_are_not_attendance() -> None:
    report = parse_report(fixture("zoom_participants_waiting_room.csv"))
    people = [(p.name, p.minutes, p.same_name) for p in report.participants]
    assert ("Ana Sousa", 95, False) in people  # her 3 minutes in the waiting room are not counted
    assert "Unknown Caller" not in {p.name for p in report.participants}
    assert report.left_out == {"waiting_room": 2}
    assert report.title == "Peer mentoring workshop" and report.days == (date(2026, 10, 14),)
    # Overlapping sessions of one name without e-mail are two people; one after the other is a rejoin.
    assert ("Maria Silva", 60, True) in people and ("Maria Silva", 98, True) in people
    assert ("Joao Martins", 104, False) in people


def test_teams_summary_gives_the_meeting_title_and_a_day_first_date() -> None:
    report = parse_report(fixture("teams_attendance_utf16.csv"))
    assert report.title == "Seminário nacional – dia 2"
    assert report.days == (date(2025, 3, 15),) and report.date_order == "DMY"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10/14/2026 09:58:12 AM", datetime(2026, 10, 14, 9, 58, 12)),
        ("Oct 14, 2026 09:58:12 PM", datetime(2026, 10, 14, 21, 58, 12)),
        ("14 Oct 2026 12:05", datetime(2026, 10, 14, 12, 5)),
        ("2026-10-14T09:58:12Z", datetime(2026, 10, 14, 9, 58, 12)),
        ("2026-10-14 09:58:12.123+01:00", datetime(2026, 10, 14, 9, 58, 12)),
        ("10/14/26, 12:01 a.m.", datetime(2026, 10, 14, 0, 1)),
        ("10.14.2026", datetime(2026, 10, 14)),
    ],
)
def test_timestamps_as_reports_write_them(text: str, expected: datetime) -> None:
    assert parse_timestamp(text, MONTH_FIRST) == expected


def test_day_first_is_chosen_when_only_it_fits() -> None:
    assert choose_order(["03/04/2026 10:00", "14/04/2026 11:00"]).order == DAY_FIRST
    assert choose_order(["03/04/2026 10:00", "04/14/2026 11:00"], usual=DAY_FIRST).order == MONTH_FIRST


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Name,Join Time,Duration (Minutes)\nAna,yesterday,10\n", None),
        (
            "Full Name\tUser Action\tTimestamp\nAna\tJoined\tsometime\n".encode("utf-16"),
            "expected dates such as 10/14/2026 09:58:12 AM.*found “sometime”",
        ),
        (
            "Full Name\tUser Action\tTimestamp\nAna\tWaved\t10/14/2026 9:00\n".encode("utf-16"),
            "“Waved” is not an action",
        ),
        (b"Meeting,Seats\nSeminar,12\n", "Zoom webinar attendee reports.*first line is: “Meeting,Seats”"),
    ],
)
def test_unreadable_dates_and_unknown_kinds_say_what_was_expected_and_found(data: bytes, message: str | None) -> None:
    if message is None:  # a report with durations: read, with its dates' problem for the preview
        report = parse_report(data)
        assert "could not be read" in report.date_problem and "found “yesterday”" in report.date_problem
        assert report.days == ()
        return
    with pytest.raises(ReportError, match=message):
        parse_report(data)


_WEBINAR_HEAD = (
    "Attendee Report\nAttendee Details\nAttended,User Name (Original Name),Email,Join Time,Time in Session (minutes)\n"
)
_LIST_HEAD = "Full Name\tUser Action\tTimestamp\n"


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from([_WEBINAR_HEAD, _LIST_HEAD, "Name,Join Time,Leave Time,Duration (Minutes),In Waiting Room\n"]),
    st.text(alphabet=st.sampled_from(list("AnaYesNo0123456789/:,;\t\n -PMJoinedLeft.@")), max_size=300),
    st.sampled_from(["utf-8", "utf-16"]),
)
def test_new_parsers_never_fail_with_anything_but_a_report_error(head: str, body: str, encoding: str) -> None:
    try:
        report = parse_report((head + body).encode(encoding), days=[date(2026, 10, 14)], day_ends=time(12))
    except ReportError as exc:
        assert exc.message
    else:
        assert all(p.seconds >= 0 for p in report.participants)
