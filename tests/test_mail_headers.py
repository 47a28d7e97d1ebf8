"""Mail headers as strict readers see them: RFC 2047 encoded words only as whole words,
structured headers (RFC 5322, 2369, 8058) folded and never encoded; every subject and
display name, in every language the product ships, round-trips exactly."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from flask import Flask
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.mail.sender import build_message, deliver_due
from seminar_app.mail.services import queue_mail

ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")

TITLES = [
    "Registration confirmed – Seminar on probation",
    "Evento cancelado – Seminário Nacional: inclusão, integração; 2ª edição",
    "Seminario nazionale: giustizia riparativa e società – Città di Perugia",
    "Seminar național: reintegrare și țară – ediția a 2-a, Timișoara",
    "Kansallinen seminaari: yhteisöseuraamukset ja yhteistyö, Hämeenlinna",
    "Ulusal seminer: ıslah, güvenlik ve ğ harfi – İstanbul, Kırşehir",
    "Seminario nacional: reinserción, niñez y educación – Logroño",
    "Séminaire national : réinsertion, probation ; « édition » été – Besançon",
    "Nationales Seminar: Bewährungshilfe, Übergänge und Straße – Köln",
    "Seminarium krajowe: łączność, źródła i żółć – Łódź, Białystok",
    "Εθνικό σεμινάριο: επανένταξη και αναστολή – Θεσσαλονίκη",
    "Mentoring 🎉 with emoji 👩‍⚖️ and flags 🇵🇹🇷🇴",
    "A very long title " + "that goes on and on, well beyond one line of a header, " * 4 + "and ends",
    "Um título muito longo " + "que continua e continua além de uma linha de cabeçalho, " * 4 + "ção",
]
NAMES = [
    "Seminars",
    "Ana Sousa",
    "João Gonçalves",
    "Ștefan Țurcanu",
    "Łucja Wałęsa",
    "Çağrı Işık",
    "Jyväskylän yliopisto",
    "Νίκος Παπαδόπουλος",
    "Silva, Ana (CPR)",
    'Ana "Nita" Silva',
    "Renée 😀 Müller",
]

# Subjects and names are single lines: the builder turns every run of white space into one space.
any_line = (
    st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=200)
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def row(**overrides: str) -> OutboxMessage:
    values = {
        "kind": "registration_confirmed",
        "to_address": "ana@example.org",
        "to_name": "Ana Sousa",
        "reply_to": "seminars@partner.example",
        "subject": "Registration confirmed",
        "body_text": "Your place is confirmed.",
        "body_html": "<p>Your place is confirmed.</p>",
    }
    values.update(overrides)
    return queue_mail(**values)


def raw_headers(data: bytes) -> dict[str, str]:
    """Each header's raw value, unfolded (CRLF removed), as a byte-level reader sees it."""
    head = data.split(b"\r\n\r\n", 1)[0].decode("ascii")
    headers: dict[str, str] = {}
    for line in re.split(r"\r\n(?![ \t])", head):
        name, _, value = line.partition(":")
        headers.setdefault(name.lower(), value.replace("\r\n", "")[1:])
    return headers


def assert_well_formed(data: bytes) -> None:
    """Every line at most 78 characters unless a single word is longer; each encoded word
    stands alone, separated by white space from anything else."""
    head = data.split(b"\r\n\r\n", 1)[0].decode("ascii")
    for line in head.split("\r\n"):
        words = line if line[0] in " \t" else line.partition(":")[2]
        assert len(line) <= 78 or " " not in words.strip(), line
    for name, value in raw_headers(data).items():
        for token in re.split(r"[ \t]+", value):
            if "=?" in token:
                assert ENCODED_WORD.fullmatch(token), f"{name}: {token!r} is glued to other text"


def display_name(raw_address: str) -> str:
    phrase = raw_address.rsplit(" <", 1)[0]
    if phrase.startswith('"'):
        return re.sub(r"\\(.)", r"\1", phrase[1:-1])
    return str(make_header(decode_header(phrase)))


