from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from hrcity.health import healthz
from timeline.public.about_views import robots_txt
from timeline.public.sitemaps import sitemap_index, sitemap_section

urlpatterns = [
    # Staff pages of our own inside the admin (record quality, review queue), before the admin's catch-all.
    path(settings.ADMIN_PATH, include("timeline.admin.quality")),
    path(settings.ADMIN_PATH, include("timeline.admin.review_queue")),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots"),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap-section"),
]
urlpatterns += i18n_patterns(path("", include("timeline.public.urls")))

if settings.SERVE_MEDIA:
    # Development only (`make run`): production's web server or the S3 bucket serves them.
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(rf"^{media_prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
