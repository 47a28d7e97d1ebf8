"""The public event page's content sections, rendered once per content generation
(public.fragments): kept between requests that miss the page cache, per language, and
replaced as soon as a public edit starts a new generation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import template_rendered

from seminar_app.extensions import db
from seminar_app.public import fragments
from tests import content_translations

FRAGMENT = fragments.TEMPLATE


@contextmanager
def rendered_templates(app, monkeypatch) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    """The templates rendered meanwhile: whole pages, and the content sections' fragment."""
    names: list[str] = []
    render = fragments._render

    def spy(shown):  # type: ignore[no-untyped-def]
        names.append(FRAGMENT)
        return render(shown)

    def record(sender, template, context, **extra):  # type: ignore[no-untyped-def]
        names.append(template.name)

    monkeypatch.setattr(fragments, "_render", spy)
    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)
        monkeypatch.setattr(fragments, "_render", render)


def test_a_second_request_does_not_render_the_content_sections_again(app, client, translated, monkeypatch) -> None:
    # Each address misses the whole-page cache, as a signed-in visitor's request would.
    with rendered_templates(app, monkeypatch) as names:
        first = client.get(f"/events/{translated.slug}?v=1").get_data(as_text=True)
    assert FRAGMENT in names
    with rendered_templates(app, monkeypatch) as names:
        second = client.get(f"/events/{translated.slug}?v=2").get_data(as_text=True)
    assert "public/event_detail.html" in names
    assert FRAGMENT not in names
    assert content_translations.ITEM_EN in second
    assert 'aria-labelledby="agenda-heading"' in first and 'aria-labelledby="agenda-heading"' in second


def test_a_public_edit_shows_its_new_text_at_once(client, translated) -> None:
    assert "Mentoring Model" in client.get(f"/events/{translated.slug}?v=1").get_data(as_text=True)
    translated.description = "We now present the **Revised Model**."
    db.session.commit()  # a new content generation
    page = client.get(f"/events/{translated.slug}?v=2").get_data(as_text=True)
    assert "Revised Model" in page and "Mentoring Model" not in page


def test_each_language_gets_its_own_sections(app, client, translated, monkeypatch) -> None:
    english = client.get(f"/events/{translated.slug}?lang=en").get_data(as_text=True)
    portuguese = client.get(f"/events/{translated.slug}?lang=pt").get_data(as_text=True)
    assert content_translations.ITEM_EN in english and content_translations.ITEM_PT not in english
    assert content_translations.ITEM_PT in portuguese
    # Kept apart, not only rendered apart: the second request of each still has its own.
    with rendered_templates(app, monkeypatch) as names:
        english = client.get(f"/events/{translated.slug}?lang=en&v=2").get_data(as_text=True)
        portuguese = client.get(f"/events/{translated.slug}?lang=pt&v=2").get_data(as_text=True)
    assert FRAGMENT not in names
    assert content_translations.ITEM_EN in english and content_translations.ITEM_PT not in english
    assert content_translations.ITEM_PT in portuguese


def test_the_interface_language_gets_its_own_sections(client, translated) -> None:
    url = f"/events/{translated.slug}?lang=en"
    english = client.get(url).get_data(as_text=True)
    assert "All times are in" in english
    client.get("/lang/de")
    german = client.get(url + "&v=2").get_data(as_text=True)
    assert "Alle Zeitangaben in" in german and "All times are in" not in german


def test_made_up_language_codes_share_the_sections_of_the_version_they_get(
    app, client, translated, monkeypatch
) -> None:
    client.get(f"/events/{translated.slug}?v=1")
    with rendered_templates(app, monkeypatch) as names:
        page = client.get(f"/events/{translated.slug}?lang=zz-nonsense").get_data(as_text=True)
    assert FRAGMENT not in names
    assert content_translations.ITEM_EN in page
