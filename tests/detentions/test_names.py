"""The one normaliser of names, and the score that matches a query to a record, on real pairs of
spellings met in Kazakh and Russian names."""

import pytest
from django.core.management import call_command
from django.db import connection

from detentions.models import NameDisplay
from detentions.names import MATCH_THRESHOLD, search_key, similarity
from tests.factories import CaseFactory, DetaineeFactory, InstitutionFactory

# Spellings of one name that must share one key.
SAME_KEY = [
    ("Baurjan Keukenov", "Baurzhan Keukenov"),
    ("Jayanova", "Zhayanova"),
    ("Jayanova", "Жаянова"),
    ("Kazak", "Kazakh"),
    ("Kazakh", "Қазақ"),
    ("Yusupov", "Iusupov"),
    ("Jusupov", "Юсупов"),
    ("Yakupov", "Iakupov"),
    ("Jakupov", "Якупов"),
    ("Zhanna", "Жанна"),
    ("Zhanna", "Zhana"),
    ("Yerlan", "Ерлан"),
    ("Erlan", "Yerlan"),
    ("Ol'ga", "Ольга"),
    ("Olga", "Ольга"),
    ("Kuznetsov", "Kuznecov"),
    ("Tsoi", "Цой"),
    ("Nurlan", "Nourlan"),
    ("Shchukin", "Щукин"),
    ("Khabib", "Habib"),
    ("Khabib", "Xabib"),
    ("Sergey", "Sergej"),
    ("Sergei", "Сергей"),
    ("Әбдіров", "Abdirov"),
    ("Өмірбек", "Omirbek"),
    ("Ұлан", "Ulan"),
    ("Үміт", "Umit"),
    ("Іңкәр", "Inkar"),
    ("Ғалым", "Galym"),
    ("Ghalym", "Galym"),
    ("Қайрат", "Kairat"),
    ("Qairat", "Kairat"),
    ("Айгүл", "Aigul"),
    ("Айгуль", "Aygul"),
    ("Шыңғыс", "Shyngys"),
    ("Şyñğys", "Shyngys"),
    ("KNB", "КНБ"),
    ("Nukus", "Нукус"),
    ("Zhaksylyk", "Jaksylyk"),
    ("Dzhumabekov", "Жумабеков"),
]


@pytest.mark.parametrize(("one", "other"), SAME_KEY)
def test_spellings_of_one_name_share_a_key(one, other):
    assert search_key(one) == search_key(other)


# Queries that must find the record, though their key differs from it.
FINDS = [
    ("Baurjan Keukenov", "Бауыржан Кеукенов"),  # a dropped vowel
    ("Keukenov Baurzhan", "Baurzhan Keukenov"),  # word order
    ("Nurlan Abdirov", "Нурлан Сейткалиевич Абдиров"),  # no patronymic
    ("Keukenov", "Бауыржан Кеукенов"),  # the surname alone
    ("Keukinov", "Baurzhan Keukenov"),  # one typing error
    ("Baurzan Keukenv", "Baurzhan Keukenov"),  # one in each word
    ("Zhayanova Jibek", "Жибек Жаянова"),
    ("Jibek Jajanova", "Жибек Жаянова"),
    ("Seitkaliyev", "Сейткалиев"),
]


@pytest.mark.parametrize(("query", "record"), FINDS)
def test_a_query_finds_the_name_however_it_is_written(query, record):
    assert similarity(search_key(query), search_key(record)) >= MATCH_THRESHOLD


# Different people: the score must not call them a match.
DIFFERENT = [
    ("Nurlan", "Ulan"),
    ("Aidos Serikov", "Aidos Kairatov"),
    ("Keukenov", "Kenzhebekov"),
    ("Abdirov", "Abdrakhmanov"),
]


@pytest.mark.parametrize(("query", "record"), DIFFERENT)
def test_a_different_name_is_not_a_match(query, record):
    assert similarity(search_key(query), search_key(record)) < MATCH_THRESHOLD


def test_the_exact_spelling_ranks_above_a_near_one():
    query = search_key("Baurzhan Keukenov")

    assert similarity(query, search_key("Baurzhan Keukenov")) == 1
    assert similarity(query, search_key("Baurzhan Keukinov")) < 1


def test_a_key_is_plain_lower_case_latin_words():
    assert search_key("  Бауыржан — «Кеукенов»,  консул ") == "bauirian keukenov konsul"
    assert search_key("") == ""


@pytest.mark.django_db
class TestStoredKeys:
    def test_saving_writes_every_spelling_into_the_key(self):
        detainee = DetaineeFactory(
            name_latin="Baurzhan Keukenov",
            name_original="Бауыржан Кеукенов",
            other_names="Baurjan Keukenoff\n",
        )

        assert detainee.search_key == "baurian keukenov bauirian keukenov baurian keukenof"

    def test_a_withheld_or_initials_name_has_no_public_key(self):
        shown = DetaineeFactory(name_latin="Aidos Serikov", name_display=NameDisplay.FULL)
        withheld = DetaineeFactory(name_latin="Aidos Serikov", name_display=NameDisplay.WITHHELD)
        initials = DetaineeFactory(name_latin="Aidos Serikov", name_display=NameDisplay.INITIALS)

        assert shown.public_search_key == "aidos serikov"
        assert withheld.public_search_key == initials.public_search_key == ""
        assert withheld.search_key == "aidos serikov"

    def test_saving_some_fields_still_keeps_the_key_current(self):
        detainee = DetaineeFactory(name_latin="Aidos Serikov", name_display=NameDisplay.FULL)
        detainee.name_latin = "Aidos Serik"
        detainee.save(update_fields=["name_latin"])

        detainee.refresh_from_db()
        assert detainee.search_key == detainee.public_search_key == "aidos serik"

    def test_the_rebuild_command_rewrites_keys_written_another_way(self):
        institution = InstitutionFactory(name="KNB Aktobe department", short_name="КНБ")
        case = CaseFactory(title="Held in Nukus", location="Nukus")
        type(institution).objects.filter(pk=institution.pk).update(search_key="stale")
        type(case).objects.filter(pk=case.pk).update(search_key="stale")

        call_command("rebuild_search_keys", verbosity=0)

        institution.refresh_from_db()
        case.refresh_from_db()
        assert institution.search_key == "knb aktobe department knb"
        assert case.search_key == "keld in nukus nukus"

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
    def test_postgresql_indexes_the_keys_with_trigrams(self):
        # GiST, which orders candidates nearest first (`<<->`), not GIN, which cannot.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%%gist_trgm_ops%%'"
            )
            indexes = {row[0] for row in cursor.fetchall()}

        assert {
            "detentions_case_search_key_trgm",
            "detentions_detainee_search_key_trgm",
            "detentions_detainee_public_search_key_trgm",
            "detentions_facility_search_key_trgm",
            "detentions_institution_search_key_trgm",
            "detentions_official_search_key_trgm",
            "campaigns_relative_search_key_trgm",
        } <= indexes
