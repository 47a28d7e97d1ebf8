"""Searching people's names, addresses and organisations the way people type them: any
case and with or without accents ("angela", "ÂNGELA" and "Ângela" all find "Ângela").

Folding happens in Python, never with SQL `lower()`, which SQLite applies to ASCII letters
only; a searched column is compared with its folded copy (`Contact.search_text`) or the
rows are filtered here."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """`text` without case or accents: "Ângela Straße" -> "angela strasse"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFKC", "".join(c for c in decomposed if not unicodedata.combining(c)).casefold())


def matches(query: str, *values: str | None) -> bool:
    """Whether the folded `query` occurs in any of `values` (an empty query matches all)."""
    wanted = fold(query.strip())
    return not wanted or any(wanted in fold(value) for value in values if value)
