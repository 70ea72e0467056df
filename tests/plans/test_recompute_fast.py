"""The set-based recompute (``recompute_plans``, ``recompute_progress --all --jobs N``) stores
exactly what the row-by-row reference ``computed_rows`` says, with tallies equal to ``retally``'s,
in a number of queries that does not grow with the KPIs."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import Actual, Kpi, KpiYearProgress, Municipality, Plan, ProgressTally, PublishedYear
from plans.services import progress
from tests.factories import plan_with_kpis

SEED_SLUGS = (
    "kurume-strategy-1",
    "kurume-strategy-2",
    "kurume-vision-3",
    "ogori-strategy-2",
    "ogori-strategy-3",
    "ukiha-renaissance-2",
)


def stored_rows(plans) -> list[tuple]:
    return sorted(KpiYearProgress.objects.filter(plan__in=plans).values_list(*progress.ROW_COLUMNS))


def reference_rows(plans) -> list[tuple]:
    return sorted(
        tuple(getattr(row, name) for name in progress.ROW_COLUMNS)
        for plan in plans
        for row in progress.computed_rows(plan)
    )


def stored_tallies(plans) -> list[tuple]:
    return sorted(ProgressTally.objects.filter(plan__in=plans).values_list(*progress.TALLY_COLUMNS))


def retallied(plans) -> list[tuple]:
    """The tallies ``retally`` counts from the stored rows (the reference for the in-memory ones)."""
    for plan in plans:
        progress.retally(plan.pk)
    return stored_tallies(plans)


def rebuild_all(plans, **options) -> int:
    KpiYearProgress.objects.filter(plan__in=plans).delete()
    ProgressTally.objects.filter(plan__in=plans).delete()
    return sum(progress.recompute_plans([plan.pk for plan in plans], **options))


@pytest.mark.django_db
@pytest.mark.parametrize("batch_size", [1, 4, 20])
def test_the_seed_plans_rebuilt_in_batches_equal_the_reference(seed, batch_size):
    plans = list(Plan.objects.filter(slug__in=SEED_SLUGS).order_by("pk"))
    written = rebuild_all(plans, batch_size=batch_size)
    stored = stored_rows(plans)
    assert written == len(stored) > 0
    assert stored == reference_rows(plans)
    tallies = stored_tallies(plans)
    assert tallies and tallies == retallied(plans)


@pytest.mark.django_db
def test_hidden_years_make_the_public_view_differ_only_from_the_first_hidden_actual(seed):
    """With 2021 withdrawn, the public rows of the years before 2021 are the staff rows, the later
    ones are evaluated on the published actuals only: both equal the reference."""
    plan = Plan.objects.get(slug="ogori-strategy-2")
    PublishedYear.objects.filter(plan=plan, year=2021).delete()
    assert Actual.objects.filter(kpi__plan=plan, year=2021, value__isnull=False).exists()
    rebuild_all([plan])
    assert stored_rows([plan]) == reference_rows([plan])
    public = dict(KpiYearProgress.objects.filter(plan=plan, view="public", year=2021).values_list("kpi_id", "actual"))
    assert set(public.values()) == {None}
    assert stored_tallies([plan]) == retallied([plan])


@pytest.mark.django_db
def test_recompute_plan_and_kpis_store_the_reference(seed):
    """The services' entry points (one plan; some KPIs of a plan) take the same fast path."""
    plan = Plan.objects.get(slug="kurume-strategy-1")
    kpi = Kpi.objects.filter(plan=plan, actuals__isnull=False).order_by("pk").first()
    actual = kpi.actuals.filter(value__isnull=False).order_by("year").first()
    actual.value += 7
    actual.save()
    progress.recompute_kpis({kpi.pk})
    assert stored_rows([plan]) == reference_rows([plan])
    assert stored_tallies([plan]) == retallied([plan])
    KpiYearProgress.objects.filter(plan=plan, actual__isnull=False).update(mark="×")
    progress.recompute_plan(plan.pk)
    assert stored_rows([plan]) == reference_rows([plan])


@pytest.mark.django_db
def test_factory_plans_with_packages_scales_and_unpublished_years_equal_the_reference(db):
    plans = [
        plan_with_kpis(
            30, years=(2020, 2021, 2022), published=(2020,), package_kpis=5, scale=[("A", "AB"), ("B", "CDE")]
        ),
        plan_with_kpis(12, years=(2021, 2023), published=(2021, 2023), on_goal=lambda index: index % 3 == 0),
        plan_with_kpis(3, years=(), published=()),
    ]
    rebuild_all(plans)
    assert stored_rows(plans) == reference_rows(plans)
    assert stored_tallies(plans) == retallied(plans)


