"""Every bad input of the corpus, through every door that takes a file: refused, with a Japanese
message, and the database unchanged (row counts and a checksum of every plans model).

Doors: the admin plan import (a superuser), the entry workbook upload (staff of 小郡市 商工観光課)
and ``manage.py import_plan``. The "plan" doors get the damage in a genuine plan workbook, the
entry door in a genuine entry workbook downloaded from the entry page.
"""

import hashlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from plans.models import Department
from tests.logins import DEPARTMENT_STAFF, make_staff
from tests.security.corpus import CASES
from workbooks.plan_export import plan_rows
from workbooks.plan_workbook import write_workbook
from workbooks.safety import XLSX

pytestmark = pytest.mark.django_db

YEAR = 2025
BASE_PLAN = "ogori-strategy-2"
DOORS = ("admin", "entry", "command")


def database_state() -> dict[str, tuple[int, str]]:
    """Row count and sha256 over every row's values (ordered by pk), per model of the plans app."""
    state = {}
    for model in apps.get_app_config("plans").get_models():
        digest, count = hashlib.sha256(), 0
        for row in model._default_manager.order_by("pk").values_list().iterator():
            digest.update(repr(row).encode())
            count += 1
        state[model._meta.label] = (count, digest.hexdigest())
    return state


@pytest.fixture(scope="session")
def corpus_files(tmp_path_factory):
    """Built files, one per (case, kind), kept on disk for the session."""
    return {"dir": tmp_path_factory.mktemp("bad-inputs"), "base": {}, "built": {}}


def base_workbook(corpus_files, kind: str, client) -> bytes:
    if kind not in corpus_files["base"]:
        if kind == "plan":
            content = write_workbook(plan_rows(BASE_PLAN))
        else:
            department = Department.objects.get(municipality__name="小郡市", name="商工観光課")
            response = client.get(f"/staff/entry/departments/{department.pk}/{YEAR}/workbook.xlsx")
            assert response.status_code == 200
            content = response.content
        corpus_files["base"][kind] = content
    return corpus_files["base"][kind]


def bad_file(corpus_files, case, kind: str, client):
    key = (case.name, kind)
    if key not in corpus_files["built"]:
        path = corpus_files["dir"] / f"{len(corpus_files['built'])}-{kind}.xlsx"
        path.write_bytes(case.build(base_workbook(corpus_files, kind, client), kind))
        corpus_files["built"][key] = path
    return corpus_files["built"][key]


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_is_refused_in_japanese_and_writes_nothing(seed, client, corpus_files, case, door):
    if door == "entry":
        client.force_login(make_staff("shoko", DEPARTMENT_STAFF, departments=["商工観光課"]))
    else:
        client.force_login(get_user_model().objects.create_superuser("root", "root@example.jp", "a-strong-pass-123"))
    kind = "entry" if door == "entry" else "plan"
    path = bad_file(corpus_files, case, kind, client)
    before = database_state()

    if door == "command":
        with pytest.raises(CommandError) as refused:
            call_command("import_plan", str(path))
        shown = str(refused.value)
    else:
        url = "/staff/entry/upload/" if door == "entry" else "/admin/plans/plan/import/"
        upload = SimpleUploadedFile("plan.xlsx", path.read_bytes(), content_type=XLSX)
        response = client.post(url, {"workbook": upload})
        assert response.status_code == 200  # the form again, not a redirect to what was saved
        shown = response.content.decode()
        assert 'name="token"' not in shown  # no preview to confirm

    assert case.expected(kind) in shown
    assert database_state() == before
