"""What production depends on stops start-up, naming the variable, when missing or malformed."""

import ast
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent

# What the suite sets for itself (tests/environment.py) and the security settings' variables: a
# started Django sees none of them unless a test passes it, so it gets the defaults.
OWN_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
    "CACHE_URL",
    "CACHE_KEY_PREFIX",
    "PUBLIC_PAGE_CACHE",
}

no_local_env = pytest.mark.skipif(
    (PROJECT / ".env").exists(), reason="a local .env file may set these; CI has none"
)


def run_django(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings", **environment}
    return subprocess.run(  # noqa: S603 (this interpreter, with the tests' own arguments)
        [sys.executable, *arguments],
        cwd=PROJECT,
        env=env | {"PYTHONPATH": str(PROJECT)},
        capture_output=True,
        text=True,
        check=False,
    )


def setting(name: str, **environment: str) -> subprocess.CompletedProcess:
    """Start Django with this environment and print the setting's repr."""
    return run_django(
        "-c",
        f"import django; django.setup(); from django.conf import settings; "
        f"print(repr(settings.{name}))",
        **environment,
    )


def start_django(**environment: str) -> subprocess.CompletedProcess:
    return setting("DEBUG", **environment)


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


def production(tmp_path: Path, **environment: str) -> dict[str, str]:
    """What a deployment must set; everything else keeps its default."""
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "detained.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **environment,
    }


SECURITY_VARIABLES = {
    name for name in OWN_VARIABLES if name.startswith(("SECURE_", "SESSION_", "CSRF_", "LANGUAGE_"))
}


@no_local_env
@pytest.mark.parametrize(
    "unset",
    [
        pytest.param({}, id="unset"),
        # As in a copy of .env.example: `NAME=` keeps the default, never switches https off.
        pytest.param(dict.fromkeys(SECURITY_VARIABLES, ""), id="empty"),
    ],
)
def test_the_deployment_check_finds_nothing_with_the_production_defaults(tmp_path, unset):
    result = run_django(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", **production(tmp_path, **unset)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


@no_local_env
@pytest.mark.parametrize(
    ("name", "in_production", "with_debug"),
    [
        ("SECURE_SSL_REDIRECT", True, False),
        ("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60, 0),
        ("SECURE_HSTS_INCLUDE_SUBDOMAINS", True, False),
        ("SECURE_HSTS_PRELOAD", True, False),
        ("SESSION_COOKIE_SECURE", True, False),
        ("CSRF_COOKIE_SECURE", True, False),
        ("LANGUAGE_COOKIE_SECURE", True, False),
        ("SECURE_PROXY_SSL_HEADER", None, None),
    ],
)
def test_https_is_required_in_production_and_not_by_make_run(
    tmp_path, name, in_production, with_debug
):
    """`make run` serves plain http on 127.0.0.1: no redirect, no cookie it would not send."""
    result = setting(name, **production(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(in_production)
    result = setting(name, DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(with_debug)


@pytest.mark.parametrize(
    "header", ["X-Forwarded-Proto", "HTTP_X_FORWARDED_PROTO", "x-forwarded-proto"]
)
def test_the_proxy_header_is_named_either_way(tmp_path, header):
    result = setting(
        "SECURE_PROXY_SSL_HEADER", **production(tmp_path, SECURE_PROXY_SSL_HEADER=header)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(("HTTP_X_FORWARDED_PROTO", "https"))


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto: https", "SECURE_PROXY_SSL_HEADER must be"),
        ("SECURE_HSTS_SECONDS", "a year", "SECURE_HSTS_SECONDS must be"),
        ("SESSION_COOKIE_SECURE", "ture", "SESSION_COOKIE_SECURE must be one of"),
    ],
)
def test_a_malformed_security_setting_stops_start_up_and_names_it(
    tmp_path, variable, value, message
):
    result = setting("DEBUG", **production(tmp_path, **{variable: value}))
    assert result.returncode != 0
    assert message in result.stderr


@no_local_env
def test_the_cache_is_local_memory_unless_cache_url_names_another(tmp_path):
    result = setting('CACHES["default"]["BACKEND"]', **production(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr("django.core.cache.backends.locmem.LocMemCache")


def test_cache_url_selects_redis_shared_by_every_process(tmp_path):
    result = setting(
        'CACHES["default"]',
        **production(
            tmp_path, CACHE_URL="redis://127.0.0.1:6379/1", CACHE_KEY_PREFIX="detained-abroad"
        ),
    )
    assert result.returncode == 0, result.stderr
    cache = ast.literal_eval(result.stdout.strip())
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/1"
    assert cache["KEY_PREFIX"] == "detained-abroad"


@pytest.mark.parametrize(
    "url",
    [
        "memcache://127.0.0.1:11211",
        "127.0.0.1:6379",
        "redis://",
        "redis://127.0.0.1:port/1",
        "redis://:hunter2@127.0.0.1:6379/cache",
    ],
)
def test_a_malformed_cache_url_stops_start_up_and_names_it(tmp_path, url):
    result = setting("CACHES", **production(tmp_path, CACHE_URL=url))
    assert result.returncode != 0
    assert "CACHE_URL must be redis://host:port/db" in result.stderr
    # The value may hold Redis's password: it is not repeated.
    assert "hunter2" not in result.stderr


def test_a_cache_key_prefix_with_spaces_stops_start_up(tmp_path):
    result = setting("CACHES", **production(tmp_path, CACHE_KEY_PREFIX="two words"))
    assert result.returncode != 0
    assert "CACHE_KEY_PREFIX may hold" in result.stderr
