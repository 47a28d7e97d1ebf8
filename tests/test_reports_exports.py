"""The dashboard's downloads: the workbook, the CSVs and the PDF hold the dashboard's numbers
(compared with counts made here from the people the test world was built from), keep to
the reader's scope, neutralise formulas and carry no personal data."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from seminar_app.db_types import utcnow
from seminar_app.enums import Role
from seminar_app.extensions import db
from seminar_app.reports.filters import ReportFilter
from seminar_app.reports.queries import aggregates
from seminar_app.reports.rates import whole_percent
from seminar_app.reports.scope import ReportScope
from seminar_app.reports.tables import TABLE_NAMES, TABLE_TITLES, Report, report_tables
from tests.test_reports_dashboard import add_events, counting_queries
from tests.test_reports_queries import DELIVERED, INVITED, PEOPLE, SATISFACTION, World, build_world, expected

FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture
def world(make_project, make_partner, make_event) -> World:  # type: ignore[no-untyped-def]
    return build_world(make_project, make_partner, make_event)


@pytest.fixture
def manager(client, login, make_user, world):  # type: ignore[no-untyped-def]
    return login(make_user(Role.MANAGER, projects=[world.project]))


def export(world: World, what: str, **args: object) -> str:
    query = "&".join(f"{k}={v}" for k, vs in args.items() for v in (vs if isinstance(vs, list) else [vs]))
    return f"/projects/{world.project.slug}/dashboard/export{what}" + (f"?{query}" if query else "")


def sheets(data: bytes) -> dict[str, list[tuple[object, ...]]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return {name: list(workbook[name].iter_rows(values_only=True)) for name in workbook.sheetnames}


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, for Excel"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def as_dict(rows: list[tuple[object, ...]] | list[list[str]]) -> dict[object, object]:
    return {row[0]: row[1] for row in rows[1:]}


def by_country_from_people(events: set[str]) -> dict[str, tuple[int, int]]:
    return {k: v for k, v in expected(PEOPLE, events)["by_country"].items() if k}


# --- the workbook ------------------------------------------------------------------------------


def test_the_workbook_has_a_sheet_per_table_with_the_dashboards_numbers(client, manager, world) -> None:
    response = client.get(export(world, ".xlsx"))
    workbook = sheets(response.data)
    want = expected(PEOPLE)

    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(f"attachment; filename={world.project.slug}-report-")
    assert list(workbook) == [str(TABLE_TITLES[name]) for name in TABLE_NAMES]
    events = workbook["Events"]
    header = events[0]
    assert header[:4] == ("Event ID", "Project", "Grant agreement number", "Work packages")
    assert {"Agenda available", "Attendance recorded", "Feedback answers", "Time zone", "Target audiences"} <= set(
        header
    )
    titles = [row[header.index("Title")] for row in events[1:]]
    assert titles == ["Event A1", "Event A3", "Event B1", "Event B2", "Event A2"]  # by start; no draft, no Q1
    b1 = dict(zip(header, events[1 + titles.index("Event B1")], strict=True))
    want_b1 = expected(PEOPLE, {"B1"})
    assert (b1["Grant agreement number"], b1["Results presented"], b1["Work packages"]) == (
        world.project.grant_number,
        "PR1, PR2",
        "WP2, WP3",
    )
    assert (b1["Starts (local time)"], b1["Ends (local time)"], b1["Time zone"]) == (
        "2025-05-20 09:00",
        "2025-05-21 15:00",
        "Europe/Berlin, UTC+02:00",
    )
    assert (b1["Registered"], b1["Attended"], b1["Attendees from outside the consortium"]) == (
        want_b1["registered"],
        want_b1["attended"],
        want_b1["external"],
    )
    assert (b1["Attendance recorded"], b1["Feedback answers"], b1["Status"]) == ("Yes", 3, "Delivered")
    assert b1["Target audiences"] == "Prison and probation staff; Researchers"

    figures = aggregates(world.project, ReportFilter(), ReportScope.of_project(world.project))
    values = as_dict(workbook["Aggregates"])
    assert (values["Events"], values["Registered"], values["Attended"]) == (
        figures.events_total,
        want["registered"],
        want["attended"],
    )
    assert (values["Attendees from outside the consortium"], values["Attendees from partner organisations"]) == (
        want["external"],
        want["staff"],
    )
    delivered = expected(PEOPLE, DELIVERED)
    assert values["Attendance rate at delivered events (attended / confirmed, %)"] == whole_percent(
        delivered["attended"] / delivered["confirmed"]
    )
    assert values["Feedback answers"] == len(SATISFACTION["A1"] + SATISFACTION["B1"])
    assert values["Events: Delivered"] == 2
    countries = {row[0]: (row[2], row[3]) for row in workbook["By country"][1:] if row[0]}
    assert countries == by_country_from_people({"A1", "A2", "A3", "B1", "B2"})


def test_the_multiplier_table_splits_outside_attendees_into_local_and_international(client, manager, world) -> None:
    rows = sheets(client.get(export(world, ".xlsx")).data)["Multiplier events"]
    header = rows[0]
    table = {row[header.index("Title")]: dict(zip(header, row, strict=True)) for row in rows[1:]}

    for key in ("A1", "B1"):
        event_country = world.events[key].country
        came = [p for p in PEOPLE if p.event == key and p.present and not p.staff]
        local = sum(1 for p in came if p.country == event_country)
        unknown = sum(1 for p in came if not p.country)
        row = table[f"Event {key}"]
        assert (
            row["Attendees from outside the consortium"],
            row["of whom from the event's country"],
            row["of whom from other countries"],
            row["of whom country not given"],
        ) == (len(came), local, len(came) - local - unknown, unknown)
        assert row["Attendees from partner organisations"] == sum(
            1 for p in PEOPLE if p.event == key and p.present and p.staff
        )


def test_dissemination_activities_count_attendees_once_delivered_and_registrations_before(
    client, manager, world
) -> None:
    rows = sheets(client.get(export(world, ".xlsx")).data)["Dissemination activities"]
    header = rows[0]
    table = {row[header.index("Title")]: dict(zip(header, row, strict=True)) for row in rows[1:]}

    assert (table["Event B1"]["Reach"], table["Event B1"]["Reach counts"]) == (
        expected(PEOPLE, {"B1"})["attended"],
        "People who attended",
    )
    assert (table["Event A2"]["Reach"], table["Event A2"]["Reach counts"]) == (
        expected(PEOPLE, {"A2"})["registered"],
        "People who registered",
    )
    assert table["Event A1"]["Place"] == "Lisboa, Portugal; Online (Zoom)"  # a hybrid event
    assert table["Event B1"]["Type"] == "Conference"


def test_the_feedback_sheet_gives_distributions_only_above_the_threshold(client, manager, world) -> None:
    rows = sheets(client.get(export(world, ".xlsx")).data)["Feedback summary"]
    satisfaction = SATISFACTION["A1"] + SATISFACTION["B1"]
    line = next(r for r in rows if str(r[0]).startswith("Overall"))
    assert line[1:] == (
        len(satisfaction),
        round(sum(satisfaction) / len(satisfaction), 2),
        4.0,
        whole_percent(sum(1 for v in satisfaction if v >= 4) / len(satisfaction)),
        *(satisfaction.count(v) for v in range(1, 6)),
    )

    only_a = sheets(client.get(export(world, ".xlsx", partner=world.partners["A"].id)).data)["Feedback summary"]
    assert len(only_a) == 2
    assert "fewer than 5 answers" in only_a[1][0] and only_a[1][1] == len(SATISFACTION["A1"])
    assert not any(only_a[1][2:])  # no mean, median or distribution


# --- CSV ------------------------------------------------------------------------------------------


def test_the_csv_zip_has_one_file_per_table_with_the_same_rows(client, manager, world) -> None:
    response = client.get(export(world, ".csv.zip", kind="conference"))
    archive = zipfile.ZipFile(io.BytesIO(response.data))

    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert archive.namelist() == [f"{name}.csv" for name in TABLE_NAMES]
    events = read_csv(archive.read("events.csv"))
    assert [row[events[0].index("Title")] for row in events[1:]] == ["Event B1"]
    values = as_dict(read_csv(archive.read("aggregates.csv")))
    assert (values["Events"], values["Attended"]) == ("1", str(expected(PEOPLE, {"B1"})["attended"]))
    countries = {row[0]: (int(row[2]), int(row[3])) for row in read_csv(archive.read("by_country.csv"))[1:]}
    assert countries == by_country_from_people({"B1"})


def test_one_table_as_csv_streams_and_unknown_tables_are_404(client, manager, world) -> None:
    response = client.get(export(world, "/by_mode.csv"))
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv"
    assert 'filename="' in response.headers["Content-Disposition"]
    rows = read_csv(response.data)
    want = expected(PEOPLE)
    assert [r[0] for r in rows[1:]] == ["onsite", "online"]
    assert (int(rows[1][3]), int(rows[2][3])) == (want["on_site"], want["online"])
    assert client.get(export(world, "/participants.csv")).status_code == 404


# --- safety ---------------------------------------------------------------------------------------


def test_formulas_in_titles_and_outcomes_arrive_as_text(client, manager, world) -> None:
    event = world.events["A1"]
    event.title, event.outcome, event.objective = FORMULA, "+SUM(A1:A9)", "\x07=1+1"
    db.session.commit()

    events = read_csv(client.get(export(world, "/events.csv")).data)
    row = dict(zip(events[0], events[1], strict=True))
    assert (row["Title"], row["Outcome"]) == ("'" + FORMULA, "'+SUM(A1:A9)")

    workbook = sheets(client.get(export(world, ".xlsx")).data)
    header, first = workbook["Events"][0], workbook["Events"][1]
    cells = dict(zip(header, first, strict=True))
    assert (cells["Title"], cells["Outcome"], cells["Objective"]) == ("'" + FORMULA, "'+SUM(A1:A9)", "'=1+1")
    multiplier = workbook["Multiplier events"]
    assert multiplier[1][1] == "'" + FORMULA


def _texts(client, world) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Everything each default export says, decompressed."""
    texts = {}
    for what in (".xlsx", ".csv.zip"):
        archive = zipfile.ZipFile(io.BytesIO(client.get(export(world, what)).data))
        texts[what] = "".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    for name in TABLE_NAMES:
        texts[name] = client.get(export(world, f"/{name}.csv")).data.decode("utf-8-sig")
    reader = PdfReader(io.BytesIO(client.get(export(world, ".pdf")).data))
    texts[".pdf"] = "\n".join(page.extract_text() for page in reader.pages)
    return texts


