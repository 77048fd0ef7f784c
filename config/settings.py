"""Settings for the whole project, read from the environment in this one place.

Every variable is listed in `.env.example`. Anything missing or malformed that production needs
stops start-up with a message naming the variable.
"""

import re
from pathlib import Path
from urllib.parse import urlparse

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is a convenience for development; real deployments set the environment.
environ.Env.read_env(BASE_DIR / ".env")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def strict_bool(name: str, default: bool) -> bool:
    """django-environ reads any unknown word as False; a typo must not switch a setting off.
    An empty value (`NAME=`, as in a copied .env.example) means the default, not False: it must
    not switch off a protection that is on by default."""
    raw = env.str(name, default="").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, not {raw!r}.")


DEBUG = strict_bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (DEBUG is off, so no development key "
            "is used)."
        )
    SECRET_KEY = "development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])

INSTALLED_APPS = [
    # Django's admin on a site that also asks staff for their second factor (config/admin.py).
    "config.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_countries",
    "simple_history",
    # Two-factor sign-in: authenticator apps (TOTP) and single-use backup codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Locks out repeated failed logins.
    "axes",
    "detentions",
    "campaigns",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Security headers on every response, early so that redirects and errors carry them too.
    "csp.middleware.CSPMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "detentions.middleware.FirstVisitLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether this session gave its second factor (request.user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each change in the history of every record.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Name search (detentions/search.py) takes candidates from pg_trgm's index down to this
    # word similarity, below the default 0.6, so that two typing errors still find a name; the
    # ranking that follows decides what is a match.
    # The timeline's query joins every kind of details and what they name (some 20 tables):
    # searching every join order took PostgreSQL 50-65 ms to plan a query it runs in 4 ms. Up to
    # three tables at a time are reordered; beyond that the joins run in the order Django writes
    # them, the event first, which is the order that query wants (plan: 4 ms).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c pg_trgm.word_similarity_threshold=0.3 -c join_collapse_limit=3"
    )

# --- Cache -------------------------------------------------------------------------------------
# Every process of the site should share one cache, or each builds and keeps its own copy of every
# page (never a stale one: page keys change in the database). One process (`make run`, the tests):
# local memory, the default. Several processes or
# machines: Redis, CACHE_URL=redis://host:6379/1 (rediss:// over TLS). Emptying it loses nothing
# that matters: sessions, login lockouts (django-axes) and the report form's limit are kept in the
# database, which every process shares; only the password-reset form's hourly counts start over.
_CACHE_SCHEMES = {"locmemcache", "dummycache", "redis", "rediss"}
_cache_url = env.str("CACHE_URL", default="").strip() or "locmemcache://"
_cache_parts = urlparse(_cache_url)
try:
    _cache_ok = _cache_parts.scheme in _CACHE_SCHEMES and _cache_parts.port != 0
except ValueError:  # a port that is not a number
    _cache_ok = False
if _cache_ok and _cache_parts.scheme.startswith("redis"):
    # A server and a database number, or the path of a unix socket.
    _cache_ok = (
        re.fullmatch(r"/?\d*", _cache_parts.path) is not None
        if _cache_parts.hostname
        else len(_cache_parts.path) > 1
    )
if not _cache_ok:
    # The URL is not repeated: it may hold Redis's password.
    raise ImproperlyConfigured(
        "CACHE_URL must be redis://host:port/db (rediss:// with TLS, redis:///path/to/socket), "
        "locmemcache:// or dummycache://."
    )
CACHES = {"default": env.cache_url_config(_cache_url)}
if _cache_parts.scheme.startswith("redis"):
    # A Redis that stops answering makes a request fail after a few seconds instead of hanging.
    _cache_options = CACHES["default"].setdefault("OPTIONS", {})
    _cache_options.setdefault("socket_connect_timeout", 5)
    _cache_options.setdefault("socket_timeout", 5)
# Two sites sharing one Redis database keep apart by a prefix on every key.
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="").strip()
if not re.fullmatch(r"[\w.:-]*", CACHE_KEY_PREFIX):
    raise ImproperlyConfigured(
        f"CACHE_KEY_PREFIX may hold letters, digits and . : _ - only, not {CACHE_KEY_PREFIX!r}."
    )
