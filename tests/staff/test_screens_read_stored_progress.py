"""The screens show the stored progress: for every seed plan, the tallies of the staff plan
dashboard and of the report, the API plan document's outlooks and marks, and the open-data CSV's
marks equal the stored rows (``KpiYearProgress``) and tallies (``ProgressTally``) of the year shown.

The CSV is also checked cell for cell against what the rules say (its output did not move when it
began to read the stored rows), and the KPI admin shows its stored standing and the KPI kinds'
fields ``total_years`` and ``baseline_year_assumed``.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans import selectors
from plans.models import Department, Kpi, KpiYearProgress, Plan, ProgressTally, ProgressView
from plans.presentation import format_rate
from plans.rules.progress import YearRow, evaluate_kpi, kpi_series, mark_for_year, year_target_for
from plans.rules.tallies import Tally
from plans.selectors.progress import kpi_values, plan_scale
from plans.services.actuals import default_entry_year
from public.opendata import INTERPOLATED_PLACES, csv_number, plan_csv_rows
from staff.overview import computed_counts
from staff.report import evaluation_report
from tests.logins import DEPARTMENT_STAFF, make_staff

pytestmark = pytest.mark.django_db

SLUGS = (
    "kurume-vision-3",
    "kurume-strategy-2",
    "kurume-strategy-1",
    "ogori-strategy-2",
    "ogori-strategy-3",
    "ukiha-renaissance-2",
)


def kpi_years(kpi) -> list[YearRow]:
    """What the rules list for a KPI's table: its series and any actual at or before its baseline."""
    rows = kpi_series(kpi)
    covered = {row.year for row in rows}
    earlier = [
        YearRow(year, year_target_for(kpi, year), kpi.actuals.get(year), None, mark_for_year(kpi, year))
        for year in sorted(set(kpi.actuals) | set(kpi.actual_details))
        if year not in covered
    ]
    return sorted([*earlier, *rows], key=lambda row: row.year)


