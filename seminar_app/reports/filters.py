"""The filter of a report: which events its figures cover, read from a query string.

The same filter drives the dashboard, the exports and the CLI, so a link copied from the
dashboard (see `ReportFilter.to_query_args`) gives the same figures everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from seminar_app import geo
from seminar_app.enums import EventKind
from seminar_app.errors import ValidationFailed
from seminar_app.projects.models import Project
from seminar_app.validation import FieldErrors

# Query-string names, shared by the form on the dashboard and the exports' links.
DATE_FROM, DATE_TO, PARTNER, COUNTRY, RESULT, KIND = "from", "to", "partner", "country", "result", "kind"


@dataclass(frozen=True)
class ReportFilter:
    """Which events a report covers; an empty tuple or None means "no restriction".

    Dates are inclusive and compare with the day the event starts in its own time zone
    (an event at 00:30 in Lisbon on 1 March is a March event, whatever UTC says).
    Partner and result ids are those of the report's project (checked by `parse_filter`).
    """

    date_from: date | None = None
    date_to: date | None = None
    partner_ids: tuple[int, ...] = ()
    countries: tuple[str, ...] = ()
    result_ids: tuple[int, ...] = ()
    kinds: tuple[EventKind, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self == ReportFilter()

    def to_query_args(self) -> dict[str, str | list[str]]:
        """The filter as query-string arguments (for `url_for(..., **args)`); the inverse of
        `parse_filter`. Unrestricted parts are left out."""
        args: dict[str, str | list[str]] = {}
        if self.date_from:
            args[DATE_FROM] = self.date_from.isoformat()
        if self.date_to:
            args[DATE_TO] = self.date_to.isoformat()
        for name, values in (
            (PARTNER, [str(i) for i in self.partner_ids]),
            (COUNTRY, list(self.countries)),
            (RESULT, [str(i) for i in self.result_ids]),
            (KIND, [k.value for k in self.kinds]),
        ):
            if values:
                args[name] = values
        return args


def _values(args: Mapping[str, str | list[str]], name: str) -> list[str]:
    """Every non-blank value of `name`, whether `args` is a MultiDict or a plain mapping."""
    getlist = getattr(args, "getlist", None)
    raw = getlist(name) if getlist else args.get(name, [])
    if isinstance(raw, str):
        raw = [raw]
    return [v.strip() for v in raw if v and v.strip()]


def _date(errors: FieldErrors, args: Mapping[str, str | list[str]], name: str) -> date | None:
    values = _values(args, name)
    if not values:
        return None
    try:
        return date.fromisoformat(values[0])
    except ValueError:
        errors.add(name, _("“%(value)s” is not a date: write it as YYYY-MM-DD.", value=values[0]))
        return None


def _ids(
    errors: FieldErrors, values: list[str], known: set[int], name: str, message: Callable[[str], str]
) -> tuple[int, ...]:
    ids: list[int] = []
    for value in values:
        if value.isdigit() and int(value) in known:
            if int(value) not in ids:
                ids.append(int(value))
        else:
            errors.add(name, message(value))
    return tuple(ids)


def parse_filter(args: Mapping[str, str | list[str]], project: Project) -> ReportFilter:
    """Read a filter from query-string arguments (`from`, `to`, `partner`, `country`,
    `result`, `kind`; the last four may repeat).

    Raises `ValidationFailed` naming every wrong value at once: a date that is not
    YYYY-MM-DD or a range that ends before it starts, a partner or result that is not one
    of `project`'s, a country that is not a two-letter ISO code, an unknown event kind.
    Whether the reader may see the partners asked for is `ReportScope.check`'s question.
    """
    errors = FieldErrors()
    date_from = _date(errors, args, DATE_FROM)
    date_to = _date(errors, args, DATE_TO)
    if date_from and date_to and date_to < date_from:
        errors.add(DATE_TO, _("The end of the period is before its start."))
    partner_ids = _ids(
        errors,
        _values(args, PARTNER),
        {p.id for p in project.partners},
        PARTNER,
        lambda value: _("“%(value)s” is not a partner of this project.", value=value),
    )
    result_ids = _ids(
        errors,
        _values(args, RESULT),
        {r.id for r in project.results},
        RESULT,
        lambda value: _("“%(value)s” is not a result of this project.", value=value),
    )
    countries: list[str] = []
    for value in _values(args, COUNTRY):
        if geo.is_country(value):
            if value.upper() not in countries:
                countries.append(value.upper())
        else:
            message = _("“%(value)s” is not a known country code (use two letters, such as PT).", value=value)
            errors.add(COUNTRY, message)
    kinds: list[EventKind] = []
    for value in _values(args, KIND):
        if value in EventKind._value2member_map_:
            if EventKind(value) not in kinds:
                kinds.append(EventKind(value))
        else:
            errors.add(KIND, _("“%(value)s” is not a kind of event.", value=value))
    if errors.by_field:
        raise ValidationFailed(errors.by_field, _("The filter could not be used."))
    return ReportFilter(date_from, date_to, partner_ids, tuple(countries), result_ids, tuple(kinds))
