"""Atom feeds of the public timelines: one of every published case, one per case.

An entry is one public event. Its `updated` is the event's `updated_at`, so a feed reader shows an
entry again when it is published or corrected, not only when it is first recorded.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.translation import gettext as _

from detentions import selectors
from detentions.models import Case, Event

# Enough for a reader that polls daily; older entries stay on the case pages and in the downloads.
FEED_LENGTH = 100


class _TimelineFeed(Feed):
    feed_type = Atom1Feed

    def author_name(self) -> str:
        return _("Detained abroad")

    def item_title(self, event: Event) -> str:
        # Atom titles are plain text, escaped once by the XML writer: no escaping here.
        return f"{event.case.title}: {event.title}"

    def item_link(self, event: Event) -> str:
        return f"{event.case.get_absolute_url()}#event-{event.pk}"

    def item_categories(self, event: Event) -> list[str]:
        return [event.get_kind_display()]

    def item_pubdate(self, event: Event) -> datetime.datetime:
        return event.created_at

    def item_updateddate(self, event: Event) -> datetime.datetime:
        return event.updated_at

    def item_description(self, event: Event) -> str:
        """HTML: the date as precisely as known, the description, the sources cleared for citing.

        The citations were prefetched with public sources only; the check here is a second lock.
        """
        sources = [c.source for c in event.citations.all() if c.source.is_public]
        parts = [format_html("<p><strong>{}</strong></p>", event.date)]
        if event.description:
            parts.append(linebreaks(event.description, autoescape=True))
        if sources:
            parts.append(
                format_html(
                    "<p>{} {}</p>",
                    _("Sources:"),
                    format_html_join(
                        "; ",
                        "{}",
                        (
                            (
                                format_html('<a href="{}">{}</a>', source.url, source.title)
                                if source.url
                                else source.title,
                            )
                            for source in sources
                        ),
                    ),
                )
            )
        return "".join(parts)


class AllCasesFeed(_TimelineFeed):
    def title(self) -> str:
        return _("Detained abroad: updates on all published cases")

    def subtitle(self) -> str:
        return _("Verified events from the public timelines of every published case.")

    def link(self) -> str:
        return reverse("detentions:case-list")

    def items(self) -> list[Event]:
        return list(
            Event.objects.public()
            .select_related("case")
            .with_sources(public_only=True)
            .order_by("-updated_at", "-id")[:FEED_LENGTH]
        )


class CaseFeed(_TimelineFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Case:
        return get_object_or_404(selectors.public_cases(), slug=slug)

    def title(self, case: Case) -> str:
        return case.title

    def subtitle(self, case: Case) -> str:
        return case.summary

    def link(self, case: Case) -> str:
        return case.get_absolute_url()

    def items(self, case: Case) -> list[Event]:
        return list(
            Event.objects.public()
            .filter(case=case)
            .select_related("case")
            .with_sources(public_only=True)
            .order_by("-updated_at", "-id")[:FEED_LENGTH]
        )
