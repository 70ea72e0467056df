"""Authorisation proven over every URL.

The walk takes every URL pattern of the URL configuration (public pages, staff pages, the Django
admin with its history and revert views, the API), fills each parameter with an object of
*another* municipality (小郡市's 第2期, seen from うきは市) and *another* department (小郡's
商工観光課, seen from its 経営戦略課), and requests it with GET and POST as each of five outsiders:
anonymous, department staff of another department, department staff of another municipality, a
planner of another municipality and an administrator of another municipality.

* A URL that names such an object refuses every one of them (a redirect, 400, 403, 404 or 405);
* a URL open to the public or to any login answers, but never with the other municipality's
  unpublished values (an unpublished actual, its note, a login's address are planted as markers);
* no request changes the database (a checksum of every plan, actual and login row);
* a URL pattern with no rule below, or whose parameters the walk cannot fill, fails the test.
"""

from __future__ import annotations

import fnmatch
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from plans.access import COMMITTEE_MEMBER
from plans.models import Actual, Department, Kpi, Municipality, Plan, ProjectReview, PublishedYear, StaffProfile
from tests.logins import ADMINISTRATOR, DEPARTMENT_STAFF, PLANNER, make_staff
from tests.security.urlwalk import CannotFill, build, endpoints

pytestmark = pytest.mark.django_db

# What each URL is for. The first matching rule applies; a URL matching none fails the walk.
PUBLIC = "public"  # anyone: it must never carry unpublished values
ANY_LOGIN = "any login"  # no object in its parameters: anonymous refused, logins see their own
OBJECT = "object"  # names the other municipality's (department's) object: everyone refused

RULES: list[tuple[str, str]] = [
    # Citizens' pages, open data and the API: published data only.
    ("plans:prefecture", PUBLIC),  # a prefecture's municipalities (by its two-digit code)
    ("plans:municipality", PUBLIC),  # a municipality's plans with their public tallies
    ("plans:*", PUBLIC),
    ("api:*", PUBLIC),
    ("set_language", PUBLIC),
    # Logging in and out, setting a password from a mailed link.
    ("staff:login", PUBLIC),
    ("staff:logout", PUBLIC),
    ("staff:password-*", PUBLIC),
    ("admin:login", PUBLIC),
    ("admin:logout", PUBLIC),
    ("admin:view_on_site", PUBLIC),  # redirects to the object's public page
    ("admin:jsi18n", PUBLIC),
    # A login's own pages.
    ("staff:home", ANY_LOGIN),
    ("staff:publication", ANY_LOGIN),
    ("staff:accounts", ANY_LOGIN),
    ("staff:account-invite", ANY_LOGIN),
    ("staff:account-*", OBJECT),
    ("dashboard:index", ANY_LOGIN),
    ("dashboard:region", ANY_LOGIN),
    ("dashboard:*", OBJECT),
    ("entry:home", ANY_LOGIN),
    ("entry:upload", ANY_LOGIN),
    ("entry:upload-confirm", ANY_LOGIN),
    ("entry:*", OBJECT),
    ("committee:index", ANY_LOGIN),
    ("committee:*", OBJECT),
    ("review:queue", ANY_LOGIN),
    ("review:decide", ANY_LOGIN),
    ("review:*", OBJECT),
    ("calls:index", ANY_LOGIN),  # a planner's data calls (照会)
    ("calls:*", OBJECT),  # a plan's call: open, board, remind, close
    ("admin:index", ANY_LOGIN),
    ("admin:password_change", ANY_LOGIN),
    ("admin:password_change_done", ANY_LOGIN),
    ("admin:app_list", ANY_LOGIN),
    ("admin:autocomplete", ANY_LOGIN),
    ("admin:*_changelist", ANY_LOGIN),
    ("admin:*_add", ANY_LOGIN),
    ("admin:plans_plan_import", ANY_LOGIN),
    # Any admin page of one object: change, delete, history, a historical version (revert).
    ("admin:*_change", OBJECT),
    ("admin:*_delete", OBJECT),
    ("admin:*_history", OBJECT),
    ("admin:*_simple_history", OBJECT),
    ("admin:auth_user_password_change", OBJECT),
    ("admin:plans_plan_workbook", OBJECT),
    ("admin/*/<path:object_id>/", OBJECT),  # the admin's redirect to the change page
    ("admin/(?P<url>.*)$", OBJECT),  # the admin's catch-all, given an object's change path
]

