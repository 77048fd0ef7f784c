import pytest
from django.core.cache import caches
from django.utils import translation

from detentions.public_search import forget_filter_choices
from tests.accounts import log_in
from tests.factories import StaffUserFactory


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Production serves hashed files from `collectstatic`'s manifest; tests have no manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def english_to_begin_with():
    """A request activates its language for the rest of the thread; each test starts in English
    and leaves no language behind for the next."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached: no page, count, limit or search choices left by
    another test."""
    caches["default"].clear()
    forget_filter_choices()
    yield
    caches["default"].clear()


@pytest.fixture
def staff_user(db):
    return StaffUserFactory(username="staff")


@pytest.fixture
def staff_client(client, staff_user):
    """A staff member's session, past the password and the code from their app."""
    return log_in(client, staff_user)
