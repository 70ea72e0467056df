"""Every door an actual comes through reads it with check_entry (issue 12): the entry page (live
and on saving), the workbook preview and its confirm page, the admin's actual form and the plan
import; and the entry page helps (unit, target, last actuals, review state, year picker, one row
for a continued KPI, a workbook named by municipality, department and year)."""

import io
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from plans.admin.kpis import ActualAdminForm
from plans.choices import ReviewState
from plans.models import Actual, Plan, PublishedYear, ReportedActual
from plans.rules.notation import parse_year
from plans.services.actuals import Submission, entry_rows, preview
from tests.factories import (
    ActualFactory,
    DepartmentFactory,
    KpiFactory,
    MunicipalityFactory,
    PlanFactory,
    plan_with_kpis,
)
from tests.logins import DEPARTMENT_STAFF, PLANNER, make_staff
from workbooks.entry_workbook import INPUT_SUFFIX, SHEET
from workbooks.plan_import import validate_plan_rows
from workbooks.plan_workbook import ImportRefused, read_workbook, write_workbook
from workbooks.safety import XLSX
from workbooks.seeds import transcribed_rows

pytestmark = pytest.mark.django_db

YEAR = 2023  # R5: within the factories' plan of 2020–2024
LAST_YEAR_VALUE = Decimal("214199")


@pytest.fixture
def town():
    return MunicipalityFactory(name="久留米市")


@pytest.fixture
def department(town):
    return DepartmentFactory(municipality=town, name="商工政策課")


@pytest.fixture
def plan(town):
    return PlanFactory(municipality=town, title="第2期 総合戦略")


@pytest.fixture
def cases(plan, department):
    """A 件 KPI with 214,199件 in R4 and earlier years, and a 千人 KPI."""
    counted = KpiFactory(
        plan=plan,
        policy_direction__goal__plan=plan,
        department=department,
        name="相談件数",
        unit="件",
        baseline_value=Decimal("200000"),
        baseline_raw="200,000件",
        target_value=Decimal("250000"),
        target_raw="250,000件",
    )
    for year, value in ((2019, 198000), (2020, 201000), (2021, 209876), (2022, 214199)):
        ActualFactory(kpi=counted, year=year, value=Decimal(value), raw=f"{value:,}件")
    visitors = KpiFactory(
        plan=plan,
        policy_direction__goal__plan=plan,
        department=department,
        name="観光客数",
        unit="千人",
        baseline_value=Decimal("700"),
        baseline_raw="700千人",
        target_value=Decimal("900"),
        target_raw="900千人",
    )
    return {"counted": counted, "visitors": visitors}


@pytest.fixture
def staff(department, client):
    user = make_staff("shosei", DEPARTMENT_STAFF, municipality="久留米市", departments=["商工政策課"])
    client.force_login(user)
    return user


# --- the entry page, as staff type ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kpi", "value", "conversion", "warnings", "errors"),
    [
        ("counted", "18万件", "18万件 → 180,000件", ["前年度の214,199件から180,000件へ、16.0%減っています"], []),
        ("counted", "18件", "", ["前年度の214,199件から18件へ、10分の1以下になっています。"], []),
        ("visitors", "781,000人", "781,000人 → 781千人", [], []),
        ("counted", "150%", "", [], ["単位「%」は、このKPIの単位「件」と種類が違います"]),
        ("counted", "=1+1", "", [], ["数式"]),
    ],
)
def test_the_entry_page_says_as_staff_type_what_a_value_is(
    client, staff, cases, kpi, value, conversion, warnings, errors
):
    data = client.get("/staff/entry/mark/", {"kpi": cases[kpi].pk, "year": YEAR, "value": value, "status": ""}).json()
    assert data["conversion"] == conversion
    assert len(data["warnings"]) == len(warnings)
    assert all(got.startswith(want) for got, want in zip(data["warnings"], warnings, strict=True))
    assert len(data["errors"]) == len(errors)
    assert all(want in got for got, want in zip(data["errors"], errors, strict=True))
    assert bool(data["mark"]) is not bool(errors)


def _form(kpi, value, *, confirm=False):
    data = {"kpi": [str(kpi.pk)], f"value-{kpi.pk}": value, f"status-{kpi.pk}": "", f"note-{kpi.pk}": ""}
    data[f"version-{kpi.pk}"] = "0"
    if confirm:
        data[f"confirm-{kpi.pk}"] = "1"
    return data


