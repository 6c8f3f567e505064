"""The staff admin: every page opens, search, filters, publishing, the milestone form's rules."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from timeline.admin import publishing as admin_publishing
from timeline.models import (
    Initiative,
    Milestone,
    Year,
)

from .admin_helpers import (
    ASSET,
    INLINE_CODE,
    MAIN_FIELD,
    MODELS,
    SUBJECT_MAKERS,
    SUBJECT_MODELS,
    admin_url,
    changelist_data,
    form_data,
    make,
    messages_of,
)
from .factories import (
    cite,
    make_initiative,
    make_institution,
    make_milestone,
    make_policy,
    make_theme,
    make_year,
)

pytestmark = pytest.mark.django_db


def listed(client, model, **params):
    """The records a changelist shows for these query parameters."""
    response = client.get(admin_url(model, "changelist"), params)
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


@pytest.fixture
def client_en(admin_client):
    """A superuser whose browser asks for English, for asserting exact messages."""
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return admin_client


# --- Every page opens ---------------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_superuser_opens_changelist_add_and_change_pages(admin_client, model):
    record = make(model)
    if model is Milestone:
        cite(record)
    for url in (
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(model, "change", record.pk),
    ):
        assert admin_client.get(url).status_code == 200, url


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_translated_forms_have_korean_english_tabs_from_local_static_files(admin_client, model):
    page = admin_client.get(admin_url(model, "add")).content.decode()
    assets = ASSET.findall(page)
    for url in assets:
        # A CDN would be blocked by the site's CSP, and a missing file would leave no tabs.
        assert url.startswith("/") and not url.startswith("//"), url
        if url.startswith(settings.STATIC_URL):
            path = url.removeprefix(settings.STATIC_URL).split("?")[0]
            assert finders.find(path), f"{url} is not a static file"
        else:
            assert admin_client.get(url).status_code == 200, url
    scripts = [url.rsplit("/", 1)[-1] for url in assets]
    assert scripts.index("jquery-ui.min.js") < scripts.index("tabbed_translation_fields.js")
    main = MAIN_FIELD[model]
    assert f'name="{main}_ko"' in page
    assert f'name="{main}_en"' in page


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_pages_carry_no_inline_script_or_style_for_a_strict_csp(admin_client, model):
    record = make(model)
    for url in (admin_url(model, "changelist"), admin_url(model, "change", record.pk)):
        page = admin_client.get(url).content.decode()
        assert not INLINE_CODE.findall(page), url


# --- Search and filters -------------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_search_finds_korean_substrings(admin_client, model):
    main = MAIN_FIELD[model]
    wanted = make(model, **{f"{main}_ko": "인권도시와 시민", f"{main}_en": "City"})
    make(model, **{f"{main}_ko": "세계 포럼", f"{main}_en": "Forum"})
    assert listed(admin_client, model, q="인권") == {wanted.pk}


def test_milestone_search_finds_milestones_by_their_subjects_korean_name(admin_client):
    forum = make_initiative(name_ko="세계인권도시포럼")
    of_forum = make_milestone(subject=forum)
    make_milestone(subject=make_policy(name_ko="인권 조례"))
    assert listed(admin_client, Milestone, q="포럼") == {of_forum.pk}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_missing_korean_filter_lists_exactly_the_records_without_korean(admin_client, model):
    main = MAIN_FIELD[model]
    korean = make(model, **{f"{main}_ko": "한국어", f"{main}_en": "Both"})
    empty = make(model, **{f"{main}_ko": "", f"{main}_en": "English only"})
    null = make(model, **{f"{main}_ko": "", f"{main}_en": "Korean is NULL"})
    model.objects.filter(pk=null.pk).update(**{f"{main}_ko": None})
    records = {korean.pk, empty.pk, null.pk}

    assert listed(admin_client, model, korean="missing") & records == {empty.pk, null.pk}
    assert listed(admin_client, model, korean="present") & records == {korean.pk}


def test_milestone_filters_by_kind_and_by_its_subjects_theme(admin_client):
    rights = make_theme()
    of_policy = make_milestone(subject=make_policy(themes=[rights]))
    of_institution = make_milestone(subject=make_institution())
    assert listed(admin_client, Milestone, kind="policy") == {of_policy.pk}
    assert listed(admin_client, Milestone, kind="institution") == {of_institution.pk}
    assert listed(admin_client, Milestone, theme=rights.slug) == {of_policy.pk}


@pytest.mark.parametrize("model", [Year, *SUBJECT_MODELS], ids=lambda m: m.__name__)
def test_milestone_count_links_to_exactly_those_milestones(admin_client, model):
    record = make(model)
    belongs = {"year": record} if model is Year else {"subject": record}
    own = {make_milestone(**belongs).pk for _ in range(2)}
    make_milestone(year=2030)
    response = admin_client.get(admin_url(model, "changelist"))
    (row,) = [obj for obj in response.context["cl"].result_list if obj.pk == record.pk]
    link = re.search(r'href="([^"]+)">2<', response.context["cl"].model_admin.milestone_total(row))

    milestones = admin_client.get(link.group(1).replace("&amp;", "&"))
    assert {obj.pk for obj in milestones.context["cl"].result_list} == own


@pytest.mark.slow
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_queries_do_not_grow_with_the_number_of_rows(
    admin_client, django_assert_num_queries, model
):
    url = admin_url(model, "changelist")

    def populate(count):
        makers = list(SUBJECT_MAKERS.values())
        parent = make_institution()
        for i in range(count):
            theme = make_theme()
            extra = {"parent": parent} if makers[i % 3] is make_institution else {}
            subject = makers[i % 3](themes=[theme], is_published=i % 2 == 0, **extra)
            make_milestone(
                year=make_year(1900 + len(Year.objects.all())),
                subject=subject,
                date=date(2012, 5, 1),
                date_precision="month",
            )

    populate(10)
    admin_client.get(url)  # first request warms caches (content types, session)
    with CaptureQueriesContext(connection) as few:
        small = admin_client.get(url)
    populate(90)
    with django_assert_num_queries(len(few)):
        large = admin_client.get(url)
    assert large.context["cl"].result_count > small.context["cl"].result_count


# --- Publishing ---------------------------------------------------------------

PUBLISH_CASES = [
    (
        "publish_selected",
        False,
        True,
        "Published 2 {items}. 1 was already published. The public site shows them now, unless "
        "a publish time is still to come or their year or subject is not public.",
    ),
    (
        "unpublish_selected",
        True,
        False,
        "Unpublished 2 {items}. 1 was already unpublished. They are off the public site.",
    ),
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize(("action", "before", "after", "message"), PUBLISH_CASES)
def test_publish_actions_change_the_selected_records_and_report_counts(
    client_en, model, action, before, after, message
):
    to_change = [make(model, is_published=before) for _ in range(2)]
    already = make(model, is_published=after)
    not_selected = make(model, is_published=before)

    response = client_en.post(
        admin_url(model, "changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in [*to_change, already]]},
        follow=True,
    )

    def flag(obj):
        return model.objects.get(pk=obj.pk).is_published

    assert [flag(obj) for obj in to_change] == [after, after]
    assert flag(already) is after
    assert flag(not_selected) is before
    assert message.format(items=model._meta.verbose_name_plural) in messages_of(response)
    # Each changed record's history says who changed it.
    logged = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=[str(obj.pk) for obj in [*to_change, already]],
    )
    assert sorted(int(entry.object_id) for entry in logged) == sorted(o.pk for o in to_change)


def test_those_the_publish_rule_refuses_can_neither_publish_nor_set_the_flag(
    admin_client, monkeypatch
):
    monkeypatch.setattr(admin_publishing, "can_publish", lambda request, model: False)
    draft = make_milestone(is_published=False)

    changelist = admin_client.get(admin_url(Milestone, "changelist"))
    actions = [name for name, _ in changelist.context["action_form"].fields["action"].choices]
    assert "publish_selected" not in actions
    change = admin_client.get(admin_url(Milestone, "change", draft.pk))
    assert "is_published" not in change.context["adminform"].form.fields

    admin_client.post(
        admin_url(Milestone, "changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    data = form_data(change) | {"is_published": "on"}
    admin_client.post(admin_url(Milestone, "change", draft.pk), data)
    assert Milestone.objects.get(pk=draft.pk).is_published is False


def view_on_site_url(obj):
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_view_on_site_is_offered_only_for_published_records(admin_client, model):
    public = make(model, is_published=True)
    draft = make(model, is_published=False)
    page = admin_client.get(admin_url(model, "change", public.pk)).content.decode()
    assert view_on_site_url(public) in page
    page = admin_client.get(admin_url(model, "change", draft.pk)).content.decode()
    assert view_on_site_url(draft) not in page


@pytest.mark.parametrize("page_of", ["subject", "year"])
def test_milestone_rows_on_year_and_subject_pages_link_to_the_site_only_when_public(
    admin_client, page_of
):
    year = make_year(2016)
    subject = make_initiative()
    public = make_milestone(year=year, subject=subject)
    draft = make_milestone(year=year, subject=subject, is_published=False)
    pages = {
        "year": admin_url(Year, "change", year.pk),
        "subject": admin_url(Initiative, "change", subject.pk),
    }
    page = admin_client.get(pages[page_of]).content.decode()
    assert view_on_site_url(public) in page
    assert view_on_site_url(draft) not in page


def test_published_milestone_of_unpublished_subject_is_not_on_site(admin_client):
    hidden = make_milestone(subject=make_policy(is_published=False), is_published=True)
    page = admin_client.get(admin_url(Milestone, "change", hidden.pk)).content.decode()
    assert view_on_site_url(hidden) not in page
    changelist = admin_client.get(admin_url(Milestone, "changelist"))
    (row,) = changelist.context["cl"].result_list
    assert row.public is False


# --- The milestone form -------------------------------------------------------

SUBJECT_MESSAGE = (
    "A milestone is about exactly one subject: an initiative, a policy or an institution."
)


@pytest.fixture
def milestone_form(client_en):
    """A filled-in milestone add form, short of its subject."""
    year = make_year(2014)
    response = client_en.get(admin_url(Milestone, "add"))
    return form_data(response) | {
        "year": year.year,
        "order": 3,
        "title_ko": "인권백서 발간",
        "title_en": "White Paper published",
        "slug": "white-paper-2014",
    }


def test_milestone_form_saves_a_milestone_with_one_subject(client_en, milestone_form):
    paper = make_initiative()
    response = client_en.post(
        admin_url(Milestone, "add"), milestone_form | {"initiative": paper.pk}
    )
    assert response.status_code == 302
    assert Milestone.objects.get(slug="white-paper-2014").subject == paper


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({}, "initiative", SUBJECT_MESSAGE),
        ("two subjects", "policy", SUBJECT_MESSAGE),
        (
            {"date": "2014-03-01"},
            "date_precision",
            "A date needs its precision, and a precision its date.",
        ),
        ({"title_ko": "", "title_en": ""}, "title_ko", "Enter the title in Korean or in English."),
    ],
    ids=["no subject", "two subjects", "date without precision", "no title"],
)
def test_milestone_form_refuses_bad_input_next_to_the_field_and_writes_nothing(
    client_en, milestone_form, change, field, message
):
    if change == "two subjects":
        change = {"initiative": make_initiative().pk, "policy": make_policy().pk}
    elif field != "initiative":
        change = {"initiative": make_initiative().pk, **change}

    response = client_en.post(admin_url(Milestone, "add"), milestone_form | change)

    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors[field]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Milestone.objects.exists()


# --- Inlines ------------------------------------------------------------------


@pytest.mark.parametrize("model", SUBJECT_MODELS, ids=lambda m: m.__name__)
def test_subject_page_lists_its_milestones_with_links_and_no_other_subject_fields(
    admin_client, model
):
    subject = make(model)
    milestones = [make_milestone(year=2014, subject=subject), make_milestone(2016, subject)]
    make_milestone(year=2016)  # someone else's

    response = admin_client.get(admin_url(model, "change", subject.pk))

    # Beside the subject's images and documents (tests/test_media.py).
    (inline,) = [
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Milestone
    ]
    shown = [form.instance.pk for form in inline.formset.forms]
    assert shown == [milestones[1].pk, milestones[0].pk]  # newest year first
    page = response.content.decode()
    for milestone in milestones:
        assert admin_url(Milestone, "change", milestone.pk) in page
    others = [kind for kind in ("initiative", "policy", "institution") if kind != model.KIND]
    assert not any(f"milestones-0-{kind}" in page for kind in others)


@pytest.mark.parametrize("model", SUBJECT_MODELS, ids=lambda m: m.__name__)
def test_milestone_added_on_a_subject_page_belongs_to_that_subject(admin_client, model):
    subject = make(model)
    make_milestone(year=2014, subject=subject)
    make_year(2019)
    url = admin_url(model, "change", subject.pk)
    data = form_data(admin_client.get(url))
    new = "milestones-1-"
    data |= {
        "milestones-TOTAL_FORMS": 2,
        f"{new}year": 2019,
        f"{new}order": 1,
        f"{new}title_ko": "인권정책 성과평가",
        f"{new}slug": "impact-evaluation-2019",
    }

    assert admin_client.post(url, data).status_code == 302
    assert Milestone.objects.get(slug="impact-evaluation-2019").subject == subject


def test_year_page_lists_its_milestones_and_reorders_them(admin_client):
    year = make_year(2012)
    first = make_milestone(year=year, order=1)
    second = make_milestone(year=year, order=2)
    make_milestone(year=2013)
    url = admin_url(Year, "change", year.pk)
    response = admin_client.get(url)

    (inline,) = response.context["inline_admin_formsets"]
    assert [form.instance.pk for form in inline.formset.forms] == [first.pk, second.pk]
    data = form_data(response) | {"milestones-0-order": 5}
    assert admin_client.post(url, data).status_code == 302
    assert list(year.milestones.values_list("pk", flat=True)) == [second.pk, first.pk]


# --- Bad input from a changelist ----------------------------------------------


@pytest.mark.parametrize("bad", ["abc", "1.5", "", "99999999999999999999"])
def test_a_list_posting_a_malformed_id_changes_nothing_and_says_so(client_en, bad):
    draft = make_milestone(is_published=False, order=1)
    url = admin_url(Milestone, "changelist")
    action = {"action": "publish_selected", "_selected_action": [draft.pk, bad]}
    rows = changelist_data(client_en.get(url)) | {"form-0-id": bad, "form-0-order": 5}

    for data in (action, rows):
        response = client_en.post(url, data, follow=True)
        assert "Nothing was changed" in " ".join(messages_of(response))
    draft.refresh_from_db()
    assert (draft.is_published, draft.order) == (False, 1)


def test_a_list_naming_a_record_deleted_meanwhile_changes_nothing_and_says_so(client_en):
    kept, deleted = make_milestone(order=1), make_milestone(order=2)
    url = admin_url(Milestone, "changelist")
    data = changelist_data(client_en.get(url))
    deleted.delete()

    response = client_en.post(url, data | {"form-0-order": 7, "form-1-order": 8}, follow=True)

    assert "Nothing was changed" in " ".join(messages_of(response))
    assert Milestone.objects.get(pk=kept.pk).order == 1
