"""What production depends on stops start-up, naming the variable, when missing or malformed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent


def start_django(**environment: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings", **environment}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=PROJECT,
        env=env | {"PYTHONPATH": str(PROJECT)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_without_a_secret_key_start_up_stops_and_names_it():
    result = start_django(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_malformed_boolean_stops_start_up_and_names_it():
    result = start_django(DEBUG="ture", SECRET_KEY="x")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


@pytest.mark.skipif(
    (PROJECT / ".env").exists(), reason="a local .env file may set DEBUG; CI has none"
)
def test_debug_is_off_unless_asked_for():
    result = start_django(SECRET_KEY="x")
    assert result.stdout.strip() == "False"


def test_debug_on_runs_without_a_secret_key():
    result = start_django(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