if CACHE_KEY_PREFIX:
    CACHES["default"]["KEY_PREFIX"] = CACHE_KEY_PREFIX
# Public pages are also kept in each process's own memory, in front of a shared Redis: their keys
# never name stale content (detentions/page_cache.py), and a hit then costs no round trip. A
# hundred pages of at most some 150 KB each keep a worker well under 200 MB.
CACHES["pages_in_process"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages-in-process",
    "OPTIONS": {"MAX_ENTRIES": 100},
}
# Searches have a memory of their own (detentions/page_cache.py: `cached_search_page`), so that
# many different searches cannot push the case pages out. Their pages are small.
CACHES["searches_in_process"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "searches-in-process",
    "OPTIONS": {"MAX_ENTRIES": 200},
}
# Sessions stay in the database (Django's default, said here because it is a choice): every
# process reads them there, they survive a restart or an emptied Redis, and a login there is
# not lost to Redis evicting keys when its memory is full. Only logged-in relatives and staff
# have one, so reading it costs one query per request for few people.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", "English"), ("ru", "Русский"), ("kk", "Қазақша")]
# The project's catalogs first; then the messages Django and the third-party apps leave
# untranslated in Kazakh (and django-simple-history in Russian), which users meet in forms, dates
# and the admin. Catalogs are compiled and committed: `make messages` rebuilds them.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "config" / "locale"]
# How each language writes dates, including dates known only roughly ("late February 2009").
FORMAT_MODULE_PATH = ["config.formats"]
# Kept a year: a reader who chose a language keeps it on their next visit.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Almaty")
USE_I18N = True
USE_TZ = True

# Uploaded attachments. There is deliberately no MEDIA_URL route: files are served only through
# a view that checks who may see them.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# The public "Report a detention" form: at most this many reports per sender address per hour.
try:
    INTAKE_REPORTS_PER_HOUR = env.int("INTAKE_REPORTS_PER_HOUR", default=5)
except ValueError:
    INTAKE_REPORTS_PER_HOUR = 0
if INTAKE_REPORTS_PER_HOUR < 1:
    raise ImproperlyConfigured("INTAKE_REPORTS_PER_HOUR must be a whole number, at least 1.")
# Behind a reverse proxy every request comes from the proxy's address; name the header it sets
# (X-Forwarded-For, X-Real-IP) so that the limit counts senders. Leave empty without a proxy: a
# header is trusted only when a proxy you run sets it.
INTAKE_TRUSTED_PROXY_HEADER = env.str("INTAKE_TRUSTED_PROXY_HEADER", default="")
CONSULAR_ACCESS_ALERT_DAYS = env.int("CONSULAR_ACCESS_ALERT_DAYS", default=30)

LOGIN_URL = "campaigns:login"
LOGIN_REDIRECT_URL = "campaigns:home"
LOGOUT_REDIRECT_URL = "detentions:case-list"

# Accounts. django-axes' backend comes first: it refuses a locked-out login before any password
# is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords lock that username from that address for 30 minutes. Username and address
# together: someone guessing from elsewhere cannot lock a family out of their own account, and one
# address cannot try one account more than five times. A successful login clears the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The login page itself says what happened, with the username kept (status 429).
AXES_LOCKOUT_CALLABLE = "campaigns.views.accounts.locked_out"
# The same address the report form's limit counts: behind a proxy, the one its header names.
AXES_CLIENT_IP_CALLABLE = "campaigns.views.intake.client_address"
# No start-up banner in the output of every management command (cron mails them).
AXES_VERBOSE = False
# Failed attempts are kept only for the cool-off; no lasting record of who logged in from which
# address (django-axes' access log): for families of detainees that record is itself a risk.
AXES_DISABLE_ACCESS_LOG = True
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "Detained abroad"

