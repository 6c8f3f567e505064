"""The staff preview: a saved record, draft or not, exactly as its public page will show it.

The page is the public view itself (views.py, ``PreviewableMixin``), run with ``preview`` set,
so what staff see cannot drift from what the public will. The address carries a signed,
expiring token (timeline/previews.py) that staff may send each other, but the token is not a
pass: only a signed-in staff member allowed to view the record gets the page. Nothing keeps
a copy (``private, no-store``) and no search engine may index it (``noindex``, in the header
and in the page).
"""

from typing import Any

from django.contrib.admin.views.decorators import staff_member_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import SimpleTemplateResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.decorators import method_decorator
from django.views.generic import View
from django.views.generic.base import TemplateResponseMixin

from timeline.caching.keeping import fresh_parts
from timeline.models import Institution, Milestone, Policy, Subject, Year
from timeline.models.subjects import Initiative
from timeline.previews import PreviewLinkExpired, max_age, read_token
from timeline.public.subject_views import SubjectDetailView
from timeline.public.views import MilestoneDetailView, YearDetailView

ROBOTS = "noindex, nofollow"


def page_of(obj: Model) -> tuple[Any, dict[str, Any]]:
    """The public view that shows ``obj`` (in preview) and the URL arguments it takes."""
    if isinstance(obj, Milestone):
        return MilestoneDetailView.as_view(preview=True), {"year": obj.year_id, "slug": obj.slug}
    if isinstance(obj, Year):
        return YearDetailView.as_view(preview=True), {"year": obj.year}
    if isinstance(obj, Initiative | Policy | Institution):
        subject: Subject = obj
        return SubjectDetailView.as_view(preview=True, model=type(subject)), {"slug": subject.slug}
    raise Http404


def private_and_unindexed(response: HttpResponseBase) -> HttpResponseBase:
    add_never_cache_headers(response)
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = ROBOTS
    return response


@method_decorator(staff_member_required, name="dispatch")
class PreviewView(TemplateResponseMixin, View):
    """``/<lang>/preview/<token>/``: the record's public page, for staff; see the module."""

    template_name = "timeline/preview_expired.html"
    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            target = read_token(kwargs["token"])
        except PreviewLinkExpired:
            days = max(1, max_age() // 86400)
            response = self.render_to_response({"days": days}, status=410)
            return private_and_unindexed(response)
        except signing.BadSignature as bad:
            raise Http404 from bad
        opts = target.model._meta
        if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            raise PermissionDenied
        obj = get_object_or_404(target.model._default_manager, pk=target.pk)
        view, arguments = page_of(obj)
        # Parts of drafts are rendered for this page, never taken from or left in the cache:
        # the template is rendered here, while that holds, not later by the handler.
        with fresh_parts():
            response = view(request, **arguments)
            if isinstance(response, SimpleTemplateResponse):
                response.render()
        return private_and_unindexed(response)