# Query strings some views read.
QUERIES = {
    "entry:mark": "?kpi={kpi}&year={year}&value=1",
    "plans:search": "?q={kpi_name}",
    "api:kpi-search": "?q={kpi_name}",
    "admin:autocomplete": "?app_label=plans&model_name=actual&field_name=kpi&term=",
    "dashboard:region": "?year={year}",
}

# Markers planted in 小郡's unpublished data: none may appear in any response to an outsider.
SECRET_VALUE = "8675309"
SECRET_NOTE = "極秘メモQ7X3"
SECRET_EMAIL = "ogori-clerk-q7x3@example.jp"
MARKERS = ("8,675,309", SECRET_VALUE, "Q7X3", "q7x3")
UNPUBLISHED_YEAR = 2024  # R6: within 小郡's 第2期, not published


def rule_for(key: str) -> str | None:
    return next((rule for pattern, rule in RULES if fnmatch.fnmatchcase(key, pattern)), None)


@dataclass
class Target:
    """小郡's objects the outsiders must not reach, and the values that fill each parameter."""

    values: dict
    admin_objects: dict  # model label -> object
    plan: Plan


@pytest.fixture
def target(seed) -> Target:
    plan = Plan.objects.get(slug="ogori-strategy-2")
    department = Department.objects.get(municipality__name="小郡市", name="商工観光課")
    kpi = Kpi.objects.filter(plan=plan, department=department).order_by("pk").first()
    assert not PublishedYear.objects.filter(plan=plan, year=UNPUBLISHED_YEAR).exists()
    actual, _created = Actual.objects.update_or_create(
        kpi=kpi,
        year=UNPUBLISHED_YEAR,
        defaults={"raw": "8,675,309人", "value": int(SECRET_VALUE), "status": "measured", "note": SECRET_NOTE},
    )
    clerk = make_staff("ogori-clerk-q7x3", DEPARTMENT_STAFF, departments=["商工観光課"])
    clerk.email = SECRET_EMAIL
    clerk.save()
    project = plan.projects.first()
    project.departments.add(department)
    review, _created = ProjectReview.objects.get_or_create(
        project=project, year=UNPUBLISHED_YEAR, defaults={"done": SECRET_NOTE}
    )
    package = Plan.objects.get(slug="kurume-strategy-2").packages.first()  # 小郡's plans have none
    AccessAttempt.objects.create(username="ogori-clerk-q7x3", ip_address="192.0.2.1", failures_since_start=1)
    AccessLog.objects.create(username="ogori-clerk-q7x3", ip_address="192.0.2.1")
    AccessFailureLog.objects.create(username="ogori-clerk-q7x3", ip_address="192.0.2.1", locked_out=False)
    admin_objects = {
        "plans.plan": plan,
        "plans.municipality": plan.municipality,
        "plans.department": department,
        "plans.policydirection": plan.directions.first(),
        "plans.package": package,
        "plans.project": project,
        "plans.kpi": kpi,
        "plans.actual": actual,
        "plans.projectreview": review,
        "plans.publishedyear": plan.published_years.first(),
        "plans.staffprofile": StaffProfile.objects.get(user=clerk),
        "auth.user": clerk,
        "auth.group": Group.objects.get(name=PLANNER),
        "axes.accessattempt": AccessAttempt.objects.get(username="ogori-clerk-q7x3"),
        "axes.accesslog": AccessLog.objects.get(username="ogori-clerk-q7x3"),
        "axes.accessfailurelog": AccessFailureLog.objects.get(username="ogori-clerk-q7x3"),
    }
    values = {
        "slug": plan.slug,
        "number": kpi.goal.number if kpi.goal else plan.goals.first().number,
        "code": kpi.code,
        "kpi": kpi.pk,
        "department": department.pk,
        "year": UNPUBLISHED_YEAR,
        "uidb64": urlsafe_base64_encode(force_bytes(clerk.pk)),
        "token": "set-password",  # not a valid token: the link must say so and reveal nothing
        "app_label": "plans",
        "content_type_id": ContentType.objects.get_for_model(Plan).pk,
        "kpi_name": kpi.name[:6],
        "section": "kpis",  # a section of the sitemap (/sitemap-kpis.xml): every plan's KPIs
    }
    return Target(values=values, admin_objects=admin_objects, plan=plan)