def test_the_entry_form_saves_a_value_in_the_kpis_unit(client, staff, department, cases):
    response = client.post(f"/staff/entry/departments/{department.pk}/{YEAR}/", _form(cases["visitors"], "781,000人"))
    assert response.status_code == 302
    reported = ReportedActual.objects.get(kpi=cases["visitors"], year=YEAR)
    assert (reported.value, reported.raw, reported.warnings) == (Decimal("781"), "781千人", [])


def test_the_entry_form_refuses_a_unit_of_another_kind(client, staff, department, cases):
    page = client.post(f"/staff/entry/departments/{department.pk}/{YEAR}/", _form(cases["counted"], "150%"))
    assert "種類が違います" in page.content.decode()
    assert not ReportedActual.objects.exists()


def test_the_entry_form_keeps_a_value_with_warnings_only_once_confirmed(client, staff, department, cases):
    url = f"/staff/entry/departments/{department.pk}/{YEAR}/"
    page = client.post(url, _form(cases["counted"], "18件")).content.decode()
    assert "前年度の214,199件から18件へ" in page and "確認しました" in page
    assert "確認が必要な値があるため、保存しませんでした" in page
    assert not ReportedActual.objects.exists()  # all or nothing

    assert client.post(url, _form(cases["counted"], "18件", confirm=True)).status_code == 302
    reported = ReportedActual.objects.get(kpi=cases["counted"], year=YEAR)
    assert reported.value == Decimal("18")
    assert reported.warnings_confirmed is True
    assert reported.warnings[0].startswith("前年度の214,199件から18件へ")


def test_a_locked_year_is_refused_at_the_preview(staff, plan, cases):
    PublishedYear.objects.create(plan=plan, year=YEAR)
    result = preview(staff, [Submission(kpi_id=cases["counted"].pk, year=YEAR, text="215,000件")])
    assert result.changes == []
    assert any("公表済み" in problem for problem in result.problems)


def test_the_previous_value_is_the_latest_official_actual_before_the_year(staff, cases):
    # R6 (2024): the latest official value before it is R4's 214,199件 (R5 has none), named by its year.
    result = preview(staff, [Submission(kpi_id=cases["counted"].pk, year=2024, text="21,000件")])
    assert result.changes[0].warnings[0].startswith("R4年度の214,199件から21,000件へ")


# --- the workbook preview and its confirm page -------------------------------------------------


def _upload(client, department, values):
    content = client.get(f"/staff/entry/departments/{department.pk}/{YEAR}/workbook.xlsx").content
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook[SHEET]
    columns = {cell.value: cell.column for cell in sheet[1]}
    value_column = next(column for name, column in columns.items() if name.endswith(INPUT_SUFFIX))
    for row in range(2, sheet.max_row + 1):
        name = sheet.cell(row=row, column=columns["指標名"]).value
        if name in values:
            sheet.cell(row=row, column=value_column, value=values[name])
    output = io.BytesIO()
    workbook.save(output)
    return client.post(
        "/staff/entry/upload/", {"workbook": SimpleUploadedFile("a.xlsx", output.getvalue(), content_type=XLSX)}
    )


def test_the_workbook_preview_shows_conversions_and_warnings_and_saves_only_what_is_confirmed(
    client, staff, department, cases
):
    response = _upload(client, department, {"相談件数": "18件", "観光客数": "781,000人"})
    page = response.content.decode()
    assert "781,000人 → 781千人" in page
    assert "前年度の214,199件から18件へ" in page and "確認しました" in page
    changes = {change.kpi_name: change for change in response.context["changes"]}
    assert changes["相談件数"].warnings and not changes["相談件数"].warnings_confirmed
    assert changes["観光客数"].warnings == ()
    token = response.context["token"]

    page = client.post("/staff/entry/upload/confirm/", {"token": token}).content.decode()
    assert "確認が必要な値があるため、保存しませんでした（相談件数）" in page
    assert not ReportedActual.objects.exists()

    key = changes["相談件数"].key
    assert client.post("/staff/entry/upload/confirm/", {"token": token, "confirm": [key]}).status_code == 302
    saved = {item.kpi_id: item for item in ReportedActual.objects.all()}
    assert saved[cases["counted"].pk].warnings_confirmed is True
    assert (saved[cases["visitors"].pk].value, saved[cases["visitors"].pk].raw) == (Decimal("781"), "781千人")


