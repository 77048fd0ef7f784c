"""A relative logs a parcel turned back at the Nukus prison, from a phone, in Russian: every page
she passes stays in Russian, under /ru/, and the entry is stored as an access attempt.

The Russian texts are the catalog's own (locale/ru/LC_MESSAGES/django.po).
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from campaigns.demo import CASE_SLUG
from campaigns.entry_services import ADDRESSEE_LINE
from campaigns.models import Entry
from detentions.dates import DatePrecision
from detentions.models import AccessAttempt, AccessOutcome, EventKind
from tests.browser.conftest import PHONE_VIEWPORT
from tests.browser.test_relative_logs_entry import PASSWORD, assert_fits_a_phone, invited_relative

pytestmark = pytest.mark.browser

ADDRESSEE = "СИЗО, Нукус"
REASON = "Сказали, что передачи принимают только от адвоката."
DETAILS = "Мы привезли тёплую одежду и лекарства; всё вернули у ворот."
TITLE = f"Передача для задержанного — {ADDRESSEE}: отказано"

# Interface texts of these pages in English. None may show once the reader chose Russian.
ENGLISH_INTERFACE = re.compile(
    r"\b(?:What did you do\?|Whom did you|When was it\?|What happened\?|Check and send"
    r"|Log what you did|Next|Back|Send|Search|Today|Status:|Awaiting review|Step \d"
    r"|Password|Create my account|My cases|Log out|Skip to content|Thank you)(?!\w)"
)


def ru(name: str, **kwargs) -> str:
    with translation.override("ru"):
        return reverse(name, kwargs=kwargs)


def assert_in_russian(page: Page, live_server) -> None:
    """The page is marked Russian, its address keeps the prefix, and no English label shows."""
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    assert page.url.startswith(f"{live_server.url}/ru/"), page.url
    expect(page.locator(".languages [aria-current]")).to_have_text("Русский")
    english = ENGLISH_INTERFACE.findall(page.inner_text("body"))
    assert not english, f"English on {page.url}: {english}"


def next_step(page: Page, live_server, heading: str) -> None:
    page.get_by_role("button", name="Далее").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_in_russian(page, live_server)
    assert_fits_a_phone(page)


def test_relative_logs_a_parcel_turned_back_in_russian(live_server, new_context):
    shynar, token = invited_relative()
    page = new_context(viewport=PHONE_VIEWPORT, java_script_enabled=False).new_page()

    # The invitation link, copied from a Russian page: she chooses a password in Russian.
    page.goto(live_server.url + ru("campaigns:accept-invitation", token=token))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ваше приглашение")
    assert_in_russian(page, live_server)
    page.get_by_label("Пароль", exact=True).fill(PASSWORD)
    page.get_by_label("Пароль ещё раз").fill(PASSWORD)
    page.get_by_role("button", name="Создать аккаунт").click()
    expect(page).to_have_url(live_server.url + ru("campaigns:relative-case", slug=CASE_SLUG))
    assert_in_russian(page, live_server)

    page.get_by_role("link", name="Записать, что вы сделали").click()
    expect(page).to_have_url(live_server.url + ru("campaigns:log-entry", slug=CASE_SLUG))
    expect(page.get_by_role("heading", level=1)).to_have_text("Что вы сделали?")
    assert_in_russian(page, live_server)
    assert_fits_a_phone(page)
    page.get_by_label("Попытка отправить передачу").check()
    next_step(page, live_server, "Кого вы просили принять передачу?")
    expect(page.locator(".step-count")).to_contain_text("Шаг 2 из 5")

    # The unit is not in the list: a search in Cyrillic finds nothing, and she types its name.
    page.get_by_label("Поиск по списку").fill("Нукус")
    page.get_by_role("button", name="Найти").click()
    expect(page.locator(".notice")).to_have_text(
        "По запросу «Нукус» ничего не найдено. Попробуйте другое слово или впишите название ниже."
    )
    assert_in_russian(page, live_server)
    page.get_by_label("Нет в списке? Впишите название или имя").fill(ADDRESSEE)
    next_step(page, live_server, "Когда это было?")

    expect(page.get_by_label("Сегодня")).to_be_checked()
    page.get_by_label("В точно известный день").check()
    page.get_by_label("День", exact=True).fill("2009-05-14")
    next_step(page, live_server, "Что произошло?")

    page.get_by_label("Отказано", exact=True).check()
    page.get_by_label("Какую причину назвали?").fill(REASON)
    page.get_by_label("Что-нибудь ещё, что нам стоит знать?").fill(DETAILS)
    next_step(page, live_server, "Проверить и отправить")

    review = page.locator(".review")
    expect(page.locator(".recorded-title")).to_have_text(TITLE)
    for label, answer in [
        ("Что вы сделали", "Попытка отправить передачу"),
        ("Кому", f"{ADDRESSEE} (новое название: сотрудники сопоставят его со списком)"),
        ("Когда", "14 мая 2009"),
        ("Чем закончилось", "Отказано"),
        ("Что ответили", REASON),
        ("Подробности", DETAILS),
    ]:
        row = review.locator("div").filter(has=page.locator("dt", has_text=label))
        expect(row.locator("dt")).to_have_text(label)
        expect(row.locator("dd").first).to_have_text(answer)
    page.get_by_role("button", name="Отправить").click()

    # Her entry's page: the thanks and its status, in Russian; the form gives her words back.
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("status")).to_have_text(
        "Спасибо: ваша запись отправлена. Сотрудники организации её проверят."
    )
    expect(page.locator(".review-status")).to_have_text("Статус: Ожидает проверки")
    assert_in_russian(page, live_server)
    assert_fits_a_phone(page)
    expect(page.get_by_label("Нет в списке? Впишите название или имя")).to_have_value(ADDRESSEE)
    expect(page.get_by_label("Что-нибудь ещё, что нам стоит знать?")).to_have_value(DETAILS)
    for english in ("What did you do?", "Check and send", "Awaiting review"):
        expect(page.get_by_text(english)).to_have_count(0)

    entry = Entry.objects.select_related("event__access_attempt").get(relative=shynar)
    event = entry.event
    assert page.url == live_server.url + ru("campaigns:edit-entry", pk=entry.pk)
    assert event.kind == EventKind.ACCESS_ATTEMPT
    assert event.title == TITLE
    assert (event.date_start, event.date_precision) == (
        datetime.date(2009, 5, 14),
        DatePrecision.DAY,
    )
    assert not event.is_public and not event.is_verified
    attempt = event.access_attempt
    assert attempt.access_type == AccessAttempt.AccessType.PARCEL
    assert attempt.attempted_by == AccessAttempt.AttemptedBy.RELATIVE
    assert attempt.outcome == AccessOutcome.REFUSED
    assert attempt.reason_given == REASON
    assert attempt.decided_by is None
    with translation.override("ru"):
        addressee_line = str(ADDRESSEE_LINE % {"name": ADDRESSEE})
    assert event.description == f"{addressee_line}\n\n{DETAILS}"
    shynar.refresh_from_db()
    assert shynar.preferred_language == "ru"
