"""Stored progress: every KPI-year's standing and the tallies are computed by the rules, stored,
and kept current by the services in the transaction of the change that moves them.

The property test makes random edits through the services (entry of actuals, publication,
withdrawal, a plan import) and checks after each that the stored rows equal the pure rules' output
and the stored tallies the tally of the stored rows."""

import contextlib

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plans.models import (
    Actual,
    Department,
    Kpi,
    KpiYearProgress,
    Plan,
    ProgressTally,
    ProgressView,
    ReportedActual,
)
from plans.rules.tallies import tally
from plans.selectors.base import stored_rows
from plans.selectors.progress import plan_progress
from plans.services import publication, review
from plans.services.actuals import Submission, apply, preview
from plans.services.progress import computed_rows, recompute_plan
from tests.logins import DEPARTMENT_STAFF, PLANNER, make_staff
from tests.staff.test_scale_queries import price_out_whole_reads, whole_reads
from workbooks.plan_export import plan_rows
from workbooks.plan_import import import_plan_rows
from workbooks.plan_workbook import ImportRefused

pytestmark = pytest.mark.django_db
FIELDS = (
    "kpi_id",
    "view",
    "year",
    "target",
    "target_stated",
    "actual",
    "rate",
    "mark",
    "outlook",
    "outlook_on_plan_scale",
    "official_label",
    "disagrees",
    "shared_with_public",
)


def stored(plan: Plan) -> list[tuple]:
    return sorted(KpiYearProgress.objects.filter(plan=plan).values_list(*FIELDS))


def expected(plan: Plan) -> list[tuple]:
    return sorted(tuple(getattr(row, name) for name in FIELDS) for row in computed_rows(plan))


def assert_current(plan: Plan) -> None:
    """The stored rows are the rules' output, and each stored tally is the tally of its view's rows
    (the citizens' view: their own rows over the staff rows they share, ``stored_rows``)."""
    assert stored(plan) == expected(plan)
    kpis = Kpi.objects.filter(plan=plan).count()
    views = {
        view: list(
            stored_rows(public=view == ProgressView.PUBLIC).filter(plan=plan).values_list("year", "mark", "outlook")
        )
        for view in ProgressView.values
    }
    for stored_tally in ProgressTally.objects.filter(plan=plan, scope="plan"):
        pairs = [(mark, outlook) for year, mark, outlook in views[stored_tally.view] if year == stored_tally.year]
        assert stored_tally.kpi_count == len(pairs) == kpis
        assert stored_tally.marks == tally(pairs).marks
        assert stored_tally.outlooks == tally(pairs).outlooks


@pytest.mark.parametrize(
    "slug",
    [
        "kurume-strategy-1",
        "kurume-strategy-2",
        "kurume-vision-3",
        "ogori-strategy-2",
        "ogori-strategy-3",
        "ukiha-renaissance-2",
    ],
)
def test_every_seed_plan_has_its_progress_stored_and_current(seed, slug):
    plan = Plan.objects.get(slug=slug)
    assert KpiYearProgress.objects.filter(plan=plan, view=ProgressView.STAFF).exists()
    assert_current(plan)


def test_screens_read_the_stored_rows(seed):
    """plan_progress takes each KPI's standing from the stored rows: a stored mark changed behind the
    services' back is what the screen shows (which is why only the services write them)."""
    plan = Plan.objects.get(slug="kurume-strategy-1")
    row = stored_rows(public=True).filter(plan=plan, year=2017).exclude(mark="-")[0]
    KpiYearProgress.objects.filter(pk=row.pk).update(mark="×", outlook="E")
    shown = next(item for item in plan_progress(plan.pk, 2017, public=True).kpis if item.kpi.id == row.kpi_id)
    assert (shown.mark, shown.outlook) == ("×", "E")


def test_an_entered_actual_moves_the_staff_progress_at_once_and_the_public_one_on_publication(seed):
    department = Department.objects.get(municipality__name="小郡市", name="商工観光課")
    kpi = Kpi.objects.filter(plan__slug="ogori-strategy-2", department=department).order_by("pk")[0]
    user = make_staff("shoko", DEPARTMENT_STAFF, departments=["商工観光課"])
    changes = preview(user, [Submission(kpi_id=kpi.pk, year=2024, text="1人", version=0, confirmed=True)]).changes
    apply(user, changes)
    assert not KpiYearProgress.objects.filter(kpi=kpi, year=2024, actual__isnull=False).exists()  # a draft
    planner = make_staff("ogori-planner", PLANNER)
    reported = ReportedActual.objects.get(kpi=kpi, year=2024)
    review.submit(user, [reported.pk])
    review.approve(planner, [reported.pk])
    staff_row = KpiYearProgress.objects.get(kpi=kpi, view=ProgressView.STAFF, year=2024)
    public_row = stored_rows(public=True).get(kpi=kpi, year=2024)
    assert staff_row.actual == 1 and staff_row.mark != "-"
    assert public_row.actual is None and public_row.mark == "-"
    publication.publish_year(kpi.plan, 2024, user=planner)
    assert stored_rows(public=True).get(kpi=kpi, year=2024).actual == 1
    assert_current(kpi.plan)


