"""The app as gunicorn serves it in production (`config.wsgi`, settings from the environment), for
tests/test_scale_out.py, with one difference: static files keep their own names. Production's
hashed names need `collectstatic`'s manifest, which tests do not make; tests/conftest.py's
`plain_static_files` does the same in the test process."""

from django.conf import settings

settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from config.wsgi import application  # noqa: E402 (after the storage is chosen)

__all__ = ["application"]
