"""Staff enter yearly actuals on the department's entry page."""

import math

import pytest

from plans.models import Actual, Department, Kpi, ReportedActual
from plans.services import review
from plans.services.actuals import ConcurrentChange, Submission, apply, entry_rows, preview
from plans.services.history import kpi_history
from tests.logins import DEPARTMENT_STAFF, PLANNER, make_staff

pytestmark = pytest.mark.django_db

YEAR = 2025  # R7: the first year of 小郡's 第3期


@pytest.fixture
def shoko(seed):
    return make_staff("shoko", DEPARTMENT_STAFF, departments=["商工観光課"])


@pytest.fixture
def department():
    return Department.objects.get(municipality__name="小郡市", name="商工観光課")


def kpi(code, slug="ogori-strategy-3"):
    return Kpi.objects.get(plan__slug=slug, code=code)


def form_data(rows: dict) -> dict:
    data = {"kpi": []}
    for kpi_obj, (value, status, note) in rows.items():
        data["kpi"].append(str(kpi_obj.pk))
        data[f"value-{kpi_obj.pk}"] = value
        data[f"status-{kpi_obj.pk}"] = status
        data[f"note-{kpi_obj.pk}"] = note
        current = ReportedActual.objects.filter(kpi=kpi_obj, year=YEAR).first()
        data[f"version-{kpi_obj.pk}"] = str(current.version if current else 0)
        data[f"confirm-{kpi_obj.pk}"] = "1"  # the person read any warnings and confirms
    return data


def test_entry_page_lists_the_departments_kpis_with_the_years_target(client, shoko, department):
    client.force_login(shoko)
    page = client.get(f"/staff/entry/departments/{department.pk}/{YEAR}/").content.decode()
    assert "創業者数(H27)" in page
    assert "年間観光入込客数" in page
    assert "R7年度 (2025)" in page
    assert "市内就業者数" not in page  # 経営戦略課's KPI
    assert "193" in page  # 創業者数: 146人 (R5) -> 287人 (R11): 193 on the line in R7


def test_values_as_staff_write_them_are_saved_and_the_change_is_shown(client, shoko, department):
    client.force_login(shoko)
    data = form_data(
        {
            kpi("1(2)-1"): ("１７０人", "", ""),
            kpi("2(1)-n1"): ("27,000人", "", ""),
            kpi("2(2)-1"): ("", "集計中", "県の公表待ち"),
        }
    )
    response = client.post(f"/staff/entry/departments/{department.pk}/{YEAR}/", data, follow=True)
    page = response.content.decode()
    assert "3件の変更を保存しました" in page
    assert "創業者数(H27): 空欄 → １７０人" in page
    assert ReportedActual.objects.get(kpi=kpi("1(2)-1"), year=YEAR).value == 170
    assert ReportedActual.objects.get(kpi=kpi("2(1)-n1"), year=YEAR).value == 27000
    pending = ReportedActual.objects.get(kpi=kpi("2(2)-1"), year=YEAR)
    assert (pending.status, pending.value, pending.note, pending.state) == ("pending", None, "県の公表待ち", "draft")
    # Drafts: nothing official until a planner approves.
    assert not Actual.objects.filter(kpi__in=[kpi("1(2)-1"), kpi("2(1)-n1"), kpi("2(2)-1")], year=YEAR).exists()


def test_negative_triangle_is_minus(shoko):
    result = preview(shoko, [Submission(kpi("1(2)-1").pk, YEAR, "△5")])
    assert result.changes[0].new_value == -5


def test_unreadable_value_saves_nothing_and_says_why(client, shoko, department):
    client.force_login(shoko)
    data = form_data({kpi("1(2)-1"): ("たくさん", "", ""), kpi("2(1)-n1"): ("27,000人", "", "")})
    page = client.post(f"/staff/entry/departments/{department.pk}/{YEAR}/", data).content.decode()
    assert "「たくさん」は数値として読めません" in page
    assert not Actual.objects.filter(kpi__in=[kpi("1(2)-1"), kpi("2(1)-n1")], year=YEAR).exists()


def test_mark_endpoint_gives_the_mark_a_typed_value_earns(client, shoko):
    client.force_login(shoko)
    target = kpi("1(2)-1")
    assert client.get("/staff/entry/mark/", {"kpi": target.pk, "year": YEAR, "value": "193人"}).json()["mark"] == "○"
    assert client.get("/staff/entry/mark/", {"kpi": target.pk, "year": YEAR, "value": "１８０"}).json()["mark"] == "△"
    assert client.get("/staff/entry/mark/", {"kpi": target.pk, "year": YEAR, "value": "150"}).json()["mark"] == "×"
    assert (
        client.get("/staff/entry/mark/", {"kpi": target.pk, "year": YEAR, "value": "", "status": "集計中"}).json()[
            "mark"
        ]
        == "-"
    )
    assert (
        "読めません"
        in client.get("/staff/entry/mark/", {"kpi": target.pk, "year": YEAR, "value": "abc"}).json()["error"]
    )