@pytest.fixture
def superuser_client(client, seed):
    user = get_user_model().objects.create(username="stored-admin", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def stored_tallies(plan: Plan, year: int, view: str = ProgressView.STAFF) -> dict[tuple[str, int], Tally]:
    return {
        (row.scope, row.scope_id): Tally(kpi_count=row.kpi_count, marks=row.marks, outlooks=row.outlooks)
        for row in ProgressTally.objects.filter(plan=plan, view=view, year=year)
    }


def stored_rows(plan: Plan, view: str) -> dict[tuple[int, int], KpiYearProgress]:
    """The view's stored rows (the citizens': their own over the staff rows they share)."""
    rows = selectors.stored_rows(public=view == ProgressView.PUBLIC).filter(plan=plan)
    return {(row.kpi_id, row.year): row for row in rows}


def assert_overview_is_stored(plan: Plan, overview) -> None:
    """Every tally and every mark the overview shows is the stored one of its year."""
    tallies = stored_tallies(plan, overview.year)
    assert tallies, f"{plan.slug}: nothing stored for {overview.year}"
    scale = overview.scale
    assert overview.total == computed_counts(tallies[("plan", 0)], scale)
    goal_ids = dict(plan.goals.values_list("number", "pk"))
    direction_ids = dict(plan.directions.values_list("code", "pk"))
    for goal in overview.goals:
        assert goal.computed == computed_counts(tallies.get(("goal", goal_ids[goal.number]), Tally()), scale)
        for direction in goal.directions:
            expected = tallies.get(("direction", direction_ids[direction.code]), Tally())
            assert direction.computed == computed_counts(expected, scale), (plan.slug, direction.code)
    rows = stored_rows(plan, ProgressView.STAFF)
    for item in overview.kpis:
        row = rows[(item.kpi.id, overview.year)]
        assert (item.mark, item.outlook, item.rate) == (row.mark, row.outlook, row.rate)
    for goal in overview.goals:
        for target in goal.targets:
            for year_mark in target.years:
                stored = rows.get((target.progress.kpi.id, year_mark.year))
                assert year_mark.mark == (stored.mark if stored else "-"), (plan.slug, year_mark.year)
    for year, marks in overview.marks_over_years:
        plan_tally = stored_tallies(plan, year).get(("plan", 0))
        if plan_tally is not None:
            assert marks == {mark: plan_tally.marks.get(mark, 0) for mark in marks}, (plan.slug, year)


@pytest.mark.parametrize("slug", SLUGS)
def test_the_staff_plan_dashboard_shows_the_stored_tallies(superuser_client, slug):
    plan = Plan.objects.get(slug=slug)
    response = superuser_client.get(reverse("dashboard:plan", args=[slug]))
    assert response.status_code == 200
    assert_overview_is_stored(plan, response.context["overview"])


@pytest.mark.parametrize("slug", SLUGS)
def test_the_report_data_shows_the_stored_tallies_and_marks(seed, slug):
    plan = Plan.objects.select_related("municipality").get(slug=slug)
    report = evaluation_report(plan)
    assert_overview_is_stored(plan, report.overview)
    rows = stored_rows(plan, ProgressView.STAFF)
    for goal in report.goals:
        for target in goal.targets:
            for row in target.rows:
                if row.mark:
                    stored = rows.get((target.progress.kpi.id, row.year))
                    assert row.mark == (stored.mark if stored else "-"), (slug, target.progress.kpi.code, row.year)


@pytest.mark.parametrize("slug", SLUGS)
def test_the_api_plan_document_shows_the_stored_public_progress(client, seed, slug):
    plan = Plan.objects.get(slug=slug)
    document = client.get(f"/api/v1/plans/{slug}/").json()
    rows = stored_rows(plan, ProgressView.PUBLIC)
    year = document["evaluation_year"]
    kpi_ids = dict(plan.kpis.values_list("code", "pk"))
    checked = 0
    for kpi in document["kpis"]:
        kpi_id = kpi_ids[kpi["code"]]
        stored = rows.get((kpi_id, year))
        assert kpi["outlook"] == (stored.outlook if stored else "-"), (slug, kpi["code"])
        for actual in kpi["actuals"]:
            stored = rows.get((kpi_id, actual["year"]))
            assert actual["mark"] == (stored.mark if stored else "-"), (slug, kpi["code"], actual["year"])
            checked += 1
    public_tally = stored_tallies(plan, year, ProgressView.PUBLIC).get(("plan", 0))
    if public_tally is not None:
        outlooks = {label: 0 for label in public_tally.outlooks}
        for kpi in document["kpis"]:
            outlooks[kpi["outlook"]] = outlooks.get(kpi["outlook"], 0) + 1
        assert outlooks == public_tally.outlooks
    assert checked == sum(len(kpi["actuals"]) for kpi in document["kpis"])


@pytest.mark.parametrize("slug", SLUGS)
def test_the_csv_marks_are_the_stored_public_ones(seed, slug):
    plan = Plan.objects.get(slug=slug)
    rows = stored_rows(plan, ProgressView.PUBLIC)
    kpi_ids = dict(plan.kpis.values_list("code", "pk"))
    for row in plan_csv_rows(slug):
        if not row["year"]:
            continue
        stored = rows.get((kpi_ids[row["kpi_code"]], int(row["year"])))
        assert stored is not None, (slug, row["kpi_code"], row["year"])
        assert (row["mark"], row["outlook"]) == (stored.mark, stored.outlook), (slug, row["kpi_code"], row["year"])


@pytest.mark.parametrize("slug", SLUGS)
def test_the_csv_reads_as_the_rules_would_write_it(seed, slug):
    """Cell for cell what the CSV wrote when it ran the rules on each request."""
    plan = Plan.objects.select_related("municipality").get(slug=slug)
    scale = plan_scale(plan.pk)
    expected = []
    for kpi in selectors.kpis_with_values(plan.pk, public=True):
        values = kpi_values(kpi)
        code = kpi.code
        years = kpi_years(values)
        if not years:
            expected.append((code, "", "", "", "", "", ""))
        for year_row in years:
            progress = evaluate_kpi(values, year=year_row.year, scale=scale)
            target = year_row.target.value
            if target is not None and not year_row.target.stated and values.places is None:
                target = target.quantize(INTERPOLATED_PLACES)
            rate = (
                format_rate(progress.rate).rstrip("%")
                if progress.rate is not None and year_row.actual is not None
                else ""
            )
            expected.append(
                (
                    code,
                    str(year_row.year),
                    csv_number(target, values.places),
                    csv_number(year_row.actual, values.places),
                    rate,
                    year_row.mark,
                    progress.outlook,
                )
            )
    columns = ("kpi_code", "year", "year_target", "actual", "rate", "mark", "outlook")
    actual = [tuple(row[column] for column in columns) for row in plan_csv_rows(slug)]
    assert actual == expected


def test_the_kpi_admin_lists_the_stored_standing_and_the_kinds_fields(superuser_client):
    plan = Plan.objects.get(slug="ogori-strategy-2")
    response = superuser_client.get(f"/admin/plans/kpi/?plan__id__exact={plan.pk}")
    assert response.status_code == 200
    content = response.content.decode()
    assert "column-total_years" in content and "column-baseline_year_assumed" in content
    year = default_entry_year()
    stored = {row.kpi_id: row for row in KpiYearProgress.objects.filter(plan=plan, view=ProgressView.STAFF, year=year)}
    admin = response.context["cl"].model_admin
    for kpi in response.context["cl"].result_list:
        row = stored.get(kpi.pk)
        assert admin.year_mark(kpi) == (row.mark if row else "-")
        assert admin.year_outlook(kpi) == (row.outlook if row else "-")


def test_department_staff_see_the_kinds_fields_read_only(client, seed):
    kpi = Kpi.objects.filter(plan__slug="ogori-strategy-2", department__isnull=False).select_related("department")[0]
    department = Department.objects.get(pk=kpi.department_id)
    user = make_staff(
        "stored-dept", DEPARTMENT_STAFF, municipality=department.municipality.name, departments=[department.name]
    )
    client.force_login(user)
    response = client.get(f"/admin/plans/kpi/{kpi.pk}/change/")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="total_years"' not in content and 'name="baseline_year_assumed"' not in content
    assert "field-total_years" in content and "field-baseline_year_assumed" in content
