"""Matching the people of a participant report to an event's registrants: by e-mail (any
case), else by name compared without case, accents or extra spaces. Pure functions."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Protocol

from seminar_app.attendance.imports import Participant, normalise_name


class Registrant(Protocol):
    id: int
    name: str
    email: str | None


def name_variants(name: str) -> set[str]:
    """The normalised name, and for Zoom's "Display (Original Name)" both of its parts."""
    variants = {normalise_name(name)}
    parts = re.fullmatch(r"(.*?)\s*\(([^()]+)\)\s*", name)
    if parts:
        variants |= {normalise_name(parts.group(1)), normalise_name(parts.group(2))}
    variants.discard("")
    return variants


@dataclass(frozen=True)
class Match:
    participant: Participant
    registration: Registrant
    by_email: bool


@dataclass
class ImportPreview:
    """What an import would do: `matched` get an attendance, `already` have one for the day
    and stay as they are; nothing happens for the others."""

    matched: list[Match] = field(default_factory=list)
    already: list[Match] = field(default_factory=list)
    ambiguous: list[tuple[Participant, list[Registrant]]] = field(default_factory=list)
    unmatched: list[Participant] = field(default_factory=list)
    too_short: list[tuple[Participant, Registrant | None]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.matched) + len(self.already) + len(self.ambiguous) + len(self.unmatched) + len(self.too_short)


def match_participants(
    participants: Iterable[Participant],
    registrants: Iterable[Registrant],
    *,
    min_minutes: int,
    already_present: set[int] | frozenset[int] = frozenset(),
) -> ImportPreview:
    """Match report rows to registrants: by e-mail (any case), else by normalised name; a
    name shared by several registrants is ambiguous, and so is a name two people in the
    report share (`Participant.same_name`): the organiser decides. Rows of one registrant
    are added up before the `min_minutes` threshold is applied."""
    registrants = list(registrants)
    by_email = {r.email.casefold(): r for r in registrants if r.email}
    by_name: dict[str, list[Registrant]] = {}
    for r in registrants:
        for variant in name_variants(r.name or ""):
            by_name.setdefault(variant, []).append(r)
    threshold = min_minutes * 60
    preview = ImportPreview()
    found: dict[int, Match] = {}
    for p in participants:
        registrant = by_email.get(p.email.casefold()) if p.email else None
        if registrant is not None:
            match = Match(p, registrant, by_email=True)
        else:
            candidates = {r.id: r for v in name_variants(p.name) for r in by_name.get(v, [])}
            if len(candidates) != 1 or p.same_name:
                if p.seconds < threshold:
                    preview.too_short.append((p, None))
                elif candidates:
                    preview.ambiguous.append((p, sorted(candidates.values(), key=lambda r: r.id)))
                else:
                    preview.unmatched.append(p)
                continue
            match = Match(p, next(iter(candidates.values())), by_email=False)
        earlier = found.get(match.registration.id)
        if earlier is not None:
            summed = replace(earlier.participant, seconds=earlier.participant.seconds + p.seconds)
            match = Match(summed, earlier.registration, earlier.by_email or match.by_email)
        found[match.registration.id] = match
    for match in found.values():
        if match.participant.seconds < threshold:
            preview.too_short.append((match.participant, match.registration))
        elif match.registration.id in already_present:
            preview.already.append(match)
        else:
            preview.matched.append(match)
    return preview
