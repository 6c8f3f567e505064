from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimelineConfig(AppConfig):
    name = "timeline"
    verbose_name = _("Human rights city timeline")

    def ready(self):
        from timeline.caching import version

        version.connect_signals()
