"""A campaign renders each invitation once per language and batch, then puts in each
invitee's name and personal links (issue 18): the mails must be exactly those a full
rendering per invitee gives."""

from __future__ import annotations

import pytest

from seminar_app.campaigns.emails import RenderedMails, _personal, render_invitation

NAMES = ["Ana Sousa", "", '<Zoë & "O\'Brien">', "50% Müller {name} %(name)s", "Ștefan\tIonescu"]
TOKENS = ["Ab-_09xyzABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi", "-_-_", "0"]


@pytest.mark.parametrize("reminder", [False, True])
@pytest.mark.parametrize("language", ["en", "pt", "it"])
def test_a_personalised_mail_is_byte_for_byte_a_full_rendering(translated, language: str, reminder: bool) -> None:
    rendered: RenderedMails = {}
    note = "Bring <your> colleagues & friends."
    for name in NAMES:
        for token in TOKENS:
            fast = _personal(
                translated,
                name=name,
                personal_note=note,
                token=token,
                language=language,
                reminder=reminder,
                rendered=rendered,
            )
            full = render_invitation(
                translated, name=name, personal_note=note, token=token, language=language, reminder=reminder
            )
            assert fast.subject == full.subject
            assert fast.text == full.text
            assert fast.html == full.html
    # Rendered once per name/no name, whatever the number of invitees.
    assert sorted(rendered) == [(language, reminder, False), (language, reminder, True)]


def test_the_personal_parts_are_in_the_mail(translated) -> None:
    mail = _personal(
        translated,
        name="<Zoë>",
        personal_note="",
        token="Tok-en_1",
        language="en",
        reminder=False,
        rendered={},
    )
    assert "<Zoë>" in mail.text and "&lt;Zoë&gt;" in mail.html and "<Zoë>" not in mail.html
    assert mail.text.count("Tok-en_1") == 3  # register, cannot come, unsubscribe