def test_the_workbook_refuses_a_unit_of_another_kind_with_its_row(client, staff, department, cases):
    page = _upload(client, department, {"相談件数": "150人"}).content.decode()
    assert "シート「入力」" in page and "種類が違います" in page
    assert not ReportedActual.objects.exists()


# --- the admin's actual form --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "stored", "error"),
    [
        ("781,000人", Decimal("781"), "781千人", ""),
        ("781千人", Decimal("781"), "781千人", ""),
        ("150%", None, None, "種類が違います"),
        ("1e5", None, None, "指数表記"),
    ],
)
def test_the_admin_actual_form_uses_the_entry_check(cases, raw, value, stored, error):
    form = ActualAdminForm(
        data={
            "kpi": cases["visitors"].pk,
            "year": YEAR,
            "raw": raw,
            "status": "measured",
            "note": "",
            "seen_version": 0,
        }
    )
    if error:
        assert not form.is_valid()
        assert error in " ".join(form.errors["raw"])
        return
    assert form.is_valid(), form.errors
    actual = form.save()
    assert (actual.value, actual.raw) == (value, stored)


def test_the_admin_actual_form_asks_to_confirm_a_warned_value_as_the_entry_page_does(cases):
    # 18件 after 214,199件 in R4: a tenth of the previous official value, a slip of the digits
    data = {
        "kpi": cases["counted"].pk,
        "year": YEAR,
        "raw": "18件",
        "status": "measured",
        "note": "",
        "seen_version": 0,
    }
    form = ActualAdminForm(data=data)
    assert not form.is_valid()
    assert "raw" in form.errors, form.errors
    said = " ".join(form.errors["raw"])
    assert "214,199件から18件へ、10分の1以下" in said and "警告を確認して保存" in said
    assert not Actual.objects.filter(kpi=cases["counted"], year=YEAR).exists()
    confirmed = ActualAdminForm(data={**data, "confirm_warnings": "on"})
    assert confirmed.is_valid(), confirmed.errors
    assert confirmed.save().value == Decimal("18")


def test_the_admin_refuses_a_locked_year(plan, cases):
    PublishedYear.objects.create(plan=plan, year=YEAR)
    form = ActualAdminForm(
        data={"kpi": cases["visitors"].pk, "year": YEAR, "raw": "800千人", "status": "", "note": "", "seen_version": 0}
    )
    assert not form.is_valid()
    assert "公表済み" in " ".join(form.errors["year"])


# --- the plan import ------------------------------------------------------------------------------


def _kurume_rows():
    rows = transcribed_rows()["kurume-strategy-1"]
    actual = next(row for row in rows["actuals"] if row["value"] and "人" in row["value"])
    kpi = next(row for row in rows["kpis"] if row["code"] == actual["kpi"])
    return rows, actual, kpi


def test_the_plan_import_refuses_an_actual_in_a_unit_of_another_kind_with_its_cell():
    rows, actual, _kpi = _kurume_rows()
    actual["value"], actual["note"] = "150%", ""
    rows, _problems = read_workbook(write_workbook(rows))  # as uploaded: each row knows its line
    plans_before = Plan.objects.filter(slug="kurume-strategy-1").count()
    with pytest.raises(ImportRefused) as refused:
        validate_plan_rows(rows)
    problem = next(problem for problem in refused.value.problems if problem.value == "150%")
    line = next(row["_row"] for row in rows["actuals"] if row["value"] == "150%")
    assert (problem.sheet, problem.column, problem.row) == ("実績", "実績値", line)
    assert "種類が違います" in problem.message
    assert Plan.objects.filter(slug="kurume-strategy-1").count() == plans_before  # nothing written


def test_the_plan_import_reads_an_actual_in_the_kpis_unit():
    rows, actual, kpi = _kurume_rows()
    kpi["unit"] = "千人"
    parsed = validate_plan_rows(rows)
    stored = parsed.actuals[(kpi["code"], parse_year(actual["year"]))]
    written = Decimal(actual["value"].replace(",", "").replace("人", ""))
    assert stored["value"] == written / 1000
    assert stored["raw"].endswith("千人")


# --- entry that helps ------------------------------------------------------------------------------