def test_second_save_of_the_same_actual_is_refused_not_overwritten(client, shoko, department, seed):
    other = make_staff("shoko2", DEPARTMENT_STAFF, departments=["商工観光課"])
    target = kpi("1(2)-1")
    stale = form_data({target: ("160人", "", "")})  # both opened the page before anyone saved
    client.force_login(other)
    client.post(f"/staff/entry/departments/{department.pk}/{YEAR}/", form_data({target: ("150人", "", "")}))
    client.force_login(shoko)
    page = client.post(f"/staff/entry/departments/{department.pk}/{YEAR}/", stale).content.decode()
    assert "ほかの人が先に保存しています" in page
    assert ReportedActual.objects.get(kpi=target, year=YEAR).raw == "150人"


def test_apply_refuses_all_changes_when_one_actual_changed_meanwhile(shoko):
    first = preview(shoko, [Submission(kpi("1(2)-1").pk, YEAR, "150人"), Submission(kpi("2(2)-1").pk, YEAR, "800千人")])
    apply(shoko, [first.changes[0]])
    with pytest.raises(ConcurrentChange):
        apply(shoko, first.changes)
    assert not Actual.objects.filter(kpi=kpi("2(2)-1"), year=YEAR).exists()


def test_edit_history_shows_each_change_with_user_and_time(client, shoko, seed):
    """The official history records who made each value official: the planner approving the
    department's value, then the planner approving a correction they entered themselves."""
    planner = make_staff("kikaku", PLANNER)
    target = kpi("1(2)-1")
    apply(shoko, preview(shoko, [Submission(target.pk, YEAR, "150人")]).changes)
    reported = ReportedActual.objects.get(kpi=target, year=YEAR)
    review.submit(shoko, [reported.pk])
    review.approve(planner, [reported.pk])
    reported.refresh_from_db()
    apply(planner, preview(planner, [Submission(target.pk, YEAR, "155人", version=reported.version)]).changes)
    review.approve(planner, [reported.pk])
    entries = kpi_history(target.pk)
    assert [(entry.who, entry.old, entry.new) for entry in entries[:2]] == [
        ("kikaku", "150人", "155人"),
        ("kikaku", "", "150人"),
    ]
    assert all(entry.when for entry in entries)
    assert [step.by.username for step in reported.steps.order_by("at", "id")] == [
        "shoko",
        "shoko",
        "kikaku",
        "kikaku",
        "kikaku",
    ]
    client.force_login(shoko)
    page = client.get(f"/staff/entry/kpis/{target.pk}/history/").content.decode()
    assert "kikaku" in page and "155人" in page


def commit_queries(user, kpis, text, version) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    changes = preview(user, [Submission(item.pk, 2023, text, version=version, confirmed=True) for item in kpis]).changes
    assert len(changes) == len(kpis)
    with CaptureQueriesContext(connection) as context:
        apply(user, changes)
    return len(context.captured_queries)


def test_committing_actuals_uses_bulk_operations_whatever_their_number(seed):
    from tests.factories import plan_with_kpis as build_plan

    planner = make_staff("kikaku2", PLANNER)
    small, large = build_plan(20), build_plan(300)
    for plan in (small, large):
        plan.municipality = planner.staff_profile.municipality
        plan.save()
    counts = []
    for plan in (small, large):
        kpis = list(Kpi.objects.filter(plan=plan))
        created = commit_queries(planner, kpis, "110", version=0)  # inserts
        updated = commit_queries(planner, kpis, "120", version=1)  # updates
        counts.append((created, updated))
    # savepoint, editable check, locking read, history user lookups, release, then the bulk writes of the rows and of
    # their history: one statement per batch (SQLite binds at most 999 values, so ~80 rows a batch;
    # PostgreSQL takes 500 rows a batch), never one per row. Then the stored progress of the
    # changed KPIs, in the same transaction: a fixed number of reads (the plan, its scale, its
    # years, the KPIs with targets, actuals and ratings for each view, the goals) and writes (the
    # old rows and tallies out), and its rows in batches: KPIs × 5 years × 2 views, ~75 a statement
    # on SQLite (13 columns), 2,000 on PostgreSQL.
    progress_fixed = 26
    for (created, updated), rows in zip(counts, (20, 300), strict=True):
        bound = 6 + 2 * math.ceil(rows / 50) + progress_fixed + math.ceil(rows * 5 * 2 / 75)
        assert created <= bound
        assert updated <= bound
    assert counts[1][0] < 300 / 3


def test_entry_rows_cover_only_kpis_whose_plan_runs_that_year(shoko):
    rows = entry_rows(shoko, YEAR)
    assert {row.plan_slug for row in rows} == {"ogori-strategy-3"}
