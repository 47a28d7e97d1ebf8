"""The invitation campaigns in the dashboard's downloads: per event and per stakeholder
group, figures compared with counts made here from the invitations the test world was
built from, kept to the reader's scope, in a bounded number of queries, with no invitee's
name, address or organisation in any file."""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections import Counter
from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader

from seminar_app.campaigns.models import Campaign, Invitation
from seminar_app.campaigns.tokens import give_link
from seminar_app.contacts.models import email_hash
from seminar_app.enums import EventStatus, InvitationStatus, Role
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.reports.filters import ReportFilter
from seminar_app.reports.rates import whole_percent
from seminar_app.reports.scope import ReportScope
from seminar_app.reports.selection import selected_events
from seminar_app.reports.tables import Report, report_table
from seminar_app.reports.tallies import commit_up_to_date_tallies
from tests.test_reports_dashboard import counting_queries
from tests.test_reports_exports import FORMULA, _texts, export, read_csv, sheets
from tests.test_reports_queries import World, build_world

I = InvitationStatus  # noqa: E741
Invitee = tuple[InvitationStatus, str]  # answer, stakeholder group

# Per event, its campaigns, each with its invitees. B2's campaign invited nobody (everyone
# on its lists had unsubscribed); A4 is a draft and Q1 another project's: neither counts.
CAMPAIGNS: dict[str, list[list[Invitee]]] = {
    "A1": [
        [(I.REGISTERED, "researchers"), (I.DECLINED, "students"), (I.INVITED, ""), (I.REGISTERED, "students")],
        [(I.UNSUBSCRIBED, "researchers"), (I.REGISTERED, "policy_makers"), (I.INVITED, "researchers")],
    ],
    "B1": [[(I.REGISTERED, "researchers"), (I.INVITED, "students"), (I.INVITED, "students"), (I.DECLINED, "")]],
    "B2": [[]],
    "A4": [[(I.REGISTERED, "researchers")]],
    "Q1": [[(I.REGISTERED, "researchers"), (I.DECLINED, "students")]],
}
ROWS = ["A1", "B1", "B2"]  # events of the report with a campaign, by start
CAMPAIGN_HEADER = [
    "Title", "Partner", "Country", "Date", "Campaigns", "Invited", "Registered", "Cannot come", "Unsubscribed",
    "No answer yet", "Conversion (registered / invited, %)",
]  # fmt: skip
_numbers = itertools.count(1)


def answers(invitees: list[Invitee]) -> list[int]:
    """Invited, registered, cannot come, unsubscribed, no answer."""
    counts = Counter(status for status, _group in invitees)
    return [len(invitees), counts[I.REGISTERED], counts[I.DECLINED], counts[I.UNSUBSCRIBED], counts[I.INVITED]]


def conversion(invitees: list[Invitee]) -> float | None:
    figures = answers(invitees)
    return whole_percent(figures[1] / figures[0]) if figures[0] else None


def as_text(value: object) -> str:
    """A cell as the CSV writes it: nothing for None."""
    return "" if value is None else str(value)


def invitees_of(*keys: str) -> list[Invitee]:
    return [invitee for key in keys for campaign in CAMPAIGNS[key] for invitee in campaign]


def add_campaigns(event: Event, campaigns: list[list[Invitee]]) -> None:
    """The campaigns with their invitees, each with a name, an address and an organisation
    that no export may show."""
    for invitees in campaigns:
        campaign = Campaign(event=event)
        db.session.add(campaign)
        for status, group in invitees:
            n = next(_numbers)
            email = f"invitee{n}@probation.example"
            invitation = Invitation(
                campaign=campaign,
                event_id=event.id,
                email=email,
                email_hash=email_hash(email),
                name=f"Invitee Name {n}",
                organisation=f"Invitee Organisation {n}",
                country="PT",
                stakeholder_group=group,
                status=status,
            )
            give_link(invitation)
            db.session.add(invitation)
    db.session.commit()


@pytest.fixture
def world(make_project, make_partner, make_event) -> World:  # type: ignore[no-untyped-def]
    world = build_world(make_project, make_partner, make_event)
    for key, campaigns in CAMPAIGNS.items():
        add_campaigns(world.events[key], campaigns)
    return world


@pytest.fixture
def manager(client, login, make_user, world):  # type: ignore[no-untyped-def]
    return login(make_user(Role.MANAGER, projects=[world.project]))


