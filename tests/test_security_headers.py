"""Security headers and cookies, to the bar of Mozilla HTTP Observatory's A+ on public pages.

Headers common to every setting are checked in-process; what only production does
(HTTPS redirect, HSTS, Secure cookies) in a separate production process.
"""

import json

import pytest
from django.conf import settings
from django.urls import reverse

from .factories import make_milestone
from .production import run_production, run_production_script

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = f"/{settings.ADMIN_PATH}login/"
PUBLIC_URLS = ["/healthz", "/ko/", "/en/timeline/"]
UNSAFE = {"'unsafe-inline'", "'unsafe-eval'"}


def csp(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    policy = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *sources = directive.split()
        policy[name] = sources
    return policy


@pytest.fixture
def milestone():
    # A page with real content, so the headers are those of a rendered page.
    return make_milestone()


@pytest.mark.parametrize("url", [*PUBLIC_URLS, ADMIN_LOGIN])
def test_every_page_sends_the_protective_headers(client, milestone, url):
    response = client.get(url)
    assert response.status_code == 200

    policy = csp(response)
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]
    assert not UNSAFE & set(policy["script-src"])
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_allow_no_inline_styles(client, milestone, url):
    response = client.get(url)
    assert "'unsafe-inline'" not in csp(response)["style-src"]


def test_only_the_admin_relaxes_styles(client):
    # Django's admin writes style="" attributes; that allowance must stay inside the admin.
    assert "'unsafe-inline'" in csp(client.get(ADMIN_LOGIN))["style-src"]


def test_cookies_are_httponly_and_samesite(client, django_user_model):
    django_user_model.objects.create_user("staff", password="a long password", is_staff=True)
    csrf = client.get(ADMIN_LOGIN).cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["samesite"] == "Lax"

    response = client.post(
        ADMIN_LOGIN,
        {"username": "staff", "password": "a long password", "next": reverse("admin:index")},
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


# --- production only ----------------------------------------------------------------

# Requests as the load balancer forwards them: plain HTTP probes, and HTTPS marked by
# X-Forwarded-Proto. Prints one JSON object on the last line of stdout.
PRODUCTION_REQUESTS = """
import json
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse

HTTPS = {"X-Forwarded-Proto": "https"}
client = Client()
User.objects.create_user("staff", password="a long password", is_staff=True)

def seen(response):
    return {
        "status": response.status_code,
        "location": response.get("Location"),
        "hsts": response.get("Strict-Transport-Security"),
        "cookies": {
            name: {"secure": bool(c["secure"]), "httponly": bool(c["httponly"])}
            for name, c in response.cookies.items()
        },
    }

# Hashed static names come from collectstatic at release time; they do not matter here.
with override_settings(STORAGES={
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
}):
    results = {
        "plain /ko/": seen(client.get("/ko/")),
        "plain /healthz": seen(client.get("/healthz")),
        "https /ko/": seen(client.get("/ko/", headers=HTTPS)),
        "https login form": seen(client.get(reverse("admin:login"), headers=HTTPS)),
        "https login": seen(client.post(
            reverse("admin:login"),
            {"username": "staff", "password": "a long password", "next": reverse("admin:index")},
            headers=HTTPS,
        )),
    }
print(json.dumps(results))
"""


@pytest.fixture(scope="module")
def production():
    result = run_production_script(PRODUCTION_REQUESTS)
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_production_redirects_plain_http_to_https(production):
    assert production["plain /ko/"]["status"] == 301
    assert production["plain /ko/"]["location"] == "https://testserver/ko/"


@pytest.mark.slow
def test_production_answers_load_balancer_probes_over_plain_http(production):
    assert production["plain /healthz"]["status"] == 200


@pytest.mark.slow
def test_production_sends_hsts_for_a_year_with_subdomains(production):
    page = production["https /ko/"]
    assert page["status"] == 200
    assert page["hsts"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.slow
def test_production_cookies_are_secure(production):
    csrf = production["https login form"]["cookies"][settings.CSRF_COOKIE_NAME]
    assert csrf["secure"]
    login = production["https login"]
    assert login["status"] == 302
    session = login["cookies"][settings.SESSION_COOKIE_NAME]
    assert session["secure"]
    assert session["httponly"]


@pytest.mark.slow
def test_production_refuses_to_start_without_a_secret_key():
    result = run_production("manage.py", "check", DJANGO_SECRET_KEY=None)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.slow
def test_production_settings_pass_the_deployment_checklist():
    result = run_production(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ALLOWED_HOSTS="hr.example.org",
    )
    assert result.returncode == 0, result.stderr
