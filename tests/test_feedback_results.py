"""Feedback results for organisers and managers: the numbers, the small-group rule, the
CSV and XLSX exports, and erasure keeping the answers counted."""

from __future__ import annotations

import csv
import io
import re
import statistics

import pytest
from openpyxl import load_workbook

from seminar_app.enums import Role
from seminar_app.extensions import db
from seminar_app.feedback import services
from seminar_app.registration.models import Registration
from seminar_app.registration.services import erase_registration
from tests.test_feedback_services import by_code, invitation, invited_tokens

SATISFACTION = [5, 4, 4, 3, 5, 2]
RELEVANCE = [1, 2, 3, 4, 5, 5]
BEFORE = [2, 2, 3, 1, 2, 3]
AFTER = [4, 4, 5, 3, 4, 4]
NEXT_STEPS = [[0, 1], [1], [], [0, 3], [1, 4], []]
COMMENTS = ['=HYPERLINK("http://evil.example")', "Great speakers", "", "could be longer", "", ""]


@pytest.fixture
def event(make_event):  # type: ignore[no-untyped-def]
    return make_event(days_ahead=-2)


@pytest.fixture
def tokens(event) -> list[str]:  # type: ignore[no-untyped-def]
    """Ten people invited to answer."""
    return invited_tokens(event, 10)


def answer_all(event, tokens: list[str], how_many: int = 6) -> None:  # type: ignore[no-untyped-def]
    q = by_code(event)
    for i in range(how_many):
        posted = {
            str(q["overall_satisfaction"].id): [str(SATISFACTION[i])],
            str(q["relevance"].id): [str(RELEVANCE[i])],
            str(q["knowledge_before"].id): [str(BEFORE[i])],
            str(q["knowledge_after"].id): [str(AFTER[i])],
            str(q["next_steps"].id): [str(v) for v in NEXT_STEPS[i]],
            str(q["comments"].id): [COMMENTS[i]],
        }
        services.submit_answers(invitation(tokens[i]), posted, language="en")


@pytest.fixture
def organiser_client(client, login, make_user, event):  # type: ignore[no-untyped-def]
    login(make_user(Role.ORGANISER, partners=[event.partner]))
    return client


