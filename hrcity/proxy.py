"""The client's address as login protection (django-axes) should count it."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, unless settings.TRUSTED_PROXY_COUNT proxies stand in front of the app.

    Each proxy appends the address it received the request from to X-Forwarded-For, so
    with N trusted proxies the N-th entry from the right is the client as the outermost
    proxy saw it. Entries further left were written by the client and could be anything;
    they are never used, or an attacker could dodge a lockout by changing the header.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
