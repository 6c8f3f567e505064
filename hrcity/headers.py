"""What every response gets on its way out, whatever answered it (a view, the page cache,
WhiteNoise's static files): first in settings.MIDDLEWARE, so it wraps all of them."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


class ProtectiveHeadersMiddleware:
    """Cross-Origin-Resource-Policy and Permissions-Policy (settings), on every response.

    The site's pages, files and images are for itself: no other site may embed them
    (``same-origin``), and no page here uses a camera, a microphone, a location or any other
    powerful feature, so a script that got in could not either.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY
        )
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class HeadWithoutBodyMiddleware:
    """A HEAD response has the GET response's headers and no body (RFC 9110, 9.3.2).

    Django's runserver and test client drop the body themselves; gunicorn sends what the
    application returns. ``Content-Length`` stays that of the GET body, as HEAD requires.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.method != "HEAD":
            return response
        if response.streaming:
            # The file behind it (a download) stays registered for closing.
            response.streaming_content = []  # type: ignore[attr-defined]
        else:
            length = response.headers.get("Content-Length")
            response.content = b""  # type: ignore[attr-defined]
            if length is not None:
                response.headers["Content-Length"] = length
        return response
