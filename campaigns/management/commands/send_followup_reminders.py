"""Remind staff of official contacts whose reply is overdue. Meant for cron, once a day."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import timezone, translation

from campaigns import languages
from campaigns.models import ReminderSent, StaffMember
from detentions.models import OfficialContact

OVERDUE_OUTCOMES = [OfficialContact.Outcome.AWAITING, OfficialContact.Outcome.NO_RESPONSE]


@dataclass(frozen=True)
class Overdue:
    contact: OfficialContact
    days_overdue: int
    link: str


def overdue_contacts(*, today: datetime.date) -> list[OfficialContact]:
    """Contacts still unanswered past their due date, not yet reminded of for that due date."""
    reminded = ReminderSent.objects.filter(event=OuterRef("event"), due_on=OuterRef("reply_due_on"))
    return list(
        OfficialContact.objects.filter(
            reply_due_on__lte=today,
            outcome__in=OVERDUE_OUTCOMES,
            event__archived_at__isnull=True,
            event__case__archived_at__isnull=True,
        )
        .exclude(Exists(reminded))
        .select_related("event__case", "institution", "official__institution")
        .order_by("reply_due_on", "event_id")
    )


def recipients_by_case(case_ids: set[int]) -> dict[int, list]:
    """The staff of the organisations working on each case; active superusers where none is."""
    users: dict[int, dict] = defaultdict(dict)
    members = list(
        StaffMember.objects.filter(
            organisation__cases__in=case_ids, user__is_active=True, user__is_staff=True
        )
        .exclude(user__email="")
        .values_list("organisation__cases", "user_id")
    )
    user_model = get_user_model()
    member_ids = {user_id for _case, user_id in members}
    by_id = {user.pk: user for user in user_model.objects.filter(pk__in=member_ids)}
    for case_id, user_id in members:
        users[case_id][user_id] = by_id[user_id]
    fallback = list(
        user_model.objects.filter(is_superuser=True, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )
    return {case_id: list(users[case_id].values()) or fallback for case_id in case_ids}


def _link(contact: OfficialContact, base_url: str) -> str:
    try:
        path = reverse("staff:case", kwargs={"slug": contact.event.case.slug})
    except NoReverseMatch:
        path = reverse("admin:detentions_event_change", args=[contact.event_id])
    return f"{base_url.rstrip('/')}{path}"


class Command(BaseCommand):
    help = (
        "E-mails the staff responsible for a case a list of its official contacts whose reply is "
        "overdue (due today or earlier, still awaiting or with no response). Each contact is "
        "reminded of once per due date, so running it twice sends nothing twice."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be sent; send nothing and record nothing.",
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="The site's address, such as https://cases.example.org, for the links in the "
            "e-mails. Without it the links are paths only.",
        )

    def handle(self, *args, dry_run: bool, base_url: str, verbosity: int, **options) -> None:
        today = timezone.localdate()
        contacts = overdue_contacts(today=today)
        recipients = recipients_by_case({contact.event.case_id for contact in contacts})
        # Nobody to tell: left unrecorded, so that the contact is reminded of once someone is.
        contacts = [contact for contact in contacts if recipients[contact.event.case_id]]
        lists: dict[int, tuple] = {}
        for contact in contacts:
            item = Overdue(contact, (today - contact.reply_due_on).days, _link(contact, base_url))
            for user in recipients[contact.event.case_id]:
                lists.setdefault(user.pk, (user, []))[1].append(item)
        messages = [self._message(user, items) for user, items in lists.values()]
        if verbosity >= 2:
            for user, items in lists.values():
                self.stdout.write(f"{user.email}: {len(items)} overdue contact(s)")
        if dry_run:
            self.stdout.write(
                f"Dry run: would send {len(messages)} e-mail(s) about {len(contacts)} "
                "overdue contact(s)."
            )
            return
        # Recorded and sent in one transaction: if sending fails nothing is recorded, and the
        # next run tries again; a second run at the same time fails on the unique constraint.
        with transaction.atomic():
            ReminderSent.objects.bulk_create(
                ReminderSent(event_id=contact.event_id, due_on=contact.reply_due_on)
                for contact in contacts
            )
            if messages:
                get_connection().send_messages(messages)
        if verbosity >= 1:
            self.stdout.write(
                f"Sent {len(messages)} e-mail(s) about {len(contacts)} overdue contact(s)."
            )

    def _message(self, user, items: list[Overdue]) -> EmailMessage:
        language = languages.account_language(user) or settings.LANGUAGE_CODE
        # The links open the staff pages in the reader's language too.
        items = [replace(item, link=translate_url(item.link, language)) for item in items]
        context = {"user": user, "items": items}
        with translation.override(language):
            subject = render_to_string("campaigns/email/followup_reminder_subject.txt", context)
            body = render_to_string("campaigns/email/followup_reminder_body.txt", context)
        return EmailMessage(
            subject=" ".join(subject.split()),
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
        )
