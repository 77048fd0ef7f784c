"""E-mail each staff member one digest of what came in since the last one."""

from argparse import ArgumentParser

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from campaigns import languages
from campaigns.models import Entry, IntakeReport
from campaigns.review_services import mark_announced
from campaigns.staff_access import cases_for_staff
from campaigns.staff_selectors import sees_all_cases


class Command(BaseCommand):
    help = (
        "E-mail every active staff member with an address one digest of the relatives' entries "
        "and reported detentions not yet announced (case workers limited to their organisation: "
        "only its cases), then mark them announced. Run it again and nothing is sent twice."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Say who would get what; send and mark nothing."
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="The site's address, such as https://cases.example.org, for links in the mail.",
        )

    def handle(
        self, *args: object, dry_run: bool, base_url: str, verbosity: int, **options: object
    ) -> None:
        staff = (
            get_user_model()
            .objects.filter(is_active=True, is_staff=True)
            .exclude(email="")
            .select_related("staff_member")
            .order_by("pk")
        )
        sent = 0
        announced_entries: set[int] = set()
        announced_reports: set[int] = set()
        # Locked and marked in one transaction: two hosts running it at once announce once.
        with transaction.atomic():
            pending_entries = Entry.objects.select_for_update().filter(
                staff_notified_at__isnull=True, event__archived_at__isnull=True
            )
            pending_reports = IntakeReport.objects.select_for_update().filter(
                staff_notified_at__isnull=True
            )
            for user in staff:
                entries = list(
                    pending_entries.filter(event__case__in=cases_for_staff(user))
                    .select_related("event__case", "relative")
                    .order_by("submitted_at", "pk")
                )
                reports = list(pending_reports.order_by("created_at", "pk"))
                if not sees_all_cases(user):
                    reports = []
                if not entries and not reports:
                    continue
                if verbosity >= 2 or (dry_run and verbosity >= 1):
                    self.stdout.write(
                        f"{user.email}: {len(entries)} entries, {len(reports)} reports"
                    )
                if not dry_run:
                    self.send(user, entries, reports, base_url)
                sent += 1
                announced_entries.update(entry.pk for entry in entries)
                announced_reports.update(report.pk for report in reports)
            if not dry_run:
                mark_announced(
                    entries=sorted(announced_entries),
                    reports=sorted(announced_reports),
                    at=timezone.now(),
                )
        if verbosity >= 1:
            verb = "Dry run, nothing sent. Would send" if dry_run else "Sent"
            self.stdout.write(
                self.style.SUCCESS(
                    f"{verb} {sent} digest(s): {len(announced_entries)} entries, "
                    f"{len(announced_reports)} reports."
                )
            )

    def send(self, user, entries: list[Entry], reports: list[IntakeReport], base_url: str) -> None:
        context = {
            "user": user,
            "entries": entries,
            "reports": reports,
            "total": len(entries) + len(reports),
            "base_url": base_url.rstrip("/"),
        }
        with translation.override(languages.account_language(user) or settings.LANGUAGE_CODE):
            subject = render_to_string("campaigns/email/staff_digest_subject.txt", context)
            body = render_to_string("campaigns/email/staff_digest_body.txt", context)
        send_mail(" ".join(subject.split()), body, None, [user.email])
