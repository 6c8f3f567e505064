"""Import and Export on every changelist, with the import engine's rules (resources.py).

Import is two steps, as django-import-export has them: choose a file and see a preview
(how many records are new, changed, unchanged or invalid, and the changed cells), then
confirm. Between the two steps the file waits in the database (``DatabaseImportStorage``),
so the confirm step may reach any app server. Both steps run the same engine as
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

import base64
import re
import secrets
import zlib
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from import_export import forms as import_export_forms
from import_export.admin import ImportExportMixin
from import_export.tmp_storages import BaseStorage

from timeline.transfer import resources, spreadsheets

PREVIEW_ROWS = 500  # rows shown in the preview; the counts always cover the whole file

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Between preview and confirm ---------------------------------------------------


class DatabaseImportStorage(BaseStorage):
    """The uploaded file, kept between preview and confirm in the database.

    Any app server may answer the confirm step: the database is the one thing they all
    share (a Redis cache is optional, and the local-memory cache is per process). The file
    is a row of Django's session table -- already there, cleaned of expired rows by
    ``manage.py clearsessions`` -- under a key no browser session has (``import-`` and 32
    random hex digits), compressed, and readable only by the staff member who uploaded
    it. The confirm step takes it (read, then delete; a second click finds nothing), and
    an unconfirmed file expires after ``LIFETIME``.
    """

    PREFIX = "import-"
    NAME = re.compile(r"^import-[0-9a-f]{32}$")
    LIFETIME = timedelta(days=1)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.owner = str(kwargs.get("owner", ""))

    def save(self, data):
        now = timezone.now()
        Session.objects.filter(session_key__startswith=self.PREFIX, expire_date__lt=now).delete()
        self.name = self.PREFIX + secrets.token_hex(16)
        payload = base64.b64encode(zlib.compress(bytes(data))).decode("ascii")
        Session.objects.create(
            session_key=self.name,
            session_data=f"{self.owner}:{payload}",
            expire_date=now + self.LIFETIME,
        )

    def read(self):
        """The file's bytes, or None if it is not there (expired, taken, someone else's)."""
        if not self.name or not self.NAME.match(self.name):
            return None
        stored = (
            Session.objects.filter(session_key=self.name, expire_date__gt=timezone.now())
            .values_list("session_data", flat=True)
            .first()
        )
        if stored is None:
            return None
        owner, _sep, payload = stored.partition(":")
        if owner != self.owner:
            return None
        return zlib.decompress(base64.b64decode(payload))

    def remove(self):
        """Delete the file; False if it was already gone (taken by another request)."""
        return Session.objects.filter(session_key=self.name).delete()[0] > 0

    def take(self):
        """Read and delete the file in one go; None unless this request got it."""
        data = self.read()
        if data is None or not self.remove():
            return None
        return data


# --- Forms -------------------------------------------------------------------------


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


class SpreadsheetImportForm(import_export_forms.ImportForm):
    """Just the file: its type and encoding are detected, so there is no format to choose."""

    def __init__(self, formats, resources_, **kwargs):
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
        ) % {"limit": _megabytes(spreadsheets.max_upload_bytes())}

    @property
    def media(self):
        return forms.Media()  # the library's script only guesses the format we detect

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = spreadsheets.max_upload_bytes()
        if upload.size > limit:
            # Refused before the file is read into memory.
            raise forms.ValidationError(
                gettext(
                    "The file is %(size)s MB; the limit is %(limit)s MB. "
                    "Split it into smaller files."
                )
                % {"size": _megabytes(upload.size), "limit": _megabytes(limit)}
            )
        return upload


class SpreadsheetExportForm(import_export_forms.ExportForm):
    """CSV or Excel, CSV chosen to begin with (the page works without JavaScript)."""

    def __init__(self, formats, resources_, **kwargs):
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
    tmp_storage_class = DatabaseImportStorage

    @property
    def import_formats(self):
        return spreadsheets.ADMIN_FORMATS

    @property
    def export_formats(self):
        return spreadsheets.ADMIN_FORMATS

    @property
    def model_key(self):
        return next(
            key
            for key, resource in resources.RESOURCES.items()
            if resource._meta.model is self.model
        )

    def get_resource_classes(self, request):
        return [resources.RESOURCES[self.model_key]]

    def tmp_storage(self, request, name=None):
        return self.get_tmp_storage_class()(name=name, owner=request.user.pk)

    # Used by the library's import views only; ours (below) say the same through read_table.
    def add_data_read_fail_error_to_form(self, form, e):
        form.add_error("import_file", spreadsheets.read_error_message(e))

    # --- import: preview ---

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_import_form(request)
        if request.method != "POST" or not form.is_valid():
            return self.render_import(request, form)
        upload = form.cleaned_data["import_file"]
        data = b"".join(upload.chunks())
        try:
            table = spreadsheets.read_table(data, filename=upload.name)
        except spreadsheets.SpreadsheetError as error:
            form.add_error("import_file", str(error))
            return self.render_import(request, form)
        report = self.run_import(request, table, upload.name, dry_run=True)
        confirm_form = None
        if report.ok and report.counts["new"] + report.counts["update"]:
            storage = self.tmp_storage(request)
            storage.save(data)
            confirm_form = self.get_confirm_form_class(request)(
                initial={
                    "import_file_name": storage.name,
                    "original_file_name": upload.name,
                    "format": "0",
                    "resource": "0",
                }
            )
        return self.render_import(
            request, form, report=report, confirm_form=confirm_form, filename=upload.name
        )

    def run_import(self, request, table, filename, dry_run):
        return resources.RESOURCES[self.model_key]().import_table(
            table.headers,
            table.rows,
            dry_run=dry_run,
            encoding=table.encoding,
            user=request.user,
            filename=filename,
        )

    # --- import: confirm ---

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        data = None
        if confirm_form.is_valid():
            name = confirm_form.cleaned_data["import_file_name"]
            data = self.tmp_storage(request, name).take()
        if data is None:
            messages.warning(
                request,
                gettext(
                    "Nothing was imported: this preview was already confirmed, or it waited "
                    "more than a day. Choose the file again to see what it would change."
                ),
            )
            return HttpResponseRedirect(self.admin_url("import"))
        filename = confirm_form.cleaned_data["original_file_name"]
        try:
            table = spreadsheets.read_table(data, filename=filename)
        except spreadsheets.SpreadsheetError as error:  # it was read at the preview
            messages.error(request, str(error))
            return HttpResponseRedirect(self.admin_url("import"))
        report = self.run_import(request, table, filename, dry_run=False)
        if not report.ok:
            # Someone changed the records since the preview, and the file no longer fits.
            messages.error(
                request,
                gettext(
                    "Nothing was imported: the records changed after the preview, and the "
                    "file no longer fits them. The problems are listed below."
                ),
            )
            return self.render_import(
                request, self.blank_import_form(request), report=report, filename=filename
            )
        messages.success(
            request,
            gettext("Imported %(file)s: %(summary)s")
            % {"file": filename, "summary": report.summary()},
        )
        return HttpResponseRedirect(self.admin_url("changelist"))

    # --- import: the page ---

    def blank_import_form(self, request):
        return self.get_import_form_class(request)(
            self.get_import_formats(), self.get_import_resource_classes(request)
        )

    def render_import(self, request, form, report=None, confirm_form=None, filename=""):
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
        if report is not None and report.rows:
            counts = report.counts
            rows = report.preview(PREVIEW_ROWS)
            context.update(
                {
                    "counts": counts,
                    "preview_headers": [column.name for column in report.columns],
                    "preview_rows": rows,
                    "preview_hidden": counts["new"] + counts["update"] - len(rows),
                }
            )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def resource_columns(self):
        return resources.RESOURCES[self.model_key].get_columns()

    def admin_url(self, view):
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{view}",
            current_app=self.admin_site.name,
        )

    # --- export ---

    def export_action(self, request):
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            # A filter value the list cannot apply (edited by hand): as the list itself does.
            return HttpResponseRedirect(f"{self.admin_url('changelist')}?{ERROR_FLAG}=1")

    def init_request_context_data(self, request, form):
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

    def get_export_filename(self, request, queryset, file_format):
        return resources.export_filename(self.model_key, file_format.get_extension())