def test_no_export_holds_a_name_or_an_email_address(client, manager, world) -> None:
    texts = _texts(client, world)

    assert "Event A1" in texts[".xlsx"] and "Event A1" in texts[".pdf"]
    for what, text in texts.items():
        assert "@" not in text, what
        assert not re.search(r"Person \d", text), what


def test_an_organiser_gets_only_their_partners_figures_and_never_anothers(client, login, make_user, world) -> None:
    a, b = world.partners["A"], world.partners["B"]
    login(make_user(Role.ORGANISER, partners=[a]))

    workbook = sheets(client.get(export(world, ".xlsx")).data)
    titles = [row[workbook["Events"][0].index("Title")] for row in workbook["Events"][1:]]
    assert titles == ["Event A1", "Event A3", "Event A2"]
    assert as_dict(workbook["Aggregates"])["Attended"] == expected(PEOPLE, {"A1", "A2", "A3"})["attended"]
    for what in (".xlsx", ".csv.zip", ".pdf", "/events.csv", "/aggregates.csv"):
        for asked in (b.id, [a.id, b.id]):
            refused = client.get(export(world, what, partner=asked))
            assert refused.status_code == 404, what
            assert b"Event B1" not in refused.data


@pytest.mark.parametrize("who", ["anonymous", "manager_of_other_project", "organiser_of_other_project"])
def test_outsiders_get_nothing(client, login, make_user, world, who) -> None:
    if who == "manager_of_other_project":
        login(make_user(Role.MANAGER, projects=[world.other_project]))
    elif who == "organiser_of_other_project":
        login(make_user(Role.ORGANISER, partners=[world.partners["Q"]]))
    for what in (".xlsx", ".csv.zip", ".pdf", "/events.csv"):
        response = client.get(export(world, what))
        assert response.status_code == (302 if who == "anonymous" else 404), what
        assert b"Event A1" not in response.data


