"""Times for people: always in the event's own zone, always with the zone named,
formatted for the reader's locale with Babel."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from flask_babel import gettext as _

from seminar_app import i18n


def _locale() -> str:
    # English readers of a European project expect day-month dates and a 24-hour clock (en_GB).
    return i18n.locale_id(i18n.current_language())


def zone_label(moment: datetime, tz_name: str) -> str:
    """'Europe/Lisbon, UTC+01:00' for the offset in force at that moment."""
    local = moment.astimezone(ZoneInfo(tz_name))
    offset = local.strftime("%z")
    return f"{tz_name}, UTC{offset[:3]}:{offset[3:]}"


def format_date(moment: datetime, tz_name: str, fmt: str = "full") -> str:
    return babel_dates.format_date(moment.astimezone(ZoneInfo(tz_name)).date(), fmt, locale=_locale())


def format_time(moment: datetime, tz_name: str) -> str:
    return babel_dates.format_time(moment.astimezone(ZoneInfo(tz_name)), "short", locale=_locale())


def format_datetime(moment: datetime, tz_name: str, fmt: str = "medium") -> str:
    local = moment.astimezone(ZoneInfo(tz_name))
    return babel_dates.format_datetime(local, fmt, tzinfo=ZoneInfo(tz_name), locale=_locale())


def format_span(start: datetime, end: datetime, tz_name: str) -> str:
    """A human span in the event's zone: one day shows the date once, several days show both."""
    tz = ZoneInfo(tz_name)
    s, e = start.astimezone(tz), end.astimezone(tz)
    if s.date() == e.date():
        return f"{format_date(start, tz_name)}, {format_time(start, tz_name)}–{format_time(end, tz_name)}"
    return (
        f"{format_date(start, tz_name)}, {format_time(start, tz_name)} – "
        f"{format_date(end, tz_name)}, {format_time(end, tz_name)}"
    )


def to_utc(local: datetime, tz_name: str, *, field: str | None = None) -> datetime:
    """Interpret a wall-clock time in `tz_name` as an instant.

    Times skipped by a daylight-saving change do not exist and are refused; in the
    repeated hour the first occurrence is taken.
    """
    from seminar_app.errors import DomainError

    tz = ZoneInfo(tz_name)
    naive = local.replace(tzinfo=None)
    aware = naive.replace(tzinfo=tz)
    round_trip = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if round_trip != naive:
        raise DomainError(
            _(
                "%(time)s does not exist in %(zone)s: the clocks change then.",
                time=naive.strftime("%H:%M"),
                zone=tz_name,
            ),
            field=field,
            code="nonexistent_local_time",
        )
    return aware.astimezone(UTC)


def to_local(moment: datetime, tz_name: str) -> datetime:
    """The naive wall-clock time of `moment` in `tz_name`, as forms show it."""
    return moment.astimezone(ZoneInfo(tz_name)).replace(tzinfo=None)
