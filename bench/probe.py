"""The benchmark's look inside Django, run by bench/run.py in a process of its own with the same
settings as the server under test (`python -m bench.probe describe|queries ...`).

- `describe`: the published case with the most public events (the longest public timeline), a
  name to search for, the public addresses to load, the data's size and the database's version.
- `queries URL...`: how many queries each address makes for an anonymous reader, through Django's
  test client, counted with `CaptureQueriesContext`. `--second` counts the second request of each
  address (with the public page cache on: the cache hit).

It prints one line of JSON on stdout, last; Django's own logging goes to stderr.
"""

import argparse
import json
import os
import sys
from typing import Any


def describe() -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import translation
    from django.utils.http import urlencode

    from detentions.models import Case, Detainee, Event, NameDisplay

    longest = list(
        Event.objects.public()
        .values("case")
        .annotate(public_events=Count("id"))
        .order_by("-public_events", "case")[:1]
    )
    if not longest:
        return {"error": "no published case has a public event: load data first"}
    case = Case.objects.get(pk=longest[0]["case"])
    # A name the public search can find: shown in full, in Latin letters, of a current detainee
    # of that case (or, failing one, of any published case; failing that, the case's title).
    named = (
        Detainee.objects.current()
        .filter(case__in=Case.objects.published(), name_display=NameDisplay.FULL)
        .exclude(name_latin="")
        .select_related("case")
        .order_by("reference", "pk")
    )
    person = named.filter(case=case).first() or named.first()
    term = person.name_latin if person else case.title
    found_at = person.case if person else case
    with translation.override(settings.LANGUAGE_CODE):
        slug = {"slug": case.slug}
        urls = {
            "floor": reverse("detentions:healthz"),
            "home": reverse("detentions:case-list"),
            "case": reverse("detentions:case-detail", kwargs=slug),
            "feed": reverse("detentions:case-feed", kwargs=slug),
            "json": reverse("detentions:case-timeline-json", kwargs=slug),
            "search": f"{reverse('detentions:search')}?{urlencode({'q': term})}",
            # Where the search's result links to: the person's case (#people) or the case.
            "found": reverse("detentions:case-detail", kwargs={"slug": found_at.slug})
            + ("#people" if person else ""),
        }
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgresql = cursor.fetchone()[0]
    return {
        "case": {
            "slug": case.slug,
            "title": case.title,
            "public_events": longest[0]["public_events"],
        },
        "search_term": term,
        "search_is_a_person": person is not None,
        "urls": urls,
        "counts": {
            "cases": Case.objects.count(),
            "published_cases": Case.objects.published().count(),
            "detainees": Detainee.objects.count(),
            "events": Event.objects.count(),
            "public_events": Event.objects.public().count(),
        },
        "postgresql": postgresql,
        "vendor": connection.vendor,
        "cache_backend": cache_backend(),
    }


def cache_backend() -> str:
    from django.conf import settings

    return settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


def count_queries(urls: list[str], *, second: bool) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    def get(url: str) -> tuple[int, int]:
        # A new client each time: an anonymous reader without cookies, as wrk is.
        client = Client(raise_request_exception=False)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)  # a streamed body queries as it is read
        return response.status_code, len(captured.captured_queries)

    # Load the URLconf, templates and middleware once, as a serving worker already has.
    get(reverse("detentions:healthz"))
    measured = {}
    for url in urls:
        status, queries = get(url)
        if second:
            status, queries = get(url)
        measured[url] = {"status": status, "queries": queries}
    return {"urls": measured, "cache_backend": cache_backend()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("describe")
    queries = commands.add_parser("queries")
    queries.add_argument("--second", action="store_true", help="count the second request")
    queries.add_argument("urls", nargs="+")
    args = parser.parse_args(argv)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    if args.command == "describe":
        result = describe()
    else:
        result = count_queries(args.urls, second=args.second)
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