def test_recompute_progress_rebuilds_what_was_lost(seed, capsys):
    plan = Plan.objects.get(slug="ukiha-renaissance-2")
    KpiYearProgress.objects.filter(plan=plan).delete()
    ProgressTally.objects.filter(plan=plan).delete()
    call_command("recompute_progress", "--plan", plan.slug)
    assert "Recomputed 1 plan(s)" in capsys.readouterr().out
    assert_current(plan)


EDIT_TEXTS = st.sampled_from(["1人", "250人", "△5人", "1,234.5人", "集計中", "", "99,999人", "0人"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    edits=st.lists(
        st.one_of(
            st.tuples(st.just("enter"), st.integers(0, 30), st.integers(2020, 2024), EDIT_TEXTS),
            st.tuples(st.just("publish"), st.integers(2020, 2024)),
            st.tuples(st.just("withdraw"), st.integers(2020, 2024)),
            st.tuples(st.just("import"), st.integers(0, 30), EDIT_TEXTS),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_random_edits_through_the_services_keep_the_stored_progress_equal_to_the_rules(seed, edits):
    plan = Plan.objects.get(slug="ogori-strategy-2")
    planner = get_user_model().objects.filter(username="edits-planner").first() or make_staff("edits-planner", PLANNER)
    kpis = list(Kpi.objects.filter(plan=plan).order_by("pk"))
    for edit in edits:
        if edit[0] == "enter":
            _kind, index, year, text = edit
            kpi = kpis[index % len(kpis)]
            current = ReportedActual.objects.filter(kpi=kpi, year=year).first()
            submission = Submission(
                kpi_id=kpi.pk, year=year, text=text, version=current.version if current else 0, confirmed=True
            )
            result = preview(planner, [submission])
            if result.changes and not result.problems and not review.locked_year_problem(plan.pk, year):
                apply(planner, result.changes)  # a draft: the stored progress must not move
                assert_current(plan)
                review.approve(planner, ReportedActual.objects.filter(kpi=kpi, year=year).values_list("pk", flat=True))
        elif edit[0] == "publish":
            publication.publish_year(plan, edit[1], user=planner)
        elif edit[0] == "withdraw":
            publication.unpublish_year(plan, edit[1], user=planner)
        else:
            _kind, index, text = edit
            rows = plan_rows(plan.slug)
            if rows["actuals"]:
                rows["actuals"][index % len(rows["actuals"])]["value"] = text or "-"
            with contextlib.suppress(ImportRefused):  # e.g. a unit of another kind: refused whole
                import_plan_rows(rows)
        assert_current(plan)


def test_restoring_an_old_version_in_the_admin_moves_the_stored_progress(admin_client, seed):
    actual = Actual.objects.filter(kpi__plan__slug="ogori-strategy-2", status="measured").order_by("pk")[0]
    first = Actual.history.filter(id=actual.pk).order_by("history_date").first()
    Actual.objects.filter(pk=actual.pk).update(raw="1人", value=1)
    recompute_plan(actual.kpi.plan_id)
    superuser = get_user_model().objects.get(username="admin")
    review.reopen_year(superuser, actual.kpi.plan, actual.year, "版の復元を試すため")  # published: locked
    url = f"/admin/plans/actual/{actual.pk}/history/{first.history_id}/"
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(seen_version=Actual.objects.get(pk=actual.pk).version, kpi=actual.kpi_id)
    response = admin_client.post(url, data)
    assert response.status_code == 302
    row = KpiYearProgress.objects.get(kpi_id=actual.kpi_id, view=ProgressView.STAFF, year=actual.year)
    assert row.actual == first.value
    assert_current(actual.kpi.plan)


def test_each_package_has_its_stored_tally(seed):
    """久留米's 第2期 groups its 40 package KPIs in 6 policy packages: each has its tally per year."""
    plan = Plan.objects.get(slug="kurume-strategy-2")
    for package in plan.packages.all():
        kpi_count = Kpi.objects.filter(plan=plan, package=package).count()
        tallies = ProgressTally.objects.filter(plan=plan, scope="package", scope_id=package.pk, view=ProgressView.STAFF)
        assert tallies.exists() == bool(kpi_count)
        assert {tally.kpi_count for tally in tallies} <= {kpi_count}
    assert (
        sum(
            ProgressTally.objects.get(
                plan=plan, scope="package", scope_id=package.pk, view="staff", year=plan.first_year
            ).kpi_count
            for package in plan.packages.all()
            if Kpi.objects.filter(package=package).exists()
        )
        == Kpi.objects.filter(plan=plan, level="package").count()
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN (FORMAT JSON) of PostgreSQL")
def test_the_citizens_view_of_a_plan_or_a_kpi_reads_only_its_rows(seed):
    """The citizens' view (their own rows and the staff rows they share) is one indexed read of
    the plan's or the KPI's rows, not a scan of every citizens' row of the nation."""
    plan = Plan.objects.get(slug="ogori-strategy-2")
    kpi = Kpi.objects.filter(plan=plan).order_by("pk")[0]
    reads = [
        stored_rows(public=True).filter(plan_id=plan.pk).order_by("kpi_id", "year"),
        stored_rows(public=True).filter(plan_id=plan.pk, year=2020),
        stored_rows(public=True).filter(kpi_id=kpi.pk).order_by("year"),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        price_out_whole_reads(cursor)
        for read in reads:
            assert read.exists()
            sql, params = read.query.sql_with_params()
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            ((explained,),) = cursor.fetchone()
            assert whole_reads(explained["Plan"]) == [], sql
