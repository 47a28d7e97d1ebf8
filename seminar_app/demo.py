"""A realistic demo consortium, loaded through the same services as the web pages.

Loading is idempotent: projects are keyed by slug, results by code, partners by short
name, events by slug and users by e-mail; whatever exists already is left alone. Event
dates are relative to today, so upcoming events stay upcoming.

Languages: each partner writes its seminars in its country's language (title, summary,
description, objective, agenda), and its contact list, contacts and organiser are of that
country; the Lisbon and Bologna seminars also have an English version (international
guests). Project data shared by all partners (result titles, programme, stakeholder groups,
privacy notice) is in the consortium's working language, English: the standard stakeholder
groups are shown in the reader's language through the catalogue, and the funding block in
the Commission's official wording per language (the project keeps no wording of its own).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from seminar_app.accounts.models import User
from seminar_app.accounts.services import UserInput, create_user
from seminar_app.agenda.services import AgendaItemInput, SpeakerInput, add_agenda_item, add_speaker
from seminar_app.contacts.models import Contact, ContactList
from seminar_app.enums import AgendaItemKind as K
from seminar_app.enums import EventFormat, EventKind, EventStatus, LegalBasis, Role
from seminar_app.events.models import Event
from seminar_app.events.services import EventInput, change_status, create_event
from seminar_app.events.translation_services import (
    AgendaTextInput,
    EventTranslationInput,
    save_event_translation,
    translation_for,
)
from seminar_app.extensions import db
from seminar_app.projects.eu_wording import FundingKind
from seminar_app.projects.models import Partner, Project, ProjectResult
from seminar_app.projects.services import (
    PartnerInput,
    ProjectInput,
    ResultInput,
    add_result,
    create_partner,
    create_project,
    publish_privacy_notice,
)
from seminar_app.registration.services import RegistrationInput, offered_modes, register

DEMO_PASSWORD = "demo-password-2026"

PROJECT = ProjectInput(
    name="PRISM – Preventing Radicalisation through Inter-agency Support and Mentoring",
    acronym="PRISM",
    slug="prism",
    funding_programme="Erasmus+ KA220-ADU – Cooperation partnerships in adult education",
    grant_number="2023-1-PT01-KA220-ADU-000154321",
    # No own wording: every page, mail and PDF shows the Commission's official statement and
    # disclaimer in its reader's language. A KA220 grant numbered PT01 is managed by the
    # Portuguese national agency, which the disclaimer names.
    funding_kind=FundingKind.CO_FUNDED,
    granting_authority="Agência Nacional Erasmus+ Educação e Formação",
    default_language="en",
)

PRIVACY_NOTICE = """\
## Privacy notice of the PRISM seminars

The partner organising the seminar you register for is the controller of your data; the coordinator,
Instituto Aurora para a Reinserção Social, receives anonymous counts only.

- **What we collect:** your name, e-mail, organisation, role and country, whether you attend on site or online,
  and, only if you tell us, access needs (deleted after the event).
