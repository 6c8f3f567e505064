"""The import log: every import, from the admin or the command line, read-only.

Staff see their own imports; a publisher also sees everyone's imports into the models they
publish (a superuser, all). Nobody adds, changes or deletes an entry here: the log is what
happened. The file itself is never shown (it is kept only while a step needs it).
"""

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from timeline import permissions
from timeline.models import ImportJob
from timeline.transfer import resources


def visible_imports(user: Any) -> Q:
    """Which log entries ``user`` may read: their own, and those of the models they publish."""
    if user.is_superuser:
        return Q()
    published = [
        key
        for key, resource in resources.RESOURCES.items()
        if permissions.can_publish(user, resource._meta.model)
    ]
    return Q(user=user.pk) | Q(model_key__in=published)


# The task queue's own table (django-tasks-db registers it) speaks only English and shows
# tracebacks; staff follow their jobs in the import log, operators with `importstatus`.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(ImportJob)
class ImportLogAdmin(admin.ModelAdmin):
    list_display = (
        "created",
        "file_name",
        "model_key",
        "user",
        "source",
        "state",
        "count_new",
        "count_changed",
        "count_unchanged",
        "count_refused",
        "duration_shown",
    )
    list_select_related = ("user",)
    list_filter = ("state", "model_key", "source", "background")
    search_fields = ("file_name", "user__username")
    date_hierarchy = "created"
    fields = (
        "file_name",
        "size_shown",
        "model_key",
        "user",
        "source",
        "background",
        "dry_run",
        "state",
        "reason",
        "created",
        "started",
        "confirmed",
        "finished",
        "duration_shown",
        "count_new",
        "count_changed",
        "count_unchanged",
        "count_refused",
        "error_report",
        "job_page",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[ImportJob]:
        ImportJob.objects.fail_stale()
        return super().get_queryset(request).filter(visible_imports(request.user)).defer("data")

    # Read by its owner and by publishers, written only by imports.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("size"), ordering="size")
    def size_shown(self, job: ImportJob) -> str:
        return job.file_size_display()

    @admin.display(description=_("duration"))
    def duration_shown(self, job: ImportJob) -> str:
        duration = job.duration
        if duration is None:
            return "—"
        return gettext("%(seconds).1f s") % {"seconds": duration.total_seconds()}

    @admin.display(description=_("problems"))
    def error_report(self, job: ImportJob) -> SafeString | str:
        if not job.problems:
            return "—"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (line or pgettext("import", "the file"), column, value, message)
                for line, column, value, message in job.problems
            ),
        )
        return format_html(
            '<table class="import-problems"><thead><tr><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            pgettext("import", "Line"),
            pgettext("import", "Column"),
            pgettext("import", "Value"),
            pgettext("import", "What is wrong"),
            rows,
        )

    @admin.display(description=_("page"))
    def job_page(self, job: ImportJob) -> SafeString | str:
        """The import's own page (progress, preview) for whoever ran it from the admin."""
        if job.source != ImportJob.Source.ADMIN or not job.background:
            return "—"
        model = resources.RESOURCES[job.model_key]._meta.model
        try:
            url = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_import_job",
                args=[job.pk],
            )
        except NoReverseMatch:
            return "—"
        return format_html('<a href="{}">{}</a>', url, gettext("Open"))
