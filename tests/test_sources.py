"""Sources as citations: outlets, sources keyed by URL, what each milestone cites.

A journalist must be able to check a fact at its source: the milestone page links each
source with its outlet, title and date; the sources page lists every public source with the
milestones citing it; the open data carries them. Nothing of a draft ever shows.
"""

import csv
import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from timeline.models import Citation, Milestone, Outlet, Source
from timeline.public import opendata

from .admin_helpers import admin_url, client_for, form_data, staff_member
from .factories import (
    cite,
    make_milestone,
    make_outlet,
    make_policy,
    make_source,
    make_theme,
)
from .sitemap_helpers import sitemap_entries

pytestmark = pytest.mark.django_db


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def sources_url(lang="en"):
    with translation.override(lang):
        return reverse("timeline:source-list")


def english(url):
    """The English address of a page whose URL was made in whichever language is active."""
    return "/en/" + url.split("/", 2)[2]


@pytest.fixture
def cited():
    """A published milestone citing a dated press article and an untitled official page."""
    press = make_outlet(slug="kjmbc", name_en="Kwangju MBC", name_ko="광주MBC")
    city = make_outlet(slug="gwangju-city", name_en="Gwangju City", name_ko="광주광역시")
    milestone = make_milestone(2012, make_policy(), title_en="Charter proclaimed")
    article = make_source(
        outlet=press,
        title="Gwangju proclaims its human rights charter",
        url="https://kjmbc.co.kr/article/1",
        published=datetime.date(2012, 5, 1),
        date_precision="month",
        language="en",
    )
    page = make_source(
        outlet=city,
        title="History page of the human rights office",
        title_is_label=True,
        url="https://gwangju.go.kr/humanrights/history",
        kind=Source.Kind.OFFICIAL,
    )
    cite(milestone, article, supports_en="The month the charter was proclaimed.")
    cite(milestone, page)
    return {"milestone": milestone, "article": article, "page": page, "press": press}


# --- Models ------------------------------------------------------------------------


@translation.override("en")
def test_a_url_is_one_source_and_a_duplicate_is_refused_with_a_clear_message():
    source = make_source(url="https://example.org/page")
    duplicate = Source(outlet=source.outlet, title="Again", url="https://example.org/page")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "A source with this URL already exists" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    # Documents without a URL (a printed report) are told apart by their titles.
    make_source(url="", title="Printed report", outlet=source.outlet)
    Source(outlet=source.outlet, title="Another paper", url="").full_clean()


@translation.override("en")
def test_a_citation_cites_exactly_one_record_and_a_source_once():
    source = make_source()
    with pytest.raises(ValidationError) as error:
        Citation(source=source).full_clean()
    assert "exactly one cited record" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(source=source)
    milestone = make_milestone()
    cite(milestone, source)
    with pytest.raises(ValidationError) as error:
        Citation(milestone=milestone, source=source).full_clean()
    assert "already cites this source" in str(error.value)


def test_a_publication_date_needs_its_precision():
    source = make_source()
    source.published = datetime.date(2014, 5, 18)
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert "date_precision" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        source.save()


def test_a_cited_source_cannot_be_deleted_and_a_milestone_takes_its_citations_along():
    milestone = make_milestone()
    citation = cite(milestone)
    with pytest.raises(ProtectedError):
        citation.source.delete()
    milestone.delete()
    assert not Citation.objects.exists()
    assert Source.objects.filter(pk=citation.source.pk).exists()  # shared: it stays


def test_only_what_a_public_milestone_cites_is_public(cited):
    hidden = make_source(title="Cited by a draft only")
    cite(make_milestone(is_published=False), hidden)
    unpublished_subject = make_policy(is_published=False)
    cite(make_milestone(2014, unpublished_subject), make_source(title="Subject hidden"))
    assert set(Source.objects.published()) == {cited["article"], cited["page"]}
    assert set(Outlet.objects.published()) == {cited["press"], cited["page"].outlet}
    assert set(Citation.objects.published()) == set(cited["milestone"].citations.all())


# --- The milestone page -----------------------------------------------------------------


def test_milestone_page_links_each_source_with_outlet_title_and_date(client, cited):
    html = html_of(client, english(cited["milestone"].get_absolute_url()))
    assert "Kwangju MBC" in html
    assert (
        '<a href="https://kjmbc.co.kr/article/1" rel="external noopener">'
        "Gwangju proclaims its human rights charter"
    ) in html
    assert '<time datetime="2012-05">May 2012</time>' in html
    assert "The month the charter was proclaimed." in html
    # The link says in words that it leaves the site; the icon is only a visual cue.
    assert '<span class="visually-hidden"> (another site)</span>' in html
    # A title we wrote is marked in text, not by colour alone.
    assert (
        "History page of the human rights office"
        in html.split('<span class="source__label">(description)</span>')[0]
    )
    assert html.index("Kwangju MBC") < html.index("Gwangju City")  # the cited order