def expected_rows(world: World, keys: list[str]) -> list[list[str]]:
    """The campaigns table as CSV text: a row per event, then the total."""
    where = {"PT": "Portugal", "DE": "Germany", "AT": "Austria"}
    rows = []
    for key in keys:
        event = world.events[key]
        invitees = invitees_of(key)
        rows.append(
            [f"Event {key}", event.partner.short_name, where[event.country], f"{event.local_start:%Y-%m-%d}"]
            + [as_text(v) for v in (len(CAMPAIGNS[key]), *answers(invitees), conversion(invitees))]
        )
    everyone = invitees_of(*keys)
    total = [as_text(v) for v in (sum(len(CAMPAIGNS[k]) for k in keys), *answers(everyone), conversion(everyone))]
    return [*rows, ["Total", "", "", "", *total]]


def expected_groups(world: World, keys: list[str]) -> dict[str, list[int]]:
    labels = {g.code: g.label for g in world.project.stakeholder_groups}
    by_group: dict[str, list[Invitee]] = {}
    for status, group in invitees_of(*keys):
        by_group.setdefault(labels.get(group, "No group given"), []).append((status, group))
    return {label: answers(invitees) for label, invitees in by_group.items()}


# --- CSV -------------------------------------------------------------------------------------------


def test_the_campaigns_csv_has_a_row_per_event_with_a_campaign_and_a_total(client, manager, world) -> None:
    response = client.get(export(world, "/campaigns.csv"))
    rows = read_csv(response.data)

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="' in response.headers["Content-Disposition"]
    assert rows[0] == CAMPAIGN_HEADER
    assert rows[1:] == expected_rows(world, ROWS)
    assert rows[-1][4:] == ["4", "11", "4", "2", "1", "4", "36"]  # the same, counted by hand
    assert rows[3][5:] == ["0", "0", "0", "0", "0", ""]  # a campaign that invited nobody: no conversion


def test_the_groups_csv_splits_the_same_invitees_by_stakeholder_group(client, manager, world) -> None:
    rows = read_csv(client.get(export(world, "/campaigns_by_group.csv")).data)

    assert rows[0] == ["Stakeholder group", *CAMPAIGN_HEADER[5:]]
    groups = {row[0]: [int(v) for v in row[1:6]] for row in rows[1:-1]}
    assert groups == expected_groups(world, ROWS)
    assert [row[0] for row in rows[1:-1]] == ["Researchers", "Policy makers", "University students", "No group given"]
    assert rows[-1][0] == "Total"
    assert rows[-1][1:] == expected_rows(world, ROWS)[-1][5:]  # the same total as the events table
    researchers = expected_groups(world, ROWS)["Researchers"]
    assert float(rows[1][6]) == whole_percent(researchers[1] / researchers[0])


def test_the_filter_applies_and_a_view_without_campaigns_has_empty_tables(client, manager, world) -> None:
    rows = read_csv(client.get(export(world, "/campaigns.csv", kind="conference")).data)
    assert rows[1:] == expected_rows(world, ["B1"])

    for table in ("campaigns", "campaigns_by_group"):
        empty = read_csv(client.get(export(world, f"/{table}.csv", kind="workshop")).data)
        assert len(empty) == 1, table  # A2 had no campaign: the header only, no total


# --- the workbook, the zip, the PDF and the CLI --------------------------------------------------


def test_the_workbook_and_the_zip_carry_both_tables(client, manager, world) -> None:
    workbook = sheets(client.get(export(world, ".xlsx")).data)
    campaigns, groups = workbook["Invitation campaigns"], workbook["Campaigns by stakeholder group"]
    campaigns = [row + (None,) * (len(CAMPAIGN_HEADER) - len(row)) for row in campaigns]  # empty cells trail off

    assert list(campaigns[0]) == CAMPAIGN_HEADER
    want = expected_rows(world, ROWS)
    assert [row[0] for row in campaigns[1:]] == [row[0] for row in want]
    a1 = campaigns[1]
    assert a1[4:10] == (2, *answers(invitees_of("A1")))  # numbers stay numbers
    assert a1[10] == conversion(invitees_of("A1"))
    assert campaigns[3][10] is None  # B2 invited nobody
    assert campaigns[-1][4:] == (4, *answers(invitees_of(*ROWS)), conversion(invitees_of(*ROWS)))
    assert {row[0]: list(row[1:6]) for row in groups[1:-1]} == expected_groups(world, ROWS)

    archive = zipfile.ZipFile(io.BytesIO(client.get(export(world, ".csv.zip")).data))
    assert read_csv(archive.read("campaigns.csv"))[1:] == want
    assert read_csv(archive.read("campaigns_by_group.csv"))[-1][0] == "Total"


