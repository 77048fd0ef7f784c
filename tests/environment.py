"""A pytest plugin loaded before Django starts (see pyproject.toml): test-only environment.

It wins over a developer's local .env, so that the suite runs the same everywhere.
"""

import os

# The suite runs with DEBUG off, as production does, so it needs a key; never a real one.
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "test-only-key-not-secret")
# The test client and the live server speak plain http, which production redirects to https.
# Only that redirect is off: every other production default (secure cookies, HSTS, which is sent
# over https only) stays as it is, and tests/test_settings.py checks those defaults themselves.
os.environ["SECURE_SSL_REDIRECT"] = "false"
# Playwright's sync API runs an asyncio event loop in the test thread, and Django then refuses
# ORM calls there (SynchronousOnlyOperation), such as a browser test loading its data. That loop
# only carries Playwright's messages, never ORM code, so the check is off for the test process.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# The suite's cache is in its own memory, whatever a local .env says: tests empty the cache between
# them, which on Redis empties the whole database (Django's RedisCache.clear() ignores the key
# prefix). tests/test_scale_out.py starts app processes of its own that share a Redis database.
os.environ["CACHE_URL"] = "locmemcache://"
