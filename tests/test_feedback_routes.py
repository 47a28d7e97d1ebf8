"""The feedback form behind the link, and the organiser's questions and preview pages."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import select

from seminar_app.enums import EventStatus, QuestionKind, Role
from seminar_app.extensions import db
from seminar_app.feedback import services
from seminar_app.feedback.models import FeedbackAnswer, Question
from tests.test_feedback_services import by_code, counts, invitation, invited_tokens


@pytest.fixture
def event(make_event, make_partner):  # type: ignore[no-untyped-def]
    """An event in Portuguese that ended two days ago."""
    return make_event(make_partner(name="Centro de Prevenção Lisboa", default_language="pt"), days_ahead=-2)


@pytest.fixture
def token(event) -> str:  # type: ignore[no-untyped-def]
    return invited_tokens(event, 1)[0]


@pytest.fixture
def organiser(make_user, event):  # type: ignore[no-untyped-def]
    return make_user(Role.ORGANISER, partners=[event.partner])


def field(event, code: str) -> str:  # type: ignore[no-untyped-def]
    return f"q-{by_code(event)[code].id}"


def good_answers(event) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        field(event, "overall_satisfaction"): "5",
        field(event, "speakers"): "4",
        field(event, "next_steps"): ["0", "1"],
        field(event, "comments"): "Very useful day.",
    }


# --- the form -----------------------------------------------------------------------------


def test_the_form_speaks_the_registrants_language_until_the_visitor_switches(client, event, token) -> None:
    page = client.get(f"/feedback/{token}", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="pt-PT">' in html and "Aviso de privacidade" in html
    assert page.headers["Content-Language"] == "pt-PT"
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "no-store"
    for q in by_code(event).values():
        assert f'id="question-{q.id}"' in html

    switched = client.get(f"/lang/en?next=/feedback/{token}", follow_redirects=True)
    html = switched.get_data(as_text=True)
    assert switched.request.path == f"/feedback/{token}"
    assert '<html lang="en-GB">' in html and "Privacy notice" in html
    assert "Overall, how satisfied are you with the event?" in html
    assert "1 – Very poor" in html and "5 – Excellent" in html
    assert "Use the project&#39;s results in my work" in html


def test_the_scale_is_a_group_of_radio_buttons_low_end_first_with_a_legend(client, event, token) -> None:
    html = client.get(f"/feedback/{token}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    name = field(event, "relevance")
    fieldset = re.search(rf'<fieldset[^>]*id="question-{name[2:]}".*?</fieldset>', html, re.S)
    assert fieldset, "each scale question is a fieldset"
    assert "<legend" in fieldset.group(0)
    values = re.findall(rf'type="radio" name="{name}" id="[^"]+" value="(\d)"', fieldset.group(0))
    assert values == ["1", "2", "3", "4", "5"]


def test_answering_once_then_the_link_says_it_was_used(client, event, token) -> None:
    response = client.post(f"/feedback/{token}", data=good_answers(event))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/feedback/{token}/thanks")
    assert "Obrigado!" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert counts() == (1, 4)

    again = client.get(f"/feedback/{token}")
    assert again.status_code == 200
    assert "Esta ligação já foi utilizada para responder. Obrigado!" in again.get_data(as_text=True)
    assert '<form method="post"' not in again.get_data(as_text=True).split("</header>")[1]

    second = client.post(f"/feedback/{token}", data={field(event, "overall_satisfaction"): "1"})
    assert second.status_code == 409
    assert "Esta ligação já foi utilizada para responder." in second.get_data(as_text=True)
    assert counts() == (1, 4)
    ratings = select(FeedbackAnswer.value_int).where(FeedbackAnswer.value_int.is_not(None))
    assert sorted(db.session.scalars(ratings)) == [4, 5]


def test_a_forged_link_gets_a_clear_404_and_stores_nothing(client, event, token) -> None:
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for method in ("get", "post"):
        page = getattr(client, method)(f"/feedback/{forged}", data=good_answers(event))
        assert page.status_code == 404
        assert "This link does not work" in page.get_data(as_text=True)
    assert client.get(f"/feedback/{forged}/thanks").status_code == 404
    assert counts() == (0, 0)


@pytest.mark.parametrize("value", ["0", "6", "abc"])
def test_an_out_of_range_rating_is_refused_with_a_message_and_nothing_is_saved(client, event, token, value) -> None:
    data = {**good_answers(event), field(event, "speakers"): value}
    page = client.post(f"/feedback/{token}", data=data, headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert '<html lang="pt-PT">' in html, "the form speaks the person's language, whatever the browser asks for"
    assert "Escolha um número de 1 a 5." in html
    assert 'id="error-summary"' in html
    assert "Very useful day." in html, "what was typed is kept"
    assert counts() == (0, 0)
    assert not invitation(token).answered


def test_an_answer_to_a_question_that_does_not_exist_is_refused(client, event, token) -> None:
    page = client.post(f"/feedback/{token}", data={**good_answers(event), "q-987654": "3"})
    assert page.status_code == 422
    assert "não consta (ou já não consta) do questionário" in page.get_data(as_text=True)
    assert counts() == (0, 0)
    assert not invitation(token).answered


def test_the_form_is_not_open_before_the_event_ended_or_for_a_cancelled_one(client, make_event) -> None:
    upcoming = make_event(days_ahead=3, language="en")
    cancelled = make_event(days_ahead=-3, status=EventStatus.CANCELLED, language="en")
    for event, message in ((upcoming, "opens when the event is over"), (cancelled, "was cancelled")):
        (token,) = invited_tokens(event, 1, start=event.id * 10)
        page = client.get(f"/feedback/{token}", headers={"Accept-Language": "en"})
        assert page.status_code == 200 and message in page.get_data(as_text=True)
        assert 'name="q-' not in page.get_data(as_text=True)
        posted = client.post(f"/feedback/{token}", data={field(event, "overall_satisfaction"): "5"})
        assert posted.status_code == 409
    assert counts() == (0, 0)


def test_two_submissions_with_the_same_link_at_once_store_one_response(app, event, token) -> None:
    data = good_answers(event)
    statuses: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def submit() -> None:
        try:
            with app.test_client() as client:
                start.wait()
                statuses.append(client.post(f"/feedback/{token}", data=data).status_code)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert errors == []
    assert sorted(statuses) == [302, 409]
    db.session.expire_all()
    assert counts() == (1, 4)


# --- the organiser's pages ---------------------------------------------------------------------


def test_an_organiser_adds_a_single_choice_question_seen_in_preview_and_form(
    client, login, organiser, event, token
) -> None:
    login(organiser)
    page = client.post(
        f"/manage/events/{event.id}/feedback/questions",
        data={"text": "Which result will you use?", "kind": "single", "choices": "PR1 report\nPR2 mentoring"},
        follow_redirects=True,
    )
    assert "The question is added" in page.get_data(as_text=True)
    question = db.session.scalars(select(Question).where(Question.event_id == event.id)).one()
    assert (question.kind, question.choices) == (QuestionKind.SINGLE, ["PR1 report", "PR2 mentoring"])

    preview = client.get(f"/manage/events/{event.id}/feedback/preview").get_data(as_text=True)
    assert "Which result will you use?" in preview and "PR2 mentoring" in preview
    assert re.search(rf'type="radio" name="q-{question.id}" id="[^"]+" value="1" disabled', preview)
    assert 'method="post"' not in preview.split("Preview of the feedback form</h2>")[1]

    form = client.get(f"/feedback/{token}").get_data(as_text=True)
    assert re.search(rf'type="radio" name="q-{question.id}" id="[^"]+" value="1"(?! disabled)', form)
    response = client.post(f"/feedback/{token}", data={**good_answers(event), f"q-{question.id}": "1"})
    assert response.status_code == 302
    assert db.session.scalar(select(FeedbackAnswer.value_choices).where(FeedbackAnswer.question_id == question.id)) == [
        1
    ]


def test_a_choice_question_without_two_options_is_refused(client, login, organiser, event) -> None:
    login(organiser)
    page = client.post(
        f"/manage/events/{event.id}/feedback/questions", data={"text": "Format?", "kind": "multiple", "choices": "One"}
    )
    assert page.status_code == 422
    assert "Give at least two options, one per line." in page.get_data(as_text=True)
    assert db.session.scalars(select(Question).where(Question.event_id == event.id)).all() == []


def test_a_question_cannot_be_deleted_once_somebody_answered(client, login, organiser, event, token) -> None:
    login(organiser)
    keep = services.add_question(event, services.QuestionInput("Keep me?", QuestionKind.TEXT))
    gone = services.add_question(event, services.QuestionInput("Delete me?", QuestionKind.TEXT))
    url = f"/manage/events/{event.id}/feedback/questions/delete"
    assert "The question is deleted." in client.post(url, data={"question_id": gone.id}, follow_redirects=True).text

    assert client.post(f"/feedback/{token}", data=good_answers(event)).status_code == 302
    page = client.post(url, data={"question_id": keep.id}, follow_redirects=True).get_data(as_text=True)
    assert "can no longer be deleted" in page
    db.session.expire_all()
    assert db.session.scalars(select(Question.text).where(Question.event_id == event.id)).all() == ["Keep me?"]


def test_a_question_of_another_event_cannot_be_deleted_from_this_one(
    client, login, organiser, event, make_event
) -> None:
    other = make_event(event.partner, days_ahead=-5)
    foreign = services.add_question(other, services.QuestionInput("Other event's?", QuestionKind.TEXT))
    login(organiser)
    response = client.post(f"/manage/events/{event.id}/feedback/questions/delete", data={"question_id": foreign.id})
    assert response.status_code == 404
    assert db.session.get(Question, foreign.id) is not None


MANAGE_PAGES = ["", "/questions", "/preview", "/results.csv", "/results.xlsx"]


@pytest.mark.parametrize("suffix", MANAGE_PAGES)
def test_organisers_and_the_projects_managers_see_the_tab_others_do_not(
    client, login, event, make_user, make_partner, suffix
) -> None:
    url = f"/manage/events/{event.id}/feedback{suffix}"
    assert "/login" in client.get(url).headers["Location"]

    login(make_user(Role.ORGANISER, partners=[make_partner(event.project)]))
    assert client.get(url).status_code == 404
    client.post("/logout")

    login(make_user(Role.MANAGER, projects=[event.project]))
    assert client.get(url).status_code == 200
