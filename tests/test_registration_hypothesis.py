"""Arbitrary text at the registration form and arbitrary JSON at the API: never a server
error, and a refused request leaves nothing behind (no registration, consent or mail)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.registration.models import Consent, Registration

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# The test client encodes form data as UTF-8, which cannot carry unpaired surrogates.
any_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300)
emails = st.emails().map(lambda e: e[:254])


def field(valid: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(valid, any_text)


FORM = st.fixed_dictionaries(
    {},
    optional={
        "name": field(st.sampled_from(["Ana Silva", "Rui"])),
        "email": field(emails),
        "organisation": any_text,
        "organisation_city": any_text,
        "organisation_country": field(st.sampled_from(["PT", "RO", ""])),
        "function_role": any_text,
        "stakeholder_group": field(st.sampled_from(["researchers", "prison_probation", ""])),
        "mode": field(st.sampled_from(["onsite", "online"])),
        "is_partner_staff": field(st.just("y")),
        "access_needs": any_text,
        "privacy_acknowledged": field(st.just("y")),
        "consent_photos": field(st.just("y")),
        "consent_attendee_list": any_text,
        "consent_news": any_text,
        "website": st.one_of(st.just(""), any_text),
    },
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=300),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=4),
    max_leaves=12,
)

JSON_BODY = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional={
            "name": st.one_of(st.just("Ana Silva"), json_values),
            "email": st.one_of(emails, json_values),
            "organisation": json_values,
            "organisation_country": st.one_of(st.sampled_from(["PT", "XX"]), json_values),
            "stakeholder_group": st.one_of(st.sampled_from(["researchers", "nobody"]), json_values),
            "mode": st.one_of(st.sampled_from(["onsite", "online"]), json_values),
            "privacy_acknowledged": st.one_of(st.just(True), json_values),
            "consent_photos": json_values,
            "consent_news": json_values,
            "language": st.one_of(st.sampled_from(["en", "pt", "de"]), json_values),
            "access_needs": json_values,
        },
    ),
)


def counts() -> tuple[int, int, int]:
    db.session.expire_all()
    return tuple(  # type: ignore[return-value]
        db.session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Registration, Consent, OutboxMessage)
    )


@pytest.fixture
def event(make_event):  # type: ignore[no-untyped-def]
    return make_event(slug="fuzzed", capacity_onsite=2, capacity_online=2)


def test_arbitrary_form_input_never_breaks_the_form(client, event) -> None:
    @SETTINGS
    @given(data=FORM)
    def check(data: dict[str, str]) -> None:
        before = counts()
        response = client.post("/events/fuzzed/register", data=data)
        assert response.status_code in (302, 422), response.status_code
        if response.status_code == 422:
            assert counts() == before
            assert 'id="error-summary"' in response.get_data(as_text=True)

    check()


def test_arbitrary_json_never_breaks_the_api(client, event) -> None:
    event_id = event.id

    @SETTINGS
    @given(payload=JSON_BODY)
    def check(payload: object) -> None:
        before = counts()
        raw = json.dumps(payload)  # escapes unpaired surrogates, as any client library would
        response = client.post(f"/api/v1/events/{event_id}/registrations", data=raw, content_type="application/json")
        assert response.status_code in (202, 422), response.status_code
        if response.status_code == 422:
            assert counts() == before
            assert response.get_json()["error"]["code"] == "validation_failed"

    check()


def test_arbitrary_bytes_never_break_the_api(client, event) -> None:
    event_id = event.id

    @SETTINGS
    @given(raw=st.binary(max_size=500))
    def check(raw: bytes) -> None:
        before = counts()
        response = client.post(f"/api/v1/events/{event_id}/registrations", data=raw, content_type="application/json")
        assert response.status_code in (202, 400, 422), response.status_code
        if response.status_code != 202:
            assert counts() == before

    check()
