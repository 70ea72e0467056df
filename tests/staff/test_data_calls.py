"""Data calls (照会) on the staff pages: a planner opens a call, follows every department on the
call's board (in a bounded number of queries) and reminds one department now; each department
sees the call on its staff home as a to-do."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from plans.models import DataCall, Kpi, ReminderSent, ReportedActual
from tests.logins import DEPARTMENT_STAFF, PLANNER, make_staff
from tests.plans.test_data_call_reminders import YEAR, open_call, plan_with_departments, report

pytestmark = pytest.mark.django_db


def board(call) -> str:
    return f"/staff/calls/plans/{call.plan.slug}/{call.year}/"


def remind_url(call, department) -> str:
    return f"{board(call)}departments/{department.pk}/remind/"


@pytest.fixture
def town():
    """A plan of 6 KPIs in 3 departments, its planner, and a clerk of the first department."""
    plan, departments = plan_with_departments(6, 3)
    town_name = plan.municipality.name
    return {
        "plan": plan,
        "departments": departments,
        "planner": make_staff("planner", PLANNER, town_name),
        "clerk": make_staff("clerk", DEPARTMENT_STAFF, town_name, [departments[0].name]),
    }


# -- Opening a call -----------------------------------------------------------------------------


def test_the_open_form_defaults_to_the_entry_year_and_lists_the_plans_departments(client, town):
    client.force_login(town["planner"])
    html = client.get(f"/staff/calls/plans/{town['plan'].slug}/open/").content.decode()
    assert 'name="year"' in html and "担当課00" in html and "担当課02" in html
    assert 'name="deadline-' in html and "照会を開く" in html


def test_a_planner_opens_a_call_with_a_default_deadline_and_one_of_its_own(client, town):
    departments = town["departments"]
    default, own = timezone.localdate() + timedelta(days=20), timezone.localdate() + timedelta(days=5)
    client.force_login(town["planner"])
    data = {"year": YEAR, "message": "R4年度の実績をお願いします。", "deadline": default.isoformat()}
    data |= {f"ask-{department.pk}": "on" for department in departments[:2]}  # not the third
    data[f"deadline-{departments[1].pk}"] = own.isoformat()
    response = client.post(f"/staff/calls/plans/{town['plan'].slug}/open/", data)
    call = DataCall.objects.get(plan=town["plan"], year=YEAR)
    assert response.status_code == 302 and response["Location"] == board(call)
    assert call.message == "R4年度の実績をお願いします。"
    assert dict(call.departments.values_list("department_id", "deadline")) == {
        departments[0].pk: default,
        departments[1].pk: own,
    }
    again = client.post(f"/staff/calls/plans/{town['plan'].slug}/open/", data)
    assert again.status_code == 400 and "照会はすでに開かれています" in again.content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"deadline": "2000-01-01"}, "締切に過去の日付は指定できません。"),
        ({"ask": False}, "照会する担当課を選んでください。"),
        ({"year": "20225"}, "year"),
    ],
)
def test_opening_refuses_bad_input_in_japanese_and_writes_nothing(client, town, change, message):
    client.force_login(town["planner"])
    data = {"year": change.get("year", YEAR), "deadline": change.get("deadline", "2099-03-31")}
    if change.get("ask", True):
        data[f"ask-{town['departments'][0].pk}"] = "on"
    response = client.post(f"/staff/calls/plans/{town['plan'].slug}/open/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not DataCall.objects.exists()


def test_department_staff_and_planners_of_another_municipality_cannot_open_a_call(client, town):
    url = f"/staff/calls/plans/{town['plan'].slug}/open/"
    data = {"year": YEAR, "deadline": "2099-03-31", f"ask-{town['departments'][0].pk}": "on"}
    client.force_login(town["clerk"])
    assert client.post(url, data).status_code == 403
    other, _departments = plan_with_departments(1, 1, slug="elsewhere")
    client.force_login(make_staff("other-planner", PLANNER, other.municipality.name))
    assert client.post(url, data).status_code == 404
    assert not DataCall.objects.exists()


# -- The board ----------------------------------------------------------------------------------


BOARD_QUERIES = 15  # the same for 3 departments and 50 KPIs as for 30 and 500


@pytest.mark.parametrize(("kpis", "departments"), [(50, 3), (500, 30)])
def test_the_board_answers_in_a_bounded_number_of_queries(client, kpis, departments, django_assert_max_num_queries):
    plan, rows = plan_with_departments(kpis, departments, slug=f"board-{kpis}")
    call = open_call(plan, rows)
    owned = list(Kpi.objects.filter(plan=plan).order_by("order"))
    submitted, pending = owned[::4], [kpi for index, kpi in enumerate(owned) if index % 4 and index % 7 == 1]
    ReportedActual.objects.bulk_create(
        [ReportedActual(kpi=kpi, year=YEAR, raw="120人", value=120, state="submitted") for kpi in submitted]
        + [ReportedActual(kpi=kpi, year=YEAR, raw="集計中", status="pending") for kpi in pending]
    )
    ReminderSent.objects.create(call=call, department=rows[0], sent_on=timezone.localdate())
    client.force_login(make_staff(f"planner-{kpis}", PLANNER, plan.municipality.name))
    with django_assert_max_num_queries(BOARD_QUERIES):
        response = client.get(board(call))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("今すぐ督促") == departments  # every department misses something
    assert len(response.context["rows"]) == departments
    totals = response.context["totals"]
    assert totals["owned"] == kpis and totals["submitted"] == len(submitted)
    assert totals["entered"] == len(submitted) and totals["pending"] == len(pending)
    assert totals["missing"] == kpis - len(submitted) - len(pending)
    assert "（本日）" in html  # the first department's last reminder


def test_the_board_shows_each_departments_counts_deadline_and_lateness(client, town):
    plan, departments = town["plan"], town["departments"]
    call = open_call(plan, departments, deadline=timezone.localdate() - timedelta(days=3))
    first, _second = Kpi.objects.filter(department=departments[0]).order_by("order")
    report(first, state="approved")
    client.force_login(town["planner"])
    response = client.get(board(call))
    rows = {row.department.pk: row for row in response.context["rows"]}
    counts = rows[departments[0].pk].counts
    assert (counts.owned, counts.entered, counts.missing, counts.approved) == (2, 1, 1, 1)
    assert '<span class="mark-bad">3日超過</span>' in response.content.decode()


def test_department_staff_and_other_planners_cannot_read_the_board(client, town):
    call = open_call(town["plan"], town["departments"])
    client.force_login(town["clerk"])
    assert client.get(board(call)).status_code == 403
    other, _departments = plan_with_departments(1, 1, slug="elsewhere")
    client.force_login(make_staff("other-planner", PLANNER, other.municipality.name))
    assert client.get(board(call)).status_code == 404


# -- Reminding one department now --------------------------------------------------------------


def test_remind_now_mails_the_department_once_a_day_and_says_so_in_japanese(client, town):
    call = open_call(town["plan"], town["departments"])
    client.force_login(town["planner"])
    response = client.post(remind_url(call, town["departments"][0]), follow=True)
    assert [message.to for message in mail.outbox] == [["clerk@example.jp"]]
    assert "担当課00に督促メールを送りました（1人、未入力2件）。" in response.content.decode()
    reminder = ReminderSent.objects.get()
    assert reminder.sent_by == town["planner"] and reminder.missing_count == 2
    response = client.post(remind_url(call, town["departments"][0]), follow=True)
    assert len(mail.outbox) == 1
    assert "担当課00には本日すでに督促を送っています。督促は1日1回までです。" in response.content.decode()


def test_remind_now_is_for_planners_only_and_by_post(client, town):
    call = open_call(town["plan"], town["departments"])
    client.force_login(town["clerk"])
    assert client.post(remind_url(call, town["departments"][0])).status_code == 403
    client.force_login(town["planner"])
    assert client.get(remind_url(call, town["departments"][0])).status_code == 405
    assert mail.outbox == [] and not ReminderSent.objects.exists()


def test_a_department_that_was_not_asked_cannot_be_reminded(client, town):
    call = open_call(town["plan"], town["departments"][:1])
    client.force_login(town["planner"])
    assert client.post(remind_url(call, town["departments"][1])).status_code == 403
    assert mail.outbox == []


def test_closing_a_call_takes_it_off_the_staff_home_and_stops_reminders(client, town):
    call = open_call(town["plan"], town["departments"])
    client.force_login(town["planner"])
    client.post(f"{board(call)}close/")
    call.refresh_from_db()
    assert call.closed_at is not None
    response = client.post(remind_url(call, town["departments"][0]), follow=True)
    assert "締め切られた照会では督促できません。" in response.content.decode() and mail.outbox == []
    client.force_login(town["clerk"])
    assert "照会への回答" not in client.get("/staff/").content.decode()


def test_only_the_lead_planner_may_close_a_call(client, town):
    call = open_call(town["plan"], town["departments"])
    client.force_login(town["clerk"])
    assert client.post(f"{board(call)}close/").status_code == 403
    call.refresh_from_db()
    assert call.closed_at is None


# -- The staff home's to-do ---------------------------------------------------------------------


def test_a_department_sees_the_open_call_on_its_staff_home(client, town):
    departments = town["departments"]
    call = open_call(town["plan"], departments, deadline=timezone.localdate() + timedelta(days=4))
    first, second = Kpi.objects.filter(department=departments[0]).order_by("order")
    report(first, state="submitted")
    report(second, status="pending", raw="集計中")
    client.force_login(town["clerk"])
    response = client.get("/staff/")
    html = response.content.decode()
    [row] = response.context["calls"]  # its own department only
    assert row.call == call and row.department == departments[0]
    counts = row.counts
    assert (counts.owned, counts.entered, counts.pending, counts.missing, counts.submitted) == (2, 1, 1, 0, 1)
    assert "照会への回答" in html and town["plan"].title in html and "R4年度 (2022)" in html
    assert f'href="/staff/entry/departments/{departments[0].pk}/2022/"' in html
    assert "回答済" in html  # nothing missing: no countdown


def test_a_late_department_sees_how_many_days_it_is_late_in_red(client, town):
    open_call(town["plan"], town["departments"], deadline=timezone.localdate() - timedelta(days=2))
    client.force_login(town["clerk"])
    assert '<span class="mark-bad">2日超過</span>' in client.get("/staff/").content.decode()


def test_days_left_are_shown_before_the_deadline(client, town):
    open_call(town["plan"], town["departments"], deadline=timezone.localdate() + timedelta(days=6))
    client.force_login(town["clerk"])
    html = client.get("/staff/").content.decode()
    assert '<span class="">残り6日</span>' in html and "超過" not in html


def test_a_planner_sees_the_open_calls_on_its_home(client, town):
    call = open_call(town["plan"], town["departments"])
    client.force_login(town["planner"])
    html = client.get("/staff/").content.decode()
    assert "受付中の照会" in html and f'href="{board(call)}"' in html and 'href="/staff/calls/"' in html


def test_in_a_regional_plan_a_partners_planner_asks_and_follows_its_own_departments_only(client, town):
    """The lead's planner reaches every department of the plan; a partner municipality's planner
    only its own (the reach of entering values), and adds them to the lead's open call."""
    plan, departments = town["plan"], town["departments"]
    partner, [partner_department] = plan_with_departments(1, 1, slug="partner")
    Kpi.objects.filter(plan=partner).update(plan=plan, code="partner-K0")  # a KPI of the regional plan in its charge
    plan.partners.add(partner.municipality)
    call = open_call(plan, departments)
    partner_planner = make_staff("partner-planner", PLANNER, partner.municipality.name)
    client.force_login(partner_planner)
    assert [row.department for row in client.get(board(call)).context["rows"]] == []
    response = client.post(
        f"/staff/calls/plans/{plan.slug}/open/",
        {"year": YEAR, "deadline": "2099-03-31", f"ask-{partner_department.pk}": "on"},
    )
    assert response.status_code == 302
    assert call.departments.get(department=partner_department).deadline.isoformat() == "2099-03-31"
    assert [row.department for row in client.get(board(call)).context["rows"]] == [partner_department]
    assert call.departments.count() == 4
    assert "この照会を締め切る" not in client.get(board(call)).content.decode()  # the lead closes it
    client.force_login(town["planner"])
    assert len(client.get(board(call)).context["rows"]) == 4


def test_the_calls_page_lists_the_calls_and_the_plans_to_open_one_for(client, town):
    call = open_call(town["plan"], town["departments"])
    client.force_login(town["planner"])
    html = client.get("/staff/calls/").content.decode()
    assert f'href="{board(call)}"' in html and "受付中" in html
    assert f'href="/staff/calls/plans/{town["plan"].slug}/open/"' in html
    client.force_login(town["clerk"])
    assert client.get("/staff/calls/").status_code == 403
