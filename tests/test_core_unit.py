"""Wall-clock times and instants convert both ways in any zone, across daylight-saving changes."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seminar_app.errors import DomainError
from seminar_app.timefmt import to_local, to_utc
from seminar_app.validation import slugify

ZONES = ["Europe/Lisbon", "Europe/Bucharest", "Europe/Istanbul", "America/Sao_Paulo", "Australia/Sydney"]


@settings(max_examples=300, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    local=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 12, 31)).map(
        lambda d: d.replace(second=0, microsecond=0)
    ),
)
def test_a_local_time_either_round_trips_or_is_refused_as_skipped(zone: str, local: datetime) -> None:
    try:
        instant = to_utc(local, zone)
    except DomainError as exc:
        # Only a time in the hour skipped when clocks go forward may be refused.
        assert exc.code == "nonexistent_local_time"
        before = (local - timedelta(hours=1)).replace(tzinfo=ZoneInfo(zone)).utcoffset()
        after = (local + timedelta(hours=1)).replace(tzinfo=ZoneInfo(zone)).utcoffset()
        assert before != after
        return
    assert instant.utcoffset() == timedelta(0)
    assert to_local(instant, zone) == local


def test_the_skipped_hour_in_lisbon_is_refused_and_the_repeated_hour_takes_the_first() -> None:
    with pytest.raises(DomainError):
        to_utc(datetime(2027, 3, 28, 1, 30), "Europe/Lisbon")
    assert to_utc(datetime(2027, 10, 31, 1, 30), "Europe/Lisbon").isoformat() == "2027-10-31T00:30:00+00:00"


@given(st.text(max_size=200))
def test_slugs_are_always_web_safe_and_stable(text: str) -> None:
    slug = slugify(text, max_length=100)
    assert len(slug) <= 100
    assert all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in slug)
    assert not slug.startswith("-") and not slug.endswith("-") and "--" not in slug
    assert slug == slug.lower()
    assert slugify(slug, max_length=100) == slug


@given(st.text(max_size=50))
def test_field_errors_refuse_exactly_the_text_a_database_cannot_store(text: str) -> None:
    from seminar_app.validation import FieldErrors

    errors = FieldErrors()
    errors.limit("organisation", text, 100)
    bad = any((ord(c) < 32 and c not in "\t\n\r") or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF for c in text)
    assert ("organisation" in errors.by_field) == bad
