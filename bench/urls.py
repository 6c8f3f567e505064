"""The site's URLs plus ``/bench/trivial``: the baseline the page benchmark compares with.

The trivial view goes through the same server and the same middleware as the real pages
(sessions, CSRF, CSP, locale, security headers, the page cache's lookup), but does no query
and renders no template: what is left of a request when the page's own work is taken away.
It exists only under bench.settings, never on the real site.
"""

from django.http import HttpResponse
from django.urls import path

from hrcity.urls import urlpatterns as site_urlpatterns


def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial), *site_urlpatterns]
