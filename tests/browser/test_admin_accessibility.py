"""axe-core finds no WCAG 2.1 A or AA violation on the admin pages staff use, at 1280 px, in
Korean and in English: the index, every list of the record and of the Human Rights Index,
the change and add forms with their language tabs and inlines (an evaluation's area
results, citations and values among them), import and export, history, the review queue
and steps, and the preview. Every control on the milestone form is reachable by keyboard,
and every column of the milestone list is on screen at 1280 px."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.media_files import make_document, make_image
from timeline.models import (
    Citation,
    Evaluation,
    Indicator,
    IndicatorSet,
    Initiative,
    Institution,
    Milestone,
    Observation,
    Outlet,
    Policy,
    ReviewState,
    Source,
    Theme,
)
from timeline.previews import preview_url

from .conftest import csp_violations
from .test_accessibility import axe_violations

# The standard the issue holds the admin to: WCAG 2.1, levels A and AA.
ADMIN_AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "admin-accessibility-password-1"
INDEX_FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "index.json"
LISTS = (
    "milestone",
    "year",
    "theme",
    "initiative",
    "policy",
    "institution",
    "source",
    "outlet",
    "citation",
    "indexarea",
    "indicatorset",
    "indicator",
    "evaluation",
    "evaluationarearesult",
    "observation",
)


def with_media(record):
    """``record``, given a saved image and document: their inlines then show each file's
    preview and its "View on site" link."""
    make_image(record)
    make_document(record)
    return record


def index_pages():
    """The Human Rights Index's change and add forms: an evaluation with every inline in
    use (area results, citations, values), a set, an indicator, a value, an area result."""
    evaluation = Evaluation.objects.get(slug="2019")
    assert evaluation.area_results.exists() and evaluation.observations.exists()
    records = {
        "evaluation": evaluation,
        "indicatorset": IndicatorSet.objects.get(slug="set-2018"),
        "indicator": Indicator.objects.get(slug="women-senior-officials"),
        "observation": Observation.objects.filter(citations__isnull=False).first(),
    }
    pages = {f"{name} add": f"/admin/timeline/{name}/add/" for name in records}
    records["evaluationarearesult"] = evaluation.area_results.first()  # added on the evaluation
    return pages | {
        f"{name} change": f"/admin/timeline/{name}/{record.pk}/change/"
        for name, record in records.items()
    }


def admin_pages():
    """Every admin page to check, by name: its address."""
    milestone = with_media(Milestone.objects.order_by("pk").first())
    draft, editable = Milestone.objects.order_by("-pk")[:2]
    editable.is_published = False
    editable.save()
    draft.is_published = False
    draft.review_state = ReviewState.IN_REVIEW
    draft.review_note = "Dates checked."
    draft.save()
    pages = {
        "index": "/admin/",
        "review queue": "/admin/review/",
        "record quality": "/admin/record-quality/",
    }
    pages |= {f"{name} list": f"/admin/timeline/{name}/" for name in LISTS}
    pages |= {
        "milestone change": f"/admin/timeline/milestone/{milestone.pk}/change/",
        "milestone add": "/admin/timeline/milestone/add/",
        "milestone history": f"/admin/timeline/milestone/{milestone.pk}/history/",
        "milestone import": "/admin/timeline/milestone/import/",
        "milestone export": "/admin/timeline/milestone/export/",
        "milestone submit": f"/admin/timeline/milestone/{editable.pk}/submit/",
        "milestone review": f"/admin/timeline/milestone/{draft.pk}/review/",
        "year change": "/admin/timeline/year/2012/change/",
        "year add": "/admin/timeline/year/add/",
        "theme change": f"/admin/timeline/theme/{Theme.objects.order_by('pk').first().pk}/change/",
        "theme add": "/admin/timeline/theme/add/",
        "source change": f"/admin/timeline/source/{Source.objects.order_by('pk').first().pk}/change/",
        "source add": "/admin/timeline/source/add/",
        "outlet change": f"/admin/timeline/outlet/{Outlet.objects.order_by('pk').first().pk}/change/",
        "staff account": f"/admin/auth/user/{get_user_model().objects.get().pk}/change/",
        "staff accounts": "/admin/auth/user/",
        "groups": "/admin/auth/group/",
        "milestone recover": "/admin/timeline/milestone/recover/",
        "citation change": f"/admin/timeline/citation/{Citation.objects.order_by('pk').first().pk}/change/",
    }
    for model in (Initiative, Policy, Institution):
        name = model._meta.model_name
        subject = model.objects.order_by("pk").first()
        if model is Initiative:
            with_media(subject)
        pages[f"{name} change"] = f"/admin/timeline/{name}/{subject.pk}/change/"
        pages[f"{name} add"] = f"/admin/timeline/{name}/add/"
    return pages | index_pages(), draft


def signed_in_page(site, page_factory, lang):
    call_command("loaddata", str(INDEX_FIXTURE), verbosity=0)
    get_user_model().objects.create_superuser("staff", password=PASSWORD)
    locale = {"ko": "ko-KR", "en": "en-GB"}[lang]
    page = page_factory("admin", locale=locale, extra_http_headers={"Accept-Language": lang})
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    return page


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_no_violations_on_the_admin_pages_staff_use(site, page_factory, lang):
    page = signed_in_page(site, page_factory, lang)
    pages, draft = admin_pages()
    pages["preview"] = preview_url(draft, lang)
    found = {}
    for name, path in pages.items():
        response = page.goto(f"{site}{path}")
        assert response.status == 200, name
        assert page.locator("html").get_attribute("lang") == lang, name
        violations = axe_violations(page, ADMIN_AXE_TAGS)
        if violations:
            found[name] = violations
        assert not csp_violations(page), name
    assert found == {}


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_column_of_the_milestone_list_fits_1280_px_with_the_navigation_open(
    site, page_factory, lang
):
    page = signed_in_page(site, page_factory, lang)
    page.goto(f"{site}/admin/timeline/milestone/")
    assert page.locator("#nav-sidebar").is_visible()
    # The list scrolls sideways inside .results: a column past its visible width is one
    # staff do not see unless they scroll.
    visible_right = page.locator(".results").evaluate(
        "el => Math.min(el.getBoundingClientRect().left + el.clientWidth, window.innerWidth)"
    )
    headers = page.locator("#result_list thead th").evaluate_all(
        "cells => cells.map(th => [th.innerText.trim(), th.getBoundingClientRect().right])"
    )
    assert page.locator("#result_list thead th.column-status").count() == 1
    assert [name for name, right in headers if right > visible_right + 0.5] == []


def test_the_milestone_form_works_by_keyboard(site, page_factory):
    page = signed_in_page(site, page_factory, "en")
    page.goto(f"{site}/admin/timeline/milestone/add/")
    # The English tab of the title, reached and opened with the keyboard alone.
    tab = page.locator(".ui-tabs-nav [role=tab]", has_text="English").first
    tab.focus()
    page.keyboard.press("Enter")
    assert page.locator("#id_title_en").is_visible()
