"""The visual timeline: phases as bands, events as marks, laid out on the server as SVG geometry.

No JavaScript: the template draws what this computes. Events without a known date are left out of
the drawing (the list beside it has them all), and the caption says so.
"""

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from detentions.models import ENDED, CaseStatus, Event, EventKind

WIDTH = 720
# The left gutter holds the lane names.
LEFT, RIGHT = 132, 8
PHASE_TOP, PHASE_HEIGHT = 4, 26
LANE_TOP, LANE_HEIGHT = 40, 30

# Each kind of event has its row, so that marks of one day do not cover each other.
LANES = [
    ({EventKind.STATUS_CHANGE, EventKind.LEGAL_PROCEEDING}, gettext_lazy("Status and courts")),
    ({EventKind.CONSULAR_VISIT, EventKind.ACCESS_ATTEMPT}, gettext_lazy("Access")),
    ({EventKind.OFFICIAL_CONTACT}, gettext_lazy("Official contacts")),
    (
        {EventKind.CAMPAIGN_ACTION, EventKind.REPORTED_FIGURE, EventKind.NOTE},
        gettext_lazy("Campaign and reports"),
    ),
]


@dataclass
class Phase:
    status: str
    label: str
    x: float
    width: float
    since: str


@dataclass
class Mark:
    event_id: int
    kind: str
    x: float
    y: float
    x_end: float
    label: str


@dataclass
class Lane:
    label: str
    y: float


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class Chart:
    height: float
    phases: list[Phase]
    marks: list[Mark]
    lanes: list[Lane]
    ticks: list[Tick]
    summary: str
    width: int = WIDTH
    left: int = LEFT
    axis_y: float = field(init=False)

    def __post_init__(self) -> None:
        self.axis_y = self.height - 18


def _month_starts(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = max(1, math.ceil(months / 8))
    starts, year, month = [], first.year, first.month
    for index in range(0, months, step):
        total = first.month - 1 + index
        year, month = first.year + total // 12, total % 12 + 1
        starts.append(datetime.date(year, month, 1))
    return starts


def build_chart(
    events: Sequence[Event], *, today: datetime.date, status_in_force: Event | None = None
) -> Chart | None:
    """Geometry for public events in date order (a case's, or a page of them); None when no
    event has a date. `status_in_force` is the status change before the first event, when the
    events are a later page: its phase is drawn from the start."""
    dated = [event for event in events if event.date_start is not None]
    if not dated:
        return None
    first = dated[0].date_start.replace(day=1)
    last = max(event.date.last_day for event in dated)
    changes = [event for event in dated if event.kind == EventKind.STATUS_CHANGE and event.details]
    if status_in_force is not None:
        changes.insert(0, status_in_force)
    ongoing = not changes or changes[-1].details.status not in ENDED
    if ongoing:
        # Leave room after the last event to show that the phase goes on, label and all.
        last = last + datetime.timedelta(days=max(10, (last - first).days // 6))
    days = max((last - first).days, 28)
    plot = WIDTH - LEFT - RIGHT

    def x(day: datetime.date) -> float:
        return round(LEFT + (day - first).days / days * plot, 1)

    phases = []
    for index, change in enumerate(changes):
        start = x(max(change.date_start, first))
        end = x(changes[index + 1].date_start) if index + 1 < len(changes) else LEFT + plot
        status = change.details.status
        phases.append(
            Phase(status, CaseStatus(status).label, start, max(end - start, 2), str(change.date))
        )

    lane_of = {kind: index for index, (kinds, _label) in enumerate(LANES) for kind in kinds}
    marks = []
    for event in dated:
        y = LANE_TOP + lane_of[event.kind] * LANE_HEIGHT + LANE_HEIGHT / 2
        marks.append(
            Mark(
                event_id=event.pk,
                kind=event.kind,
                x=x(event.date_start),
                y=y,
                x_end=x(event.date.last_day),
                label=f"{event.date}: {event.title}",
            )
        )
    lanes = [
        Lane(str(label), LANE_TOP + index * LANE_HEIGHT + LANE_HEIGHT / 2 + 4)
        for index, (_kinds, label) in enumerate(LANES)
    ]
    ticks = [
        Tick(x(day), formats.date_format(day, "M Y"))
        for day in _month_starts(first, last)
        if x(day) < WIDTH - RIGHT - 50  # a label must fit before the edge
    ]
    return Chart(
        height=LANE_TOP + len(LANES) * LANE_HEIGHT + 24,
        phases=phases,
        marks=marks,
        lanes=lanes,
        ticks=ticks,
        summary=_summary(phases, len(dated), len(events) - len(dated), ongoing),
    )


def _summary(phases: list[Phase], dated: int, undated: int, ongoing: bool) -> str:
    """The chart in words, for screen readers and anyone who cannot see it."""
    parts = [
        _("%(phase)s from %(since)s") % {"phase": phase.label.capitalize(), "since": phase.since}
        for phase in phases
    ]
    text = "; ".join(parts) + ". " if parts else ""
    if ongoing and phases:
        text += _("The last phase is ongoing.") + " "
    text += ngettext("%(count)d event is marked.", "%(count)d events are marked.", dated) % {
        "count": dated
    }
    if undated:
        text += " " + ngettext(
            "%(count)d event without a known date is listed below only.",
            "%(count)d events without a known date are listed below only.",
            undated,
        ) % {"count": undated}
    return text