def check_round_trip(app: Flask, subject: str, name: str) -> None:
    message = row(subject=subject, to_name=name)
    data = build_message(message).as_bytes()
    assert_well_formed(data)
    raw = raw_headers(data)
    assert str(make_header(decode_header(raw["subject"]))) == subject
    assert display_name(raw["to"]) == name
    parsed = message_from_bytes(data, policy=policy.default)
    assert parsed["Subject"] == subject
    [to] = parsed["To"].addresses
    assert to.addr_spec == "ana@example.org"
    if len(ENCODED_WORD.findall(raw["to"])) <= 1:
        assert to.display_name == name
    else:
        # CPython's address parser keeps the space between two encoded words of a display
        # name, which RFC 2047 section 6.2 says to drop: equal but for that white space.
        assert to.display_name.split() == name.split() or "".join(to.display_name.split()) == "".join(name.split())
    db.session.rollback()


@pytest.mark.parametrize("title", TITLES)
def test_every_shipped_language_round_trips_in_the_subject_and_the_display_name(app: Flask, title: str) -> None:
    check_round_trip(app, title, " ".join(title.split()[:4]))


@pytest.mark.parametrize("name", NAMES)
def test_display_names_round_trip(app: Flask, name: str) -> None:
    check_round_trip(app, "Registration confirmed", name)


@SETTINGS
@given(subject=st.one_of(st.sampled_from(TITLES), any_line), name=st.one_of(st.sampled_from(NAMES), any_line))
@example(subject="=?utf-8?q?not_an_encoded_word?=", name="=?utf-8?q?x?=")
@example(subject="a" * 120, name="b" * 90)
def test_any_subject_and_display_name_round_trip(app: Flask, subject: str, name: str) -> None:
    check_round_trip(app, subject, name)


def test_the_portuguese_cancellation_has_no_encoded_word_glued_to_letters(app: Flask) -> None:
    subject = "Evento cancelado – Seminário Nacional: inclusão, integração; 2ª edição"
    data = build_message(row(subject=subject)).as_bytes()
    raw = raw_headers(data)["subject"]
    glued = [t for t in raw.split(" ") if "=?" in t and not ENCODED_WORD.fullmatch(t)]
    assert glued == [], raw
    assert str(make_header(decode_header(raw))) == subject


def test_plain_ascii_display_names_are_not_encoded(app: Flask, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "Seminars <no-reply@seminars.example>")
    raw = raw_headers(build_message(row(to_name="Ana Sousa")).as_bytes())
    assert raw["from"] == "Seminars <no-reply@seminars.example>"
    assert raw["to"] == "Ana Sousa <ana@example.org>"


def test_list_unsubscribe_and_message_id_are_folded_never_encoded(app: Flask) -> None:
    message = row(subject="Invitation: Seminário – " + "ç" * 60)
    message.list_unsubscribe = "https://seminars.example.org/invitations/" + "A" * 90 + "/unsubscribe/one-click"
    data = build_message(message).as_bytes()
    raw = raw_headers(data)
    for name in ("list-unsubscribe", "list-unsubscribe-post", "message-id", "to", "from", "reply-to"):
        assert "=?" not in raw[name] or name in ("to", "from"), (name, raw[name])
    assert raw["list-unsubscribe"] == f"<{message.list_unsubscribe}>"
    assert raw["list-unsubscribe-post"] == "List-Unsubscribe=One-Click"
    assert raw["message-id"] == message.message_id
    assert re.fullmatch(r"<https://[^<>\s]+>(, <mailto:[^<>\s]+>)*", raw["list-unsubscribe"])
    parsed = message_from_bytes(data, policy=policy.default)
    assert parsed["List-Unsubscribe"] == f"<{message.list_unsubscribe}>"


def test_both_backends_send_the_same_well_formed_headers(app: Flask, smtp, tmp_path: Path, monkeypatch) -> None:
    subject = "Seminarium krajowe: łączność – Łódź"
    message = row(subject=subject, to_name="Łucja Wałęsa")
    message.list_unsubscribe = "https://seminars.example.org/invitations/" + "B" * 90 + "/unsubscribe/one-click"
    db.session.commit()
    deliver_due()
    [received] = smtp.messages
    assert received["Subject"] == subject
    assert received["To"].addresses[0].display_name == "Łucja Wałęsa"
    assert received["List-Unsubscribe"] == f"<{message.list_unsubscribe}>"

    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(tmp_path))
    again = row(subject=subject, to_name="Łucja Wałęsa")
    again.list_unsubscribe = message.list_unsubscribe
    db.session.commit()
    deliver_due()
    [eml] = tmp_path.glob("*.eml")
    data = eml.read_bytes()
    assert_well_formed(data)
    assert raw_headers(data)["list-unsubscribe"] == f"<{message.list_unsubscribe}>"
    assert message_from_bytes(data, policy=policy.default)["Subject"] == subject


