"""Login lockout (django-axes) against /admin/login/: keyed on username + the client's address.

Behind our reverse proxy (BEHIND_PROXY) the client's address is the X-Forwarded-For entry our
proxy appended, so one client's bad guesses lock out that client, not everyone behind the proxy;
entries the client wrote itself are ignored. Without the proxy, X-Forwarded-For is ignored
altogether. The lockout is a 429 page in the site's layout, in Japanese.
"""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # our reverse proxy, the only peer the app sees when BEHIND_PROXY is on
CLIENT_A = "198.51.100.7"
CLIENT_B = "203.0.113.9"
PASSWORD = "a-strong-password-123"


@pytest.fixture
def planner():
    return get_user_model().objects.create_user("planner", "planner@example.jp", PASSWORD, is_staff=True)


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 1


def log_in(client, password, *, remote_addr, forwarded_for=None, **headers):
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(
        reverse("admin:login"),
        {"username": "planner", "password": password},
        REMOTE_ADDR=remote_addr,
        **headers,
    )


def guess_wrong(client, settings, **address):
    """The failure limit of bad passwords; returns the last response."""
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(client, f"wrong-{attempt}", **address)
    return response


def test_bad_passwords_from_one_client_behind_the_proxy_lock_that_client_out(client, settings, planner, behind_proxy):
    response = guess_wrong(client, settings, remote_addr=PROXY, forwarded_for=CLIENT_A)
    html = response.content.decode()
    assert settings.AXES_FAILURE_LIMIT == 10
    assert response.status_code == 429
    assert "<h1>ログインの失敗が多すぎます</h1>" in html
    assert "ログインに10回失敗したため" in html
    assert response["Retry-After"] == "3600"
    assert log_in(client, PASSWORD, remote_addr=PROXY, forwarded_for=CLIENT_A).status_code == 429
    assert AccessAttempt.objects.get().ip_address == CLIENT_A


def test_same_username_from_another_client_behind_the_proxy_still_logs_in(client, settings, planner, behind_proxy):
    guess_wrong(client, settings, remote_addr=PROXY, forwarded_for=CLIENT_A)
    response = log_in(client, PASSWORD, remote_addr=PROXY, forwarded_for=CLIENT_B)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(planner.pk)


def test_addresses_the_client_writes_before_our_proxy_entry_are_ignored(client, settings, planner, behind_proxy):
    """A client that sends its own X-Forwarded-For, new each time, is still one client."""
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        forged = f"192.0.2.{attempt + 1}, {CLIENT_A}"
        response = log_in(client, f"wrong-{attempt}", remote_addr=PROXY, forwarded_for=forged)
    assert response.status_code == 429
    assert AccessAttempt.objects.get().ip_address == CLIENT_A


def test_two_trusted_proxies_take_the_second_entry_from_the_right(client, settings, planner, behind_proxy):
    settings.TRUSTED_PROXY_COUNT = 2
    log_in(client, "wrong", remote_addr=PROXY, forwarded_for=f"192.0.2.1, {CLIENT_A}, 10.0.0.1")
    assert AccessAttempt.objects.get().ip_address == CLIENT_A


def test_without_the_proxy_a_forged_forwarded_for_does_not_change_the_address(client, settings, planner):
    settings.BEHIND_PROXY = False
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(client, f"wrong-{attempt}", remote_addr=CLIENT_A, forwarded_for=f"192.0.2.{attempt + 1}")
    assert response.status_code == 429
    assert AccessAttempt.objects.get().ip_address == CLIENT_A
    assert log_in(client, PASSWORD, remote_addr=CLIENT_B, forwarded_for=CLIENT_A).status_code == 302
    assert client.session["_auth_user_id"] == str(planner.pk)


def test_lockout_page_is_in_english_when_the_visitor_asks_for_english(client, settings, planner):
    response = guess_wrong(client, settings, remote_addr=CLIENT_A, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 429
    assert "<h1>Too many failed logins</h1>" in html
    assert "After 10 failed logins" in html
    assert f'<a href="{reverse("plans:plan-list")}">Back to the home page</a>' in html
