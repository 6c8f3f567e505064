"""The low findings of the attack run (issue 13, finding 6), each as a visitor or a probe meets it."""

import io

import pytest
from django.core import signals
from django.core.exceptions import ValidationError
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import IntegrityError, close_old_connections, transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from timeline.models import Initiative, Milestone, Outlet, Theme

from .factories import make_initiative, make_milestone, make_outlet, make_source, make_theme

pytestmark = pytest.mark.django_db

PASSWORD = "a long and correct password"


# --- A source URL the spreadsheet cell "title <url>" can hold --------------------------


@pytest.mark.parametrize(
    "url", ["https://example.org/a>b", "https://example.org/<b>", "https://example.org/a b"]
)
def test_a_source_url_with_angle_brackets_or_spaces_is_refused_with_a_reason(url):
    source = make_source()
    source.url = url
    with pytest.raises(ValidationError) as refused:
        source.full_clean()
    assert any("%3E" in message for message in refused.value.message_dict["url"])


def test_the_admin_refuses_such_a_url(admin_client):
    outlet = make_outlet()
    response = admin_client.post(
        reverse("admin:timeline_source_add"),
        {
            "url": "https://example.org/a>b",
            "outlet": outlet.pk,
            "title": "A headline",
            "kind": "press",
            "language": "ko",
            "date_precision": "day",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form again, not a redirect to the list
    errors = response.context["adminform"].form.errors
    assert any("%3E" in message for message in errors["url"]), errors


def test_an_encoded_url_is_accepted():
    source = make_source(url="https://example.org/a%3Eb?q=%20x")
    source.full_clean()


# --- Login with a foreign next= ---------------------------------------------------------


def test_login_with_an_unsafe_next_lands_on_the_admin_index(client, django_user_model):
    django_user_model.objects.create_user(
        username="editor", password=PASSWORD, is_staff=True, is_superuser=True
    )
    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == 200


# --- /healthz by IP -------------------------------------------------------------------


def test_healthz_answers_a_probe_by_instance_address(client):
    response = client.get("/healthz", HTTP_HOST="10.0.3.7")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize("path", ["/ko/", "/en/timeline/", "/healthz/", "/robots.txt"])
def test_every_other_path_still_refuses_a_host_not_allowed(client, path):
    client.raise_request_exception = False
    assert client.get(path, HTTP_HOST="10.0.3.7").status_code == 400


# --- HEAD carries no body -------------------------------------------------------------


def wsgi_head(path: str) -> tuple[str, dict[str, str], bytes]:
    """HEAD ``path`` as gunicorn calls the application: no test client tidying the answer."""
    environ = RequestFactory().head(path).environ
    environ["wsgi.input"] = io.BytesIO()
    answer: dict[str, object] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        answer["status"], answer["headers"] = status, dict(headers)

    # As the test client does: a request must not close the test's own database connection,
    # which holds the test's transaction (on PostgreSQL that would end the test's data).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(WSGIHandler()(environ, start_response))
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return str(answer["status"]), answer["headers"], body  # type: ignore[return-value]


@pytest.mark.parametrize("path", ["/en/timeline/", "/ko/timeline/export.csv", "/ko/"])
def test_head_answers_headers_without_a_body(path):
    make_milestone()
    get = Client().get(path)
    status, headers, body = wsgi_head(path)
    assert status.startswith("200")
    assert body == b""
    assert headers["Content-Type"] == get["Content-Type"]


# --- Cross-origin headers ----------------------------------------------------------------


def assert_cross_origin_headers(response) -> None:
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    policy = dict(part.split("=") for part in response["Permissions-Policy"].split(", "))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert policy[feature] == "()", feature


@pytest.mark.parametrize("path", ["/ko/", "/en/timeline/", "/healthz", "admin-login", "missing"])
def test_every_response_forbids_embedding_elsewhere_and_powerful_features(client, path):
    path = {"admin-login": reverse("admin:login"), "missing": "/en/no-such-page/"}.get(path, path)
    make_milestone()
    assert_cross_origin_headers(client.get(path))
    assert_cross_origin_headers(client.get(path))  # a cached page too


@pytest.fixture
def served_static(settings):
    """WhiteNoise serving the app's static files straight from the source folders."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    return Client()  # a new handler: WhiteNoise reads its settings once


def test_static_files_carry_the_headers_and_are_not_open_to_every_origin(served_static):
    response = served_static.get(
        "/static/timeline/admin/admin.css", HTTP_ORIGIN="https://x.example"
    )
    assert response.status_code == 200
    assert_cross_origin_headers(response)
    assert "Access-Control-Allow-Origin" not in response


# --- Slugs differing only in case ---------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "make"),
    [
        (Theme, make_theme),
        (Initiative, make_initiative),
        (Outlet, make_outlet),
        (Milestone, lambda slug: make_milestone(slug=slug)),
    ],
)
def test_a_slug_differing_only_in_case_is_refused(model, make):
    make(slug="human-rights-charter")
    twin = model.objects.get(slug="human-rights-charter")
    twin.pk = None
    twin.slug = "Human-Rights-Charter"
    # The message is read in the language of whoever reads it: read it in English here,
    # whatever an earlier test in this process left active.
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        twin.validate_constraints()
    assert "capital letters" in str(refused.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_the_gwangju_record_loads_under_the_case_rule(settings):
    call_command("loaddata", str(settings.BASE_DIR / "fixtures" / "gwangju.json"), verbosity=0)
    assert Milestone.objects.exists() and Theme.objects.exists()
