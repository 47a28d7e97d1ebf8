"""Header values written by hand, because the standard library's folder (like Flask-Mail,
which this app used before) gets some wrong: it glues encoded words to the letters before
them and wraps long ASCII words (a List-Unsubscribe URL) in encoded words.

Guarantees, for any single-line text without control characters:
- text that is plain ASCII (and holds no "=?") is written as it is;
- other text becomes a run of RFC 2047 encoded words (UTF-8, base64, whole characters
  only), each standing alone between spaces, so `decode_header` and `policy.default`
  give back exactly the text;
- structured values (addresses, Message-ID, List-Unsubscribe) are never encoded;
- every header is folded at spaces only, to lines of at most 76 characters where a space
  allows it: unfolding (removing the CRLFs) gives back the value.
"""

from __future__ import annotations

import re
from base64 import b64encode
from email.headerregistry import HeaderRegistry
from email.policy import EmailPolicy
from typing import Any, ClassVar

from seminar_app.validation import UndeliverableAddress, sendable_address

__all__ = ["MAIL_POLICY", "UndeliverableAddress", "mailbox", "phrase", "sendable_address", "unstructured"]

# RFC 2047: a line holding encoded words has at most 76 characters, an encoded word at most
# 75; shorter words keep even "Reply-To: " plus one word within the line.
MAX_LINE = 76
_EW_PREFIX, _EW_SUFFIX, _EW_MAX = "=?utf-8?b?", "?=", 60
_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+( [A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


def one_line(text: str) -> str:
    """The text with every run of white space (line breaks too) turned into one space."""
    return " ".join(text.split())


def _needs_encoding(text: str) -> bool:
    return not text.isascii() or "=?" in text


def _fits(text: str) -> bool:
    return len(_EW_PREFIX) + len(_EW_SUFFIX) + 4 * -(-len(text.encode("utf-8")) // 3) <= _EW_MAX


def encoded_words(text: str) -> str:
    """`text` as space-separated encoded words, each within the RFC 2047 limits and none
    splitting a character. Words end after a space of the text where one is near, so that
    readers that wrongly keep the space between two encoded words show at worst two spaces."""
    chunks: list[str] = []
    chunk = ""
    for char in text:
        if not _fits(chunk + char):
            cut = chunk.rfind(" ") + 1
            if cut <= 0 or cut < len(chunk) // 2:
                cut = len(chunk)
            chunks.append(chunk[:cut])
            chunk = chunk[cut:]
        chunk += char
    chunks.append(chunk)
    return " ".join(f"{_EW_PREFIX}{b64encode(c.encode('utf-8')).decode('ascii')}{_EW_SUFFIX}" for c in chunks if c)


def unstructured(text: str) -> str:
    """A Subject (or other free text) value: as it is when plain ASCII, else encoded words."""
    text = one_line(text)
    return encoded_words(text) if _needs_encoding(text) else text


def phrase(name: str) -> str:
    """A display name: atoms when it can be, a quoted string when plain ASCII, else encoded words."""
    name = one_line(name)
    if _needs_encoding(name):
        return encoded_words(name)
    if _ATOM.fullmatch(name):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def mailbox(name: str, address: str, *, local_ok: bool = False) -> str:
    """`Name <address>`, or just the address when there is no name."""
    addr_spec = sendable_address(address, local_ok=local_ok)
    name = one_line(name)
    return f"{phrase(name)} <{addr_spec}>" if name else addr_spec


def fold(name: str, value: str, linesep: str = "\r\n") -> str:
    """`Name: value` folded before spaces so that lines stay within 76 characters where possible."""
    if not value.isascii():
        raise ValueError(f"The {name} header must be ASCII once encoded.")
    lines: list[str] = []
    line = f"{name}:"
    for i, word in enumerate(value.split(" ")):
        piece = word if i == 0 else " " + word
        if i == 0:
            line += " " + word
        elif len(line) + len(piece) > MAX_LINE:
            lines.append(line)
            line = piece
        else:
            line += piece
    lines.append(line)
    return linesep.join(lines) + linesep


class _HeaderClasses(HeaderRegistry):
    """The standard registry with each header's class made once: the standard one makes a new
    class with `type()` for every header set, which was about half of building a mail."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


class _HandWrittenHeaders(EmailPolicy):
    """`email.policy.SMTP`'s rules for the MIME structure, leaving the headers of `VERBATIM` (values
    made ready by this module) as they are: stored raw, folded only at spaces."""

    VERBATIM = frozenset(
        {"subject", "from", "to", "reply-to", "date", "message-id", "list-unsubscribe", "list-unsubscribe-post"}
    )

    # The MIME structure's headers repeat from message to message ("text/plain; charset=...",
    # "quoted-printable"...): each is parsed and folded once, which takes a further quarter off
    # building a mail (issue 18). Header objects are never changed once made, so one can
    # stand in many messages; multipart types are left out, as each has a boundary of its own.
    REPEATED = frozenset({"content-type", "content-transfer-encoding", "content-disposition", "mime-version"})
    _parsed: ClassVar[dict[tuple[str, str], tuple[str, Any]]] = {}
    _folded: ClassVar[dict[tuple[str, str, bool], str]] = {}

    def header_store_parse(self, name: str, value: Any) -> tuple[str, Any]:
        lowered = name.lower()
        if isinstance(value, str) and not hasattr(value, "name"):
            if lowered in self.VERBATIM:
                if "\r" in value or "\n" in value:
                    raise ValueError("Header values may not contain line breaks.")
                return (name, value)
            if lowered in self.REPEATED and "boundary=" not in value:
                key = (name, value)
                parsed = self._parsed.get(key)
                if parsed is None:
                    parsed = self._parsed[key] = _bounded(self._parsed, super().header_store_parse(name, value))
                return parsed
        return super().header_store_parse(name, value)

    def _fold(self, name: str, value: Any, refold_binary: bool = False) -> str:
        lowered = name.lower()
        if lowered in self.VERBATIM and not hasattr(value, "name"):
            return fold(name, str(value), self.linesep)
        if lowered in self.REPEATED and "boundary=" not in value:
            key = (name, str(value), refold_binary)
            folded = self._folded.get(key)
            if folded is None:
                folded = self._folded[key] = _bounded(self._folded, super()._fold(name, value, refold_binary))  # type: ignore[misc]
            return folded
        return super()._fold(name, value, refold_binary)  # type: ignore[misc]


def _bounded(kept: dict[Any, Any], value: Any, limit: int = 512) -> Any:
    """`value`, after emptying `kept` if it has grown past `limit` entries (a file's name in a
    Content-Disposition could otherwise make it grow without end)."""
    if len(kept) >= limit:
        kept.clear()
    return value


# Bodies in quoted-printable or base64, never raw 8-bit: smtplib does not ask for 8BITMIME.
MAIL_POLICY = _HandWrittenHeaders(linesep="\r\n", cte_type="7bit", header_factory=_HeaderClasses())