- **Why:** to run the seminar, send you the joining details and a feedback request, and prove to the
  European Commission that the seminar took place (attendance lists are kept for five years after the
  project's final payment, then deleted).
- **Signed attendance sheets:** the sheet you sign at the seminar is kept as evidence for the funder until the
  end of that evidence period, even if you ask us to erase your data: the funder requires it, so erasure does
  not apply to it (GDPR art. 17(3)(b) and (e): a legal obligation, and the establishment or defence of legal
  claims). Everything else about you is erased as you ask.
- **Your rights:** you can see, download, correct or erase your data at any time from the private link in
  every e-mail we send you, or write to the organiser.
"""

RESULTS = [
    ResultInput("PR1", "State of the Art report", "WP2"),
    ResultInput("PR2", "Risk and Needs Assessment", "WP2"),
    ResultInput("PR3", "Mentoring Model and Programme", "WP3"),
    ResultInput("PR4", "Training programme", "WP4"),
    ResultInput("PR5", "Multi-agency cooperation guide", "WP5"),
]

PARTNERS = [
    PartnerInput("Instituto Aurora para a Reinserção Social", "AURORA", "PT", "Europe/Lisbon",
                 "seminarios@aurora-reinsercao.example", "Lisboa", "pt"),
    PartnerInput("Fondazione Ponte Nuovo per la Giustizia di Comunità", "PONTE", "IT", "Europe/Rome",
                 "seminari@pontenuovo.example", "Bologna", "it"),
    PartnerInput("Asociația Orizont Comun", "ORIZONT", "RO", "Europe/Bucharest",
                 "contact@orizontcomun.example", "Cluj-Napoca", "ro"),
    PartnerInput("Köprü Toplum ve Adalet Araştırmaları Derneği", "KOPRU", "TR", "Europe/Istanbul",
                 "seminer@kopru-dernek.example", "Ankara", "tr"),
    PartnerInput("Siltamo – Rikosseuraamusalan tutkimus- ja kehittämiskeskus", "SILTAMO", "FI", "Europe/Helsinki",
                 "seminaari@siltamo.example", "Tampere", "fi"),
]  # fmt: skip

# Each partner's demo organiser: log-in and name (a person of that organisation, as on its agenda).
ORGANISERS = {
    "AURORA": ("organiser.pt@demo.example", "Marta Fonseca"),
    "PONTE": ("organiser.it@demo.example", "Giulia Ferraresi"),
    "ORIZONT": ("organiser.ro@demo.example", "Andreea Mureșan"),
    "KOPRU": ("organiser.tr@demo.example", "Elif Yıldırım"),
    "SILTAMO": ("organiser.fi@demo.example", "Anna Virtanen"),
}


@dataclass
class DemoEvent:
    """A seminar written by its partner, in the partner's language: a national seminar
    speaks to its country (DOMAIN.md)."""

    partner: str
    slug: str
    title: str
    format: EventFormat
    days_ahead: int
    status: EventStatus
    summary: str
    description: str
    objective: str
    speakers: list[tuple[str, str]]
    # (day of the event counted from 0, start "HH:MM", end "HH:MM", kind, title, description,
    # indexes into `speakers`)
    agenda: list[tuple[int, str, str, K, str, str, list[int]]]
    results: list[str]
    audiences: list[str]
    kind: EventKind = EventKind.SEMINAR
    venue: tuple[str, str] = ("", "")
    platform: str = ""
    status_note: str = ""
    outcome: str = ""
    # The city of the venue when it is not the partner's own (a seminar repeated elsewhere).
    city: str = ""


def _online(slug: str) -> str:
    return f"https://meet.demo.example/{slug}"


EVENTS = [
    DemoEvent(
        "AURORA", "prism-seminario-nacional-lisboa", "Seminário nacional PRISM: mentoria e reinserção",
        EventFormat.HYBRID, -40, EventStatus.DELIVERED,
        "Apresentação dos resultados do projeto PRISM a técnicos de reinserção social, guardas prisionais e "
        "organizações não governamentais.",
        "O Instituto Aurora apresenta os primeiros resultados do projeto PRISM, financiado pelo programa "
        "Erasmus+, aos profissionais que acompanham pessoas em cumprimento de pena e no regresso à comunidade.\n\n"
        "Ao longo da manhã, são apresentados o relatório sobre o estado da arte da radicalização em contexto "
        "prisional e o Modelo de Mentoria PRISM, seguidos de um painel com técnicos de reinserção e "
        "investigadores.\n\n"
        "A sessão decorre no auditório do Instituto e é transmitida em direto. A participação é gratuita, "
        "mediante inscrição.",
        "Dar a conhecer aos profissionais da reinserção social o relatório sobre o estado da arte (PR1) e o "
        "Modelo de Mentoria PRISM (PR3) e recolher os seus contributos para a fase-piloto.",
        [("Helena Vasconcelos", "Instituto Aurora"), ("Rui Almeida", "Universidade Atlântica de Lisboa"),
         ("Marta Fonseca", "Instituto Aurora"), ("Carlos Teixeira", "Equipa de Reinserção de Setúbal")],
        [(0, "09:30", "09:45", K.WELCOME, "Boas-vindas e apresentação do projeto",
          "Objetivos, parceria e calendário do projeto PRISM.", [0]),
         (0, "09:45", "10:30", K.TALK, "Estado da arte: radicalização em contexto prisional",
          "Principais conclusões do relatório sobre o estado da arte nos cinco países parceiros.", [1]),
         (0, "10:30", "11:15", K.TALK, "O Modelo de Mentoria PRISM",
          "Como funciona a mentoria durante a reclusão e após a libertação: perfis, etapas e supervisão.", [2]),
         (0, "11:15", "11:30", K.BREAK, "Pausa para café", "", []),
         (0, "11:30", "12:30", K.PANEL, "Painel: da prisão à comunidade",
          "Técnicos de reinserção e investigadores debatem a articulação entre os serviços prisionais e a "
          "comunidade.", [1, 2, 3]),
         (0, "12:30", "13:00", K.DISCUSSION, "Debate e conclusões",
          "Perguntas do público e próximos passos do projeto.", [0])],
        ["PR1", "PR3"], ["prison_probation", "ngo_community", "researchers"],
        venue=("Auditório do Instituto Aurora", "Rua de São Bento 120"), platform="Zoom",
        outcome="62 participantes (38 presenciais e 24 online); forte interesse no programa de mentoria.",
    ),
    DemoEvent(
        "PONTE", "prism-seminario-nazionale-bologna",
        "Seminario nazionale PRISM: valutazione del rischio e cooperazione multi-agenzia",
        EventFormat.IN_PERSON, -20, EventStatus.DELIVERED,
        "Due giornate di lavoro per operatori penitenziari, forze dell'ordine e servizi sociali del territorio.",
        "La Fondazione Ponte Nuovo presenta lo strumento PRISM di valutazione dei rischi e dei bisogni e la "
        "guida alla cooperazione multi-agenzia, sviluppati nell'ambito del progetto Erasmus+ PRISM.\n\n"
        "La prima giornata è dedicata allo strumento di valutazione e a una tavola rotonda tra carcere, "
        "probation e servizi territoriali; la seconda a un laboratorio su casi di studio reali e anonimizzati.\n\n"
        "La partecipazione è gratuita, previa iscrizione. I posti in sala sono limitati.",
        "Far conoscere agli operatori lo strumento PRISM di valutazione dei rischi e dei bisogni (PR2) e la guida "
        "alla cooperazione multi-agenzia (PR5) e raccogliere indicazioni per la loro applicazione in "
        "Emilia-Romagna.",
        [("Giulia Ferraresi", "Fondazione Ponte Nuovo"), ("Prof. Marco Lanzoni", "Università di Emilia Centrale"),
         ("Isp. Davide Russo", "Polizia Locale di Bologna"),
         ("Elena Martelli", "Ufficio di Esecuzione Penale Esterna")],
        [(0, "09:30", "10:00", K.WELCOME, "Apertura dei lavori",
          "Saluti istituzionali e presentazione del progetto PRISM.", [0]),
         (0, "10:00", "11:30", K.TALK, "Lo strumento PRISM di valutazione dei rischi e dei bisogni",
          "Struttura dello strumento, indicatori e prime sperimentazioni.", [1]),
         (0, "11:30", "12:00", K.BREAK, "Pausa caffè", "", []),
         (0, "14:00", "17:00", K.PANEL, "Tavola rotonda: carcere, probation e territorio",
          "Istituti penitenziari, UEPE, polizia locale e servizi sociali mettono a confronto le proprie "
          "esperienze.", [1, 2, 3]),
         (1, "09:00", "10:30", K.TALK, "La guida PRISM alla cooperazione multi-agenzia",
          "Ruoli, protocolli per lo scambio di informazioni e buone pratiche.", [3]),
         (1, "10:30", "12:30", K.DISCUSSION, "Laboratorio: casi di studio",
          "Lavoro in piccoli gruppi su casi reali anonimizzati.", [0, 2]),
         (1, "12:30", "13:00", K.OTHER, "Conclusioni e prossimi passi",
          "Sintesi delle due giornate e indicazioni per la fase pilota.", [0])],
        ["PR2", "PR5"], ["prison_probation", "law_enforcement", "policy_makers"],
        venue=("Sala Convegni Ponte Nuovo", "Via dell'Indipendenza 44"),
        outcome="48 partecipanti nelle due giornate; richiesta di una formazione regionale.",
    ),
    DemoEvent(
        "ORIZONT", "prism-seminar-national-cluj", "Seminar național PRISM: prevenirea radicalizării în comunitate",
        EventFormat.ONLINE, 14, EventStatus.PUBLISHED,
        "Seminar online pentru specialiști din penitenciare, din serviciile de probațiune și din ONG-uri.",
        "Asociația Orizont Comun vă invită la seminarul național online al proiectului Erasmus+ PRISM, dedicat "
        "prevenirii radicalizării în penitenciare și în comunitate.\n\n"
        "Vor fi prezentate raportul privind stadiul actual al cercetării, instrumentul PRISM de evaluare a "
        "riscurilor și nevoilor și Modelul de mentorat PRISM, urmate de o sesiune de întrebări și discuții.\n\n"
        "Participarea este gratuită, pe bază de înscriere. Linkul de acces se transmite prin e-mail persoanelor "
        "înscrise.",
        "Prezentarea raportului privind stadiul actual al cercetării (PR1), a instrumentului de evaluare a "
        "riscurilor și nevoilor (PR2) și a Modelului de mentorat PRISM (PR3) specialiștilor din sistemul "
        "penitenciar, din probațiune și din ONG-uri.",
        [("Andreea Mureșan", "Asociația Orizont Comun"), ("Dr. Ioan Pop", "Universitatea de Vest a Transilvaniei"),
         ("Cristina Dobre", "Serviciul de Probațiune Cluj")],
        [(0, "10:00", "10:15", K.WELCOME, "Cuvânt de bun venit",
          "Prezentarea proiectului PRISM și a partenerilor.", [0]),
         (0, "10:15", "11:00", K.TALK, "Raportul privind stadiul actual al cercetării",
          "Principalele concluzii privind radicalizarea în mediul penitenciar în cele cinci țări partenere.", [1]),
         (0, "11:00", "11:45", K.TALK, "Evaluarea riscurilor și nevoilor în probațiune",
          "Cum poate fi folosit instrumentul PRISM în activitatea consilierilor de probațiune.", [2]),
         (0, "11:45", "12:30", K.DISCUSSION, "Întrebări și discuții",
          "Răspunsuri la întrebările participanților.", [0, 1, 2])],
        ["PR1", "PR2", "PR3"], ["prison_probation", "ngo_community", "students"], platform="Zoom",
    ),
    DemoEvent(
        "KOPRU", "prism-ulusal-seminer-ankara", "PRISM Ulusal Semineri: mentorluk ve eğitim programı",
        EventFormat.HYBRID, 30, EventStatus.PUBLISHED,
        "Ceza infaz kurumu ve denetimli serbestlik personeli için PRISM mentorluk modeli ve eğitim programı.",
        "Köprü Toplum ve Adalet Araştırmaları Derneği, Erasmus+ PRISM projesi kapsamında geliştirilen mentorluk "
        "modelini ve eğitim programını ceza infaz kurumu ve denetimli serbestlik personeline tanıtıyor.\n\n"
        "Seminerde mentorluk modelinin aşamaları, eğitim programının modülleri ve sahadan deneyimler "
        "paylaşılacaktır. Seminere salondan ya da çevrim içi olarak katılabilirsiniz.\n\n"
        "Katılım ücretsizdir; kayıt yaptırmanız gerekmektedir.",
        "PRISM Mentorluk Modeli ve Programını (PR3) ve PRISM Eğitim Programını (PR4) uygulayıcılara tanıtmak ve "
        "pilot uygulama için görüşlerini almak.",
        [("Dr. Elif Yıldırım", "Köprü Derneği"), ("Murat Kaya", "Ankara Denetimli Serbestlik Müdürlüğü"),
         ("Doç. Dr. Zeynep Arslan", "Orta Anadolu Üniversitesi")],
        [(0, "10:00", "10:20", K.WELCOME, "Açılış konuşması", "PRISM projesinin ve ortaklarının tanıtımı.", [0]),
         (0, "10:20", "11:10", K.TALK, "PRISM Mentorluk Modeli ve Programı",
          "Mentorluğun ceza infaz kurumunda ve tahliye sonrasında işleyişi: roller, aşamalar ve süpervizyon.", [2]),
         (0, "11:10", "11:30", K.BREAK, "Kahve arası", "", []),
         (0, "11:30", "12:30", K.TALK, "PRISM Eğitim Programı: modüller ve uygulama",
          "Eğitim programının modülleri, yöntemleri ve uygulama takvimi.", [0]),
         (0, "13:30", "14:30", K.PANEL, "Panel: sahadan deneyimler",
          "Denetimli serbestlik uzmanları ve akademisyenler deneyimlerini paylaşıyor.", [0, 1, 2]),
         (0, "14:30", "15:00", K.DISCUSSION, "Soru-cevap ve kapanış",
          "Katılımcıların soruları ve sonraki adımlar.", [0])],
        ["PR3", "PR4"], ["prison_probation", "researchers", "ngo_community"],
        venue=("Köprü Konferans Salonu", "Kızılay Mahallesi, Atatürk Bulvarı 101"), platform="Microsoft Teams",
    ),
    DemoEvent(
        "SILTAMO", "prism-kansallinen-seminaari-tampere",
        "PRISM-hankkeen kansallinen seminaari: moniammatillinen yhteistyö",
        EventFormat.IN_PERSON, 45, EventStatus.PUBLISHED,
        "Seminaari Rikosseuraamuslaitoksen, poliisin ja kuntien ammattilaisille.",
        "Siltamo esittelee Erasmus+-rahoitteisen PRISM-hankkeen koulutusohjelman ja moniammatillisen yhteistyön "
        "oppaan. Seminaari on tarkoitettu vankeinhoidon, yhdyskuntaseuraamusten, poliisin ja kuntien "
        "sosiaalipalvelujen ammattilaisille.\n\n"
        "Ohjelmassa on asiantuntijapuheenvuoro koulutusohjelmasta ja paneelikeskustelu siitä, miten opasta "
        "voidaan hyödyntää paikallisessa yhteistyössä.\n\n"
        "Seminaari on maksuton, mutta siihen on ilmoittauduttava etukäteen.",
        "Esitellä PRISM-koulutusohjelma (PR4) ja moniammatillisen yhteistyön opas (PR5) Pirkanmaan "
        "ammattilaisille ja kerätä heidän näkemyksiään pilotointia varten.",
        [("Anna Virtanen", "Siltamo"), ("Dos. Mikko Laine", "Pirkanmaan yliopisto"),
         ("Sari Heikkinen", "Tampereen kaupungin sosiaalipalvelut")],
        [(0, "12:00", "12:15", K.WELCOME, "Tervetuloa", "Seminaarin avaus ja PRISM-hankkeen esittely.", [0]),
         (0, "12:15", "13:00", K.TALK, "PRISM-koulutusohjelma ammattilaisille",
          "Koulutusohjelman rakenne, sisällöt ja toteutustavat.", [1]),
         (0, "13:00", "13:20", K.BREAK, "Kahvitauko", "", []),
         (0, "13:20", "14:45", K.PANEL, "Paneeli: moniammatillisen yhteistyön opas käytännössä",
          "Rikosseuraamusalan, poliisin ja kunnan edustajat keskustelevat oppaan käytöstä.", [0, 1, 2]),
         (0, "14:45", "16:00", K.DISCUSSION, "Keskustelu ja yhteenveto",
          "Osallistujien kysymykset ja seminaarin yhteenveto.", [0])],
        ["PR4", "PR5"], ["law_enforcement", "prison_probation", "policy_makers"],
        venue=("Siltamon seminaarisali", "Hämeenkatu 25"),
    ),
    DemoEvent(
        "AURORA", "prism-workshop-formacao-mentores", "Oficina PRISM: formação de mentores",
        EventFormat.IN_PERSON, 75, EventStatus.DRAFT,
        "Sessão prática do programa de formação PRISM destinada a futuros mentores.",
        "Sessão prática destinada a técnicos e voluntários que vão exercer funções de mentor no projeto-piloto "
        "PRISM.\n\n"
        "A partir do primeiro módulo do programa de formação, os participantes trabalham o papel do mentor, a "
        "relação de mentoria e os seus limites, com exercícios em pequenos grupos.\n\n"
        "As vagas são limitadas.",
        "Preparar os futuros mentores para o projeto-piloto com o primeiro módulo do programa de formação PRISM "
        "(PR4).",
        [("Marta Fonseca", "Instituto Aurora"), ("Sofia Nogueira", "Associação Caminhos Novos")],
        [(0, "14:00", "14:15", K.WELCOME, "Boas-vindas", "Apresentação dos participantes e dos objetivos da sessão.",
          [0]),
         (0, "14:15", "15:30", K.TALK, "Módulo 1: o papel do mentor",
          "O que se espera de um mentor, a relação de mentoria e os seus limites.", [0]),
         (0, "15:30", "15:45", K.BREAK, "Pausa", "", []),
         (0, "15:45", "17:30", K.DISCUSSION, "Exercícios práticos e debate",
          "Simulação de sessões de mentoria em pequenos grupos e partilha de experiências.", [0, 1])],
        ["PR4"], ["prison_probation", "ngo_community"], kind=EventKind.WORKSHOP,
        venue=("Centro Comunitário de Marvila", "Rua Direita de Marvila 48"),
    ),
    DemoEvent(
        "SILTAMO", "prism-verkkoseminaari-riskiarviointi", "PRISM-verkkoseminaari: riskien ja tarpeiden arviointi",
        EventFormat.ONLINE, 21, EventStatus.POSTPONED,
        "Verkkoseminaari PRISM-hankkeen riskien ja tarpeiden arviointityökalusta.",
        "Verkkoseminaarissa esitellään PRISM-hankkeessa kehitetty riskien ja tarpeiden arviointityökalu sekä "
        "kokemuksia sen kokeilusta Rikosseuraamuslaitoksen arviointikeskuksessa.\n\n"
        "Seminaari järjestetään Teamsissa. Osallistumislinkki lähetetään ilmoittautuneille sähköpostitse.",
        "Esitellä PRISM-hankkeen riskien ja tarpeiden arviointityökalu (PR2) rikosseuraamusalan ja tutkimuksen "
        "ammattilaisille.",
        [("Anna Virtanen", "Siltamo"), ("Juha Mäkelä", "Rikosseuraamuslaitoksen arviointikeskus")],
        [(0, "09:00", "09:10", K.WELCOME, "Avaus", "Verkkoseminaarin avaus ja käytännön asiat.", [0]),
         (0, "09:10", "09:50", K.TALK, "Riskien ja tarpeiden arviointi PRISM-mallissa",
          "Työkalun rakenne ja kokemuksia sen käytöstä.", [1]),
         (0, "09:50", "10:20", K.DISCUSSION, "Kysymykset ja keskustelu", "Osallistujien kysymykset.", [0, 1]),
         (0, "10:20", "10:30", K.OTHER, "Yhteenveto ja palaute", "Yhteenveto ja ohjeet palautekyselyyn.", [0])],
        ["PR2"], ["prison_probation", "researchers"], kind=EventKind.WEBINAR, platform="Teams",
        status_note="Siirretty myöhemmäksi puhujan esteen vuoksi; uusi päivämäärä ilmoitetaan pian.",
    ),
]  # fmt: skip


# English versions of two seminars with international guests, as their organisers wrote
# them (see events.translation_services): (title, summary, description, objective, and
# each agenda item's title and description in the agenda's order).
# The Bologna seminar repeated in Ferrara for the practitioners of the province's prison and
# probation offices: both deliver the same planned multiplier event (demo_funding.PLAN, E2).
EVENTS.append(
    replace(
        EVENTS[1],
        slug="prism-seminario-nazionale-ferrara",
        title="Seminario nazionale PRISM a Ferrara: valutazione del rischio e cooperazione multi-agenzia",
        days_ahead=-9,
        summary="La replica del seminario di Bologna per gli operatori della provincia di Ferrara.",
        venue=("Sala conferenze della Casa Circondariale di Ferrara", "Via Arginone 327"),
        city="Ferrara",
        outcome="",
    )
)

ENGLISH: dict[str, tuple[str, str, str, str, list[tuple[str, str]]]] = {
    "prism-seminario-nacional-lisboa": (
        "PRISM national seminar: mentoring and reintegration",
        "The results of the PRISM project presented to reintegration officers, prison officers and "
        "non-governmental organisations.",
        "Instituto Aurora presents the first results of PRISM, an Erasmus+ project, to the professionals who work "
        "with people serving sentences and returning to the community.\n\n"
        "During the morning, the state-of-the-art report on radicalisation in prison settings and the PRISM "
        "Mentoring Model are presented, followed by a panel of reintegration officers and researchers.\n\n"
        "The session takes place in the Institute's auditorium and is streamed live. Attendance is free, with "
        "registration.",
        "To present the State of the Art report (PR1) and the PRISM Mentoring Model (PR3) to reintegration "
        "professionals and gather their input for the pilot phase.",
        [
            ("Welcome and introduction to the project", "Aims, partners and timeline of the PRISM project."),
            (
                "State of the art: radicalisation in prison settings",
                "Main findings of the state-of-the-art report in the five partner countries.",
            ),
            (
                "The PRISM Mentoring Model",
                "How mentoring works during imprisonment and after release: profiles, stages and supervision.",
            ),
            ("Coffee break", ""),
            (
                "Panel: from prison to the community",
                "Reintegration officers and researchers discuss how prison services and the community work together.",
            ),
            ("Discussion and conclusions", "Questions from the audience and the project's next steps."),
        ],
    ),
    "prism-seminario-nazionale-bologna": (
        "PRISM national seminar: risk assessment and multi-agency cooperation",
        "Two working days for prison staff, law enforcement and local social services.",
        "Fondazione Ponte Nuovo presents the PRISM risk and needs assessment tool and the multi-agency cooperation "
        "guide, developed in the Erasmus+ project PRISM.\n\n"
        "The first day is devoted to the assessment tool and a round table on prison, probation and local "
        "services; the second to a workshop on real, anonymised case studies.\n\n"
        "Attendance is free, with registration. Seats are limited.",
        "To introduce practitioners to the PRISM risk and needs assessment tool (PR2) and the multi-agency "
        "cooperation guide (PR5), and gather advice on applying them in Emilia-Romagna.",
        [
            ("Opening", "Welcome from the hosts and introduction to the PRISM project."),
            ("The PRISM risk and needs assessment tool", "Structure of the tool, indicators and first trials."),
            ("Coffee break", ""),
            (
                "Round table: prison, probation and the community",
                "Prisons, the probation office, local police and social services compare their experience.",
            ),
            ("The PRISM guide to multi-agency cooperation", "Roles, information-sharing protocols and good practice."),
            ("Workshop: case studies", "Small-group work on real, anonymised cases."),
            ("Conclusions and next steps", "Summary of the two days and advice for the pilot phase."),
        ],
    ),
}


@dataclass
class DemoSummary:
    created: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, Role]] = field(default_factory=list)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def _local(day: date, hhmm: str) -> datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return datetime.combine(day, time(hours, minutes))


def _ensure_project(summary: DemoSummary) -> Project:
    project = db.session.scalar(select(Project).where(Project.slug == PROJECT.slug))
    if project is None:
        project = create_project(PROJECT)
        summary.count("projects")
    if project.current_privacy_notice is None:
        publish_privacy_notice(project, PRIVACY_NOTICE)
        summary.count("privacy notices")
    existing = {r.code for r in project.results}
    for result in RESULTS:
        if result.code not in existing:
            add_result(project, result)
            summary.count("results")
    return project


def _ensure_partners(project: Project, summary: DemoSummary) -> dict[str, Partner]:
    partners = {p.short_name: p for p in project.partners}
    for data in PARTNERS:
        if data.short_name not in partners:
            partners[data.short_name] = create_partner(project, data)
            summary.count("partners")
    return partners


def _create_event(spec: DemoEvent, partner: Partner, results: dict[str, ProjectResult]) -> Event:
    first_day = datetime.now(ZoneInfo(partner.timezone)).date() + timedelta(days=spec.days_ahead)
    last_item = max(spec.agenda, key=lambda item: (item[0], item[2]))
    online = spec.format.is_online
    event = create_event(
        partner,
        EventInput(
            title=spec.title,
            slug=spec.slug,
            kind=spec.kind,
            starts_local=_local(first_day, spec.agenda[0][1]),
            ends_local=_local(first_day + timedelta(days=last_item[0]), last_item[2]),
            timezone=partner.timezone,
            language=partner.default_language,
            format=spec.format,
            summary=spec.summary,
            description=spec.description,
            venue_name=spec.venue[0],
            address=spec.venue[1],
            city=(spec.city or partner.city) if spec.format.has_venue else "",
            country=partner.country,
            online_platform=spec.platform if online else "",
            joining_url=_online(spec.slug) if online else "",
            capacity_onsite=60 if spec.format.has_venue else None,
            capacity_online=150 if online else None,
            target_audiences=spec.audiences,
            objective=spec.objective,
            outcome=spec.outcome,
            result_ids=[results[c].id for c in spec.results],
        ),
    )
    speakers = [add_speaker(event, SpeakerInput(name, affiliation)) for name, affiliation in spec.speakers]
    for day, start, end, kind, title, description, who in spec.agenda:
        on = first_day + timedelta(days=day)
        item = AgendaItemInput(
            title, _local(on, start), _local(on, end), kind, description, speaker_ids=[speakers[i].id for i in who]
        )
        add_agenda_item(event, item)
    if spec.status is not EventStatus.DRAFT:
        change_status(event, EventStatus.PUBLISHED)
    if spec.status in (EventStatus.DELIVERED, EventStatus.POSTPONED, EventStatus.CANCELLED):
        change_status(event, spec.status, note=spec.status_note)
    return event


DEMO_ATTENDEES = [
    ("Marta Ferreira", "Direção-Geral de Reinserção e Serviços Prisionais", "prison_probation"),
    ("Luca Bianchi", "Università di Bologna", "researchers"),
    ("Elena Popescu", "Asociația Pas cu Pas", "ngo_community"),
    ("Mehmet Yılmaz", "Ankara Emniyet Müdürlüğü", "law_enforcement"),
    ("Aino Virtanen", "Rikosseuraamuslaitos", "prison_probation"),
    ("Sofia Costa", "Universidade do Porto", "students"),
]


def _register_demo_attendees(event: Event) -> None:
    """A few registrations through the public rules, so lists, counts and mail have content."""
    modes = offered_modes(event)
    for n, (name, organisation, group) in enumerate(DEMO_ATTENDEES):
        email = name.lower().replace(" ", ".").encode("ascii", "ignore").decode() + f"@attendee{n}.example"
        data = RegistrationInput(
            name=name,
            email=email,
            organisation=organisation,
            organisation_country=event.country,
            stakeholder_group=group,
            mode=modes[n % len(modes)],
            privacy_acknowledged=True,
            consent_news=n % 2 == 0,
            language=event.language,
        )
        register(event, data)


def _ensure_events(project: Project, partners: dict[str, Partner], summary: DemoSummary) -> None:
    results = {r.code: r for r in project.results}
    existing = set(db.session.scalars(select(Event.slug).where(Event.slug.in_([e.slug for e in EVENTS]))))
    for spec in EVENTS:
        if spec.slug not in existing:
            event = _create_event(spec, partners[spec.partner], results)
            summary.count("events")
            if event.registration_open():
                _register_demo_attendees(event)
                summary.count("registrations", len(DEMO_ATTENDEES))
    _ensure_english_translations(summary)


def _ensure_english_translations(summary: DemoSummary) -> None:
    events = db.session.scalars(select(Event).where(Event.slug.in_(list(ENGLISH))))
    for event in events:
        if translation_for(event, "en") is not None:
            continue
        title, event_summary, description, objective, agenda = ENGLISH[event.slug]
        items = sorted(event.agenda_items, key=lambda item: (item.starts_at, item.id))
        texts = {item.id: AgendaTextInput(*text) for item, text in zip(items, agenda, strict=True)}
        data = EventTranslationInput(title, event_summary, description, objective, agenda=texts)
        save_event_translation(event, "en", data, new=True)
        summary.count("translations")


# Each partner's national stakeholders, in its country, with the list's name and the
# contacts' source written in the partner's language (only that partner's organisers see them).
DEMO_CONTACTS: dict[str, list[tuple[str, str, str]]] = {
    "PT": [
        ("Ana Ribeiro", "Direção-Geral de Reinserção e Serviços Prisionais", "prison_probation"),
        ("Bruno Lopes", "Polícia de Segurança Pública", "law_enforcement"),
        ("Carla Mendes", "Associação Nova Vida", "ngo_community"),
        ("Diogo Faria", "Universidade de Coimbra", "researchers"),
        ("Eva Santos", "Ministério da Justiça", "policy_makers"),
        ("Filipe Moura", "Estabelecimento Prisional de Lisboa", "prison_probation"),
        ("Gabriela Nunes", "Cáritas Diocesana de Lisboa", "ngo_community"),
        ("Hugo Teixeira", "Escola Superior de Educação de Lisboa", "students"),
    ],
    "IT": [
        ("Francesca Rinaldi", "Provveditorato Regionale dell'Amministrazione Penitenziaria", "prison_probation"),
        ("Matteo Conti", "Questura di Bologna", "law_enforcement"),
        ("Chiara Gallo", "Associazione Liberi Dentro", "ngo_community"),
        ("Alessandro Greco", "Università di Bologna", "researchers"),
        ("Valentina Marino", "Regione Emilia-Romagna", "policy_makers"),
        ("Stefano Ricci", "Casa Circondariale di Bologna", "prison_probation"),
        ("Elisa Fontana", "Caritas Diocesana di Bologna", "ngo_community"),
        ("Lorenzo Moretti", "Università di Ferrara", "students"),
    ],
    "RO": [
        ("Ioana Stan", "Administrația Națională a Penitenciarelor", "prison_probation"),
        ("Mihai Popa", "Inspectoratul de Poliție Județean Cluj", "law_enforcement"),
        ("Roxana Ilie", "Fundația Pas cu Pas", "ngo_community"),
        ("Andrei Moldovan", "Universitatea Babeș-Bolyai", "researchers"),
        ("Elena Dumitru", "Ministerul Justiției", "policy_makers"),
        ("Vlad Nistor", "Penitenciarul Gherla", "prison_probation"),
        ("Simona Rus", "Asociația Alternative Sociale", "ngo_community"),
        ("Bianca Toma", "Universitatea Babeș-Bolyai", "students"),
    ],
    "TR": [
        ("Ayşe Demir", "Ankara Denetimli Serbestlik Müdürlüğü", "prison_probation"),
        ("Emre Şahin", "Ankara Emniyet Müdürlüğü", "law_enforcement"),
        ("Zeynep Koç", "Toplum Gönüllüleri Vakfı", "ngo_community"),
        ("Can Aydın", "Hacettepe Üniversitesi", "researchers"),
        ("Fatma Öztürk", "Adalet Bakanlığı", "policy_makers"),
        ("Burak Çelik", "Sincan Ceza İnfaz Kurumları", "prison_probation"),
        ("Selin Arslan", "İnsan Hakları Derneği", "ngo_community"),
        ("Deniz Kurt", "Ankara Üniversitesi", "students"),
    ],
    "FI": [
        ("Mikko Korhonen", "Rikosseuraamuslaitos", "prison_probation"),
        ("Laura Nieminen", "Sisä-Suomen poliisilaitos", "law_enforcement"),
        ("Jussi Mäkinen", "Kriminaalihuollon tukisäätiö", "ngo_community"),
        ("Henna Laaksonen", "Tampereen yliopisto", "researchers"),
        ("Pekka Salonen", "Oikeusministeriö", "policy_makers"),
        ("Sanna Lehtonen", "Hämeenlinnan vankila", "prison_probation"),
        ("Tiina Koskinen", "Vapausry", "ngo_community"),
        ("Ville Heinonen", "Tampereen ammattikorkeakoulu", "students"),
    ],
}
# (the list's name, the contacts' source), in each partner's language.
CONTACT_LIST_TEXTS = {
    "pt": ("Partes interessadas nacionais", "Dados de demonstração"),
    "it": ("Portatori di interesse nazionali", "Dati dimostrativi"),
    "ro": ("Părți interesate naționale", "Date demonstrative"),
    "tr": ("Ulusal paydaşlar", "Tanıtım verileri"),
    "fi": ("Kansalliset sidosryhmät", "Esittelyaineisto"),
}


def _address(name: str, domain: str) -> str:
    """An ASCII e-mail address from a person's name: "Ayşe Demir" -> ayse.demir@domain."""
    decomposed = unicodedata.normalize("NFKD", name.lower().replace("ı", "i"))
    local = "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c == " ")).replace(" ", ".")
    return f"{local}@{domain}"


def _ensure_contacts(partners: dict[str, Partner], summary: DemoSummary) -> None:
    """A list of national stakeholders per partner, for trying an invitation campaign."""
    for partner in partners.values():
        if db.session.scalar(select(ContactList.id).where(ContactList.partner_id == partner.id)) is not None:
            continue
        domain = f"{partner.short_name.lower()}-stakeholders.example"
        list_name, source = CONTACT_LIST_TEXTS.get(partner.default_language, ("National stakeholders", "Demo data"))
        contacts = [
            Contact(
                partner=partner,
                email=_address(name, domain),
                name=name,
                organisation=organisation,
                country=partner.country,
                stakeholder_group=group,
                language=partner.default_language,
                source=source,
                legal_basis=LegalBasis.LEGITIMATE_INTEREST,
            )
            for name, organisation, group in DEMO_CONTACTS.get(partner.country, DEMO_CONTACTS["PT"])
        ]
        db.session.add(ContactList(partner=partner, name=list_name, contacts=contacts))
        summary.count("contacts", len(contacts))
    db.session.commit()


def _ensure_user(summary: DemoSummary, email: str, name: str, role: Role, **links: list[int]) -> None:
    summary.logins.append((email, role))
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is None:
        create_user(UserInput(email=email, name=name, role=role, password=DEMO_PASSWORD, **links))
        summary.count("users")


def load_demo_data() -> DemoSummary:
    """Create whatever part of the demo consortium is missing; returns what was created
    and the demo log-ins (all with `DEMO_PASSWORD`)."""
    summary = DemoSummary()
    project = _ensure_project(summary)
    partners = _ensure_partners(project, summary)
    _ensure_events(project, partners, summary)
    _ensure_contacts(partners, summary)
    _ensure_user(summary, "admin@demo.example", "Tiago Marques", Role.ADMIN)
    # The coordinator's project manager (the coordinator is the Portuguese partner).
    _ensure_user(summary, "manager@demo.example", "Helena Vasconcelos", Role.MANAGER, project_ids=[project.id])
    for short_name, (email, name) in ORGANISERS.items():
        _ensure_user(summary, email, name, Role.ORGANISER, partner_ids=[partners[short_name].id])
    from seminar_app.demo_funding import ensure_funding

    ensure_funding(project, partners, summary)
    return summary