@pytest.mark.django_db
@pytest.mark.parametrize("kpis", [10, 120])
def test_a_batch_reads_in_the_same_queries_whatever_its_kpis(db, kpis):
    """Every statement but the inserts (which SQLite splits at its limit of bound variables) is
    the same whatever the number of KPIs, plans or years."""
    plans = [plan_with_kpis(kpis, years=(2020, 2021), published=(2020,)) for _ in range(3)]
    with CaptureQueriesContext(connection) as context:
        written = sum(progress.recompute_plans([plan.pk for plan in plans]))
    # a staff row in each year 2020–2024, a citizens' row from 2021 (the unpublished actual) on
    assert written == kpis * 3 * (len(range(2020, 2025)) + len(range(2021, 2025)))
    others = [query["sql"] for query in context.captured_queries if not query["sql"].startswith("INSERT")]
    assert len(others) <= 16, others


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_writes_what_bulk_create_would(seed, monkeypatch):
    monkeypatch.setattr(progress, "COPY_THRESHOLD", 1)
    plans = list(Plan.objects.filter(slug__in=SEED_SLUGS))
    rebuild_all(plans)
    assert stored_rows(plans) == reference_rows(plans)
    assert stored_tallies(plans) == retallied(plans)


@pytest.mark.django_db
def test_the_command_rebuilds_every_plan(seed, capsys):
    plans = list(Plan.objects.filter(slug__in=SEED_SLUGS))
    KpiYearProgress.objects.all().delete()
    call_command("recompute_progress", "--all")
    assert "KPIs/s" in capsys.readouterr().out
    assert stored_rows(plans) == reference_rows(plans)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="worker processes need a shared database")
def test_two_worker_processes_rebuild_disjoint_plans(django_db_setup, django_db_blocker, capsys):
    """Committed data (the workers have their own connections, outside any test transaction),
    removed at the end so that the session's seed plans stay as they were."""
    with django_db_blocker.unblock():
        plans = [plan_with_kpis(20, years=(2020, 2021), published=(2020,)) for _ in range(6)]
        try:
            KpiYearProgress.objects.filter(plan__in=plans).delete()
            ProgressTally.objects.filter(plan__in=plans).delete()
            call_command("recompute_progress", "--all", "--jobs", "2", "--batch", "2")
            assert "2 job(s)" in capsys.readouterr().out
            assert stored_rows(plans) == reference_rows(plans)
            assert stored_tallies(plans) == retallied(plans)
        finally:
            towns = [plan.municipality_id for plan in plans]
            Plan.objects.filter(pk__in=[plan.pk for plan in plans]).delete()
            Municipality.objects.filter(pk__in=towns).delete()


@pytest.mark.django_db
def test_only_the_rows_that_change_are_written(seed):
    """A recompute that finds the data as it was keeps every stored row and tally; a changed
    actual replaces only the rows and tallies it moves."""
    plan = Plan.objects.get(slug="ogori-strategy-2")
    before = set(KpiYearProgress.objects.filter(plan=plan).values_list("pk", flat=True))
    tallies_before = set(ProgressTally.objects.filter(plan=plan).values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as context:
        progress.recompute_plan(plan.pk)
    writes = [
        query["sql"]
        for query in context.captured_queries
        if "plans_kpiyearprogress" in query["sql"] or "plans_progresstally" in query["sql"]
    ]
    assert not [sql for sql in writes if sql.startswith(("INSERT", "DELETE", "COPY"))]
    assert set(KpiYearProgress.objects.filter(plan=plan).values_list("pk", flat=True)) == before
    assert set(ProgressTally.objects.filter(plan=plan).values_list("pk", flat=True)) == tallies_before
    actual = Actual.objects.filter(kpi__plan=plan, value__isnull=False).order_by("pk").first()
    Actual.objects.filter(pk=actual.pk).update(value=actual.value + 1000)
    progress.recompute_plan(plan.pk)
    after = set(KpiYearProgress.objects.filter(plan=plan).values_list("pk", flat=True))
    assert 0 < len(after - before) == len(before - after) < 2 * 10
    tallies_after = set(ProgressTally.objects.filter(plan=plan).values_list("pk", flat=True))
    assert 0 < len(tallies_after - tallies_before) == len(tallies_before - tallies_after) < len(tallies_before)
    assert stored_rows([plan]) == reference_rows([plan])
    tallies = stored_tallies([plan])
    assert retallied([plan]) == tallies
