"""What the admin index shows of the review queue (timeline/admin/review_queue.py)."""

from django import template

from timeline.admin.review_queue import Queue, waiting_for_review

register = template.Library()


@register.simple_tag(name="waiting_for_review")
def waiting_for_review_tag() -> list[Queue]:
    return waiting_for_review()
