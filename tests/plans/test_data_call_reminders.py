"""Data calls (照会): what each department has answered, and the reminders the nightly command
(``send_data_call_reminders``) e-mails — never twice on one day for one call and department."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from plans.models import Actual, DataCall, DataCallDepartment, Department, Kpi, ReminderSent, ReportedActual
from plans.selectors.data_calls import CallCounts, call_board, missing_kpis
from plans.services import data_calls
from tests.factories import plan_with_kpis
from tests.logins import DEPARTMENT_STAFF, make_staff

pytestmark = pytest.mark.django_db

YEAR = 2022  # within the plan (2020–2024); plan_with_kpis writes actuals of 2020 and 2021 only
TODAY = date(2026, 5, 11)


def plan_with_departments(kpis: int, departments: int, slug: str = "calls"):
    """A plan of ``kpis`` KPIs, KPI ``i`` in the charge of department ``i % departments``."""
    plan = plan_with_kpis(kpis, slug=slug, store_progress=False)
    rows = Department.objects.bulk_create(
        Department(municipality=plan.municipality, name=f"担当課{index:02d}") for index in range(departments)
    )
    owned = list(Kpi.objects.filter(plan=plan).order_by("order"))
    for index, kpi in enumerate(owned):
        kpi.department = rows[index % departments]
    Kpi.objects.bulk_update(owned, ["department"])
    return plan, rows


def open_call(plan, departments, deadline=TODAY + timedelta(days=10), year=YEAR):
    call = DataCall.objects.create(plan=plan, year=year, message="よろしくお願いします。")
    DataCallDepartment.objects.bulk_create(
        DataCallDepartment(call=call, department=department, deadline=deadline) for department in departments
    )
    return call


def report(kpi, status="measured", raw="120人", value=Decimal(120), state="draft", year=YEAR):
    return ReportedActual.objects.create(
        kpi=kpi, year=year, status=status, raw=raw, value=value if status == "measured" else None, state=state
    )


@pytest.fixture
def town():
    """Two departments of 2 KPIs each, one clerk with an address in each."""
    plan, departments = plan_with_departments(4, 2)
    make_staff("clerk-0", DEPARTMENT_STAFF, plan.municipality.name, [departments[0].name])
    make_staff("clerk-1", DEPARTMENT_STAFF, plan.municipality.name, [departments[1].name])
    return plan, departments, open_call(plan, departments)


def run(day: date = TODAY, *args) -> str:
    out = StringIO()
    call_command("send_data_call_reminders", "--date", day.isoformat(), *args, stdout=out)
    return out.getvalue()


def test_a_department_is_reminded_once_a_day_however_often_the_command_runs(town):
    run()
    run()
    assert len(mail.outbox) == 2  # one per department, not two
    assert sorted(message.to[0] for message in mail.outbox) == ["clerk-0@example.jp", "clerk-1@example.jp"]
    assert ReminderSent.objects.filter(sent_on=TODAY).count() == 2
    output = run(TODAY + timedelta(days=1))
    assert len(mail.outbox) == 4  # the next day, again
    assert "督促 2課（2通）" in output


def test_the_second_run_of_a_day_says_it_sent_nothing(town):
    run()
    output = run()
    assert "本日送信済 2課: 担当課00、担当課01" in output and "督促 " not in output


def test_a_department_with_nothing_missing_gets_no_reminder(town):
    _plan, departments, _call = town
    first, second = Kpi.objects.filter(department=departments[0]).order_by("order")
    report(first)
    report(second, status="pending", raw="集計中")  # 集計中 is an answer to come back to, not missing
    output = run()
    assert [message.to for message in mail.outbox] == [["clerk-1@example.jp"]]
    assert "未入力なし 1課: 担当課00" in output
    assert not ReminderSent.objects.filter(department=departments[0]).exists()


def test_the_reminder_names_the_plan_the_year_the_deadline_the_missing_kpis_and_the_entry_page(town, settings):
    settings.SITE_URL = "https://kpi.example.jp/"
    plan, departments, _call = town
    report(Kpi.objects.filter(department=departments[0]).order_by("order").first())
    run()
    message = next(message for message in mail.outbox if message.to == ["clerk-0@example.jp"])
    assert message.subject == f"【督促】{plan.title} R4年度 (2022)の実績入力のお願い（締切 2026年5月21日）"
    assert "締切: 2026年5月21日（残り10日）" in message.body
    assert "まだ入力されていない指標（1件）" in message.body and "- 指標2（人）" in message.body
    assert "指標0" not in message.body  # reported: not missing
    assert f"https://kpi.example.jp/staff/entry/departments/{departments[0].pk}/2022/" in message.body
    assert "よろしくお願いします。" in message.body


def test_without_site_url_the_entry_link_is_relative(town, settings):
    if hasattr(settings, "SITE_URL"):
        del settings.SITE_URL
    _plan, departments, _call = town
    run()
    assert f"\n/staff/entry/departments/{departments[0].pk}/2022/\n" in mail.outbox[0].body


def test_a_dry_run_sends_and_records_nothing(town):
    output = run(TODAY, "--dry-run")
    assert mail.outbox == [] and not ReminderSent.objects.exists()
    assert output.startswith("［試行］") and "督促予定 2課（2通）" in output


def test_a_mail_that_cannot_be_sent_leaves_no_record_and_is_tried_again(town):
    with (
        mock.patch("plans.services.data_calls.send_mail", side_effect=ConnectionRefusedError),
        pytest.raises(ConnectionRefusedError),
    ):
        run()
    assert not ReminderSent.objects.exists()
    run()
    assert len(mail.outbox) == 2


def test_closed_calls_inactive_logins_and_logins_without_an_address_are_not_mailed(town, django_user_model):
    _plan, _departments, call = town
    django_user_model.objects.filter(username="clerk-0").update(is_active=False)
    django_user_model.objects.filter(username="clerk-1").update(email="")
    output = run()
    assert mail.outbox == [] and "宛先なし 2課" in output
    call.closed_at = call.opened_at
    call.save()
    assert run() == "開いている照会はありません。\n"


def test_a_bad_date_is_refused_in_japanese(town):
    with pytest.raises(CommandError, match="日付「2026/05/11」は YYYY-MM-DD で指定してください。"):
        call_command("send_data_call_reminders", "--date", "2026/05/11", stdout=StringIO())


def test_remind_now_shares_the_once_a_day_rule_with_the_command(town):
    _plan, departments, call = town
    run()
    asked = call.departments.get(department=departments[0])
    assert data_calls.remind(call, asked, today=TODAY).outcome == data_calls.ALREADY_SENT
    assert len(mail.outbox) == 2


# What counts as entered, 集計中 or missing: the department's report, else the official actual.
COUNT_CASES = [
    # (reported (status, raw, state) or None, official (status, raw) or None, expected counts)
    (None, None, CallCounts(owned=1)),
    (("measured", "120人", "draft"), None, CallCounts(owned=1, entered=1)),
    (("measured", "120人", "submitted"), None, CallCounts(owned=1, entered=1, submitted=1)),
    (("measured", "120人", "returned"), None, CallCounts(owned=1, entered=1, returned=1)),
    (("measured", "120人", "approved"), ("measured", "120人"), CallCounts(owned=1, entered=1, approved=1)),
    (("unmeasured", "未把握", "draft"), None, CallCounts(owned=1, entered=1)),
    (("pending", "集計中", "submitted"), None, CallCounts(owned=1, pending=1, submitted=1)),
    (("blank", "", "draft"), None, CallCounts(owned=1)),  # emptied: missing again
    (("pending", "集計中", "draft"), ("measured", "120人"), CallCounts(owned=1, pending=1)),  # the report counts
    (None, ("measured", "120人"), CallCounts(owned=1, entered=1, approved=1)),  # official, e.g. from the admin
    (None, ("pending", "集計中"), CallCounts(owned=1, pending=1)),
    (None, ("blank", ""), CallCounts(owned=1)),
]


@pytest.mark.parametrize(("reported", "official", "expected"), COUNT_CASES)
def test_each_kpi_counts_as_entered_pending_or_missing(reported, official, expected):
    plan, departments = plan_with_departments(1, 1)
    kpi = Kpi.objects.get(plan=plan)
    if reported:
        status, raw, state = reported
        report(kpi, status=status, raw=raw, state=state)
    if official:
        status, raw = official
        Actual.objects.create(
            kpi=kpi, year=YEAR, status=status, raw=raw, value=Decimal(120) if status == "measured" else None
        )
    call = open_call(plan, departments)
    [row] = call_board(call, [departments[0].pk], today=TODAY)
    assert row.counts == expected
    assert row.counts.missing == expected.owned - expected.entered - expected.pending
    assert len(missing_kpis(call, departments[0].pk)) == row.counts.missing


@pytest.mark.parametrize(
    ("year", "owned"), [(2014, 0), (2015, 1), (2018, 1), (2019, 3), (2024, 3), (2025, 1), (2027, 0)]
)
def test_only_the_kpis_whose_plan_runs_in_the_year_are_asked_for(year, owned):
    """The entry page's rule: the plan's years (2020–2024), widened by a KPI's baseline year
    (K0's 2015; the others' 2019) and target year (K1's 2026)."""
    plan, departments = plan_with_departments(3, 1)
    Kpi.objects.filter(plan=plan, code="K0").update(baseline_year=2015)
    Kpi.objects.filter(plan=plan, code="K1").update(target_year=2026)
    call = open_call(plan, departments, year=year)
    [row] = call_board(call, [departments[0].pk], today=TODAY)
    assert row.counts.owned == owned