def test_korean_milestone_page_marks_a_description_in_korean(client, cited):
    with translation.override("ko"):
        url = cited["milestone"].get_absolute_url()
    html = html_of(client, url)
    assert '<span class="source__label">(설명)</span>' in html
    assert "광주MBC" in html
    assert '<time datetime="2012-05">2012년 5월</time>' in html


# --- The sources page -------------------------------------------------------------------


def test_sources_page_lists_sources_by_outlet_with_the_milestones_citing_them(client, cited):
    other = make_milestone(2014, make_policy(), title_en="Charter revised")
    cite(other, cited["article"])
    html = html_of(client, sources_url())
    assert 'id="outlet-kjmbc"' in html and "<h2" in html
    assert f'id="source-{cited["article"].pk}"' in html
    for milestone in (cited["milestone"], other):
        assert f'href="{english(milestone.get_absolute_url())}"' in html
    assert "2 sources" in html and "2 outlets" in html
    # Outlets by name: Gwangju City before Kwangju MBC.
    assert html.index('id="outlet-gwangju-city"') < html.index('id="outlet-kjmbc"')


def test_sources_page_never_shows_a_draft(client, cited):
    draft = make_milestone(is_published=False, title_en="Secret draft")
    cite(draft, make_source(title="Only a draft cites this", outlet=make_outlet(name_en="Quiet")))
    cite(draft, cited["article"])  # a public source cited by a draft too
    html = html_of(client, sources_url())
    assert "Only a draft cites this" not in html
    assert "Quiet" not in html
    assert "Secret draft" not in html
    assert draft.get_absolute_url() not in html


def test_sources_page_is_in_the_navigation_and_the_sitemap(client, cited):
    assert f'href="{sources_url("ko")}"' in html_of(client, "/ko/")
    sitemap = "\n".join(sitemap_entries(client))
    assert "/ko/sources/" in sitemap and "/en/sources/" in sitemap


def add_cited_milestones(count, theme):
    for index in range(count):
        milestone = make_milestone(2010 + index % 5, make_policy(themes=[theme]))
        cite(milestone, make_source(), supports_en="A fact")  # a new outlet each
        cite(milestone, make_source())


@pytest.mark.parametrize("page", ["sources", "milestone"])
def test_query_count_does_not_grow_with_the_sources(client, django_assert_num_queries, page):
    theme = make_theme()
    add_cited_milestones(2, theme)
    milestone = make_milestone(2012, make_policy(themes=[theme]))
    address = sources_url() if page == "sources" else english(milestone.get_absolute_url())

    def grow(count):
        add_cited_milestones(count, theme)
        for _ in range(count):
            cite(milestone)

    grow(2)
    with CaptureQueriesContext(connection) as small:
        client.get(address)
    grow(25)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(address)
    assert response.status_code == 200


# --- Open data --------------------------------------------------------------------------


def download(client, file_type, query=""):
    response = client.get(f"/en/timeline/export.{file_type}" + (f"?{query}" if query else ""))
    assert response.status_code == 200
    return response


def test_open_data_has_the_documented_columns_and_no_published_flag(client, cited):
    response = download(client, "csv")
    text = response.content.decode("utf-8-sig")
    headers = next(csv.reader(io.StringIO(text)))
    assert headers == [column.name for column in opendata.MILESTONE_COLUMNS]
    assert "is_published" not in headers
    (row,) = csv.DictReader(io.StringIO(text))
    milestone = cited["milestone"]
    assert row["kind"] == "policy"
    assert row["subject_name_en"] == milestone.subject.name_en
    assert row["subject_name_ko"] == milestone.subject.name_ko
    assert row["url"] == f"http://testserver{english(milestone.get_absolute_url())}"
    assert row["sources"] == (
        "Gwangju proclaims its human rights charter <https://kjmbc.co.kr/article/1>|"
        "History page of the human rights office <https://gwangju.go.kr/humanrights/history>"
    )


def test_json_sources_are_objects_with_outlet_title_date_and_url(client, cited):
    theme = make_theme(slug="governance")
    cited["milestone"].subject.themes.set([theme])
    (item,) = json.loads(download(client, "json").content)
    assert item["themes"] == ["governance"]
    assert item["sources"][0] == {
        "outlet": "Kwangju MBC",
        "title": "Gwangju proclaims its human rights charter",
        "title_is_label": False,
        "date": "2012-05",
        "date_precision": "month",
        "url": "https://kjmbc.co.kr/article/1",
    }
    assert item["sources"][1]["title_is_label"] is True
    assert item["sources"][1]["date"] is None
    assert "is_published" not in item


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("", "gwangju-milestones.csv"),
        ("year=2012&kind=policy", "gwangju-milestones-2012-policy.csv"),
        ("year_min=2012&year_max=2014", "gwangju-milestones-2012-2014.csv"),
        (
            "year_min=2012&kind=policy&kind=initiative",
            "gwangju-milestones-from-2012-initiative-policy.csv",
        ),
    ],
)
def test_the_file_name_says_its_filters(client, cited, query, name):
    disposition = download(client, "csv", query)["Content-Disposition"]
    assert disposition == f'attachment; filename="{name}"'


