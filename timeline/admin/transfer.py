"""Import and Export on every changelist, with the import engine's rules (resources.py).

Import is two steps, as django-import-export has them: choose a file and see a preview
(how many records are new, changed, unchanged or invalid, and the changed cells), then
confirm. Between the two steps the file waits in the database as an ``ImportJob``, so the
confirm step may reach any app server; the confirm form carries only the job's id, and
the job is taken once, by its own uploader, within a day. Both steps run the same engine as
``manage.py importcsv``: all or nothing, every problem with its line, column, value and
reason, the role rules (an editor imports drafts only) and one history revision per import.

The library's own import views are replaced (``import_action``, ``process_import``): they
parse the file through the library's formats without its name, show exception names for
files they cannot read, answer a confirm whose file has gone with an error page, and
report success even when the confirm step refused the file. Its forms, URLs, permissions
and export view are kept; the export goes through our writers (UTF-8 CSV with BOM, XLSX
with real numbers, formula-looking cells neutralised), of exactly what the list shows
(its search and filters: ``get_export_queryset``).
"""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db.models.query import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from import_export import forms as import_export_forms
from import_export.admin import ImportExportMixin

from timeline.jobs import exports, imports, tasks
from timeline.jobs.progress import Stopped
from timeline.models import ExportJob, ImportJob
from timeline.transfer import resources, spreadsheets, tables, writers
from timeline.transfer.columns import Column
from timeline.transfer.report import ImportReport

PREVIEW_ROWS = imports.PREVIEW_ROWS  # rows shown in the preview; counts cover the whole file
# How often a job's page reloads itself while the job runs (and the script checks it).
REFRESH_SECONDS = 2
# Sent by job_progress.js when it checks the page in the background.
POLL_HEADER = "X-Job-Poll"

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Forms -------------------------------------------------------------------------


class SpreadsheetImportForm(import_export_forms.ImportForm):
    """Just the file: its type and encoding are detected, so there is no format to choose."""

    def __init__(
        self, formats: Sequence[type[Any]], resources_: Sequence[type[Any]], **kwargs: Any
    ) -> None:
        super().__init__(formats, resources_, **kwargs)
        choice = self.fields["format"]
        choice.required = False
        choice.widget = forms.HiddenInput()
        self.initial.setdefault("format", "0")
        upload = self.fields["import_file"]
        upload.widget.attrs = {"accept": f".csv,.txt,.tsv,.xlsx,text/csv,{XLSX_TYPE}"}
        upload.help_text = _(
            "A .csv file (UTF-8, or CP949 as Korean Excel saves it) or an .xlsx workbook, "
            "at most %(limit)s MB. Its first line names the columns."
        ) % {"limit": tables.megabytes(spreadsheets.max_upload_bytes())}

    @property
    def media(self) -> forms.Media:
        return forms.Media()  # the library's script only guesses the format we detect

    def clean_import_file(self) -> UploadedFile:
        upload = self.cleaned_data["import_file"]
        if upload.size > spreadsheets.max_upload_bytes():
            # Refused before the file is read into memory.
            raise forms.ValidationError(str(spreadsheets.file_too_large(upload.size)))
        return upload


class ConfirmImportForm(forms.Form):
    """The confirm step's form: which previewed ``ImportJob`` to import, nothing else."""

    # Bounded like the primary key, so a forged number is a form error, not a database one.
    job = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)


class SpreadsheetExportForm(import_export_forms.ExportForm):
    """CSV or Excel, CSV chosen to begin with (the page works without JavaScript)."""

    def __init__(
        self, formats: Sequence[type[Any]], resources_: Sequence[type[Any]], **kwargs: Any
    ) -> None:
        super().__init__(formats, resources_, **kwargs)
        labels = {
            "csv": _("CSV (UTF-8; Excel shows Korean)"),
            "xlsx": _("Excel workbook (.xlsx)"),
        }
        choice = self.fields["format"]
        choice.choices = [
            (str(index), labels.get(format_().get_extension(), format_().get_title()))
            for index, format_ in enumerate(formats)
        ]
        choice.initial = "0"
        choice.label = _("File type")


# --- The admin mixin ---------------------------------------------------------------