def test_a_bad_filter_is_a_400_that_says_what_is_wrong(client, manager, world) -> None:
    response = client.get(export(world, ".xlsx", kind="party", **{"from": "01/07/2025"}))
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "“party” is not a kind of event." in text and "is not a date: write it as YYYY-MM-DD" in text


# --- PDF ---------------------------------------------------------------------------------------


def test_the_pdf_summary_names_the_project_the_grant_the_filter_and_the_key_figures(client, manager, world) -> None:
    response = client.get(export(world, ".pdf", **{"from": "2025-01-01", "to": "2025-12-31"}))
    reader = PdfReader(io.BytesIO(response.data))
    first = reader.pages[0].extract_text()
    text = "\n".join(page.extract_text() for page in reader.pages)
    want = expected(PEOPLE)

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert world.project.name in first and world.project.grant_number in first
    assert "1 January 2025 – 31 December 2025" in first
    kpis = re.search(r"Events (\d+)\s+Registered (\d+)\s+Attended (\d+)", first)
    assert kpis and kpis.groups() == ("5", str(want["registered"]), str(want["attended"]))
    assert f"Attendees from outside the consortium {want['external']}" in first
    assert "Co-funded by the European Union." in text  # the funding block on every page
    assert "People by country of their organisation" in text  # a chart's heading
    assert "Multiplier events" in text and "Feedback summary" in text
    assert f"n = {len(SATISFACTION['A1'] + SATISFACTION['B1'])}" in text  # the feedback chart


