"""Helpers services use to report every mistake of an input at once."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel.speaklater import LazyString

from seminar_app.errors import ValidationFailed


class FieldErrors:
    """Collects messages per field; `raise_if_any` turns them into one `ValidationFailed`."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def require(self, name: str, value: str, message: str, *, max_length: int) -> None:
        if not value.strip():
            self.add(name, message)
        else:
            self.limit(name, value, max_length)

    def limit(self, name: str, value: str, max_length: int) -> None:
        if len(value.strip()) > max_length:
            self.add(name, ngettext("Use at most %(num)d character.", "Use at most %(num)d characters.", max_length))
        elif not storable(value):
            self.add(name, _("Remove the invisible control characters from this text."))

    def fit(self, name: str, value: str, column: Any, *, required: LazyString | None = None) -> None:
        """Report `value` unless it can be stored in `column` (a model attribute such as
        `Event.title`): no control characters, and no longer than a sized column once stripped.
        With `required` (lazy, so that nothing is translated unless it is shown), that
        message is reported for a blank value."""
        length = getattr(column.type, "length", None)
        if required is not None and not value.strip():
            self.add(name, str(required))
        elif length:
            self.limit(name, value, length)
        elif not storable(value):
            self.add(name, _("Remove the invisible control characters from this text."))

    def fit_all(self, data: object, model: type, *names: str) -> None:
        """`fit` for each attribute `names` of `data` against the same-named column of `model`."""
        for name in names:
            self.fit(name, getattr(data, name), getattr(model, name))

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationFailed(self.by_field)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def storable(value: str) -> bool:
    """Text every database accepts: no NUL or other control characters (line breaks and
    tabs are fine), no lone surrogates (which PostgreSQL refuses)."""
    return _CONTROL.search(value) is None


def make_storable(value: str) -> str:
    """`value` without the characters `storable` refuses."""
    return _CONTROL.sub("", value)


class UndeliverableAddress(ValueError):
    """An address this application can never send to."""


@lru_cache(maxsize=4096)
def sendable_address(address: str, *, local_ok: bool = False) -> str:
    """The address as the mail sender puts it on the wire: the domain in its ASCII (IDNA)
    form. The sender does not use SMTPUTF8, so the part before the @ must be ASCII (and at
    most 64 characters, RFC 5321).

    Raises UndeliverableAddress for anything it cannot send to, including reserved domains
    such as `localhost` unless `local_ok` (the operator's own sender address).

    Kept per address (it depends on nothing else): the sender checks each recipient twice,
    for the header and the envelope, and the same sender and Reply-To addresses in every
    message of a campaign; checking was a tenth of building a message (issue 18)."""
    address = address.strip()
    if local_ok:
        local, _at, domain = address.rpartition("@")
        try:
            if local and domain and local.isascii() and " " not in address:
                return f"{local}@{domain.encode('idna').decode('ascii')}"
        except UnicodeError:
            pass
        raise UndeliverableAddress(f"The sender address {address!r} cannot be sent from.")
    try:
        checked = validate_email(address, check_deliverability=False, allow_smtputf8=False, strict=True)
    except EmailNotValidError as exc:
        raise UndeliverableAddress(str(exc)) from None
    if not checked.ascii_email or len(checked.ascii_email) > 254:
        raise UndeliverableAddress("The address is longer than 254 characters.")
    return checked.ascii_email


def is_email(value: str, *, sendable: bool = True) -> bool:
    """An address the application can send mail to (see `sendable_address`); with
    `sendable=False`, any syntactically valid one (to find what was stored before).
    No DNS look-up: checks must work offline."""
    if sendable:
        try:
            sendable_address(value)
        except UndeliverableAddress:
            return False
        return True
    try:
        validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, *, max_length: int) -> str:
    """Lower-case ASCII letters and digits joined by single hyphens ("" if nothing is left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:max_length].strip("-")
