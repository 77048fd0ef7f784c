"""The founding case, nukus-27, as demo data: what `manage.py load_demo` builds.

Everything here restates public reporting from 2009 (a human-rights news report written about three
months after the detention and republished by KIBHR) in our own words. Where the report is vague we
store its vagueness (a part of a month, a span) rather than a made-up day, and we leave blank what
it does not say: no detainee names, no legal articles, no contact details, no links.

It lives in `campaigns` because it needs relatives and organisations; `detentions` never imports it.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models

from campaigns.models import Kinship, Organisation, Participation, Relative
from detentions.dates import DatePrecision
from detentions.models import (
    AccessAttempt,
    CampaignAction,
    Case,
    CaseStatus,
    Charge,
    Citation,
    ConsularVisit,
    Detainee,
    DetaineeStatus,
    Event,
    EventKind,
    Facility,
    Institution,
    LegalProceeding,
    Official,
    OfficialContact,
    ReportedFigure,
    Source,
    StatusChange,
)
from detentions.models.timeline import AccessOutcome

CASE_SLUG = "nukus-27"

# Demo relatives carry this at the start of their consent notes. It is how a second run finds them
# again, and it keeps the loader from ever touching a real relative who happens to share a name.
DEMO_RELATIVE_MARKER = "Demo record (load_demo)."

DETAINED_COUNT = 27
LOCATED_COUNT = 15

# Relatives confirmed in early April where 15 of the men were held; the report gives no day. The
# field takes a day, so we store the first day of that window (1 April), as the project does for
# every part-of-a-month date: it never claims the confirmation is fresher than we know it to be.
WHEREABOUTS_CONFIRMED_ON = datetime.date(2009, 4, 1)

# About three months after the detention; it already reports the 17 May announcement, so it cannot
# be earlier. The exact day is not known: we store the first day of late May.
REPORT_PUBLISHED_ON = datetime.date(2009, 5, 21)


@dataclass(frozen=True)
class When:
    start: datetime.date | None
    precision: str
    end: datetime.date | None = None


LATE_FEBRUARY = When(datetime.date(2009, 2, 21), DatePrecision.LATE_MONTH)
EARLY_APRIL = When(datetime.date(2009, 4, 1), DatePrecision.EARLY_MONTH)
APRIL = When(datetime.date(2009, 4, 1), DatePrecision.MONTH)
CONSUL_VISIT_DAY = When(datetime.date(2009, 4, 10), DatePrecision.DAY)
PROTEST_DAY = When(datetime.date(2009, 4, 17), DatePrecision.DAY)
# The report tells these after the 17 April protest and before the 17 May announcement, without
# dates; the span is that window, not a claim that each lasted a month.
AFTER_PROTEST = When(datetime.date(2009, 4, 18), DatePrecision.SPAN, datetime.date(2009, 5, 16))
# The meeting with the governor could even have been on the day the protest reached his office.
GOVERNOR_WINDOW = When(datetime.date(2009, 4, 17), DatePrecision.SPAN, datetime.date(2009, 5, 16))
TRIAL_ANNOUNCED_DAY = When(datetime.date(2009, 5, 17), DatePrecision.DAY)
UNDATED = When(None, DatePrecision.UNKNOWN)


@dataclass(frozen=True)
class Ref:
    """A registry object (institution, facility, official) by its slug or key, resolved on build."""

    key: str


ALL_CHARGES = "all charges"


@dataclass(frozen=True)
class Cite:
    source: str
    locator: str = ""
    confidence: str = Citation.Confidence.MEDIUM


# Who took part, where the report names them. It names no relative as taking part in any
# particular visit, letter or protest, so the demo links only KIBHR; the rest says "relatives".
@dataclass(frozen=True)
class Participant:
    organisation: str = ""
    relative: str = ""
    spokesperson: str = ""


@dataclass(frozen=True)
class EventSpec:
    kind: str
    when: When
    title: str
    description: str
    cites: tuple[Cite, ...]
    details: dict[str, object] = field(default_factory=dict)
    participants: tuple[Participant, ...] = ()
    is_public: bool = True
    verification: str = Event.Verification.VERIFIED


# --- The registry: bodies, officials, the facility. Stable slugs, so a second run updates them. ---

INSTITUTIONS: list[dict[str, object]] = [
    # Parents come before their subdivisions.
    {
        "slug": "uz-border-guards",
        "name": "Border guards of Uzbekistan",
        "kind": Institution.Kind.BORDER_SERVICE,
        "country": "UZ",
    },
    {
        "slug": "uz-prosecution",
        "name": "Prosecution service of Uzbekistan",
        "short_name": "Uzbek prosecutors",
        "kind": Institution.Kind.PROSECUTOR,
        "country": "UZ",
    },
    {
        "slug": "uz-nss",
        "name": "National Security Service of Uzbekistan",
        "short_name": "SNB",
        "kind": Institution.Kind.SECURITY_SERVICE,
        "country": "UZ",
    },
    {
        "slug": "kz-mfa",
        "name": "Ministry of Foreign Affairs of Kazakhstan",
        "short_name": "Foreign Ministry",
        "kind": Institution.Kind.MINISTRY,
        "country": "KZ",
    },
    {
        "slug": "kz-embassy-uzbekistan",
        "name": "Embassy of Kazakhstan in Uzbekistan, consular section (Tashkent)",
        "short_name": "Kazakh consulate, Tashkent",
        "kind": Institution.Kind.EMBASSY,
        "country": "KZ",
        "parent": Ref("kz-mfa"),
    },
    {
        "slug": "kz-prosecutor-general",
        "name": "Prosecutor General's Office of Kazakhstan",
        "short_name": "Prosecutor General",
        "kind": Institution.Kind.PROSECUTOR,
        "country": "KZ",
    },
    {
        "slug": "kz-aktobe-prosecution",
        "name": "Aktobe regional prosecutor's office",
        "kind": Institution.Kind.PROSECUTOR,
        "country": "KZ",
        "parent": Ref("kz-prosecutor-general"),
    },
    {
        "slug": "kz-aktobe-internal-affairs",
        "name": "Aktobe regional department of internal affairs",
        "kind": Institution.Kind.POLICE,
        "country": "KZ",
    },
    {
        "slug": "kz-aktobe-immigration-police",
        "name": "Aktobe regional immigration police",
        "kind": Institution.Kind.MIGRATION,
        "country": "KZ",
        "parent": Ref("kz-aktobe-internal-affairs"),
    },
    {
        "slug": "kz-knb-aktobe",
        "name": "National Security Committee (KNB), Aktobe regional department",
        "short_name": "KNB Aktobe",
        "kind": Institution.Kind.SECURITY_SERVICE,
        "country": "KZ",
    },
    {
        "slug": "kz-aktobe-akimat",
        "name": "Aktobe regional governor's office (akimat)",
        "short_name": "Aktobe akimat",
        "kind": Institution.Kind.REGIONAL_GOVERNMENT,
        "country": "KZ",
    },
    {
        "slug": "kz-parliament",
        "name": "Parliament of Kazakhstan",
        "kind": Institution.Kind.PARLIAMENT,
        "country": "KZ",
    },
    {
        "slug": "kibhr",
        "name": "Kazakhstan International Bureau for Human Rights",
        "short_name": "KIBHR",
        "kind": Institution.Kind.NGO,
        "country": "KZ",
    },
    {
        "slug": "atyrau-news",
        "name": "Atyrau-News agency",
        "kind": Institution.Kind.MEDIA,
        "country": "KZ",
    },
    {
        "slug": "kz-state-television",
        "name": "Kazakh state television",
        "kind": Institution.Kind.MEDIA,
        "country": "KZ",
    },
]

FACILITY: dict[str, object] = {
    "slug": "uz-nukus-pretrial",
    "name": "Pre-trial detention unit, Nukus",
    "kind": Facility.Kind.PRETRIAL,
    "town": "Nukus",
    "region": "Karakalpakstan",
    "country": "UZ",
    "notes": "Known from the 2009 reporting on the nukus-27 case, which gives no official name or "
    "number for the unit.",
}

# Officials have no slug; the demo finds them again by name and institution.
OFFICIALS: dict[str, dict[str, object]] = {
    "keukenov": {
        "name": "Baurjan Keukenov",
        "institution": Ref("kz-embassy-uzbekistan"),
        "role": "Consul of Kazakhstan in Uzbekistan",
        # He was replaced by Babur Daurenbek some time between 18 April and 16 May 2009; the
        # report gives no day, so the end of his term is left blank rather than guessed.
    },
    "daurenbek": {
        "name": "Babur Daurenbek",
        "institution": Ref("kz-embassy-uzbekistan"),
        "role": "Consul of Kazakhstan in Uzbekistan, based in Tashkent (Keukenov's successor)",
    },
    "omarov": {
        "name": "Ilyas Omarov",
        "institution": Ref("kz-mfa"),
        "role": "Spokesman of the Ministry of Foreign Affairs",
    },
    "sagyndykov": {
        "name": "Yeleusin Sagyndykov",
        "institution": Ref("kz-aktobe-akimat"),
        "role": "Governor (akim) of Aktobe region",
    },
}

ORGANISATION: dict[str, object] = {
    "slug": "kibhr",
    "name": "Kazakhstan International Bureau for Human Rights",
    "country": "KZ",
    "institution": Ref("kibhr"),
}
KIBHR_SPOKESPERSON = "Anara Ibraeva (KIBHR, Astana office)"

# Sources have no slug either: the demo finds them again by title.
SOURCES: dict[str, dict[str, object]] = {
    "report": {
        "title": "Human-rights news report on the 27 Kazakhstan citizens held in Nukus "
        "(republished by KIBHR)",
        "kind": Source.Kind.MEDIA,
        "outlet": Ref("kibhr"),
        "published_on": REPORT_PUBLISHED_ON,
        "is_public": True,
    },
    "atyrau-news": {
        "title": "Atyrau-News agency report on the relatives' protest in Aktobe",
        "kind": Source.Kind.MEDIA,
        "outlet": Ref("atyrau-news"),
        # Known to us only through the main report; its date and link are not given there.
        "published_on": None,
        "is_public": True,
    },
    "state-tv": {
        "title": "Kazakh state television coverage of the Nukus detentions",
        "kind": Source.Kind.MEDIA,
        "outlet": Ref("kz-state-television"),
        "published_on": None,
        "is_public": True,
    },
}

# --- The case and its people. ---

CASE: dict[str, object] = {
    "slug": CASE_SLUG,
    "title": "27 Kazakhstan citizens held in Nukus, Uzbekistan",
    "summary": (
        "In late February 2009 a convoy of cars and lorries carrying men from Kazakhstan, on its "
        "way from Aktobe region to look for work in Mangistau region, lost its way in snow on a "
        "poorly marked road and crossed into Karakalpakstan, Uzbekistan. Uzbek border guards "
        "stopped the group with warning shots. Some of the men got away in a vehicle; 27 were "
        "detained. By May, relatives knew that 15 were in pre-trial detention in Nukus but not "
        "where the other 12 were; families, their lawyer and a new consul had all been refused "
        "access; and the Uzbek prosecution service announced that the men would be tried for "
        "illegal entry, evading customs and theft."
    ),
    "location": "Karakalpakstan, Uzbekistan, near the border with Kazakhstan",
    "began_on": LATE_FEBRUARY.start,
    "began_on_precision": LATE_FEBRUARY.precision,
    "detaining_country": "UZ",
    "detainees_country": "KZ",
    "is_published": True,
    "internal_notes": (
        "Demo case built by `manage.py load_demo` from public 2009 reporting. None of the "
        "detainees is named in the reports; their records are numbered 01-27. Running the "
        "command again deletes and rebuilds this case."
    ),
}

CHARGES = ["Illegal entry into Uzbekistan", "Evading customs", "Theft"]

ARBITRARY_LINK_NOTE = (
    "Demo: linked to a relative only to show a kinship. The report does not say which of the 27 "
    "records is her relative's, nor whether he is among the men whose whereabouts are known."
)

RELATIVES: dict[str, dict[str, object]] = {
    "jayanova": {
        "given_name": "Jibek",
        "family_name": "Jayanova",
        "name_display": Relative.NameDisplay.FULL,
        "consent_notes": "Named in full in the published 2009 report.",
    },
    "kulegenova": {
        "given_name": "Shynar",
        "family_name": "Kulegenova",
        "name_display": Relative.NameDisplay.FULL,
        "consent_notes": "Named in full in the published 2009 report.",
    },
    "janara": {
        "given_name": "Janara",
        "family_name": "",
        "name_display": Relative.NameDisplay.GIVEN_NAME,
        "consent_notes": "Declined to give her surname to the reporter: show her given name only.",
    },
}

# (relative, detainee reference or None, relationship). The relationship is the relative's own:
# Shynar Kulegenova is a detainee's wife, Janara the sister of two detainees.
KINSHIPS: list[tuple[str, str | None, str]] = [
    # The report does not say how Jibek Jayanova is related, nor to whom.
    ("jayanova", None, Kinship.Relationship.OTHER),
    ("kulegenova", "01", Kinship.Relationship.WIFE),
    ("janara", "02", Kinship.Relationship.SISTER),
    ("janara", "03", Kinship.Relationship.SISTER),
]

# --- The timeline, in the order the report tells it. ---

REPORT = "report"

EVENTS: list[EventSpec] = [
    EventSpec(
        kind=EventKind.STATUS_CHANGE,
        when=LATE_FEBRUARY,
        title="Uzbek border guards detain 27 men from Kazakhstan",
        description=(
            "Men from Kazakhstan were driving in a convoy from Aktobe region towards Mangistau "
            "region in search of work. In snow, with the road badly marked, they took a wrong "
            "turn and ended up in Karakalpakstan, on the Uzbek side of the border. Border guards "
            "surrounded the group and fired warning shots. Some of the men escaped in a vehicle; "
            "27 were taken into custody. The report notes that crossings like this are common on "
            "that border, but that no group this large had been seized there before."
        ),
        details={"status": CaseStatus.DETAINED},
        cites=(Cite(REPORT, "opening of the report"),),
    ),
    # Two figures from two places in the same report: both kept, neither overrides the other.
    EventSpec(
        kind=EventKind.REPORTED_FIGURE,
        when=LATE_FEBRUARY,
        title="Report: seven men escaped the border guards",
        description=(
            "The account of the detention says seven of the men got away in their vehicle. Later "
            "in the same report the figure is six; the two are recorded separately."
        ),
        details={
            "measure": ReportedFigure.Measure.ESCAPED,
            "value": 7,
            "statement": "Seven men got away in their vehicle when the border guards fired.",
        },
        cites=(Cite(REPORT, "first part: account of the detention"),),
    ),
    EventSpec(
        kind=EventKind.REPORTED_FIGURE,
        when=LATE_FEBRUARY,
        title="Report: six men ran away",
        description=(
            "Where the report covers the prosecution's May announcement, it speaks of six men who "
            "ran away, not seven. The two are recorded separately."
        ),
        details={
            "measure": ReportedFigure.Measure.ESCAPED,
            "value": 6,
            "statement": "Six men are said to have run away.",
        },
        cites=(Cite(REPORT, "later part: the prosecution's announcement"),),
    ),
    EventSpec(
        kind=EventKind.REPORTED_FIGURE,
        when=LATE_FEBRUARY,
        title="Relative: 27 men detained",
        description="Jibek Jayanova, a relative, puts the number of men detained at 27.",
        details={
            "measure": ReportedFigure.Measure.DETAINED,
            "value": DETAINED_COUNT,
            "statement": "27 men are held in Uzbekistan.",
        },
        cites=(Cite(REPORT, "quoting relative Jibek Jayanova"),),
    ),
    EventSpec(
        kind=EventKind.ACCESS_ATTEMPT,
        when=EARLY_APRIL,
        title="Relatives refused a visit to the detainees in Nukus",
        description=(
            "At the beginning of April several relatives travelled to try to see the men. The "
            "Uzbek prosecutors and the National Security Service would not let them visit. The "
            "report does not name the relatives who went."
        ),
        details={
            "attempted_by": AccessAttempt.AttemptedBy.RELATIVE,
            "access_type": AccessAttempt.AccessType.VISIT,
            "facility": Ref("uz-nukus-pretrial"),
            # One body per attempt; prosecutors decide on visits to people held before trial.
            # The description names the security service too.
            "decided_by": Ref("uz-prosecution"),
            "outcome": AccessOutcome.REFUSED,
        },
        cites=(Cite(REPORT, "relatives' attempts to visit"),),
    ),
    EventSpec(
        kind=EventKind.ACCESS_ATTEMPT,
        when=EARLY_APRIL,
        title="Relatives' food parcels refused",
        description=(
            "The relatives had also brought food parcels for the men. The prosecutors and the "
            "National Security Service refused to pass them on."
        ),
        details={
            "attempted_by": AccessAttempt.AttemptedBy.RELATIVE,
            "access_type": AccessAttempt.AccessType.PARCEL,
            "facility": Ref("uz-nukus-pretrial"),
            "decided_by": Ref("uz-prosecution"),
            "outcome": AccessOutcome.REFUSED,
        },
        cites=(Cite(REPORT, "relatives' attempts to visit"),),
    ),
    EventSpec(
        kind=EventKind.REPORTED_FIGURE,
        when=EARLY_APRIL,
        title="Relative: 15 of the 27 located in Nukus",
        description=(
            "Jibek Jayanova says the families have been able to confirm where only 15 of the men "
            "are held: the pre-trial detention unit in Nukus."
        ),
        details={
            "measure": ReportedFigure.Measure.LOCATED,
            "value": LOCATED_COUNT,
            "statement": "Only 15 of the 27 have been found.",
        },
        cites=(Cite(REPORT, "quoting relative Jibek Jayanova"),),
    ),
    EventSpec(
        kind=EventKind.REPORTED_FIGURE,
        when=EARLY_APRIL,
        title="Relative: whereabouts of 12 men unknown",
        description="According to Jibek Jayanova, nobody could tell the families where the other "
        "12 men were being held.",
        details={
            "measure": ReportedFigure.Measure.WHEREABOUTS_UNKNOWN,
            "value": DETAINED_COUNT - LOCATED_COUNT,
            "statement": "Where the remaining 12 are held is not known.",
        },
        cites=(Cite(REPORT, "quoting relative Jibek Jayanova"),),
    ),
    EventSpec(
        kind=EventKind.OFFICIAL_CONTACT,
        # The report puts this before the consul's visit of 10 April and after the refused visits
        # at the start of the month.
        when=EARLY_APRIL,
        title="Relatives meet consul Baurjan Keukenov",
        description="Relatives met Kazakhstan's consul in Uzbekistan about the detained men.",
        details={
            "institution": Ref("kz-embassy-uzbekistan"),
            "official": Ref("keukenov"),
            "channel": OfficialContact.Channel.MEETING,
            "request": "Help for the detained men and news of them.",
            "outcome": OfficialContact.Outcome.MET,
        },
        cites=(Cite(REPORT, "relatives and the consul"),),
    ),
    EventSpec(
        kind=EventKind.CONSULAR_VISIT,
        when=CONSUL_VISIT_DAY,
        title="Consul Keukenov visits the detainees in Nukus",
        description=(
            "Consul Baurjan Keukenov saw the detainees in Nukus on 10 April and then told the "
            "relatives the men were well. The families had no way of checking this; Shynar "
            "Kulegenova, the wife of one of the men, said she did not believe it. The report does "
            "not say how many of the men he saw."
        ),
        details={
            "consul": Ref("keukenov"),
            "consulate": Ref("kz-embassy-uzbekistan"),
            "facility": Ref("uz-nukus-pretrial"),
            # He got in: granted. Who he saw is not reported, so nobody is listed as seen.
            "outcome": AccessOutcome.GRANTED,
            "consul_report": "Told the relatives afterwards that the men were well.",
        },
        cites=(Cite(REPORT, "the consul's visit"),),
    ),
    *[
        EventSpec(
            kind=EventKind.OFFICIAL_CONTACT,
            # "In the weeks before the protest of 17 April": April is the closest the report allows.
            when=APRIL,
            title=f"Relatives press the {title}: no response",
            description=(
                f"In the weeks before their protest of 17 April, relatives wrote to and called at "
                f"the {title} asking for help for the detained men. They received no response."
            ),
            details={
                "institution": Ref(slug),
                "channel": OfficialContact.Channel.LETTER,
                "request": "Help in finding and freeing the men held in Uzbekistan.",
                "outcome": OfficialContact.Outcome.NO_RESPONSE,
            },
            cites=(Cite(REPORT, "relatives and the Aktobe regional offices"),),
        )
        for slug, title in [
            ("kz-aktobe-prosecution", "Aktobe regional prosecutor's office"),
            ("kz-aktobe-immigration-police", "Aktobe regional immigration police"),
            ("kz-aktobe-internal-affairs", "Aktobe regional department of internal affairs"),
            ("kz-knb-aktobe", "Aktobe department of the KNB"),
        ]
    ],
    EventSpec(
        kind=EventKind.CAMPAIGN_ACTION,
        when=PROTEST_DAY,
        title="Relatives protest outside the KNB in Aktobe",
        description="Relatives of the detained men demonstrated outside the regional office of "
        "the National Security Committee in Aktobe.",
        details={
            "action_type": CampaignAction.ActionType.DEMONSTRATION,
            "place": "Outside the KNB regional department, Aktobe",
            "target": Ref("kz-knb-aktobe"),
            "participants": "Relatives of the detained men",
        },
        cites=(Cite(REPORT, "the 17 April protest"),),
    ),
    EventSpec(
        kind=EventKind.OFFICIAL_CONTACT,
        when=PROTEST_DAY,
        title="KNB Aktobe: no mandate for people held abroad",
        description=(
            "Officers of the KNB came out to the protesters and said the agency had no mandate "
            "over people held under another state's jurisdiction."
        ),
        details={
            "institution": Ref("kz-knb-aktobe"),
            "channel": OfficialContact.Channel.IN_PERSON,
            "request": "Action to free the men held in Uzbekistan.",
            "outcome": OfficialContact.Outcome.REFUSED,
            "reason_given": "No mandate for individuals under foreign jurisdiction.",
            # The report does not say the KNB sent them to the governor; moving the protest there
            # was, as far as it tells, the relatives' own decision. So: refused, not referred.
        },
        cites=(Cite(REPORT, "the 17 April protest"),),
    ),
    EventSpec(
        kind=EventKind.CAMPAIGN_ACTION,
        when=PROTEST_DAY,
        title="The protest moves to the Aktobe governor's office",
        description="Turned away by the KNB, the relatives took their protest to the regional "
        "governor's office. The Atyrau-News agency reported it.",
        details={
            "action_type": CampaignAction.ActionType.DEMONSTRATION,
            "place": "Outside the Aktobe regional governor's office",
            "target": Ref("kz-aktobe-akimat"),
            "participants": "Relatives of the detained men",
        },
        cites=(
            Cite("atyrau-news", "known through the main report"),
            Cite(REPORT, "the 17 April protest"),
        ),
    ),
    *[
        EventSpec(
            kind=EventKind.OFFICIAL_CONTACT,
            when=AFTER_PROTEST,
            title=f"KIBHR writes to the {addressee}",
            description=(
                f"At the relatives' request, KIBHR put questions about the detained men to the "
                f"{addressee}, citing article 11 of Kazakhstan's constitution, under which the "
                f"state protects its citizens abroad. The report mentions no reply. It happened "
                f"some time between the 17 April protest and the 17 May announcement."
            ),
            details={
                "institution": Ref(slug),
                "channel": OfficialContact.Channel.LETTER,
                "request": "What is being done to protect the 27 citizens held in Uzbekistan.",
                "legal_basis_cited": "Constitution of Kazakhstan, article 11 (protection of "
                "citizens abroad)",
                # No reply in the report, which was written weeks later: still awaited.
                "outcome": OfficialContact.Outcome.AWAITING,
            },
            participants=(Participant(organisation="kibhr", spokesperson=KIBHR_SPOKESPERSON),),
            cites=(Cite(REPORT, "KIBHR's involvement"),),
        )
        for slug, addressee in [
            ("kz-prosecutor-general", "Prosecutor General"),
            ("kz-mfa", "Ministry of Foreign Affairs"),
        ]
    ],
    EventSpec(
        kind=EventKind.CAMPAIGN_ACTION,
        when=AFTER_PROTEST,
        title="KIBHR alerts ministries and the media",
        description=(
            "The relatives asked KIBHR for help, and the bureau told national ministries and the "
            "press about the case. Anara Ibraeva of its Astana office spoke for it."
        ),
        details={
            "action_type": CampaignAction.ActionType.APPEAL,
            "participants": "KIBHR",
        },
        participants=(Participant(organisation="kibhr", spokesperson=KIBHR_SPOKESPERSON),),
        cites=(Cite(REPORT, "KIBHR's involvement"),),
    ),
    EventSpec(
        kind=EventKind.OFFICIAL_CONTACT,
        when=AFTER_PROTEST,
        title="Relatives meet members of parliament",
        description="Relatives met members of Kazakhstan's parliament about the case, some time "
        "between the 17 April protest and the 17 May announcement.",
        details={
            "institution": Ref("kz-parliament"),
            "channel": OfficialContact.Channel.MEETING,
            "request": "Support in getting the men released.",
            "outcome": OfficialContact.Outcome.MET,
        },
        cites=(Cite(REPORT, "relatives' meetings with national bodies"),),
    ),
    EventSpec(
        kind=EventKind.OFFICIAL_CONTACT,
        when=AFTER_PROTEST,
        title="Relatives meet the prosecutor's office",
        description="Relatives met the prosecutor's office about the case, some time between the "
        "17 April protest and the 17 May announcement.",
        details={
            "institution": Ref("kz-prosecutor-general"),
            "channel": OfficialContact.Channel.MEETING,
            "request": "Support in getting the men released.",
            "outcome": OfficialContact.Outcome.MET,
        },
        cites=(Cite(REPORT, "relatives' meetings with national bodies"),),
    ),
    EventSpec(
        kind=EventKind.OFFICIAL_CONTACT,
        when=AFTER_PROTEST,
        title="Foreign Ministry: crossing not deliberate, Uzbek side not cooperating",
        description=(
            "Relatives met Foreign Ministry officials. The ministry's view, as the report gives "
            "it: the men did not cross on purpose, but the Uzbek authorities are not cooperating. "
            "Its spokesman, Ilyas Omarov, said Uzbekistan had not yet confirmed the incident and "
            "the ministry was waiting to hear from its embassy."
        ),
        details={
            "institution": Ref("kz-mfa"),
            "channel": OfficialContact.Channel.MEETING,
            "request": "Support in getting the men released.",
            "outcome": OfficialContact.Outcome.ACKNOWLEDGED,
            "reason_given": (
                "The ministry believes the crossing was not deliberate, but its Uzbek counterparts "
                "are not cooperating. Uzbekistan has not yet confirmed the incident; the ministry "
                "is waiting for its embassy to report."
            ),
        },
        cites=(Cite(REPORT, "the Foreign Ministry's position"),),
    ),
    EventSpec(
        kind=EventKind.CAMPAIGN_ACTION,
        when=AFTER_PROTEST,
        title="State television reports on the case",
        description="Kazakh state television covered the detentions and the families' campaign.",
        details={
            "action_type": CampaignAction.ActionType.MEDIA_COVERAGE,
            "outlet": Ref("kz-state-television"),
        },
        cites=(
            Cite(REPORT, "media coverage"),
            Cite("state-tv", "broadcast not yet located; known through the main report"),
        ),
    ),
    EventSpec(
        kind=EventKind.CONSULAR_VISIT,
        when=AFTER_PROTEST,
        title="New consul Babur Daurenbek refused access in Nukus",
        description=(
            "Babur Daurenbek, who replaced Keukenov as consul in Tashkent, spent a week in Nukus "
            "trying to see the detainees and was turned away. The report places that week between "
            "the 17 April protest and the 17 May announcement; the dates here are that window, "
            "not the week itself."
        ),
        details={
            "consul": Ref("daurenbek"),
            "consulate": Ref("kz-embassy-uzbekistan"),
            "facility": Ref("uz-nukus-pretrial"),
            "outcome": AccessOutcome.REFUSED,
            "follow_up": "Lodged a formal protest and asked the Uzbek authorities to explain.",
        },
        cites=(Cite(REPORT, "the new consul"),),
    ),
    EventSpec(
        kind=EventKind.ACCESS_ATTEMPT,
        # The report tells this next to the new consul's week in Nukus, with no date of its own:
        # the same window is all we can honestly say.
        when=AFTER_PROTEST,
        title="Families' lawyer refused access",
        description=(
            "The lawyer acting for the families was not allowed to see the men and was told they "
            "should hire an Uzbek lawyer. The report does not name the lawyer or the body that "
            "refused."
        ),
        details={
            "attempted_by": AccessAttempt.AttemptedBy.LAWYER,
            "access_type": AccessAttempt.AccessType.LEGAL,
            "outcome": AccessOutcome.REFUSED,
            "reason_given": "Told to hire an Uzbek lawyer.",
        },
        cites=(Cite(REPORT, "the families' lawyer"),),
    ),
    EventSpec(
        kind=EventKind.OFFICIAL_CONTACT,
        when=GOVERNOR_WINDOW,
        title="Relatives meet Aktobe governor Yeleusin Sagyndykov",
        description=(
            "Relatives met the governor of Aktobe region and asked him to appeal to the President "
            "of Kazakhstan for the men. The report gives no date; it falls between the protest at "
            "his office on 17 April and the 17 May announcement."
        ),
        details={
            "institution": Ref("kz-aktobe-akimat"),
            "official": Ref("sagyndykov"),
            "channel": OfficialContact.Channel.MEETING,
            "request": "Appeal to the President of Kazakhstan on the men's behalf.",
            "outcome": OfficialContact.Outcome.MET,
        },
        cites=(Cite(REPORT, "meeting with the governor"),),
    ),
    EventSpec(
        kind=EventKind.LEGAL_PROCEEDING,
        when=TRIAL_ANNOUNCED_DAY,
        title="Uzbek prosecutors announce the men will be tried",
        description=(
            "The Uzbek prosecution service said all the detained men would stand trial for illegal "
            "entry, evading customs and theft. It also said it would ask Kazakhstan to take action "
            "against the six men who ran away."
        ),
        details={
            "stage": LegalProceeding.Stage.TRIAL_ANNOUNCED,
            "court": Ref("uz-prosecution"),
            "charges": ALL_CHARGES,
            "outcome": "Trial of all the detained men announced; Kazakhstan to be asked to act "
            "against the six who ran away.",
        },
        cites=(Cite(REPORT, "the prosecution's announcement"),),
    ),
    EventSpec(
        kind=EventKind.STATUS_CHANGE,
        when=TRIAL_ANNOUNCED_DAY,
        title="The men are charged",
        description="With the prosecution's announcement, the charges against all the detained "
        "men are on record.",
        details={"status": CaseStatus.CHARGED},
        cites=(Cite(REPORT, "the prosecution's announcement"),),
    ),
    # An example of what staff keep to themselves: internal, unverified, never on the public page.
    EventSpec(
        kind=EventKind.NOTE,
        when=UNDATED,
        title="Demo (internal): staff to-do for this case",
        description=(
            "Internal example, not a fact of the case. To do: find the original Atyrau-News item "
            "and the state television broadcast; ask the families whether seven or six men "
            "escaped; identify the 12 men whose whereabouts are unknown."
        ),
        cites=(Cite(REPORT, "whole report"),),
        is_public=False,
        verification=Event.Verification.REPORTED,
    ),
]

DETAIL_MODELS: dict[str, type[models.Model]] = {
    EventKind.STATUS_CHANGE: StatusChange,
    EventKind.LEGAL_PROCEEDING: LegalProceeding,
    EventKind.CONSULAR_VISIT: ConsularVisit,
    EventKind.ACCESS_ATTEMPT: AccessAttempt,
    EventKind.OFFICIAL_CONTACT: OfficialContact,
    EventKind.CAMPAIGN_ACTION: CampaignAction,
    EventKind.REPORTED_FIGURE: ReportedFigure,
}


# --- The builder. ---


def _saved(obj: models.Model) -> models.Model:
    """Validate as the admin does, then save: demo data obeys the same rules as real data."""
    obj.full_clean()
    obj.save()
    return obj


def _upsert(
    model: type[models.Model], lookup: dict[str, object], values: dict[str, object]
) -> models.Model:
    """update_or_create, but through full_clean()."""
    obj = model.objects.filter(**lookup).first() or model(**lookup)
    for name, value in values.items():
        setattr(obj, name, value)
    return _saved(obj)


class _Registry(dict):
    def resolve(self, values: dict[str, object]) -> dict[str, object]:
        return {k: self[v.key] if isinstance(v, Ref) else v for k, v in values.items()}


def load_founding_case() -> Case:
    """Build the nukus-27 case from scratch; run again, it leaves the same data.

    The case and everything hanging off it (detainees, charges, events, kinships, participations)
    are deleted and rebuilt. Shared records (institutions, officials, the facility, KIBHR, the
    sources, the demo relatives) are updated in place by a stable key, so no duplicates appear.
    Call inside transaction.atomic().
    """
    Case.objects.filter(slug=CASE_SLUG).delete()

    refs = _Registry()
    for spec in INSTITUTIONS:
        values = {"short_name": "", "parent": None, **refs.resolve(spec)}
        refs[spec["slug"]] = _upsert(Institution, {"slug": values.pop("slug")}, values)
    refs[FACILITY["slug"]] = _upsert(Facility, {"slug": FACILITY["slug"]}, FACILITY)
    for key, spec in OFFICIALS.items():
        values = refs.resolve(spec)
        lookup = {"name": values.pop("name"), "institution": values.pop("institution")}
        refs[key] = _upsert(Official, lookup, values)

    organisations = {
        ORGANISATION["slug"]: _upsert(
            Organisation, {"slug": ORGANISATION["slug"]}, refs.resolve(ORGANISATION)
        )
    }
    sources = {
        key: _upsert(Source, {"title": spec["title"]}, refs.resolve(spec))
        for key, spec in SOURCES.items()
    }
    relatives = {key: _upsert_relative(spec) for key, spec in RELATIVES.items()}

    case = _saved(Case(**CASE))
    facility = refs[FACILITY["slug"]]
    detainees = {}
    for number in range(1, DETAINED_COUNT + 1):
        reference = f"{number:02d}"
        located = number <= LOCATED_COUNT
        detainees[reference] = _saved(
            Detainee(
                case=case,
                reference=reference,
                status=DetaineeStatus.DETAINED,
                facility=facility if located else None,
                whereabouts_confirmed_on=WHEREABOUTS_CONFIRMED_ON if located else None,
                internal_notes=_detainee_notes(reference, located),
            )
        )
    charges = [_saved(Charge(case=case, offence=offence)) for offence in CHARGES]

    for relative_key, reference, relationship in KINSHIPS:
        _saved(
            Kinship(
                relative=relatives[relative_key],
                case=case,
                detainee=detainees[reference] if reference else None,
                relationship=relationship,
            )
        )

    for spec in EVENTS:
        _build_event(case, spec, refs, sources, organisations, relatives, charges)
    return case


def _upsert_relative(spec: dict[str, object]) -> Relative:
    # Only records this loader made are reused; contact fields are never written (we have none).
    lookup = {
        "given_name": spec["given_name"],
        "family_name": spec["family_name"],
        "consent_notes__startswith": DEMO_RELATIVE_MARKER,
    }
    relative = Relative.objects.filter(**lookup).first() or Relative()
    for name, value in spec.items():
        setattr(relative, name, value)
    relative.consent_notes = f"{DEMO_RELATIVE_MARKER} {spec['consent_notes']}"
    return _saved(relative)


def _detainee_notes(reference: str, located: bool) -> str:
    notes = []
    if located:
        notes.append(
            "Whereabouts confirmed by relatives in early April 2009; the day is not reported, so "
            "the first day of that window is stored."
        )
    if any(ref == reference for _relative, ref, _relationship in KINSHIPS):
        notes.append(ARBITRARY_LINK_NOTE)
    return " ".join(notes)


def _build_event(
    case: Case,
    spec: EventSpec,
    refs: _Registry,
    sources: dict[str, Source],
    organisations: dict[str, Organisation],
    relatives: dict[str, Relative],
    charges: Iterable[Charge],
) -> Event:
    event = _saved(
        Event(
            case=case,
            kind=spec.kind,
            date_start=spec.when.start,
            date_precision=spec.when.precision,
            date_end=spec.when.end,
            title=spec.title,
            description=spec.description,
            is_public=spec.is_public,
            verification=spec.verification,
        )
    )
    if spec.kind in DETAIL_MODELS:
        values = refs.resolve(spec.details)
        wants_charges = values.pop("charges", None) == ALL_CHARGES
        detail = _saved(DETAIL_MODELS[spec.kind](event=event, **values))
        if wants_charges:
            detail.charges.set(charges)
    for cite in spec.cites:
        _saved(
            Citation(
                event=event,
                source=sources[cite.source],
                locator=cite.locator,
                confidence=cite.confidence,
            )
        )
    for participant in spec.participants:
        _saved(
            Participation(
                event=event,
                organisation=organisations.get(participant.organisation),
                relative=relatives.get(participant.relative),
                spokesperson=participant.spokesperson,
            )
        )
    return event
