"""Who of an event's attendees the funder pays for, and why the others are not counted.

Pure rules over plain facts read by `funding.eligibility_queries`: the ledger, its exports
and the event's eligibility page all classify people here, so that one rule decides.

- Attended: any attendance row on site (ticked by hand, scanned, walk-in) counts; an online
  one counts when ticked by hand (no minutes) or imported with at least the project's
  minimum minutes. A person present on several days is one person for the event.
- A person who attended but whose only rows are online imports under the minimum is
  "below minimum minutes" (not eligible).
- The newest decision of an organiser applies; "not eligible" excludes with its reason,
  and comes before the categories below (it is the most specific word about the person).
- Partner staff are not eligible unless the rules count them; when they count, they are
  local or international like anyone else.
- Local: the organisation's country is the event's; international: another country;
  "country not given" when empty (shown, never guessed, not paid). Erased people keep
  their country and partner flag, so they still count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from seminar_app.enums import AttendanceMode
from seminar_app.funding.models import FundingRules


class Category(StrEnum):
    LOCAL = "local"
    INTERNATIONAL = "international"
    PARTNER_STAFF = "partner_staff"
    NO_COUNTRY = "no_country"
    BELOW_MINUTES = "below_minutes"
    MARKED = "marked"

    @property
    def label(self) -> str:
        return str(_LABELS[self])

    @property
    def eligible(self) -> bool:
        return self in (Category.LOCAL, Category.INTERNATIONAL)


_LABELS = {
    Category.LOCAL: _l("Local"),
    Category.INTERNATIONAL: _l("International"),
    Category.PARTNER_STAFF: _l("Partner staff"),
    Category.NO_COUNTRY: _l("Country not given"),
    Category.BELOW_MINUTES: _l("Below the minimum minutes online"),
    Category.MARKED: _l("Marked not eligible"),
}


@dataclass(frozen=True)
class Presence:
    """One attendance row of a registration at an event."""

    mode: AttendanceMode
    minutes: int | None


@dataclass(frozen=True)
class Attendee:
    """What eligibility needs of a registration (kept by erasure)."""

    registration_id: int
    country: str
    is_partner_staff: bool


def attended(presences: Iterable[Presence], rules: FundingRules) -> bool:
    """On site on any day, or online ticked by hand or long enough by the platform's report."""
    return any(
        p.mode is AttendanceMode.ONSITE or p.minutes is None or p.minutes >= rules.min_online_minutes for p in presences
    )


def classify(
    event_country: str,
    attendee: Attendee,
    presences: Iterable[Presence],
    rules: FundingRules,
    *,
    marked_ineligible: bool = False,
) -> Category:
    """The attendee's category at the event (see the module's docstring for the order)."""
    if not attended(presences, rules):
        return Category.BELOW_MINUTES
    if marked_ineligible:
        return Category.MARKED
    if attendee.is_partner_staff and not rules.partner_staff_count:
        return Category.PARTNER_STAFF
    if not attendee.country:
        return Category.NO_COUNTRY
    if attendee.country.upper() == (event_country or "").upper():
        return Category.LOCAL
    return Category.INTERNATIONAL


@dataclass
class EventCounts:
    """How many attendees of an event (or of a ledger line) fall in each category."""

    local: int = 0
    international: int = 0
    partner_staff: int = 0
    no_country: int = 0
    below_minutes: int = 0
    marked: int = 0
    by_registration: dict[int, Category] = field(default_factory=dict, repr=False)

    def add(self, category: Category, registration_id: int | None = None) -> None:
        attribute = category.value
        setattr(self, attribute, getattr(self, attribute) + 1)
        if registration_id is not None:
            self.by_registration[registration_id] = category

    def __iadd__(self, other: EventCounts) -> EventCounts:
        for name in ("local", "international", "partner_staff", "no_country", "below_minutes", "marked"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def eligible(self) -> int:
        return self.local + self.international

    @property
    def not_eligible(self) -> int:
        """Attended but not paid for by decision or by the minimum minutes."""
        return self.below_minutes + self.marked

    @property
    def attendees(self) -> int:
        return self.eligible + self.partner_staff + self.no_country + self.not_eligible