def fill(endpoint, target: Target) -> tuple[str, tuple]:
    """The values for ``endpoint``'s parameters: 小郡's objects, by what the URL is about."""
    values = dict(target.values)
    positional: tuple = ()
    obj = None
    if endpoint.key.startswith(("admin:", "admin/")):
        label = _admin_model_label(endpoint)
        if label is not None:
            if label not in target.admin_objects:
                raise CannotFill(f"{endpoint.key}: no object of {label} to walk with")
            obj = target.admin_objects[label]
    if endpoint.key.startswith(("staff:account-",)) or endpoint.key == "admin:auth_user_password_change":
        obj = target.admin_objects["auth.user"]
    if endpoint.key.startswith("dashboard:"):
        obj = target.admin_objects["plans.kpi"]  # dashboard:kpi and kpi-lineage take a KPI's pk
    if obj is not None:
        values.update(object_id=obj.pk, pk=obj.pk, id=obj.pk)
        history = getattr(type(obj), "history", None)
        history_id = history.filter(id=obj.pk).values_list("history_id", flat=True).first() if history else 1
        positional = (obj.pk, history_id or 1)
    if endpoint.key == "admin/(?P<url>.*)$":
        actual = target.admin_objects["plans.actual"]
        values["url"] = f"plans/actual/{actual.pk}/change"
    if endpoint.key == "admin:view_on_site":
        values["object_id"] = target.plan.pk
    path = build(endpoint, values, positional)
    query = QUERIES.get(endpoint.key, "")
    return path + query.format(**values), positional


def _admin_model_label(endpoint) -> str | None:
    if endpoint.name and endpoint.name.startswith("admin:"):
        for model in admin.site._registry:
            prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
            if endpoint.name.startswith(prefix):
                return model._meta.label_lower
        return None
    parts = endpoint.route.split("/")
    if len(parts) > 3 and "<path:object_id>" in endpoint.route:
        return f"{parts[1]}.{parts[2]}"
    return None


# Data posted to every URL: if any view took it, it would change 小郡's data.
def post_data(target: Target) -> dict:
    kpi = target.admin_objects["plans.kpi"]
    actual = target.admin_objects["plans.actual"]
    department = target.admin_objects["plans.department"]
    return {
        "kpi": [str(kpi.pk)],
        f"value-{kpi.pk}": "1人",
        f"version-{kpi.pk}": str(actual.version),
        f"note-{kpi.pk}": "書き換え",
        "year": str(UNPUBLISHED_YEAR),
        "raw": "1人",
        "value": "1",
        "status": "measured",
        "note": "書き換え",
        "seen_version": str(actual.version),
        "name": "乗っ取り",
        "title": "乗っ取り",
        "plan": target.plan.slug,
        "action": "publish",
        "municipality": str(target.plan.municipality_id),
        "departments": [str(department.pk)],
        "role": "admin",
        "email": "intruder@example.jp",
        "username": "intruder",
        "is_superuser": "on",
        "is_staff": "on",
        "is_active": "on",
        "password": "a-strong-password-123",
        "password1": "a-strong-password-123",
        "password2": "a-strong-password-123",
        "new_password1": "a-strong-password-123",
        "new_password2": "a-strong-password-123",
        "token": "x",
        "language": "en",
        "text": "乗っ取り",  # a committee comment or an evaluation
        "goal-1-text": "乗っ取り",
        "field": "target",  # a target revision
        "new_text": "1人",
        "effective_from_year": str(UNPUBLISHED_YEAR),
        "revised_on": "2024-04-01",
        "reason": "乗っ取り",
        "post": "yes",  # the admin's delete confirmation
        "_change_history": "1",
        "_objects": {label: obj.pk for label, obj in target.admin_objects.items()},
    }


def data_for(endpoint, data: dict) -> dict:
    """What is posted: the common data, and on an admin changelist its delete action, aimed at
    the other municipality's row of that model."""
    label = _admin_model_label(endpoint) if endpoint.key.endswith("_changelist") else None
    if label is None:
        return data
    return {**data, "action": "delete_selected", "_selected_action": [str(data["_objects"][label])], "post": "yes"}


