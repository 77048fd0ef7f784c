"""Response headers Django has no setting for."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# Browser features no page of this site uses, refused to every page and to anything it could
# embed: a script that got in through some hole still cannot turn on a camera or read where a
# relative is. interest-cohort and browsing-topics keep readers out of the browser's ad profiling.
# Only names Chromium knows: it warns about any other (tests/browser/test_no_other_hosts.py).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class PermissionsPolicyMiddleware:
    """One constant Permissions-Policy header on every response (a package for one header that
    never changes would be a dependency to keep up for nothing)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
