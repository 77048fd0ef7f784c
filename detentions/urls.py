from django.urls import path
from django.views.decorators.http import require_safe

from detentions import sitemaps
from detentions.feeds import AllCasesFeed, CaseFeed
from detentions.page_cache import cached_public_page
from detentions.views import downloads, health, public, search

app_name = "detentions"

urlpatterns = [
    path("", public.case_list, name="case-list"),
    path("cases/<slug:slug>/", public.case_detail, name="case-detail"),
    path("cases/<slug:slug>/events/<int:pk>/", public.event_permalink, name="event"),
    path("search/", search.search, name="search"),
    path("institutions/<slug:slug>/", public.institution_detail, name="institution-detail"),
    path("feed/", require_safe(cached_public_page(AllCasesFeed())), name="feed"),
    path(
        "cases/<slug:slug>/feed/",
        require_safe(cached_public_page(CaseFeed())),
        name="case-feed",
    ),
    path(
        "cases/<slug:slug>/timeline.json",
        downloads.case_timeline_json,
        name="case-timeline-json",
    ),
    path("cases/<slug:slug>/timeline.csv", downloads.case_timeline_csv, name="case-timeline-csv"),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    path("healthz", health.healthz, name="healthz"),
]
