"""A pytest plugin loaded before Django starts (see pyproject.toml): test-only environment.

It wins over a developer's local .env, so that the suite runs the same everywhere.
"""

import os

# The suite runs with DEBUG off, as production does, so it needs a key; never a real one.
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "test-only-key-not-secret")
