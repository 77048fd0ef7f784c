"""Browser and validator tests need programs that PyPI does not ship: Chromium, Java and the npm
packages in package.json. Where one is missing they skip and say how to get it; in CI (CI=true)
they fail instead, so a green CI run never hides tests that did not run.
"""

import os

import pytest

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require_tool(found: object, missing: str) -> None:
    """Skip the test (fail it in CI) unless `found` is truthy; `missing` says what to install."""
    if found:
        return
    if IN_CI:
        pytest.fail(f"{missing} (in CI this fails instead of skipping)", pytrace=False)
    pytest.skip(missing)
