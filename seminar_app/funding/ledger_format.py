"""How the ledger writes months, event dates and money for people, in the reader's locale
(shared by the page, the files and the warnings)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel import dates as babel_dates
from babel import numbers as babel_numbers

from seminar_app import i18n
from seminar_app.events.models import Event


def _locale() -> str:
    return i18n.locale_id(i18n.current_language())


def month_label(month: date) -> str:
    return babel_dates.format_skeleton("yMMMM", month, locale=_locale())


def event_dates(event: Event) -> str:
    """'12 Mar 2026' or '12–13 Mar 2026', in the event's zone and the reader's locale."""
    first, last = event.local_days[0], event.local_days[-1]
    if first == last:
        return babel_dates.format_skeleton("yMMMd", first, locale=_locale())
    return babel_dates.format_interval(first, last, "yMMMd", locale=_locale())


def money(value: Decimal | None, currency: str) -> str:
    """'1,200.00 €' in the reader's locale; '—' where there is no amount (lump sum)."""
    if value is None:
        return "—"
    return babel_numbers.format_currency(value, currency, locale=_locale())