@pytest.fixture
def outsiders(target) -> dict:
    ukiha = list(Department.objects.filter(municipality__name="うきは市").values_list("name", flat=True)[:3])
    return {
        "anonymous": None,
        "department staff of another department": make_staff(
            "ogori-keiei", DEPARTMENT_STAFF, departments=["経営戦略課"]
        ),
        "department staff of another municipality": make_staff("ukiha-dept", DEPARTMENT_STAFF, "うきは市", ukiha),
        "planner of another municipality": make_staff("ukiha-planner", PLANNER, "うきは市"),
        "administrator of another municipality": make_staff("ukiha-admin", ADMINISTRATOR, "うきは市"),
        "committee member of another municipality": make_staff("ukiha-committee", COMMITTEE_MEMBER, "うきは市"),
    }


LOGIN_FIELDS = ("pk", "username", "email", "password", "is_active", "is_staff", "is_superuser", "groups")


def database_checksum() -> str:
    """Every row of the plans app, and every login's identity, flags, password hash and groups
    (not its last login time, which logging the outsiders in moves)."""
    digest = hashlib.sha256()
    for model in [*apps.get_app_config("plans").get_models(), Group]:
        if model.__name__.startswith("Historical"):
            continue
        for row in model.objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
    for row in get_user_model().objects.order_by("pk", "groups").values_list(*LOGIN_FIELDS):
        digest.update(repr(row).encode())
    for through in (Group.permissions.through, get_user_model().user_permissions.through):
        for row in through.objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def body_text(response) -> str:
    """The response's text as a visitor gets it, without the forms' CSRF token: 64 random letters
    and digits, which hold ``Q7X3`` or ``q7x3`` once in some 120,000 tokens (every page carries
    one in its language form and a walk reads thousands: a false alarm every twenty runs or so)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK"):  # an xlsx: the text is in the zipped XML
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"".join(archive.read(name) for name in archive.namelist())
    return _CSRF_TOKEN.sub(r"\1", content.decode("utf-8", errors="ignore"))


_CSRF_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+')


def test_a_csrf_token_is_not_taken_for_a_marker_and_the_markers_still_are():
    page = HttpResponse('<input type="hidden" name="csrfmiddlewaretoken" value="ab12Q7X3cd"><p>ok</p>')
    assert not any(marker in body_text(page) for marker in MARKERS)
    leak = HttpResponse(f'<input type="hidden" name="csrfmiddlewaretoken" value="ab12cd"><p>{SECRET_NOTE}</p>')
    assert any(marker in body_text(leak) for marker in MARKERS)


REFUSED = {301, 302, 400, 403, 404, 405}
# Where a refusal may redirect: a login page, or the admin's index ("does not exist"). A redirect
# anywhere else (a changelist after a save, the entry form after saving) is followed.
REFUSAL_REDIRECTS = ("/staff/login/", "/admin/login/")


def is_refusal(response, client, hops: int = 3) -> bool:
    """Refused: 400, 403, 404, 405, or a redirect to a login page or the admin's index; any other
    redirect (the admin's object URL to its change page, an added slash) is followed and judged."""
    if response.status_code not in REFUSED:
        return False
    if response.status_code not in (301, 302):
        return True
    location = response["Location"]
    if location.split("?")[0].startswith(REFUSAL_REDIRECTS) or location == "/admin/":
        return True
    return hops > 0 and is_refusal(client.get(location), client, hops - 1)


def test_every_url_refuses_every_role_it_is_not_for(target, outsiders, capsys):
    unruled, unfilled, failures = [], [], []
    walked = requests = 0
    before = database_checksum()
    data = post_data(target)
    for endpoint in endpoints():
        rule = rule_for(endpoint.key)
        if rule is None:
            unruled.append(endpoint.key)
            continue
        try:
            path, _positional = fill(endpoint, target)
        except CannotFill as error:
            unfilled.append(str(error))
            continue
        walked += 1
        for who, user in outsiders.items():
            for method in ("get", "post"):
                cache.clear()  # every request reaches the view, not a page cached for another
                client = Client()
                if user is not None:
                    client.force_login(user)
                response = client.get(path) if method == "get" else client.post(path, data_for(endpoint, data))
                requests += 1
                where = f"{method.upper()} {path} ({endpoint.key}) as {who}: {response.status_code}"
                text = body_text(response)
                if any(marker in text for marker in MARKERS) or SECRET_EMAIL in text:
                    failures.append(f"{where} carries another municipality's unpublished data")
                if response.status_code >= 500:
                    failures.append(f"{where} is a server error")
                refused = is_refusal(response, client)
                if rule == OBJECT and not refused:
                    failures.append(f"{where} is not refused")
                if rule == ANY_LOGIN and user is None and not refused:
                    failures.append(f"{where} answers an anonymous visitor")
    after = database_checksum()
    with capsys.disabled():
        print(f"\nauthorisation walk: {walked} URL patterns, {requests} requests, {len(outsiders)} outsiders")
    assert unruled == [], "URL patterns with no rule in RULES (say who each is for)"
    assert unfilled == [], "URL patterns the walk cannot fill"
    assert failures == []
    assert before == after, "a request as an outsider changed the database"
    assert walked == len(endpoints())


# What a committee member (外部委員) of 小郡市 may open on 小郡's plans: read-only pages (a KPI's
# history of actuals among them), and the committee's comments (a write of its own, tested in
# tests/staff/test_committee.py).
COMMITTEE_READS = ("dashboard:*", "committee:plan-year", "committee:kpi-revisions", "entry:kpi-history")
COMMITTEE_WRITES = ("committee:comment",)


def test_a_committee_member_of_the_plan_reads_and_changes_nothing(target):
    """小郡's own committee member walks every URL that names 小郡's objects: it reads the
    dashboards and the committee pages, and is refused everything else (entry, review, calls,
    publication, the admin, accounts); no request of it changes the database."""
    member = make_staff("ogori-committee", COMMITTEE_MEMBER)
    data = post_data(target)
    failures, read = [], []
    before = database_checksum()
    for endpoint in endpoints():
        rule = rule_for(endpoint.key)
        if rule in (None, PUBLIC) or any(fnmatch.fnmatchcase(endpoint.key, key) for key in COMMITTEE_WRITES):
            continue  # unruled URLs fail the walk above
        try:
            path, _positional = fill(endpoint, target)
        except CannotFill:
            continue
        reads = any(fnmatch.fnmatchcase(endpoint.key, pattern) for pattern in COMMITTEE_READS)
        for method in ("get", "post"):
            cache.clear()
            client = Client()
            client.force_login(member)
            response = client.get(path) if method == "get" else client.post(path, data_for(endpoint, data))
            where = f"{method.upper()} {path} ({endpoint.key}): {response.status_code}"
            if response.status_code >= 500:
                failures.append(f"{where} is a server error")
            elif reads and method == "get":
                if response.status_code == 200:
                    read.append(endpoint.key)
            elif rule == OBJECT and not is_refusal(response, client):
                failures.append(f"{where} is not refused")
    assert failures == []
    assert {"dashboard:plan", "dashboard:kpi", "committee:plan-year", "committee:kpi-revisions"} <= set(read)
    assert database_checksum() == before, "a request of a committee member changed the database"


def test_the_walk_fails_on_a_url_it_has_no_rule_for():
    assert rule_for("newapp:something") is None
    assert rule_for("admin:plans_newmodel_change") == OBJECT


def test_the_markers_are_planted_where_insiders_see_them(client, target):
    """The walk proves something only if the markers do show to those allowed to see them."""
    client.force_login(make_staff("ogori-shoko", DEPARTMENT_STAFF, departments=["商工観光課"]))
    kpi = target.admin_objects["plans.kpi"]
    response = client.get(f"/staff/entry/departments/{target.values['department']}/{UNPUBLISHED_YEAR}/")
    assert "8,675,309" in response.content.decode()
    assert (
        SECRET_NOTE
        in client.get(f"/admin/plans/actual/{target.admin_objects['plans.actual'].pk}/change/").content.decode()
    )
    client.force_login(make_staff("ogori-planner", PLANNER))
    assert "8,675,309" in client.get(f"/staff/dashboard/plans/{target.plan.slug}/kpis/{kpi.pk}/").content.decode()
    client.force_login(make_staff("ogori-admin", ADMINISTRATOR))
    assert SECRET_EMAIL in client.get("/staff/accounts/").content.decode()
    assert Municipality.objects.filter(name="うきは市").exists()
