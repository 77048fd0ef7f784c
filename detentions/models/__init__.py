from detentions.models.cases import Case, CaseStatus, Charge, Detainee, DetaineeStatus, NameDisplay
from detentions.models.registry import Facility, Institution, Official
from detentions.models.timeline import (
    AccessAttempt,
    CampaignAction,
    Citation,
    ConsularVisit,
    Event,
    EventKind,
    LegalProceeding,
    OfficialContact,
    ReportedFigure,
    Source,
    StatusChange,
)

__all__ = [
    "AccessAttempt",
    "CampaignAction",
    "Case",
    "CaseStatus",
    "Charge",
    "Citation",
    "ConsularVisit",
    "Detainee",
    "DetaineeStatus",
    "Event",
    "EventKind",
    "Facility",
    "Institution",
    "LegalProceeding",
    "NameDisplay",
    "Official",
    "OfficialContact",
    "ReportedFigure",
    "Source",
    "StatusChange",
]
