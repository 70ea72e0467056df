"""Progress of KPIs, goals and plans: computed by the rules, stored, read by every screen.

Writes: ``recompute_plan`` and ``recompute_kpis`` evaluate KPIs with ``plans.rules.progress`` and
store each KPI-year's standing (``KpiYearProgress``) and the tallies (``ProgressTally``), for staff
(every actual) and for citizens (published years only). A citizens' row is stored only from the
KPI's first unpublished actual on: before it the rules judge the same actuals for both, and citizens
read the staff row (``selectors.stored_rows``). The services that change an actual, a
target, a KPI, a plan's scale or a publication call them in the same transaction;
``recompute_plans`` rebuilds many plans at once (``recompute_progress``, ``generate_demo_data``).

The writes are set-based: a batch of plans is loaded in a few queries as plain values (no model
instances), each KPI's years are evaluated in one pass, the public view is evaluated only from
the first year whose visible actuals differ from the staff view's (the rules ignore actuals after
the year judged, so earlier years are the staff rows again), the rows go in with one ``COPY`` on
PostgreSQL (``bulk_create`` elsewhere) and the tallies are counted from the rows just built.
``computed_rows`` stays the plain reference: the model, the selectors and the rules, row by row;
tests hold the stored rows equal to it.

Screens read what is stored through ``plans.selectors.progress``; no rule runs on a request.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import io
import json
import multiprocessing
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter

from django.db import connection, connections, transaction
from django.db.models import QuerySet

from plans import selectors
from plans.choices import TallyScope
from plans.models import (
    Goal,
    Kpi,
    KpiYearProgress,
    Plan,
    PolicyDirection,
    ProgressTally,
    ProgressView,
    PublishedYear,
    RatingLabel,
)
from plans.rules import rating
from plans.rules.progress import KpiProgress, KpiValues, evaluate_kpi, evaluate_kpi_views
from plans.rules.rating import ScaleLabel
from plans.rules.tallies import tally, tally_of_counts
from plans.selectors.progress import kpi_values, kpi_values_of_plans, plan_scale
from plans.services import versions

PLACES = Decimal("0.000001")  # the decimal places the columns keep (an interpolated target is cut there)
_ZERO = Decimal("0.000000")  # a rate of 0 as stored (not −0: a division of 0 by a falling target)
PLANS_PER_BATCH = 10  # plans loaded, evaluated and written together by recompute_plans
COPY_THRESHOLD = 1000  # rows from which PostgreSQL's COPY beats a multi-row INSERT
DELETE_CHUNK = 900  # ids a DELETE names (SQLite takes 999 parameters)

# The stored columns of a KpiYearProgress row, in the order the fast path builds its tuples.
ROW_COLUMNS = (
    "kpi_id",
    "plan_id",
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
TALLY_COLUMNS = ("plan_id", "scope", "scope_id", "view", "year", "kpi_count", "marks", "outlooks")


# --- the reference: the rules applied row by row, through the model and the selectors ----------


def _evaluated(plan: Plan, public: bool, kpi_ids: Iterable[int] | None, scale, years: range) -> list[KpiProgress]:
    """Each of ``years`` of each KPI (all of the plan's, or ``kpi_ids``), evaluated by the rules."""
    kpis = selectors.kpis_with_values(plan.pk, public=public)
    if kpi_ids is not None:
        kpis = kpis.filter(pk__in=kpi_ids)
    evaluated = []
    for kpi in kpis:
        values = kpi_values(kpi)
        evaluated += [evaluate_kpi(values, year=year, scale=scale) for year in years]
    return evaluated


def _row(plan_id: int, view: str, item: KpiProgress, shared: bool) -> KpiYearProgress:
    return KpiYearProgress(**dict(zip(ROW_COLUMNS, _row_values(plan_id, view, item, shared), strict=True)))


def _row_values(plan_id: int, view: str, item: KpiProgress, shared: bool) -> tuple:
    """A stored row as a tuple in ``ROW_COLUMNS`` order (a rate of −0, 0 over a falling target,
    as the 0 the column keeps); ``shared``: a staff row citizens read too."""
    target, rate = item.year_target.value, item.rate
    return (
        item.kpi.id,
        plan_id,
        view,
        item.year,
        None if target is None else target.quantize(PLACES),
        item.year_target.stated,
        item.actual,
        None if rate is None else rate.quantize(PLACES) or _ZERO,
        item.mark,
        item.outlook,
        item.outlook_on_plan_scale,
        item.official_label,
        item.disagrees,
        shared,
    )


def computed_rows(plan: Plan, *, kpi_ids: set[int] | None = None, scale=None) -> list[KpiYearProgress]:
    """What the rules say of the plan's KPIs (or ``kpi_ids``) in every stored year, as unsaved
    rows: what ``recompute_plan`` stores, and what a test compares the stored rows to.

    Every KPI of a plan is stored for the same years (``selectors.progress_years``), so that
    each year's tally counts all of the plan's KPIs: the staff view in each, the citizens' view
    from the KPI's first unpublished actual on (an actual the staff's KPI has and the citizens'
    has not)."""
    scale = plan_scale(plan.pk) if scale is None else scale
    years = selectors.progress_years(plan)
    staff = _evaluated(plan, False, kpi_ids, scale, years)
    public = _evaluated(plan, True, kpi_ids, scale, years)
    actual_years = {item.kpi.id: set(item.kpi.actuals) for item in staff}
    hidden_from = {  # each KPI's first actual citizens may not see
        item.kpi.id: min(actual_years[item.kpi.id] - set(item.kpi.actuals), default=None) for item in public
    }
    rows = []
    for item in staff:
        first_hidden = hidden_from[item.kpi.id]
        rows.append(_row(plan.pk, ProgressView.STAFF, item, first_hidden is None or item.year < first_hidden))
    for item in public:
        first_hidden = hidden_from[item.kpi.id]
        if first_hidden is not None and item.year >= first_hidden:
            rows.append(_row(plan.pk, ProgressView.PUBLIC, item, False))
    return rows


# --- writes ------------------------------------------------------------------------------------


def recompute_plan(plan_id: int) -> int:
    """Rebuild a plan's stored progress and tallies, for staff and for citizens; the rows written."""
    return _recompute(plan_id, kpi_ids=None)


def recompute_kpis(kpi_ids: Iterable[int]) -> int:
    """Rebuild the stored progress of these KPIs, and the tallies of their plans."""
    kpi_ids = set(kpi_ids)
    plan_ids = set(Kpi.objects.filter(pk__in=kpi_ids).values_list("plan_id", flat=True).distinct())
    return sum(_recompute(plan_id, kpi_ids=kpi_ids) for plan_id in sorted(plan_ids))


def recompute_plans(
    plan_ids: Sequence[int], *, batch_size: int = PLANS_PER_BATCH, replace: bool = True
) -> Iterator[int]:
    """Rebuild the stored progress and tallies of many plans, ``batch_size`` plans a transaction;
    yields the rows each batch stores (a caller shows progress with it).

    Only the rows that change are written (``_store``). ``replace=False`` skips reading the
    stored rows: only for plans known to have none (a freshly generated dataset)."""
    for start in range(0, len(plan_ids), batch_size):
        batch = list(plan_ids[start : start + batch_size])
        with _no_cycle_collection(), transaction.atomic():
            list(Plan.objects.select_for_update().filter(pk__in=batch).order_by("pk").values_list("pk"))
            rows, tallies = _build(_load(batch))
            if replace:
                _store(KpiYearProgress.objects.filter(plan_id__in=batch), ROW_COLUMNS, rows)
                _store(ProgressTally.objects.filter(plan_id__in=batch), TALLY_COLUMNS, tallies)
            else:
                _insert(KpiYearProgress, ROW_COLUMNS, rows)
                _insert(ProgressTally, TALLY_COLUMNS, tallies)
            versions.bump_plans(batch)
        yield len(rows)


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cyclic garbage collector paused for a batch: building a batch allocates some two
    million tuples, dicts and Decimals, none in a reference cycle (freed as soon as unused, as
    ever), and the collector would walk the live ones again and again (a tenth of a recompute's
    time). Resumed after the batch, as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def recompute_in_processes(
    plan_ids: Sequence[int], *, jobs: int = 1, batch_size: int = PLANS_PER_BATCH, replace: bool = True
) -> Iterator[tuple[int, int]]:
    """``recompute_plans`` shared by ``jobs`` forked processes, each with its own database
    connection and its own batches (disjoint sets of plans); yields (plans, rows) per batch as
    batches finish. The rules are pure Python: a second core doubles the pace. One process on
    SQLite, which lets one writer in at a time."""
    batches = [list(plan_ids[start : start + batch_size]) for start in range(0, len(plan_ids), batch_size)]
    work = functools.partial(_recompute_batch, replace=replace)
    if jobs <= 1 or connection.vendor == "sqlite" or len(batches) <= 1 or connection.in_atomic_block:
        yield from map(work, batches)  # a caller's open transaction is this connection's alone
        return
    connections.close_all()  # a forked child must not share the parent's connection
    with multiprocessing.get_context("fork").Pool(jobs, initializer=_forget_inherited_connections) as pool:
        yield from pool.imap_unordered(work, batches)


def _forget_inherited_connections() -> None:
    """In a forked worker: drop any database connection the parent still held open (one in a
    transaction is not closed by ``close_all``) without closing it, which would end the parent's
    session on their shared socket; the worker opens its own on its first query."""
    for wrapper in connections.all(initialized_only=True):
        wrapper.connection = None
        wrapper.in_atomic_block = False
        wrapper.atomic_blocks = []
        wrapper.savepoint_ids = []
        wrapper.needs_rollback = False
        wrapper.closed_in_transaction = False


def _recompute_batch(plan_ids: list[int], *, replace: bool) -> tuple[int, int]:
    return len(plan_ids), sum(recompute_plans(plan_ids, batch_size=len(plan_ids), replace=replace))


def _recompute(plan_id: int, *, kpi_ids: set[int] | None) -> int:
    with transaction.atomic():
        plan = Plan.objects.select_for_update().only("id", "first_year", "last_year").get(pk=plan_id)
        years = None
        if kpi_ids is not None:
            years = selectors.progress_years(plan)
            if selectors.stored_years(plan_id) != years:
                kpi_ids = None  # the plan's years moved (an actual of a new year): every KPI follows
        stored = KpiYearProgress.objects.filter(plan_id=plan_id)
        if kpi_ids is not None:
            stored = stored.filter(kpi_id__in=kpi_ids)
        loaded = _load([plan_id], kpi_ids=kpi_ids, years={plan_id: years} if kpi_ids is not None else None)
        rows, tallies = _build(loaded)
        _store(stored, ROW_COLUMNS, rows)
        if kpi_ids is None:
            _store(ProgressTally.objects.filter(plan_id=plan_id), TALLY_COLUMNS, tallies)
        else:
            retally(plan_id)  # the plan's other KPIs kept their rows: count from what is stored
        versions.bump_plans([plan_id])  # every write that moves public data recomputes: caches follow
    return len(rows)


def _store(stored: QuerySet, columns: Sequence[str], rows: list[tuple]) -> None:
    """Make ``stored`` (progress rows or tallies) hold exactly ``rows`` (``columns``): a stored row
    equal to a computed one stays (most of them, when a recompute finds the data as it was), the
    others are deleted and the new ones inserted. Reading a row costs the database far less than
    deleting and inserting it again.

    On PostgreSQL the stored rows are read as ``COPY`` text and compared as text (read five times
    faster than as rows of Python values; a tally's counts as ``jsonb`` prints them); a computed
    row that would print differently from its stored twin is only written again, never wrongly
    kept. Elsewhere they are compared as values."""
    if connection.vendor == "postgresql":
        kept = _stored_lines(stored, columns)
        comparable = _COMPARABLE_LINE[tuple(columns)]
        new = [row for row in rows if kept.pop(comparable(row), None) is None]
    else:
        kept = {_hashable(row[1:]): row[0] for row in stored.order_by().values_list("pk", *columns)}
        new = [row for row in rows if kept.pop(_hashable(row), None) is None]
    gone = list(kept.values())
    for start in range(0, len(gone), DELETE_CHUNK):
        stored.model.objects.filter(pk__in=gone[start : start + DELETE_CHUNK]).delete()
    _insert(stored.model, columns, new)


def _hashable(row: tuple) -> tuple:
    """A row as a dictionary key: a tally's counts (dictionaries) as their sorted items."""
    return tuple(tuple(sorted(value.items())) if isinstance(value, dict) else value for value in row)


def _stored_lines(stored: QuerySet, columns: Sequence[str] = ROW_COLUMNS) -> dict[str, str]:
    """The stored rows as PostgreSQL's ``COPY … TO STDOUT`` prints them: their ``columns`` line
    (tab-separated, numbers with the columns' six places, ``t``/``f``, ``\\N``, ``jsonb`` as it
    prints) to the row's id (as text: it only goes back into a ``DELETE``)."""
    sql, params = stored.order_by().values_list(*columns, "pk").query.sql_with_params()
    text = io.StringIO()
    with connection.cursor() as cursor:
        query = cursor.cursor.mogrify(sql, params).decode()
        cursor.cursor.copy_expert(f"COPY ({query}) TO STDOUT", text)
    # COPY escapes a newline or a tab in a value: the last tab of a line comes before the id
    return dict(line.rsplit("\t", 1) for line in text.getvalue().split("\n")[:-1])


def _comparable_line(row: tuple) -> str:
    """A computed ``ROW_COLUMNS`` row as ``_stored_lines`` prints its stored twin, and as
    ``COPY`` reads it (``_progress_line``): numbers as ``str`` prints them (targets and rates are
    quantized to the columns' six places, actuals were read from such a column, and ``_row_values``
    keeps no −0, which PostgreSQL does not have), labels escaped once each. A value printed
    otherwise would only make its row written again: equal text is an equal number."""
    kpi_id, plan_id, view, year, target, stated, actual, rate, mark, outlook, on_scale, official, disagrees, shared = (
        row
    )
    return (
        f"{kpi_id}\t{plan_id}\t{view}\t{year}\t{_NULL if target is None else target}\t{'t' if stated else 'f'}\t"
        f"{_NULL if actual is None else actual}\t{_NULL if rate is None else rate}\t{mark}\t{outlook}\t"
        f"{_escaped[on_scale]}\t{_escaped[official]}\t{'t' if disagrees else 'f'}\t{'t' if shared else 'f'}"
    )


# --- loading a batch of plans as plain values ---------------------------------------------------


@dataclass
class _KpiInputs:
    """One KPI as the rules see it, and where its tallies count (goal, direction or package)."""

    values: KpiValues
    goal_number: int | None
    direction_code: str | None
    package_id: int | None


@dataclass
class _PlanInputs:
    plan_id: int
    first_year: int
    last_year: int
    scale: tuple[ScaleLabel, ...] = rating.DEFAULT_SCALE
    published: set[int] = field(default_factory=set)
    kpis: list[_KpiInputs] = field(default_factory=list)
    goal_ids: dict[int, int] = field(default_factory=dict)
    direction_ids: dict[str, int] = field(default_factory=dict)
    years: range | None = None


def _load(
    plan_ids: list[int], *, kpi_ids: set[int] | None = None, years: dict[int, range | None] | None = None
) -> list[_PlanInputs]:
    """Everything the rules and the tallies need of these plans' KPIs (or only ``kpi_ids``), in
    ten queries whatever their number: values, not model instances (the KPIs through
    ``selectors.kpi_values_of_plans``, as the dashboards load them).

    The ``KpiValues`` carry what ``evaluate_kpi`` reads; the actuals' details and the written
    precision, which only screens show, are left out. ``years`` (default: computed here from the
    loaded values as ``selectors.progress_years`` does) are the stored years of each plan."""
    plans = {
        plan_id: _PlanInputs(plan_id, first_year, last_year)
        for plan_id, first_year, last_year in Plan.objects.filter(pk__in=plan_ids)
        .order_by("pk")
        .values_list("pk", "first_year", "last_year")
    }
    scales: dict[int, list[ScaleLabel]] = {}
    for plan_id, label, canonical, meaning in (
        RatingLabel.objects.filter(plan_id__in=plan_ids)
        .order_by("plan_id", "order", "id")
        .values_list("plan_id", "label", "canonical", "meaning")
    ):
        scales.setdefault(plan_id, []).append(ScaleLabel(label, tuple(canonical), meaning))
    for plan_id, scale in scales.items():
        plans[plan_id].scale = tuple(scale)
    for plan_id, year in PublishedYear.objects.filter(plan_id__in=plan_ids).values_list("plan_id", "year"):
        plans[plan_id].published.add(year)
    for plan_id, number, goal_id in Goal.objects.filter(plan_id__in=plan_ids).values_list("plan_id", "number", "pk"):
        plans[plan_id].goal_ids[number] = goal_id
    for plan_id, code, direction_id in PolicyDirection.objects.filter(plan_id__in=plan_ids).values_list(
        "plan_id", "code", "pk"
    ):
        plans[plan_id].direction_ids[code] = direction_id

    for loaded in kpi_values_of_plans(plan_ids, kpi_ids=kpi_ids, details=False):
        plans[loaded.plan_id].kpis.append(
            _KpiInputs(loaded.values, loaded.counted_goal, loaded.direction_code, loaded.package_id)
        )

    for plan in plans.values():
        given = (years or {}).get(plan.plan_id)
        plan.years = given if given is not None else _progress_years(plan)
    return list(plans.values())


def _progress_years(plan: _PlanInputs) -> range:
    """``selectors.progress_years`` from the loaded values (no query): the plan's own years, and
    any year one of its KPIs has a baseline after, a target or an actual for."""
    firsts, lasts = [plan.first_year], [plan.last_year]
    baseline_years = [kpi.values.baseline_year for kpi in plan.kpis if kpi.values.baseline_year is not None]
    if baseline_years:
        firsts.append(min(baseline_years) + 1)
    lasts += [kpi.values.target_year for kpi in plan.kpis if kpi.values.target_year is not None]
    for kpi in plan.kpis:
        for years in (kpi.values.actuals, kpi.values.stated_targets):
            if years:
                firsts.append(min(years))
                lasts.append(max(years))
    return range(min(year for year in firsts if year), max(year for year in lasts if year) + 1)


# --- evaluating and counting, in memory ---------------------------------------------------------


def _build(plans: list[_PlanInputs]) -> tuple[list[tuple], list[tuple]]:
    """The stored rows (``ROW_COLUMNS``) and tallies (``TALLY_COLUMNS``) of the loaded plans."""
    rows: list[tuple] = []
    tallies: list[tuple] = []
    for plan in plans:
        plan_rows = _plan_rows(plan)
        rows += plan_rows
        tallies += _tallies(plan, plan_rows)
    return rows, tallies


def _plan_rows(plan: _PlanInputs) -> list[tuple]:
    """The rows to store of every loaded KPI of the plan in each of its years
    (``evaluate_kpi_views``: a citizens' year before the first actual they may not see is the
    staff's own item; no row of its own is stored for it, the staff row is marked shared)."""
    staff, public = ProgressView.STAFF.value, ProgressView.PUBLIC.value  # plain str: rows are compared
    plan_id, scale, years, published = plan.plan_id, plan.scale, plan.years, plan.published
    rows: list[tuple] = []
    for kpi in plan.kpis:
        staff_items, public_items = evaluate_kpi_views(kpi.values, years, scale, published=published)
        if public_items is staff_items:  # nothing unpublished: every staff row is the citizens' too
            rows += [_row_values(plan_id, staff, item, True) for item in staff_items]
            continue
        for staff_item, public_item in zip(staff_items, public_items, strict=True):
            if public_item is staff_item:
                rows.append(_row_values(plan_id, staff, staff_item, True))
            else:
                rows.append(_row_values(plan_id, staff, staff_item, False))
                rows.append(_row_values(plan_id, public, public_item, False))
    return rows


def _tallies(plan: _PlanInputs, rows: list[tuple]) -> list[tuple]:
    """The tallies of the plan, its goals, directions and packages, per year and view, counted
    from ``rows`` (every KPI of the plan; a staff row marked shared counts for citizens too):
    what ``retally`` counts from the stored rows.

    The rows are counted once, by their KPI's own scope (a direction, goal or package, or none),
    view, year, mark, outlook and whether citizens share it, as flat keys (a ``Counter`` over
    ``zip`` and ``itemgetter``: no Python call per row); each scope's tally and the plan's (all of
    its KPIs) come from those counts, one dictionary entry a distinct key."""
    scope_of: dict[int, tuple[str, int] | None] = {}
    for kpi in plan.kpis:  # scopes as plain str: an enum member hashes through a Python call
        scope = None
        if kpi.direction_code:
            scope = (TallyScope.DIRECTION.value, plan.direction_ids[kpi.direction_code])
        elif kpi.goal_number is not None:
            scope = (TallyScope.GOAL.value, plan.goal_ids[kpi.goal_number])
        elif kpi.package_id is not None:
            scope = (TallyScope.PACKAGE.value, kpi.package_id)
        scope_of[kpi.values.id] = scope
    kpi_scope = scope_of.__getitem__
    public = ProgressView.PUBLIC.value
    counts = Counter(zip(map(kpi_scope, map(_KPI_ID, rows)), *(map(column, rows) for column in _STANDING), strict=True))
    by_view: Counter = Counter()  # the shared staff rows counted for citizens too
    for (scope, view, year, mark, outlook, shared), number in counts.items():
        by_view[scope, view, year, mark, outlook] += number
        if shared:
            by_view[scope, public, year, mark, outlook] += number
    groups: defaultdict[tuple, dict[tuple[str, str], int]] = defaultdict(dict)
    plan_counts: Counter = Counter()
    for (scope, view, year, mark, outlook), number in by_view.items():
        plan_counts[view, year, mark, outlook] += number
        if scope is not None:
            groups[scope, view, year][mark, outlook] = number  # each (scope, view, year, mark, outlook) once
    for (view, year, mark, outlook), number in plan_counts.items():
        groups[_PLAN_SCOPE, view, year][mark, outlook] = number
    tallies = []
    for ((scope, scope_id), view, year), pairs in groups.items():
        counted_tally = tally_of_counts(pairs)
        tallies.append(
            (
                plan.plan_id,
                scope,
                scope_id,
                view,
                year,
                counted_tally.kpi_count,
                counted_tally.marks,
                counted_tally.outlooks,
            )
        )
    return tallies


_PLAN_SCOPE = (TallyScope.PLAN.value, 0)
_KPI_ID = itemgetter(ROW_COLUMNS.index("kpi_id"))
_STANDING = tuple(
    itemgetter(ROW_COLUMNS.index(column)) for column in ("view", "year", "mark", "outlook", "shared_with_public")
)


# --- writing -----------------------------------------------------------------------------------


def _insert(model, columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert plain rows: ``COPY`` on PostgreSQL for many rows, ``bulk_create`` otherwise."""
    if not rows:
        return
    if connection.vendor == "postgresql" and len(rows) >= COPY_THRESHOLD:
        line = {ROW_COLUMNS: _progress_line, TALLY_COLUMNS: _tally_line}.get(tuple(columns))
        copy_rows(model._meta.db_table, columns, rows, line=line)
        return
    model.objects.bulk_create((model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=5000)


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[tuple], *, line=None) -> None:
    """PostgreSQL's ``COPY … FROM STDIN`` (text format) in the current transaction: values are
    None, booleans, dicts (JSON) or anything whose ``str`` PostgreSQL reads (numbers, text).
    ``line`` turns a row into its line of text when a table has a faster way than the general one."""
    text = "".join(map(line or _copy_line, rows))
    with connection.cursor() as cursor:
        quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
        cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN", io.StringIO(text))


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NULL = "\\N"


class _Escaped(dict):
    """A label as COPY reads it, by label: escaped once (labels repeat on every row), then a
    plain lookup."""

    def __missing__(self, text: str) -> str:
        escaped = self[text] = text.translate(_COPY_ESCAPES)
        return escaped


_escaped = _Escaped()


def _copy_line(row: tuple) -> str:
    return "\t".join(map(_copy_text, row)) + "\n"


def _copy_text(value) -> str:
    if value is None:
        return _NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    return str(value).translate(_COPY_ESCAPES)


def _progress_line(row: tuple) -> str:
    """A ``ROW_COLUMNS`` row as COPY reads it: ``_comparable_line``, one format with no call per
    value (ten million of them for the nation)."""
    return _comparable_line(row) + "\n"


def _tally_line(row: tuple) -> str:
    """A ``TALLY_COLUMNS`` row as COPY reads it: ``_comparable_tally_line`` (its counts in
    ``jsonb``'s own order, which COPY reads as well as any)."""
    return _comparable_tally_line(row) + "\n"


def _comparable_tally_line(row: tuple) -> str:
    """A computed ``TALLY_COLUMNS`` row as ``_stored_lines`` prints its stored twin: the counts
    as PostgreSQL prints a ``jsonb`` object (keys shortest first, then by their bytes; ``", "``
    and ``": "`` between; marks and outlooks need no escaping)."""
    plan_id, scope, scope_id, view, year, kpi_count, marks, outlooks = row
    counts = f"{_jsonb_counts(marks)}\t{_jsonb_counts(outlooks)}"
    return f"{plan_id}\t{scope}\t{scope_id}\t{view}\t{year}\t{kpi_count}\t{counts}"


def _jsonb_counts(counts: dict[str, int]) -> str:
    order = _JSONB_ORDER.get(tuple(counts))
    if order is None:
        order = _JSONB_ORDER[tuple(counts)] = sorted(counts, key=lambda label: (len(label.encode()), label.encode()))
    return "{" + ", ".join([f'"{label}": {counts[label]}' for label in order]) + "}"


_JSONB_ORDER: dict[tuple[str, ...], list[str]] = {}  # a tally's labels (always the same few) in jsonb's order
_COMPARABLE_LINE = {ROW_COLUMNS: _comparable_line, TALLY_COLUMNS: _comparable_tally_line}


def retally(plan_id: int) -> None:
    """The tallies of a plan, its goals and its directions, per year and view, from stored rows
    (the citizens' view: their own rows and the staff rows they share, as ``selectors.stored_rows``)."""
    goals = list(selectors.goals_with_directions(plan_id))
    goal_ids = {goal.number: goal.pk for goal in goals}
    direction_ids = {direction.code: direction.pk for goal in goals for direction in goal.directions.all()}
    attachment = {
        kpi_id: (goal_number, direction_code, package_id)
        for kpi_id, goal_number, direction_goal_number, direction_code, package_id in Kpi.objects.filter(
            plan_id=plan_id
        ).values_list("pk", "goal__number", "policy_direction__goal__number", "policy_direction__code", "package_id")
        for goal_number in [goal_number if direction_code is None else direction_goal_number]
    }
    counted: list[tuple[str, int, int, str, str]] = []
    for kpi_id, view, year, mark, outlook, shared in KpiYearProgress.objects.filter(plan_id=plan_id).values_list(
        "kpi_id", "view", "year", "mark", "outlook", "shared_with_public"
    ):
        counted.append((view, kpi_id, year, mark, outlook))
        if shared:  # a staff row citizens read too
            counted.append((ProgressView.PUBLIC, kpi_id, year, mark, outlook))
    groups: dict[tuple[str, int, str, int], list[tuple[str, str]]] = {}
    for view, kpi_id, year, mark, outlook in counted:
        goal_number, direction_code, package_id = attachment.get(kpi_id, (None, None, None))
        scopes = [(TallyScope.PLAN, 0)]
        if direction_code:
            scopes.append((TallyScope.DIRECTION, direction_ids[direction_code]))
        elif goal_number is not None:
            scopes.append((TallyScope.GOAL, goal_ids[goal_number]))
        elif package_id is not None:
            scopes.append((TallyScope.PACKAGE, package_id))
        for scope, scope_id in scopes:
            groups.setdefault((view, year, scope, scope_id), []).append((mark, outlook))
    ProgressTally.objects.filter(plan_id=plan_id).delete()
    tallies = []
    for (view, year, scope, scope_id), pairs in groups.items():
        counted = tally(pairs)
        tallies.append(
            ProgressTally(
                plan_id=plan_id,
                scope=scope,
                scope_id=scope_id,
                view=view,
                year=year,
                kpi_count=counted.kpi_count,
                marks=counted.marks,
                outlooks=counted.outlooks,
            )
        )
    ProgressTally.objects.bulk_create(tallies, batch_size=2000)