def row_cells(html: str, row_id: str) -> list[str]:
    match = re.search(rf'<tr id="{row_id}">(.*?)</tr>', html, re.S)
    assert match, f"no row {row_id}"
    return [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def share_high(values: list[int]) -> float:
    return sum(1 for v in values if v >= 4) / len(values)


def test_six_answers_give_every_number(organiser_client, event, tokens) -> None:
    answer_all(event, tokens)
    html = organiser_client.get(f"/manage/events/{event.id}/feedback").get_data(as_text=True)
    q = by_code(event)

    numbers = re.search(r'id="feedback-numbers">(.*?)</table>', html, re.S).group(1)  # type: ignore[union-attr]
    assert re.findall(r'<td class="text-end">([^<]*)</td>', numbers) == ["6", "10", f"{6 / 10:.0%}"]

    for code, values in (("overall_satisfaction", SATISFACTION), ("relevance", RELEVANCE)):
        mean = f"{statistics.mean(values):.1f}"
        median = f"{statistics.median(values):g}"
        assert row_cells(html, f"stats-{q[code].id}") == [str(len(values)), mean, median, f"{share_high(values):.0%}"]
        distribution = re.search(rf'id="distribution-{q[code].id}">(.*?)</table>', html, re.S).group(1)  # type: ignore[union-attr]
        assert re.findall(r'<td class="text-end">(\d+)</td>', distribution) == [
            str(values.count(v)) for v in range(1, 6)
        ]
    assert row_cells(html, f"stats-{q['overall_satisfaction'].id}") == ["6", "3.8", "4", "67%"]
    assert row_cells(html, f"stats-{q['relevance'].id}")[2] == "3.5"
    assert row_cells(html, f"stats-{q['speakers'].id}") == ["0", "–", "–", "–"]
    assert "<svg" in html and 'role="img"' in html

    assert f'id="knowledge-before">{statistics.mean(BEFORE):.1f}<' in html
    assert f'id="knowledge-after">{statistics.mean(AFTER):.1f}<' in html
    assert f"{statistics.mean(AFTER) - statistics.mean(BEFORE):+.1f}" in html

    options = re.search(rf'id="choices-{q["next_steps"].id}">(.*?)</table>', html, re.S).group(1)  # type: ignore[union-attr]
    picked = [sum(1 for chosen in NEXT_STEPS if i in chosen) for i in range(5)]
    assert [int(n) for n in re.findall(r'<td class="text-end">(\d+)</td>', options)] == picked
    assert f"{sum(1 for chosen in NEXT_STEPS if chosen)} people answered" in options

    comments = re.search(rf'id="comments-{q["comments"].id}">(.*?)</ul>', html, re.S).group(1)  # type: ignore[union-attr]
    shown = [c.strip() for c in re.findall(r"<li[^>]*>(.*?)</li>", comments, re.S)]
    assert shown == ["=HYPERLINK(&#34;http://evil.example&#34;)", "could be longer", "Great speakers"]


def test_fewer_answers_than_the_projects_minimum_show_only_their_number(organiser_client, event, tokens) -> None:
    answer_all(event, tokens, how_many=4)
    html = organiser_client.get(f"/manage/events/{event.id}/feedback").get_data(as_text=True)

    assert 'id="small-group"' in html and "Fewer than 5 answers" in html
    numbers = re.search(r'id="feedback-numbers">(.*?)</table>', html, re.S).group(1)  # type: ignore[union-attr]
    assert re.findall(r'<td class="text-end">([^<]*)</td>', numbers) == ["4", "10", "40%"]
    for hidden in ("Mean", "Median", "stats-", "distribution-", "<svg", "Great speakers", "HYPERLINK", "Chosen by"):
        assert hidden not in html

    exported = organiser_client.get(f"/manage/events/{event.id}/feedback/results.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[1:4] == [["Answers", "4"], ["Invited to answer", "10"], ["Response rate (%)", "40.0"]]
    assert rows[4][0] == "Note" and len(rows) == 5
    assert "Great speakers" not in exported

    event.project.feedback_min_answers = 3
    db.session.commit()
    html = organiser_client.get(f"/manage/events/{event.id}/feedback").get_data(as_text=True)
    assert "Great speakers" in html and 'id="small-group"' not in html


def test_csv_export_has_one_row_per_question_and_neutralised_comments(organiser_client, event, tokens) -> None:
    answer_all(event, tokens)
    response = organiser_client.get(f"/manage/events/{event.id}/feedback/results.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert "-feedback-" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))

    header = rows.index(["Question", "n", "Mean", "Median", "1", "2", "3", "4", "5", "Share of 4 and 5 (%)"])
    satisfaction = rows[header + 1]
    assert satisfaction == [
        "Overall, how satisfied are you with the event?",
        "6",
        str(round(statistics.mean(SATISFACTION), 2)),
        str(float(statistics.median(SATISFACTION))),
        *[str(SATISFACTION.count(v)) for v in range(1, 6)],
        str(round(share_high(SATISFACTION) * 100, 1)),
    ]
    assert ["What will you do next?", "Share them with colleagues", "3"] in rows
    assert ["Any other comments or suggestions?", '\'=HYPERLINK("http://evil.example")'] in rows
    assert ["Any other comments or suggestions?", "Great speakers"] in rows


def test_xlsx_export_has_numbers_as_numbers_and_a_comments_sheet(organiser_client, event, tokens) -> None:
    answer_all(event, tokens)
    response = organiser_client.get(f"/manage/events/{event.id}/feedback/results.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Results", "Comments"]

    rows = [list(r) for r in workbook["Results"].iter_rows(values_only=True)]
    relevance = next(r for r in rows if r[0] == "How relevant was the event to your work?")
    assert relevance == [
        "How relevant was the event to your work?",
        6,
        round(statistics.mean(RELEVANCE), 2),
        3.5,
        *[RELEVANCE.count(v) for v in range(1, 6)],
        round(share_high(RELEVANCE) * 100, 1),
    ]
    assert [c for c in rows[1] if c is not None] == ["Answers", 6]

    comments = [list(r) for r in workbook["Comments"].iter_rows(values_only=True)]
    assert comments[0] == ["Question", "Comment"]
    texts = [r[1] for r in comments[1:]]
    assert texts == ['\'=HYPERLINK("http://evil.example")', "could be longer", "Great speakers"]
    cell = next(c for c in workbook["Comments"]["B"] if c.value and "HYPERLINK" in c.value)
    assert cell.data_type == "s", "a comment is never a formula"


def test_erasing_an_attendee_who_answered_keeps_their_answers_counted(organiser_client, event, tokens) -> None:
    answer_all(event, tokens)
    before_page = organiser_client.get(f"/manage/events/{event.id}/feedback").get_data(as_text=True)
    before_csv = organiser_client.get(f"/manage/events/{event.id}/feedback/results.csv").data

    answered = invitation(tokens[0])
    erase_registration(db.session.get(Registration, answered.registration_id))

    after_csv = organiser_client.get(f"/manage/events/{event.id}/feedback/results.csv").data
    assert after_csv == before_csv
    after_page = organiser_client.get(f"/manage/events/{event.id}/feedback").get_data(as_text=True)
    main = re.compile(r'<main id="main".*</main>', re.S)
    assert main.search(after_page).group(0) == main.search(before_page).group(0)  # type: ignore[union-attr]


def test_a_manager_of_the_project_sees_the_results(client, login, make_user, event, tokens) -> None:
    answer_all(event, tokens)
    login(make_user(Role.MANAGER, projects=[event.project]))
    html = client.get(f"/manage/events/{event.id}/feedback").get_data(as_text=True)
    assert "Great speakers" in html and "3.8" in html
