from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimelineConfig(AppConfig):
    name = "timeline"
    verbose_name = _("Human rights city timeline")

    def ready(self) -> None:
        from timeline import history
        from timeline.caching import version
        from timeline.jobs import tasks, warming
        from timeline.public import warming as public_pages

        # What the history keeps of each model, whether or not the admin is loaded.
        history.register_versioned_models()
        version.connect_signals()
        # Once a change is committed, a worker renders the public pages again (jobs/warming.py).
        warming.register_pages(public_pages.pages_to_warm)
        version.content_committed.connect(tasks.warm_after_change, dispatch_uid="warm-pages")
