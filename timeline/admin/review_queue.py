"""The review queue: what waits for a publisher, by kind of record, on the admin index
(``waiting_for_review``, through templatetags/review_tags.py) and on its own page,
``/admin/review/``.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.contrib.admin.utils import quote
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from timeline.admin.publishing import can_publish
from timeline.models import Editorial, ReviewState

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SHOWN_PER_MODEL = 100


@dataclass
class Queue:
    """The records of one model waiting for review."""

    label: "StrOrPromise"
    count: int
    url: str
    items: list[Any] = field(default_factory=list)


def waiting_for_review(with_items: bool = False) -> list[Queue]:
    """Per registered publishable model, the records waiting for review (with ``with_items``,
    the first ``SHOWN_PER_MODEL`` of them, longest waiting first)."""
    queues = []
    for model in admin.site._registry:
        if not issubclass(model, Editorial):
            continue
        opts = model._meta
        waiting = model._default_manager.filter(review_state=ReviewState.IN_REVIEW)
        count = waiting.count()
        if not count:
            continue
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        label = capfirst(cast("StrOrPromise", opts.verbose_name_plural))
        queue = Queue(label, count, f"{url}?review_state__exact=in_review")
        if with_items:
            queue.items = list(
                waiting.select_related("submitted_by").order_by("pk")[:SHOWN_PER_MODEL]
            )
        queues.append(queue)
    return queues


def queue_link(request: HttpRequest, obj: Model) -> str:
    """The review page for those who may publish ``obj``, its change page for others."""
    opts = obj._meta
    step = "review" if can_publish(request, type(obj)) else "change"
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{step}", args=[quote(obj.pk)])


@admin.site.admin_view
def review_queue_view(request: HttpRequest) -> HttpResponse:
    queues = waiting_for_review(with_items=True)
    for queue in queues:
        for item in queue.items:
            item.step_url = queue_link(request, item)
    context = {
        **admin.site.each_context(request),
        "title": _("Waiting for review"),
        "queues": queues,
        "total": sum(queue.count for queue in queues),
    }
    return TemplateResponse(request, "admin/timeline/review_queue.html", context)


urlpatterns = [path("review/", review_queue_view, name="review-queue")]
