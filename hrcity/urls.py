from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from hrcity.health import healthz
from timeline.public.sitemaps import SITEMAPS
from timeline.public.views import robots_txt

urlpatterns = [
    # Staff pages of our own inside the admin (record quality, review queue), before the admin's catch-all.
    path(settings.ADMIN_PATH, include("timeline.admin.quality")),
    path(settings.ADMIN_PATH, include("timeline.admin.review_queue")),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
urlpatterns += i18n_patterns(path("", include("timeline.public.urls")))