def test_open_data_page_documents_every_column_in_both_languages(client):
    for lang in ("ko", "en"):
        html = html_of(client, f"/{lang}/open-data/")
        for column in opendata.MILESTONE_COLUMNS:
            assert f"<code>{column.name}</code>" in html
            assert column.name_ko in html and column.name_en in html


# --- Admin ------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Outlet, Source], ids=lambda m: m.__name__)
def test_outlet_and_source_admin_pages_open(admin_client, cited, model):
    record = cited["press"] if model is Outlet else cited["article"]
    for url in (
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(model, "change", record.pk),
    ):
        assert admin_client.get(url).status_code == 200, url


@pytest.mark.parametrize("term", ["Kwangju", "광주MBC", "kjmbc.co.kr/article", "proclaims"])
def test_sources_are_found_by_outlet_title_or_url(admin_client, cited, term):
    response = admin_client.get(admin_url(Source, "changelist"), {"q": term})
    assert list(response.context["cl"].result_list) == [cited["article"]]


def test_the_citation_form_searches_sources_as_you_type(admin_client, cited):
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "term": "Kwangju",
            "app_label": "timeline",
            "model_name": "citation",
            "field_name": "source",
        },
    )
    assert [item["id"] for item in response.json()["results"]] == [str(cited["article"].pk)]


def add_citation_data(client, milestone, source):
    url = admin_url(Milestone, "change", milestone.pk)
    data = form_data(client.get(url))
    total = int(data["citations-TOTAL_FORMS"])
    data |= {
        "citations-TOTAL_FORMS": str(total + 1),
        f"citations-{total}-source": str(source.pk),
        f"citations-{total}-order": "9",
        f"citations-{total}-supports_en": "The date",
    }
    return url, data


def test_a_publisher_adds_a_citation_from_the_milestone_page(cited):
    publisher = client_for(staff_member("Publisher"))
    milestone, source = cited["milestone"], make_source(title="New page")
    url, data = add_citation_data(publisher, milestone, source)
    response = publisher.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert milestone.citations.get(source=source).supports_en == "The date"


def test_an_editor_cannot_change_a_published_milestones_citations(cited):
    editor = client_for(staff_member("Editor"))
    milestone, source = cited["milestone"], make_source(title="New page")
    url, data = add_citation_data(client_for(staff_member("Publisher")), milestone, source)
    assert editor.post(url, data).status_code == 403
    assert not milestone.citations.filter(source=source).exists()
    # A draft is theirs to prepare, sources included.
    draft = make_milestone(is_published=False)
    url, data = add_citation_data(editor, draft, source)
    assert editor.post(url, data).status_code == 302
    assert draft.citations.filter(source=source).exists()


def test_an_editor_may_change_a_source_only_while_no_public_milestone_cites_it(cited):
    editor = client_for(staff_member("Editor"))
    public = cited["article"]
    url = admin_url(Source, "change", public.pk)
    data = {"title": "Changed", "outlet": public.outlet.pk, "language": "ko", "kind": "press"}
    assert editor.post(url, data).status_code == 403
    public.refresh_from_db()
    assert public.title != "Changed"
    unpublished = make_source(title="Not yet cited")
    url = admin_url(Source, "change", unpublished.pk)
    data = form_data(editor.get(url)) | {"title": "Retitled"}
    assert editor.post(url, data).status_code == 302
    unpublished.refresh_from_db()
    assert unpublished.title == "Retitled"


def test_the_citation_list_holds_the_same_rule(cited):
    editor = client_for(staff_member("Editor"))
    source = make_source(title="New page")
    data = {"milestone": cited["milestone"].pk, "source": source.pk, "order": 1}
    response = editor.post(admin_url(Citation, "add"), data)
    assert response.status_code == 200
    assert "Only a publisher can change the sources of a published milestone." in (
        response.content.decode()
    )
    assert not Citation.objects.filter(source=source).exists()
    existing = cited["milestone"].citations.first()
    url = admin_url(Citation, "change", existing.pk)
    assert editor.post(url, data | {"order": 5}).status_code == 403
    draft = make_milestone(is_published=False)
    response = editor.post(admin_url(Citation, "add"), data | {"milestone": draft.pk})
    assert response.status_code == 302
    assert draft.citations.get().source == source


def test_citation_admin_lists_and_searches(admin_client, cited):
    response = admin_client.get(admin_url(Citation, "changelist"), {"q": "kjmbc"})
    assert response.status_code == 200
    assert [c.source for c in response.context["cl"].result_list] == [cited["article"]]
