"""Markdown to safe HTML: organisers write Markdown, the public sees sanitised HTML."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough")

_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "s", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render_markdown(text: str | None) -> Markup:
    """Render Markdown, then sanitise: raw HTML, scripts and javascript: links never survive."""
    if not text:
        return Markup("")
    return _rendered(text)


# The same descriptions are shown on every visit to an event page, and the result depends on
# the text alone: each process renders a text once (an edited text is a new key).
@lru_cache(maxsize=1024)
def _rendered(text: str) -> Markup:
    html = _md.render(text)
    # h1 is the page title; demote headings so a description never competes with it.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)