class SpreadsheetImportExportMixin(ImportExportMixin):
    """Import and Export buttons on a changelist of one of the six models of the record."""

    # Import, Export and reversion's "Recover deleted" in one list of buttons.
    import_export_change_list_template = "admin/timeline/change_list_import_export.html"
    import_template_name = "admin/timeline/import.html"
    export_template_name = "admin/timeline/export.html"
    import_form_class = SpreadsheetImportForm
    # Every column, always: what comes back in through Import is the whole contract.
    export_form_class = SpreadsheetExportForm

    @property
    def import_formats(self) -> list[type[Any]]:
        return writers.ADMIN_FORMATS

    @property
    def export_formats(self) -> list[type[Any]]:
        return writers.ADMIN_FORMATS

    @property
    def model_key(self) -> str:
        # A model's first file: the citations list imports and exports the milestones'
        # ``citations``; the index's (``indexcitations``) go through the commands, and are
        # edited on each figure's page.
        return next(
            key
            for key, resource in resources.RESOURCES.items()
            if resource._meta.model is self.model
        )

    def get_resource_classes(self, request: HttpRequest) -> list[type[resources.TimelineResource]]:
        return [resources.RESOURCES[self.model_key]]

    # Used by the library's import views only; ours (below) say the same through read_table.
    def add_data_read_fail_error_to_form(self, form: forms.Form, e: Exception) -> None:
        form.add_error("import_file", spreadsheets.read_error_message(e))

    # --- import: preview ---

    def get_urls(self) -> list[URLPattern]:
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("import/<int:job_id>/", view(self.import_job), name=f"{prefix}_import_job"),
            path(
                "import/<int:job_id>/cancel/",
                view(self.cancel_import),
                name=f"{prefix}_import_cancel",
            ),
            path("export/<int:job_id>/", view(self.export_job), name=f"{prefix}_export_job"),
            path(
                "export/<int:job_id>/download/",
                view(self.download_export),
                name=f"{prefix}_export_download",
            ),
            *super().get_urls(),
        ]

    def import_action(self, request: HttpRequest, **kwargs: object) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_import_form(request)
        if request.method != "POST" or not form.is_valid():
            return self.render_import(request, form)
        upload = form.cleaned_data["import_file"]
        data = b"".join(upload.chunks())
        if imports.runs_in_background(len(data)):
            # A large file is read and checked by a worker; this page follows it.
            job = imports.open_job(
                user=request.user,
                model_key=self.model_key,
                filename=upload.name,
                data=data,
                background=True,
            )
            tasks.start_import(job)
            return HttpResponseRedirect(self.job_url("import_job", job))
        try:
            table = spreadsheets.read_table(data, filename=upload.name)
        except tables.SpreadsheetError as error:
            form.add_error("import_file", str(error))
            return self.render_import(request, form)
        job = imports.open_job(
            user=request.user, model_key=self.model_key, filename=upload.name, data=data
        )
        report = imports.check_or_import(job, data, confirm=False, user=request.user, table=table)
        confirm_form = None
        if job.state == ImportJob.State.PREVIEWED:
            confirm_form = ConfirmImportForm(initial={"job": job.pk})
        return self.render_import(
            request, form, report=report, confirm_form=confirm_form, filename=upload.name
        )

    # --- import: confirm ---

    @method_decorator(require_POST)
    def process_import(self, request: HttpRequest, **kwargs: object) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        job = self.pending_job(request)
        if job is None:
            return HttpResponseRedirect(self.admin_url("import"))
        if job.background or imports.runs_in_background(job.size):
            if job.take_file(background=True) is None:
                self.warn_not_importable(request, job)
                return HttpResponseRedirect(self.admin_url("import"))
            tasks.start_import(job, confirm=True)
            return HttpResponseRedirect(self.job_url("import_job", job))
        data = job.take_file()
        if data is None:  # the other click, or the other tab, took it first
            self.warn_not_importable(request, job)
            return HttpResponseRedirect(self.admin_url("import"))
        filename = job.file_name
        try:
            report = imports.check_or_import(job, data, confirm=True, user=request.user)
        except Stopped:
            messages.warning(request, job.reason or str(imports.CANCELLED_REASON))
            return HttpResponseRedirect(self.admin_url("import"))
        except Exception:
            imports.fail(job, str(imports.ERROR_REASON))  # all or nothing: nothing written
            raise
        if not report.ok:
            # Someone changed the records since the preview, and the file no longer fits.
            messages.error(request, self.changed_meanwhile_message())
            return self.render_import(
                request, self.blank_import_form(request), report=report, filename=filename
            )
        messages.success(
            request,
            gettext("Imported %(file)s: %(summary)s")
            % {"file": filename, "summary": report.summary()},
        )
        return HttpResponseRedirect(self.admin_url("changelist"))

    def pending_job(self, request: HttpRequest) -> ImportJob | None:
        """The requester's own job for this model named by the confirm form, or None with a
        message saying why: a forged, foreign or other model's id changes nothing."""
        ImportJob.objects.expire_abandoned()
        form = ConfirmImportForm(request.POST)
        job = None
        user = request.user
        assert user.is_authenticated  # the admin lets only signed-in staff this far
        if form.is_valid():
            job = (
                ImportJob.objects.filter(
                    pk=form.cleaned_data["job"], user=user, model_key=self.model_key
                )
                .defer("data")  # read only if this request imports it (take_file)
                .first()
            )
        if job is None:
            messages.error(
                request,
                gettext(
                    "Nothing was imported: this preview is not one of yours for %(models)s. "
                    "Choose the file again to see what it would change."
                )
                % {"models": self.opts.verbose_name_plural},
            )
        elif job.state != ImportJob.State.PREVIEWED:
            self.warn_not_importable(request, job)
            return None
        return job

    def warn_not_importable(self, request: HttpRequest, job: ImportJob) -> None:
        if job.state == ImportJob.State.EXPIRED:
            message = gettext(
                "Nothing was imported: this preview waited more than a day and has expired. "
                "Choose the file again to see what it would change."
            )
        else:
            message = gettext(
                "Nothing was imported: this preview was already confirmed. "
                "Choose the file again to see what it would change."
            )
        messages.warning(request, message)

    # --- jobs: imports and exports run by a worker ---

    def job_url(self, view: str, job: ImportJob | ExportJob) -> str:
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{view}",
            args=[job.pk],
            current_app=self.admin_site.name,
        )

    def own_import(self, request: HttpRequest, job_id: int) -> ImportJob:
        """The requester's own import job into this model (404 otherwise), stale ones failed."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        ImportJob.objects.fail_stale()
        return get_object_or_404(  # the page polls: never load the file
            ImportJob.objects.defer("data"),
            pk=job_id,
            user=request.user.pk,
            model_key=self.model_key,
        )

    def import_job(self, request: HttpRequest, job_id: int) -> HttpResponse:
        """A background import's page: its progress while it runs, then the same preview,
        problems or result as an import run in the request."""
        job = self.own_import(request, job_id)
        State = ImportJob.State
        if job.is_active:
            return self.render_job(request, job, "import")
        if request.headers.get(POLL_HEADER):
            # The page's script asks: it has ended, so the script loads the page again, which
            # then shows the result (and says it once).
            return HttpResponse(status=204)
        report = imports.StoredReport(job)
        if job.state == State.CONFIRMED:
            messages.success(
                request,
                gettext("Imported %(file)s: %(summary)s")
                % {"file": job.file_name, "summary": report.summary()},
            )
            return HttpResponseRedirect(self.admin_url("changelist"))
        if job.state in (State.PREVIEWED, State.REFUSED, State.CHECKED):
            confirm_form = None
            if job.state == State.PREVIEWED:
                confirm_form = ConfirmImportForm(initial={"job": job.pk})
            elif job.confirmed and job.state == State.REFUSED:
                messages.error(request, self.changed_meanwhile_message())
            return self.render_import(
                request,
                self.blank_import_form(request),
                report=report,
                confirm_form=confirm_form,
                filename=job.file_name,
            )
        return self.render_job(request, job, "import")  # failed, cancelled or expired

    @method_decorator(require_POST)
    def cancel_import(self, request: HttpRequest, job_id: int) -> HttpResponse:
        job = self.own_import(request, job_id)
        imports.cancel(job)
        return HttpResponseRedirect(self.job_url("import_job", job))

    def own_export(self, request: HttpRequest, job_id: int) -> ExportJob:
        if not self.has_export_permission(request):
            raise PermissionDenied
        ExportJob.objects.fail_stale()
        return get_object_or_404(  # the page polls: the file is loaded for its download only
            ExportJob.objects.defer("data"),
            pk=job_id,
            user=request.user.pk,
            model_key=self.model_key,
        )

    def export_job(self, request: HttpRequest, job_id: int) -> HttpResponse:
        return self.render_job(request, self.own_export(request, job_id), "export")

    def download_export(self, request: HttpRequest, job_id: int) -> HttpResponse:
        job = self.own_export(request, job_id)
        if job.state != ExportJob.State.DONE:
            raise Http404
        response = HttpResponse(bytes(job.data), content_type=resources.content_type(job.file_type))
        response["Content-Disposition"] = f'attachment; filename="{exports.file_name(job)}"'
        return response

    def render_job(
        self, request: HttpRequest, job: ImportJob | ExportJob, kind: str
    ) -> TemplateResponse:
        context = self.admin_site.each_context(request)
        silent = job.silent_seconds() if job.is_active else 0
        context.update(
            {
                "title": (
                    gettext("Import %(models)s")
                    if kind == "import"
                    else gettext("Export %(models)s")
                )
                % {"models": self.opts.verbose_name_plural},
                "opts": self.opts,
                "job": job,
                "kind": kind,
                "refresh_seconds": REFRESH_SECONDS,
                # A worker takes a queued job within seconds: after a few heartbeats' time
                # without one, the page says plainly that no worker may be running.
                "silent_seconds": silent if silent >= imports.NO_WORKER_AFTER_SECONDS else 0,
            }
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/timeline/job_progress.html", context)

    def changed_meanwhile_message(self) -> str:
        return gettext(
            "Nothing was imported: the records changed after the preview, and the "
            "file no longer fits them. The problems are listed below."
        )

    # --- import: the page ---

    def blank_import_form(self, request: HttpRequest) -> forms.Form:
        return self.get_import_form_class(request)(
            self.get_import_formats(), self.get_import_resource_classes(request)
        )

    def render_import(
        self,
        request: HttpRequest,
        form: forms.Form,
        report: ImportReport | None = None,
        confirm_form: ConfirmImportForm | None = None,
        filename: str = "",
    ) -> TemplateResponse:
        context = self.admin_site.each_context(request)
        context.update(
            {
                "title": gettext("Import %(models)s") % {"models": self.opts.verbose_name_plural},
                "form": form,
                "confirm_form": confirm_form,
                "opts": self.opts,
                "media": self.media + form.media,
                "columns": [column.name for column in self.resource_columns()],
                "key_column": resources.RESOURCES[self.model_key].key_column,
                "report": report,
                "filename": filename,
            }
        )
        if report is not None and report.total_rows:
            preview = imports.preview_of(report, PREVIEW_ROWS)
            context.update(
                {
                    "counts": report.counts,
                    "preview_headers": preview["headers"],
                    "preview_rows": preview["rows"],
                    "preview_hidden": preview["hidden"],
                }
            )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def resource_columns(self) -> list[Column]:
        return resources.RESOURCES[self.model_key].get_columns()

    def admin_url(self, view: str) -> str:
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{view}",
            current_app=self.admin_site.name,
        )

    # --- export ---

    def export_action(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            # A filter value the list cannot apply (edited by hand): as the list itself does.
            return HttpResponseRedirect(f"{self.admin_url('changelist')}?{ERROR_FLAG}=1")

    def _do_file_export(
        self,
        file_format: Any,
        request: HttpRequest,
        queryset: QuerySet,
        export_form: forms.Form | None = None,
    ) -> HttpResponse:
        if not exports.runs_in_background(queryset.count()):
            return super()._do_file_export(file_format, request, queryset, export_form)
        filtered = any(key != "o" for key in request.GET)
        job = exports.open_job(
            user=request.user,
            model_key=self.model_key,
            file_type=file_format.get_extension(),
            queryset=queryset if filtered else None,
        )
        tasks.start_export(job)
        return HttpResponseRedirect(self.job_url("export_job", job))

    def init_request_context_data(self, request: HttpRequest, form: forms.Form) -> dict[str, Any]:
        context = super().init_request_context_data(request, form)
        queryset = self.get_export_queryset(request)
        context.update(
            {
                "title": gettext("Export %(models)s") % {"models": self.opts.verbose_name_plural},
                "export_count": queryset.count(),
                "columns": [column.name for column in self.resource_columns()],
                "filtered": any(key != "o" for key in request.GET),
                "changelist_query": request.GET.urlencode(),
            }
        )
        return context

    def get_export_filename(
        self, request: HttpRequest, queryset: QuerySet, file_format: Any
    ) -> str:
        return resources.export_filename(self.model_key, file_format.get_extension())
