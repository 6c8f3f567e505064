"""Repeated failed admin logins lock out one username from one address (django-axes)."""

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.urls import reverse

from hrcity.proxy import client_ip

pytestmark = pytest.mark.django_db

PASSWORD = "a long and correct password"
ATTACKER = "203.0.113.7"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        username="editor", password=PASSWORD, is_staff=True, is_superuser=True
    )


def login(client, username, password, ip=ATTACKER, **headers):
    """One attempt at the admin login form, from the given client address."""
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=ip,
        **headers,
    )


def fail(client, username, times, ip=ATTACKER, **headers):
    for _ in range(times):
        response = login(client, username, "wrong password", ip=ip, **headers)
    return response


def logged_in(client):
    return "_auth_user_id" in client.session


def test_the_limit_is_small_but_forgiving():
    # A few typos are normal; a guessing robot needs thousands of tries.
    assert 3 <= settings.AXES_FAILURE_LIMIT <= 10


def test_failures_below_the_limit_still_show_the_login_form(client, staff):
    response = fail(client, "editor", settings.AXES_FAILURE_LIMIT - 1)
    assert response.status_code == 200
    assert 'name="password"' in response.text


def test_after_the_limit_even_the_right_password_is_refused(client, staff):
    response = fail(client, "editor", settings.AXES_FAILURE_LIMIT)
    assert response.status_code == 429

    response = login(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)


def test_the_lockout_page_explains_itself_in_the_admin_look(client, staff):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the admin is Korean by default
    response = fail(client, "editor", settings.AXES_FAILURE_LIMIT)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    page = response.text
    assert "Login temporarily blocked" in page
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"blocked for {minutes} minutes" in page
    assert "admin/css/login.css" in page
    # No form to fill in: it would only be refused.
    assert 'name="password"' not in page


def test_a_lockout_does_not_touch_other_users_or_other_addresses(client, staff, django_user_model):
    django_user_model.objects.create_user(username="publisher", password=PASSWORD, is_staff=True)
    fail(client, "editor", settings.AXES_FAILURE_LIMIT)

    # A colleague behind the same address (a shared office NAT, a load balancer).
    assert login(client, "publisher", PASSWORD).status_code == 302
    assert logged_in(client)
    client.logout()
    # The same staff member from their own network.
    assert login(client, "editor", PASSWORD, ip="198.51.100.20").status_code == 302
    assert logged_in(client)


def test_a_successful_login_starts_the_count_again(client, staff):
    below_limit = settings.AXES_FAILURE_LIMIT - 1
    fail(client, "editor", below_limit)
    assert login(client, "editor", PASSWORD).status_code == 302
    client.logout()

    # Without the reset these would add up to more than the limit.
    response = fail(client, "editor", below_limit)
    assert response.status_code == 200
    assert login(client, "editor", PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, staff):
    for n in range(settings.AXES_FAILURE_LIMIT):
        fail(client, "editor", 1, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = login(client, "editor", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_configured_load_balancer_clients_are_told_apart(client, staff):
    # Every request arrives from the balancer's address; only its header tells clients apart.
    balancer = {"ip": "10.0.0.2"}
    fail(client, "editor", settings.AXES_FAILURE_LIMIT, HTTP_X_FORWARDED_FOR=ATTACKER, **balancer)
    locked = login(client, "editor", PASSWORD, HTTP_X_FORWARDED_FOR=ATTACKER, **balancer)
    assert locked.status_code == 429

    colleague = login(client, "editor", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20", **balancer)
    assert colleague.status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        # No proxy configured: the header is the client's word, so it is ignored.
        (0, "192.0.2.1", "10.0.0.2"),
        # One load balancer: it appended the address it saw.
        (1, "192.0.2.1", "192.0.2.1"),
        # A client prepending a fake address cannot choose what is used.
        (1, "6.6.6.6, 192.0.2.1", "192.0.2.1"),
        # CDN then load balancer: the CDN's entry is the client.
        (2, "6.6.6.6, 192.0.2.1, 198.51.100.9", "192.0.2.1"),
        # Fewer entries than proxies: misconfigured, fall back to the connection.
        (2, "192.0.2.1", "10.0.0.2"),
        (1, "", "10.0.0.2"),
    ],
)
def test_the_client_address_trusts_only_configured_proxies(proxies, forwarded_for, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for)
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_ip(request) == expected
