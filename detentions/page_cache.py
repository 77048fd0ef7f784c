"""Public pages, feeds and downloads: cached whole, never stale, and answered 304 when unchanged.

A cached page's key holds everything the page depends on: the address (path and query), the
language, the host and scheme its links are written with, today's date (days in detention,
days waiting) and `ContentVersion`, the moment public content last changed. Every save or delete
of a record a public page could show moves that moment on, in the same transaction as the change,
so a publish or an edit gives every page a new key at once: nothing is purged, and nothing is
ever served stale, whichever process or machine answers. Old entries simply expire.

The same key, hashed, is the page's ETag, so a browser or feed reader that asks again gets 304 Not
Modified without the page being built; that moment (or midnight, whichever is later) is its
Last-Modified. Checking costs one small query; a hit costs nothing more.
"""

import datetime
import hashlib
from collections.abc import Callable
from functools import wraps

from django.apps import apps as global_apps
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag

from detentions.models import ContentVersion

# Apps whose records public pages show, and the models there that no public page reads. A new
# model is assumed to matter until it is listed here: a needless new key costs one rebuild, a
# missing one would serve a stale page.
WATCHED_APPS = {"detentions", "campaigns"}
NEVER_PUBLIC = {
    "detentions.contentversion",
    "campaigns.invitation",
    "campaigns.entry",
    "campaigns.correctionrequest",
    "campaigns.intakereport",
    "campaigns.staffmember",
    "campaigns.remindersent",
    "campaigns.accesslogentry",
}

# Kept a day at most: a key that is no longer asked for is never asked for again.
TIMEOUT = 24 * 60 * 60


def _matters(model: type[Model]) -> bool:
    meta = model._meta
    if meta.app_label not in WATCHED_APPS or meta.label_lower in NEVER_PUBLIC:
        return False
    if meta.apps is not global_apps:
        # A migration's historical model: the version's table may not exist yet. Migrations
        # move the version on once they are done (`after_migrate`).
        return False
    # django-simple-history's rows are written beside every change; the change itself counts.
    return not meta.object_name.startswith("Historical")


def note_public_change() -> None:
    """Call after writes that bypass model signals (`QuerySet.update()`, `bulk_create()`)."""
    ContentVersion.bump()


def _on_save_or_delete(sender: type[Model], **kwargs) -> None:
    if _matters(sender) and not kwargs.get("raw"):
        note_public_change()


def _on_m2m_change(sender: type[Model], instance: Model, action: str, **kwargs) -> None:
    if action.startswith("post_") and _matters(type(instance)):
        note_public_change()


def after_migrate(sender, **kwargs) -> None:
    # A data migration may have changed what public pages show, without a signal of its own.
    if kwargs.get("plan"):
        note_public_change()


def connect_signals() -> None:
    # No sender: any model, including those of apps built on this one, which it cannot import.
    post_save.connect(_on_save_or_delete, dispatch_uid="page_cache_save")
    post_delete.connect(_on_save_or_delete, dispatch_uid="page_cache_delete")
    m2m_changed.connect(_on_m2m_change, dispatch_uid="page_cache_m2m")


def _last_modified(version: datetime.datetime, today: datetime.date) -> datetime.datetime:
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    return max(version, midnight)


def _key(request: HttpRequest, version: datetime.datetime, today: datetime.date) -> str:
    parts = [
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        translation.get_language() or "",
        today.isoformat(),
        version.isoformat(),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _revalidate(response: HttpResponse, etag: str, last_modified: datetime.datetime) -> None:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified.timestamp())
    # Browsers and proxies may keep a copy but must ask again each time: a 304 is cheap.
    if "Cache-Control" in response:
        patch_cache_control(response, no_cache=True)
    else:
        response["Cache-Control"] = "no-cache"


def _caches(in_process: str) -> list:
    """This process's own memory first, then the cache every process shares (CACHE_URL). A
    page's key never names stale content, so a copy in one process's memory is as good as the
    shared one, and is read without a round trip to Redis."""
    shared = caches["default"]
    if isinstance(shared, LocMemCache):
        return [shared]
    return [caches[in_process], shared]


def _cached(key: str, in_process: str) -> tuple | None:
    nearer = []
    for cache in _caches(in_process):
        stored = cache.get(key)
        if stored is not None:
            for near in nearer:
                near.set(key, stored, TIMEOUT)
            return stored
        nearer.append(cache)
    return None


def _keep(key: str, page: tuple, in_process: str) -> None:
    for cache in _caches(in_process):
        cache.set(key, page, TIMEOUT)


def cached_public_page(
    view: Callable[..., HttpResponse], *, in_process: str = "pages_in_process"
) -> Callable[..., HttpResponse]:
    """For views whose response depends only on public content and the request's address. Only
    a complete 200 response is stored; errors and streamed responses are built every time.
    `in_process` names the cache kept in each process's memory. The view finds the content
    version its page is kept under in `request.content_version`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        version = request.content_version = ContentVersion.current()
        today = timezone.localdate()
        key = _key(request, version, today)
        etag = quote_etag(key[:32])
        last_modified = _last_modified(version, today)
        # By ETag only. Last-Modified is sent for readers and crawlers, but an If-Modified-Since
        # alone is not trusted: with its one-second resolution, an edit in the same second as
        # the copy the client holds would be answered 304.
        if "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MATCH" in request.META:
            unchanged = get_conditional_response(request, etag=etag)
            if unchanged is not None:
                _revalidate(unchanged, etag, last_modified)
                return unchanged

        use_cache = settings.PUBLIC_PAGE_CACHE
        stored = _cached(f"page:{key}", in_process) if use_cache else None
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers.items():
                response[name] = value
        else:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            if hasattr(response, "render"):  # a TemplateResponse (the sitemap's)
                response.render()
            headers = {
                name: value
                for name, value in response.items()
                if name in ("Content-Type", "Content-Disposition", "Content-Language")
            }
            if use_cache:
                _keep(f"page:{key}", (response.content, headers), in_process)
        _revalidate(response, etag, last_modified)
        return response

    return wrapper


def cached_search_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`cached_public_page` for the search, with its own place in each process's memory: any
    text may be searched for, and a run of different searches must not push the case pages out.
    (In the shared cache, Redis's least-recently-used eviction keeps the pages read most.)"""
    return cached_public_page(view, in_process="searches_in_process")
