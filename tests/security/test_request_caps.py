"""Caps that act before any view: an upload over the cap is refused as it arrives (nothing is
written to a temporary file), a database error outside a view is a 503, and a long status typed
on the entry page is not echoed back whole."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db.utils import OperationalError
from django.test import Client, RequestFactory

from kpi_tracker.errors import server_error
from plans.models import Kpi
from tests.logins import ADMINISTRATOR, DEPARTMENT_STAFF, make_staff

pytestmark = pytest.mark.django_db


def test_an_upload_over_the_cap_is_stopped_as_it_arrives(settings, client, seed, monkeypatch):
    """Nothing of it is kept (no temporary file), and the page says in Japanese it is too large."""
    settings.UPLOAD_MAX_BYTES = 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # any file that got through would go to a temporary file
    written = []
    new_file = TemporaryFileUploadHandler.new_file

    def record(handler, *args, **kwargs):
        written.append(args)
        return new_file(handler, *args, **kwargs)

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", record)
    client.force_login(make_staff("shoko", DEPARTMENT_STAFF, departments=["商工観光課"]))
    big = SimpleUploadedFile("big.xlsx", b"x" * (3 * 1024 * 1024))
    response = client.post("/staff/entry/upload/", {"workbook": big})
    assert response.status_code == 200
    assert "ファイルが大きすぎます" in response.content.decode()
    assert written == []
    big = SimpleUploadedFile("big.xlsx", b"x" * (3 * 1024 * 1024))  # the first one was read to its end
    anonymous = Client().post("/staff/login/", {"username": "x", "password": "y", "workbook": big})
    assert anonymous.status_code == 200 and written == []


def test_an_upload_within_the_cap_reaches_the_view(client, seed):
    client.force_login(make_staff("shoko", DEPARTMENT_STAFF, departments=["商工観光課"]))
    response = client.post("/staff/entry/upload/", {"workbook": SimpleUploadedFile("a.xlsx", b"not a workbook")})
    assert response.status_code == 200
    assert "Excel" in response.content.decode()


def test_a_database_error_outside_a_view_is_a_503():
    try:
        raise OperationalError("database is locked")
    except OperationalError:
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 503
    assert response["Retry-After"]


def test_any_other_error_outside_a_view_is_a_500():
    try:
        raise RuntimeError("bug")
    except RuntimeError:
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500


def test_a_long_status_is_not_echoed_back_whole(client, seed):
    client.force_login(make_staff("shoko", DEPARTMENT_STAFF, departments=["商工観光課"]))
    kpi = Kpi.objects.filter(department__name="商工観光課", plan__slug="ogori-strategy-2").first()
    response = client.get("/staff/entry/mark/", {"kpi": kpi.pk, "year": 2024, "value": "", "status": "x" * 5000})
    assert len(response.content) < 1000


def test_an_invitation_does_not_tell_who_has_a_login_in_another_municipality(client, seed):
    make_staff("ogori-clerk", DEPARTMENT_STAFF, departments=["商工観光課"])  # ogori-clerk@example.jp
    make_staff("ukiha-clerk", DEPARTMENT_STAFF, municipality="うきは市")
    client.force_login(make_staff("ukiha-admin", ADMINISTRATOR, municipality="うきは市"))
    elsewhere = client.post(
        "/staff/accounts/invite/", {"email": "ogori-clerk@example.jp", "name": "x", "role": DEPARTMENT_STAFF}
    )
    here = client.post(
        "/staff/accounts/invite/", {"email": "ukiha-clerk@example.jp", "name": "x", "role": DEPARTMENT_STAFF}
    )
    assert "すでにあります" not in elsewhere.content.decode()
    assert "使えません" in elsewhere.content.decode()
    assert "すでにあります" in here.content.decode()
