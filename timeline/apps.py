from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimelineConfig(AppConfig):
    name = "timeline"
    verbose_name = _("Human rights city timeline")

    def ready(self) -> None:
        from timeline import history
        from timeline.caching import version

        # What the history keeps of each model, whether or not the admin is loaded.
        history.register_versioned_models()
        version.connect_signals()
