"""The timeline's download links: the export's address with the visitor's current filters."""

from django import template
from django.template import Context
from django.urls import reverse

from timeline.public.exports import export_query

register = template.Library()


@register.simple_tag(takes_context=True)
def export_url(context: Context, file_type: str) -> str:
    """``/<lang>/timeline/export.<file_type>`` plus this page's filters (``page`` left out)."""
    request = context["request"]
    return reverse(f"timeline:export-{file_type}") + export_query(request.GET)
