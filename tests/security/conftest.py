import tempfile
from pathlib import Path

import pytest
from hypothesis import configuration

# Hypothesis keeps caches (Unicode tables, constants it found in the code) in a folder, by
# default .hypothesis/ in the project: outside it, so that nothing appears in the working tree.
configuration.set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "detentions-hypothesis")


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    """These tests make many accounts; the real hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