def test_each_row_shows_the_unit_the_target_the_last_three_actuals_and_the_review_state(
    client, staff, department, cases
):
    ReportedActual.objects.create(
        kpi=cases["counted"], year=YEAR, value=220000, raw="220,000件", state=ReviewState.SUBMITTED
    )
    response = client.get(f"/staff/entry/departments/{department.pk}/{YEAR}/")
    page = response.content.decode()
    row = next(item["row"] for item in response.context["rows"] if item["row"].kpi.id == cases["counted"].pk)
    assert row.last_actuals == [(2022, "214,199件"), (2021, "209,876件"), (2020, "201,000件")]
    assert "198,000件" not in page  # only the last three
    assert '<span class="unit">件</span>' in page
    assert "review-warn" in page and str(ReviewState.SUBMITTED.word) in page
    assert row.target is not None


def test_a_continued_kpi_is_listed_once_for_a_year_under_the_newest_plan(staff, town, department, plan, cases):
    successor_plan = PlanFactory(municipality=town, title="第3期 総合戦略", first_year=2023, last_year=2027)
    successor = KpiFactory(
        plan=successor_plan,
        policy_direction__goal__plan=successor_plan,
        department=department,
        name="相談件数",
        unit="件",
        predecessor=cases["counted"],
        predecessor_link="continued",
        baseline_year=2022,
        target_year=2027,
    )
    rows = [row for row in entry_rows(staff, YEAR) if row.kpi.name == "相談件数"]
    assert [(row.kpi.id, row.plan_title, row.also_in) for row in rows] == [
        (successor.pk, "第3期 総合戦略", "第2期 総合戦略")
    ]
    earlier_year = [row.kpi.id for row in entry_rows(staff, 2021) if row.kpi.name == "相談件数"]
    assert earlier_year == [cases["counted"].pk]  # before the next plan runs: the earlier KPI alone


def test_the_workbook_is_named_by_municipality_department_and_year_and_shows_the_last_actuals(
    client, staff, department, cases
):
    response = client.get(f"/staff/entry/departments/{department.pk}/2024/workbook.xlsx")
    disposition = response["Content-Disposition"]
    assert f"filename*=UTF-8''{quote('久留米市_商工政策課_R6年度.xlsx')}" in disposition
    assert f'filename="actuals-department-{department.pk}-2024.xlsx"' in disposition
    sheet = load_workbook(io.BytesIO(response.content))[SHEET]
    headers = [cell.value for cell in sheet[1]]
    assert "単位" in headers
    assert [header for header in headers if header.endswith(" 実績値")] == [
        "R2年度 実績値",
        "R3年度 実績値",
        "R4年度 実績値",
    ]


def test_planners_pick_the_year_on_the_entry_home_and_get_any_year_of_a_plan(client, plan, cases):
    planner = make_staff("kikaku", PLANNER, municipality="久留米市")
    client.force_login(planner)
    page = client.get("/staff/entry/", {"year": "2021"}).content.decode()
    assert '<option value="2021" selected>' in page
    for year in range(2020, 2025):
        assert f"/staff/entry/plans/{plan.slug}/{year}/workbook.xlsx" in page
    response = client.get(f"/staff/entry/plans/{plan.slug}/2021/workbook.xlsx")
    assert response.status_code == 200
    assert quote("久留米市_第2期 総合戦略_R3年度.xlsx") in response["Content-Disposition"]


@pytest.mark.parametrize("count", [5, 60])
def test_the_entry_page_and_its_preview_answer_in_a_bounded_number_of_queries(
    client, count, django_assert_max_num_queries
):
    plan = plan_with_kpis(count, slug=f"many-{count}", department="統計課", years=(2020, 2021, 2022))
    user = make_staff(f"many-{count}", DEPARTMENT_STAFF, municipality=plan.municipality.name, departments=["統計課"])
    client.force_login(user)
    department = plan.kpis.first().department
    with django_assert_max_num_queries(25):
        page = client.get(f"/staff/entry/departments/{department.pk}/{YEAR}/").content.decode()
    assert page.count('class="entry-row') == count
    # Each KPI's value one above its latest official one: plausible, so no warning to confirm.
    latest = dict(Actual.objects.filter(kpi__plan=plan, year=2022).values_list("kpi_id", "value"))
    submissions = [Submission(kpi_id=kpi_id, year=YEAR, text=f"{value + 1:f}人") for kpi_id, value in latest.items()]
    with django_assert_max_num_queries(12):
        result = preview(user, submissions)
    assert len(result.changes) == count and all(change.warnings == () for change in result.changes)
