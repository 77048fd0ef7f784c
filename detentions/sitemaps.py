"""What search engines read: the sitemap of public pages, and robots.txt pointing to it.

Only published cases and the institutions that have a public page are listed. A page's `lastmod` is
when its public content last changed: the newest public event on it (or the case record itself).
"""

import datetime

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe

from detentions import selectors
from detentions.models import Case, Event, Institution, OfficialContact
from detentions.models.timeline import shown_publicly
from detentions.page_cache import cached_public_page


def _newest(*moments: datetime.datetime | None) -> datetime.datetime | None:
    return max((moment for moment in moments if moment is not None), default=None)


def _newest_update(events: QuerySet[Event]) -> Subquery:
    return Subquery(events.order_by("-updated_at").values("updated_at")[:1])


class HomeSitemap(Sitemap):
    def items(self) -> list[str]:
        return ["detentions:case-list"]

    def location(self, name: str) -> str:
        return reverse(name)

    def lastmod(self, name: str) -> datetime.datetime | None:
        # The list shows every published case's title, status and counts.
        return _newest(
            Case.objects.published().aggregate(latest=Max("updated_at"))["latest"],
            Event.objects.public().aggregate(latest=Max("updated_at"))["latest"],
        )


class CaseSitemap(Sitemap):
    def items(self) -> QuerySet[Case]:
        return (
            Case.objects.published()
            .annotate(
                last_event_change=_newest_update(Event.objects.public().filter(case=OuterRef("pk")))
            )
            .order_by("slug")
        )

    def lastmod(self, case: Case) -> datetime.datetime | None:
        return _newest(case.updated_at, case.last_event_change)


def _public_contact_changes() -> dict[int, datetime.datetime]:
    """When each institution's public contacts last changed, by institution id, whether a contact
    names the institution or one of its officials. Two grouped queries over all public contacts:
    asking for each institution's newest contact, as a subquery, took 16 s on the benchmark data,
    and 2.7 s as an aggregate per institution."""
    public = OfficialContact.objects.filter(shown_publicly("event__")).order_by()
    changes: dict[int, datetime.datetime] = {}
    for via in ("institution", "official__institution"):
        newest = (
            public.filter(**{f"{via}__isnull": False})
            .values_list(via)
            .annotate(changed=Max("event__updated_at"))
        )
        for pk, changed in newest:
            changes[pk] = _newest(changes.get(pk), changed)
    return changes


class InstitutionSitemap(Sitemap):
    def items(self) -> QuerySet[Institution]:
        # Asked of the institutions that public contacts name, not of all of them: checking
        # every institution for a public contact through its officials took 0.4 to 0.9 s.
        named = list(self.contact_changes)
        return selectors.public_institutions().filter(pk__in=named).order_by("slug")

    @cached_property
    def contact_changes(self) -> dict[int, datetime.datetime]:
        return _public_contact_changes()

    def location(self, institution: Institution) -> str:
        return reverse("detentions:institution-detail", kwargs={"slug": institution.slug})

    def lastmod(self, institution: Institution) -> datetime.datetime | None:
        return self.contact_changes.get(institution.pk)


SITEMAPS = {"home": HomeSitemap, "cases": CaseSitemap, "institutions": InstitutionSitemap}


@require_safe
@cached_public_page
def sitemap(request: HttpRequest) -> HttpResponse:
    return sitemap_views.sitemap(request, sitemaps=SITEMAPS)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Allow: /",
        f"Disallow: {reverse('admin:index')}",
        f"Sitemap: {request.build_absolute_uri(reverse('detentions:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
