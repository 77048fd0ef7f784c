"""The Russian and Kazakh catalogs: complete, compiled, and in step with the code.

Catalogs live in locale/<language>/ (the project's messages) and config/locale/<language>/ (what
Django and the third-party apps leave untranslated). Both are edited as .po files and committed
compiled (.mo), so that `make run` and `make test` need no gettext; `make messages` rebuilds them.
"""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import django
import django_countries
import polib
import pytest
import simple_history
from django.conf import settings

from tests.required_tools import require_tool

BASE_DIR = Path(settings.BASE_DIR)
LANGUAGES = ["ru", "kk"]
PROJECT_CATALOGS = {language: BASE_DIR / "locale" / language for language in LANGUAGES}
GAP_CATALOGS = {language: BASE_DIR / "config" / "locale" / language for language in LANGUAGES}


def po_file(locale_dir: Path) -> polib.POFile:
    return polib.pofile(str(locale_dir / "LC_MESSAGES" / "django.po"))


def label(entry: polib.POEntry) -> str:
    where = ", ".join(path for path, _line in entry.occurrences[:2])
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    return f"{context}{entry.msgid!r} ({where})"


def untranslated(po: polib.POFile) -> list[str]:
    return [
        label(entry)
        for entry in po
        if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_project_message_has_a_finished_translation(language):
    missing = untranslated(po_file(PROJECT_CATALOGS[language]))

    assert not missing, f"{len(missing)} message(s) lack a {language} translation:\n" + "\n".join(
        missing
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("catalogs", [PROJECT_CATALOGS, GAP_CATALOGS], ids=["project", "gaps"])
def test_the_compiled_catalog_matches_its_source(language, catalogs):
    """A .po edited but not compiled would leave the site showing the old text."""
    locale_dir = catalogs[language]
    with (locale_dir / "LC_MESSAGES" / "django.mo").open("rb") as compiled_file:
        compiled = gettext.GNUTranslations(compiled_file)
    stale = []
    for entry in po_file(locale_dir):
        if entry.obsolete or not entry.translated():
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            for n, form in sorted(entry.msgstr_plural.items()):
                if compiled._catalog.get((key, n)) != form:
                    stale.append(label(entry))
        elif compiled._catalog.get(key) != entry.msgstr:
            stale.append(label(entry))

    assert not stale, "Run `make messages`; the .mo is older than the .po for:\n" + "\n".join(stale)


def source_catalog(app_dir: Path, language: str) -> polib.POFile:
    return polib.pofile(str(app_dir / "locale" / language / "LC_MESSAGES" / "django.po"))


DJANGO_DIR = Path(django.__file__).parent
# What users meet: forms and dates (conf), logging in and passwords (auth), the admin the
# staff use, and the names of the records the admin lists.
DJANGO_PARTS = ["conf", "contrib/admin", "contrib/auth", "contrib/contenttypes"]


def gaps_left(wanted: polib.POFile, *translated: polib.POFile) -> list[str]:
    """The messages of `wanted` that none of the `translated` catalogs translates."""
    filled = {
        (entry.msgctxt, entry.msgid)
        for catalog in translated
        for entry in catalog
        if entry.translated() and not entry.obsolete
    }
    return [
        label(entry)
        for entry in wanted
        if not entry.obsolete and (entry.msgctxt, entry.msgid) not in filled
    ]


@pytest.mark.parametrize("part", DJANGO_PARTS)
def test_djangos_kazakh_gaps_are_filled(part):
    """Django's Kazakh catalogs are older than its code: compare with the English catalog, which
    lists every message the code has now."""
    every_message = source_catalog(DJANGO_DIR / part, "en")

    missing = gaps_left(
        every_message, source_catalog(DJANGO_DIR / part, "kk"), po_file(GAP_CATALOGS["kk"])
    )

    assert not missing, f"Django's {part} lacks Kazakh for:\n" + "\n".join(missing)


def test_every_country_has_a_kazakh_name():
    """django-countries ships no Kazakh; the case pages name the country of detention."""
    names = polib.pofile(
        str(Path(django_countries.__file__).parent / "locale/en/LC_MESSAGES/django.po")
    )

    missing = gaps_left(names, po_file(GAP_CATALOGS["kk"]))

    assert not missing, "No Kazakh for:\n" + "\n".join(missing)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_history_screens_are_translated(language):
    """django-simple-history ships ru_RU only, which a plain "ru" does not find."""
    history = polib.pofile(
        str(Path(simple_history.__file__).parent / "locale/ru_RU/LC_MESSAGES/django.po")
    )

    missing = gaps_left(history, po_file(GAP_CATALOGS[language]))

    assert not missing, f"No {language} for:\n" + "\n".join(missing)


def test_the_catalogs_hold_every_message_of_the_code(tmp_path):
    """A string marked for translation but never extracted would stay English in every language:
    extract afresh from a copy of the code and compare with the committed catalog."""
    require_tool(shutil.which("xgettext"), "GNU gettext is needed: apt-get install gettext")
    copy = tmp_path / "project"
    shutil.copytree(
        BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "node_modules", ".git", "media", "test-results", "*.sqlite3", "locale"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "ru",
            "--ignore=tests",
            "--verbosity=0",
        ],
        cwd=copy,
        check=True,
        env={"DEBUG": "true", "PATH": "/usr/bin:/bin"},
    )
    extracted = polib.pofile(str(copy / "locale/ru/LC_MESSAGES/django.po"))
    committed = po_file(PROJECT_CATALOGS["ru"])
    in_catalog = {(entry.msgctxt, entry.msgid) for entry in committed if not entry.obsolete}

    new = [label(entry) for entry in extracted if (entry.msgctxt, entry.msgid) not in in_catalog]

    assert not new, "Run `make messages` and translate:\n" + "\n".join(new)
