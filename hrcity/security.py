"""Content-Security-Policy: strict on the public site, one allowance for the admin."""

from typing import Any

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


class SiteCSPMiddleware(CSPMiddleware):
    """The public pages need no inline code at all; Django's admin (and the translation
    tabs in it) set a few inline style attributes, so only admin pages allow those."""

    # csp ships no types, so the parts object it builds and returns is Any here.
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> Any:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(f"/{settings.ADMIN_PATH}"):
            parts.update = {**(parts.update or {}), "style-src": ["'unsafe-inline'"]}
        return parts