def test_the_pdf_summary_ends_with_the_campaign_tables(client, manager, world) -> None:
    reader = PdfReader(io.BytesIO(client.get(export(world, ".pdf")).data))
    text = "\n".join(page.extract_text() for page in reader.pages)

    assert text.index("Feedback summary") < text.index("Invitation campaigns")
    assert text.index("Invitation campaigns") < text.index("Campaigns by stakeholder group")
    campaigns = text[text.index("Invitation campaigns") :]
    assert "Event A1" in campaigns and "Event B1" in campaigns and "Event A2" not in campaigns
    assert "36" in campaigns  # the total conversion
    assert "Co-funded by the European Union." in reader.pages[-1].extract_text()  # the funding block


def test_the_cli_exports_the_campaigns_table(runner, world) -> None:
    result = runner.invoke(
        args=["report", "export", "--project", world.project.slug, "--format", "csv", "--table", "campaigns", "-o", "-"]
    )
    assert result.exit_code == 0, result.output
    assert read_csv(result.stdout_bytes)[1:] == expected_rows(world, ROWS)


# --- scope, safety, queries --------------------------------------------------------------------------


def test_an_organiser_sees_only_their_partners_campaigns(client, login, make_user, world) -> None:
    a, b = world.partners["A"], world.partners["B"]
    login(make_user(Role.ORGANISER, partners=[a]))

    rows = read_csv(client.get(export(world, "/campaigns.csv")).data)
    assert rows[1:] == expected_rows(world, ["A1"])
    groups = read_csv(client.get(export(world, "/campaigns_by_group.csv")).data)
    assert {row[0]: [int(v) for v in row[1:6]] for row in groups[1:-1]} == expected_groups(world, ["A1"])
    workbook = sheets(client.get(export(world, ".xlsx")).data)
    assert [row[0] for row in workbook["Invitation campaigns"][1:]] == ["Event A1", "Total"]
    for what in ("/campaigns.csv", "/campaigns_by_group.csv"):
        refused = client.get(export(world, what, partner=b.id))
        assert refused.status_code == 404 and b"Event B1" not in refused.data


def test_no_export_names_an_invitee(client, manager, world) -> None:
    texts = _texts(client, world)

    assert "campaigns" in texts and "Event A1" in texts["campaigns"]
    for what, text in texts.items():
        assert "@" not in text and "probation.example" not in text, what
        assert not re.search(r"Invitee (Name|Organisation)", text), what


def test_formulas_in_titles_arrive_as_text(client, manager, world) -> None:
    world.events["A1"].title = FORMULA
    db.session.commit()

    rows = read_csv(client.get(export(world, "/campaigns.csv")).data)
    assert rows[1][0] == "'" + FORMULA
    assert sheets(client.get(export(world, ".xlsx")).data)["Invitation campaigns"][1][0] == "'" + FORMULA


def test_the_campaign_tables_take_as_many_queries_for_30_events_as_for_3(world, make_event) -> None:
    report_filter, scope = ReportFilter(), ReportScope.of_project(world.project)
    counts, sizes = [], []
    for more in (0, 27):
        for n in range(more):
            partner = world.partners["AB"[n % 2]]
            start = datetime(2025, 10, 6, 10) + timedelta(days=n)
            event = make_event(partner, status=EventStatus.DELIVERED, starts_local=start)
            add_campaigns(event, [[(I.REGISTERED, "students"), (I.INVITED, "")], [(I.DECLINED, "researchers")]])
        db.session.expire_all()
        report = Report(world.project, report_filter, scope)
        commit_up_to_date_tallies(selected_events(world.project, report_filter, scope))
        with counting_queries() as statements:
            rows = [list(report_table(report, name).rows()) for name in ("campaigns", "campaigns_by_group")]  # type: ignore[union-attr]
        counts.append(len(statements))
        sizes.append(len(rows[0]) - 1)
        assert rows[0][-1][5] == rows[1][-1][1]  # both totals count the same invitees
    assert counts[0] == counts[1] <= 12
    assert sizes == [3, 30]