# --- the dashboard's download block -------------------------------------------------------------


def test_the_dashboard_links_to_the_downloads_of_its_filtered_view(client, manager, world) -> None:
    html = client.get(f"/projects/{world.project.slug}/dashboard?kind=conference&country=DE").get_data(as_text=True)
    block = re.search(r'<section aria-labelledby="export-heading".*?</section>', html, re.S)

    assert block
    links = re.findall(r'href="([^"]+)"', block.group(0))
    assert len(links) == 3 + len(TABLE_NAMES)
    for link in links:
        assert "country=DE" in link and "kind=conference" in link
    xlsx = next(link for link in links if ".xlsx" in link).replace("&amp;", "&")
    rows = sheets(client.get(xlsx).data)["Events"]
    assert [row[rows[0].index("Title")] for row in rows[1:]] == ["Event B1"]


# --- a bounded number of queries ---------------------------------------------------------------


def test_the_workbook_takes_as_many_queries_for_30_events_as_for_3(
    client, login, make_user, make_project, make_partner, make_event
) -> None:
    project = make_project()
    partners = [make_partner(project), make_partner(project, country="DE", timezone="Europe/Berlin")]
    login(make_user(Role.MANAGER, projects=[project]))
    add_events(make_event, partners[0], 3, people_each=4)
    pages = [f"/projects/{project.slug}/dashboard/export.xlsx", f"/projects/{project.slug}/dashboard/export.xlsx"
             "?from=2025-01-01&to=2026-12-31&kind=seminar"]  # fmt: skip

    counts, sizes = [], []
    for more_events in (0, 27):
        add_events(make_event, partners[more_events % 2], more_events, people_each=40)
        for page in pages:
            db.session.expire_all()
            with counting_queries() as statements:
                response = client.get(page)
            assert response.status_code == 200
            counts.append(len(statements))
            sizes.append(len(sheets(response.data)["Events"]) - 1)
    assert counts[2:] == counts[:2], counts
    # The first export after new registrations (each round's first) also counts their
    # events' people again (`reports.tallies`: six statements on SQLite, seven on PostgreSQL).
    assert counts[0] <= 36 and counts[1] <= 35, counts
    assert sizes == [3, 3, 30, 30]


def test_every_table_name_is_listed_and_building_the_tables_runs_no_query(world) -> None:
    report = Report(world.project, ReportFilter(), ReportScope.of_project(world.project))
    with counting_queries() as statements:
        tables = report_tables(report)
    assert statements == []
    assert tuple(t.name for t in tables) == TABLE_NAMES
    assert {name: t.title for name, t in zip(TABLE_NAMES, tables, strict=True)} == {
        name: str(title) for name, title in TABLE_TITLES.items()
    }
    feedback = next(t for t in tables if t.name == "aggregates")
    assert as_dict([feedback.header, *feedback.rows()])["Invited to give feedback"] == INVITED["A1"] + INVITED["B1"]