# Mail: printed to the console unless EMAIL_URL names an SMTP server (smtp://user:pass@host:587).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@localhost")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # The manifest needs `collectstatic`; development and tests serve files as they are.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security ----------------------------------------------------------------------------------
# With DEBUG off every default here is the production-safe one, and `manage.py check --deploy`
# reports nothing (tests/test_settings.py holds it to that). With DEBUG on (`make run`, plain http
# on 127.0.0.1) there is no redirect to https and no secure-only cookie, or the local demo could
# not be used. The test suite runs with DEBUG off over plain http: tests/environment.py switches
# off only what plain http cannot do, never these defaults.
_PRODUCTION = not DEBUG

# Plain http is answered with a redirect to https.
SECURE_SSL_REDIRECT = strict_bool("SECURE_SSL_REDIRECT", default=_PRODUCTION)
# A reverse proxy that ends TLS forwards plain http, and then every request looks insecure (an
# endless redirect). Name the header the proxy sets to "https" (X-Forwarded-Proto, or Django's
# form HTTP_X_FORWARDED_PROTO). Empty: no proxy, the header is never trusted; set it only when the
# proxy always sets or overwrites that header, or a client could claim https itself.
_ssl_header = env.str("SECURE_PROXY_SSL_HEADER", default="").strip()
if _ssl_header and not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", _ssl_header):
    raise ImproperlyConfigured(
        f"SECURE_PROXY_SSL_HEADER must be a header name such as X-Forwarded-Proto, not "
        f"{_ssl_header!r}."
    )
_ssl_header = _ssl_header.upper().replace("-", "_")
if _ssl_header and not _ssl_header.startswith("HTTP_"):
    _ssl_header = f"HTTP_{_ssl_header}"
SECURE_PROXY_SSL_HEADER = (_ssl_header, "https") if _ssl_header else None
# Browsers that saw the site over https refuse plain http to it for this many seconds (a year).
# Sent only over https. Preload asks browsers to ship the rule built in, but takes effect only
# once the domain is submitted to hstspreload.org; both it and subdomains are what check --deploy
# asks for (W005, W021): switch them off if another subdomain still serves plain http.
_hsts_seconds = env.str("SECURE_HSTS_SECONDS", default="").strip()
if not _hsts_seconds:
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60 if _PRODUCTION else 0
elif _hsts_seconds.isdigit():
    SECURE_HSTS_SECONDS = int(_hsts_seconds)
else:
    raise ImproperlyConfigured(
        f"SECURE_HSTS_SECONDS must be a whole number of seconds, not {_hsts_seconds!r}."
    )
SECURE_HSTS_INCLUDE_SUBDOMAINS = strict_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=_PRODUCTION)
SECURE_HSTS_PRELOAD = strict_bool("SECURE_HSTS_PRELOAD", default=_PRODUCTION)
# Cookies that log someone in, protect forms and keep the language go over https only.
SESSION_COOKIE_SECURE = strict_bool("SESSION_COOKIE_SECURE", default=_PRODUCTION)
CSRF_COOKIE_SECURE = strict_bool("CSRF_COOKIE_SECURE", default=_PRODUCTION)
LANGUAGE_COOKIE_SECURE = strict_bool("LANGUAGE_COOKIE_SECURE", default=_PRODUCTION)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# No page may be framed by another site (clickjacking); the policy below says the same.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): everything a page loads comes from this site; no inline
# script or style at all (templates keep theirs in static/), no plugins, no <base> rewriting, no
# framing, forms post only here. A new need is a static file, not a relaxed policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Public pages, feeds and downloads are cached whole under keys that change with any public edit
# (detentions/page_cache.py), in the cache CACHE_URL selects. Off only to measure without it.
PUBLIC_PAGE_CACHE = strict_bool("PUBLIC_PAGE_CACHE", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