def test_the_mime_headers_kept_from_message_to_message_change_no_byte_of_a_mail(app: Flask, monkeypatch) -> None:
    import random
    from datetime import UTC, datetime
    from email.headerregistry import HeaderRegistry

    from seminar_app.mail import headers, sender

    monkeypatch.setattr(sender, "utcnow", lambda: datetime(2026, 12, 4, 9, 30, tzinfo=UTC))
    row = OutboxMessage(
        id=1,
        kind="invitation",
        to_address="ana@example.org",
        to_name="Ana Conceição",
        reply_to="seminars@partner.example",
        subject=TITLES[1],
        body_text="Olá Ana,\n\nestá convidada. Inscrição: https://seminars.example/i/abc\n",
        body_html='<p>Olá Ana,</p><p>está convidada.</p><img src="cid:eu-emblem" alt="">',
        calendar_method="REQUEST",
        calendar_ics="BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n",
        message_id="<kept-headers@seminars.example>",
        list_unsubscribe="https://seminars.example/u/" + "x" * 40,
    )

    def built() -> bytes:
        random.seed(18)  # the same multipart boundaries each time
        return build_message(row).as_bytes()

    with app.app_context():
        headers._HandWrittenHeaders._parsed.clear()
        headers._HandWrittenHeaders._folded.clear()
        first, second = built(), built()  # the second one from what the first kept
        assert headers._HandWrittenHeaders._parsed and headers._HandWrittenHeaders._folded
        # The standard library's own way: a class made per header, everything parsed and folded anew.
        monkeypatch.setattr(headers._HandWrittenHeaders, "REPEATED", frozenset())
        monkeypatch.setattr(sender, "MAIL_POLICY", headers.MAIL_POLICY.clone(header_factory=HeaderRegistry()))
        standard = built()
    assert first == second == standard
    assert b"Content-Transfer-Encoding: quoted-printable" in first and b"text/calendar" in first


def test_a_part_made_before_is_added_as_the_standard_library_adds_a_new_one(app: Flask) -> None:
    """`sender._add` with a part made by `sender._part` gives the bytes of `add_alternative`,
    `add_related` and `add_attachment`: what lets the emblem and a save-the-date be made once."""
    import random

    from seminar_app.mail import sender

    ics = "BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\nSUMMARY:Semin\u00e1rio\r\nEND:VCALENDAR\r\n"

    def base():  # type: ignore[no-untyped-def]
        mail = sender.EmailMessage(policy=sender.MAIL_POLICY)
        mail["Subject"] = "Convite"
        mail.set_content("Ol\u00e1\n")
        mail.add_alternative("<p>Ol\u00e1</p>", subtype="html")
        return mail

    def flattened(mail) -> bytes:  # type: ignore[no-untyped-def]
        random.seed(18)
        sender._set_boundaries(mail)
        return mail.as_bytes()

    with app.app_context():
        standard = base()
        standard.get_body(preferencelist=("html",)).add_related(
            sender._emblem_png(), "image", "png", cid=f"<{sender.EMBLEM_CID}>", disposition="inline"
        )
        standard.add_alternative(ics, subtype="calendar", params={"method": "PUBLISH"})
        standard.add_attachment(
            ics.encode(),
            "application",
            "ics",
            filename="invite.ics",
            params={"name": "invite.ics", "method": "PUBLISH"},
        )
        shared = [base(), base()]
        for mail in shared:
            sender._add(mail.get_body(preferencelist=("html",)), "related", sender._emblem_part())
            calendar, attachment = sender._save_the_date_parts(ics)
            sender._add(mail, "alternative", calendar)
            sender._add(mail, "mixed", attachment)
        assert flattened(shared[0]) == flattened(shared[1]) == flattened(standard)
        assert sender._save_the_date_parts(ics)[0] is sender._save_the_date_parts(ics)[0], "made once"