def test_the_evidence_columns_say_which_events_have_an_agenda_and_attendance(
    client, manager, world, make_agenda_item
) -> None:
    make_agenda_item(world.events["A1"])
    rows = sheets(client.get(export(world, ".xlsx")).data)["Events"]
    header = rows[0]
    evidence = {
        row[header.index("Title")]: (row[header.index("Agenda available")], row[header.index("Attendance recorded")])
        for row in rows[1:]
    }
    assert evidence["Event A1"] == ("Yes", "Yes")
    assert evidence["Event A3"] == ("No", "No")  # cancelled
    assert evidence["Event B1"] == ("No", "Yes")


# --- one rounding rule, the filtered period in the file name, whole-word sheet names ------------


def test_the_pdf_the_workbook_and_the_dashboard_show_the_same_rounded_rates(client, manager, world) -> None:
    from tests.test_reports_dashboard import kpi, url

    delivered = expected(PEOPLE, DELIVERED)
    rate = delivered["attended"] / delivered["confirmed"]
    assert whole_percent(rate) != round(rate * 100, 1), "the world's rate has decimals to round away"

    on_screen = kpi(client.get(url(world)).get_data(as_text=True), "attendance-rate")
    pdf = PdfReader(io.BytesIO(client.get(export(world, ".pdf")).data)).pages[0].extract_text()
    in_pdf = re.search(r"Attendance rate \(delivered events only\)\s+(\S+ ?%)", pdf)
    workbook = as_dict(sheets(client.get(export(world, ".xlsx")).data)["Aggregates"])

    assert on_screen == f"{whole_percent(rate)}%"
    assert in_pdf and in_pdf.group(1) == on_screen
    assert workbook["Attendance rate at delivered events (attended / confirmed, %)"] == whole_percent(rate)
    assert "at delivered events only" in pdf


def test_the_file_name_carries_the_filtered_period(client, manager, world) -> None:
    today = utcnow().date().isoformat()
    slug = world.project.slug
    names = {
        what: client.get(export(world, what, **{"from": "2025-01-01", "to": "2025-06-30"})).headers[
            "Content-Disposition"
        ]
        for what in (".xlsx", ".pdf", ".csv.zip", "/events.csv")
    }
    assert names[".xlsx"] == f"attachment; filename={slug}-report-{today}-from-2025-01-01-to-2025-06-30.xlsx"
    assert names[".pdf"].endswith(f"{slug}-report-{today}-from-2025-01-01-to-2025-06-30.pdf")
    assert names[".csv.zip"].endswith("-from-2025-01-01-to-2025-06-30.csv.zip")
    assert names["/events.csv"].endswith(f'{today}-from-2025-01-01-to-2025-06-30-events.csv"')

    only_from = client.get(export(world, ".xlsx", **{"from": "2025-03-01"})).headers["Content-Disposition"]
    assert only_from.endswith(f"{slug}-report-{today}-from-2025-03-01.xlsx")
    unfiltered = client.get(export(world, ".xlsx")).headers["Content-Disposition"]
    assert unfiltered.endswith(f"{slug}-report-{today}.xlsx")


@pytest.mark.parametrize(
    ("titles", "names"),
    [
        (["Campanhas por grupo de partes interessadas"], ["Campanhas por grupo de partes"]),
        (
            ["Campanhas por grupo de partes interessadas", "Campanhas por grupo de partes interessadas (2)"],
            ["Campanhas por grupo de partes", "Campanhas por grupo de partes 2"],
        ),
        (["Aggregates", "aggregates"], ["Aggregates", "aggregates 2"]),
        (["Kampagnen: Interessengruppen/Stakeholder"], ["Kampagnen Interessengruppen"]),
        (["Donaudampfschifffahrtsgesellschaftskapitän"], ["Donaudampfschifffahrtsgesellsch"]),
    ],
)
def test_sheet_names_are_cut_at_a_word_and_stay_unique(titles, names) -> None:
    from seminar_app.workbooks import sheet_title

    taken: set[str] = set()
    got = [sheet_title(t, taken) for t in titles]
    assert got == names
    assert all(len(n) <= 31 for n in got)
