"""Reusable querysets with their joins and prefetches; no rules here."""

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Prefetch, Q, QuerySet

from plans.choices import ActualStatus, RatingKind
from plans.models import (
    Actual,
    Goal,
    Kpi,
    KpiYearProgress,
    OfficialRating,
    Plan,
    PolicyDirection,
    ProgressView,
    PublishedYear,
    TargetRevision,
    YearlyTarget,
)
from plans.models.lookups import AnyOf
from plans.rules.notation import BLANK_MARKERS


def plan_list() -> QuerySet[Plan]:
    """Plans with their municipality and the counts shown in lists."""
    return (
        Plan.objects.select_related("municipality")
        .annotate(
            goal_count=Count("goals", distinct=True),
            kpi_count=Count("kpis", distinct=True),
        )
        .order_by("municipality__code", "first_year", "slug")
    )


def visible_actuals(plan_id: int, *, public: bool = False) -> QuerySet[Actual]:
    """Actuals of a plan's KPIs; with ``public``, only those of the years a planner published."""
    actuals = Actual.objects.all()
    if public:
        actuals = actuals.filter(year__in=PublishedYear.objects.filter(plan_id=plan_id).values("year"))
    return actuals


def target_revisions() -> Prefetch:
    """A KPI's target and baseline revisions (KPI見直し), oldest first: the rules judge each year
    on the values in force then (``kpi_values`` reads them)."""
    return Prefetch("target_revisions", queryset=TargetRevision.objects.order_by("effective_from_year", "id"))


def kpis_with_values(plan_id: int, *, public: bool = False) -> QuerySet[Kpi]:
    """A plan's KPIs with everything a rating needs, in five queries whatever their number."""
    return (
        Kpi.objects.filter(plan_id=plan_id)
        .select_related("department", "goal", "policy_direction__goal", "package", "project")
        .prefetch_related(
            Prefetch("yearly_targets", queryset=YearlyTarget.objects.order_by("year")),
            Prefetch("actuals", queryset=visible_actuals(plan_id, public=public).order_by("year")),
            Prefetch("official_ratings", queryset=OfficialRating.objects.order_by("kind", "year")),
            target_revisions(),
        )
        .order_by("order", "id")
    )


# --- a plan's KPIs as rows of values (no model instances): what ``kpi_values_of_plans`` builds
# ``KpiValues`` from, one query each for the KPIs, their yearly targets, actuals, official
# outlooks and target revisions, whatever their number.

KPI_VALUE_FIELDS = (
    "pk",
    "plan_id",
    "code",
    "name",
    "unit",
    "direction",
    "level",
    "goal__number",
    "policy_direction__goal__number",
    "policy_direction__code",
    "package_id",
    "baseline_year",
    "baseline_value",
    "baseline_raw",
    "target_year",
    "target_value",
    "target_raw",
    "target_at_least",
    "year_kind",
    "department__name",
    "total_years",
    "is_cumulative",
    "baseline_year_assumed",
)


def kpi_value_rows(plan_ids, *, kpi_ids=None) -> QuerySet:
    """These plans' KPIs (or only ``kpi_ids``) as tuples of ``KPI_VALUE_FIELDS``, in each plan's
    order (that of ``kpis_with_values``)."""
    kpis = Kpi.objects.filter(plan_id__in=list(plan_ids))
    if kpi_ids is not None:
        kpis = kpis.filter(pk__in=list(kpi_ids))
    return kpis.order_by("plan_id", "order", "id").values_list(*KPI_VALUE_FIELDS)


def _of_kpis(rows: QuerySet, plan_ids, kpi_ids) -> QuerySet:
    """Rows of these KPIs when their ids are known (by the table's kpi_id index, no join; the ids
    as one array), else of the plans' KPIs."""
    if kpi_ids is not None:
        return rows.filter(AnyOf(F("kpi_id"), kpi_ids))
    return rows.filter(kpi__plan_id__in=list(plan_ids))


def yearly_target_rows(plan_ids, *, kpi_ids=None) -> QuerySet:
    """(kpi id, year, value, as written) of these plans' stated yearly targets, by KPI and year."""
    targets = _of_kpis(YearlyTarget.objects.all(), plan_ids, kpi_ids)
    return targets.order_by("kpi_id", "year").values_list("kpi_id", "year", "value", "raw")


def actual_rows(plan_ids, *, kpi_ids=None, public: bool = False, details: bool = True) -> QuerySet:
    """(kpi id, year, value[, as written, status, preliminary, note]) of these plans' actuals, by
    KPI and year; with ``public`` only those of the years each plan published (as
    ``visible_actuals``). The details are what screens show; the rules read only the value."""
    actuals = _of_kpis(Actual.objects.all(), plan_ids, kpi_ids)
    if public:
        actuals = actuals.filter(
            Exists(PublishedYear.objects.filter(plan_id=OuterRef("kpi__plan_id"), year=OuterRef("year")))
        )
    fields = ("kpi_id", "year", "value") + (("raw", "status", "is_preliminary", "note") if details else ())
    return actuals.order_by("kpi_id", "year").values_list(*fields)


def official_outlook_rows(plan_ids, *, kpi_ids=None) -> QuerySet:
    """(kpi id, year, label) of the outlooks these plans printed for their KPIs, by KPI and year."""
    ratings = _of_kpis(OfficialRating.objects.filter(kind=RatingKind.OUTLOOK), plan_ids, kpi_ids)
    return ratings.order_by("kpi_id", "year").values_list("kpi_id", "year", "label")


def target_revision_rows(plan_ids, *, kpi_ids=None) -> QuerySet:
    """(kpi id, field, in force from year, old value, old year) of these plans' target revisions,
    oldest first per KPI (the order of ``target_revisions``)."""
    revisions = _of_kpis(TargetRevision.objects.all(), plan_ids, kpi_ids)
    return revisions.order_by("kpi_id", "effective_from_year", "id").values_list(
        "kpi_id", "field", "effective_from_year", "old_value", "old_year"
    )


def stored_rows(*, public: bool = False) -> QuerySet[KpiYearProgress]:
    """The stored KPI-years of one view: the staff's, or with ``public`` what citizens may see.

    Citizens have rows of their own from a KPI's first unpublished actual on (the rules judge
    them without it); before that year the rules judge the same, published, actuals for both
    views, and no citizens' row is stored: the staff row, marked ``shared_with_public``, is
    theirs (``plans.services.progress``). One row a KPI-year either way, found by the (plan, view,
    year) or the (KPI, view, year) index."""
    return KpiYearProgress.objects.filter(_view(public=public))


def _view(*, public: bool) -> Q:
    """The rows of one view (``stored_rows``), as a condition."""
    if not public:
        return Q(view=ProgressView.STAFF)
    return Q(view=ProgressView.PUBLIC) | Q(view=ProgressView.STAFF, shared_with_public=True)


def stored_progress(plan_id: int, *, year: int, public: bool = False) -> QuerySet[KpiYearProgress]:
    """The stored standing of a plan's KPIs in ``year``: what citizens may see with ``public``."""
    return stored_rows(public=public).filter(plan_id=plan_id, year=year)


def plan_stored_rows(plan_id: int, *, public: bool = False) -> QuerySet[KpiYearProgress]:
    """Every stored year of every KPI of a plan (one query): what a table of all years reads."""
    return stored_rows(public=public).filter(plan_id=plan_id).order_by("kpi_id", "year")


def stored_marks(plan_id: int, *, years, public: bool = False) -> dict[int, dict[int, str]]:
    """The stored mark of each KPI of a plan in each of ``years``, by KPI id and year (one query)."""
    marks: dict[int, dict[int, str]] = {}
    rows = (
        stored_rows(public=public).filter(plan_id=plan_id, year__in=list(years)).values_list("kpi_id", "year", "mark")
    )
    for kpi_id, year, mark in rows:
        marks.setdefault(kpi_id, {})[year] = mark
    return marks


def kpis_stored_rows(kpi_ids, *, public_plan_ids=()) -> QuerySet[KpiYearProgress]:
    """Every stored year of these KPIs (one query): a lineage across plans. The KPIs of the plans
    in ``public_plan_ids`` in the citizens' view (``stored_rows``), the others in the staff's."""
    public_plan_ids = list(public_plan_ids)
    in_public_plan = Q(plan_id__in=public_plan_ids)
    return KpiYearProgress.objects.filter(
        (in_public_plan & _view(public=True)) | (~in_public_plan & _view(public=False)), kpi_id__in=list(kpi_ids)
    ).order_by("kpi_id", "year")


def kpi_years_with_data(
    kpi_id: int, *, plan_id: int, target_year: int | None, public: bool = False
) -> QuerySet[KpiYearProgress]:
    """A KPI's stored years that say something (one query): an actual (a value, or a written
    record such as 集計中), a stated target, or a target between the baseline and the final target
    year. The public and the staff KPI pages list these years, so both list the same ones."""
    written = visible_actuals(plan_id, public=public).filter(kpi_id=kpi_id).values("year")
    has_data = Q(actual__isnull=False) | Q(target_stated=True) | Q(year__in=written)
    if target_year is not None:
        has_data |= Q(target__isnull=False, year__lte=target_year)
    return stored_rows(public=public).filter(kpi_id=kpi_id).filter(has_data).order_by("year")


def latest_stored_actuals(plan_id: int, *, year: int, public: bool = False) -> dict[int, KpiYearProgress]:
    """Each KPI's latest stored year with an actual, up to ``year`` (one query, whatever the
    number of KPIs): the latest actual a card shows beside the stored mark and outlook."""
    rows = (
        stored_rows(public=public)
        .filter(plan_id=plan_id, year__lte=year, actual__isnull=False)
        .only("kpi_id", "year", "actual", "mark", "rate")
        .order_by("kpi_id", "year")
    )
    return {row.kpi_id: row for row in rows}  # ordered by year: the latest one stays


def progress_years(plan: Plan) -> range:
    """The years whose progress is stored for every KPI of ``plan``: its own years, and any year
    one of its KPIs has a baseline after, a target or an actual for (two queries)."""
    spans = Kpi.objects.filter(plan_id=plan.pk).aggregate(
        first_baseline=Min("baseline_year"),
        last_target=Max("target_year"),
        first_actual=Min("actuals__year"),
        last_actual=Max("actuals__year"),
    )
    stated = YearlyTarget.objects.filter(kpi__plan_id=plan.pk).aggregate(first=Min("year"), last=Max("year"))
    firsts = [plan.first_year, spans["first_actual"], stated["first"]]
    if spans["first_baseline"] is not None:
        firsts.append(spans["first_baseline"] + 1)
    lasts = [plan.last_year, spans["last_target"], spans["last_actual"], stated["last"]]
    return range(min(year for year in firsts if year), max(year for year in lasts if year) + 1)


def stored_years(plan_id: int) -> range:
    """The years whose progress is stored for ``plan_id`` now (empty when none is)."""
    span = KpiYearProgress.objects.filter(plan_id=plan_id).aggregate(first=Min("year"), last=Max("year"))
    return range(span["first"], span["last"] + 1) if span["first"] is not None else range(0)


def goals_with_directions(plan_id: int) -> QuerySet[Goal]:
    return Goal.objects.filter(plan_id=plan_id).prefetch_related(
        Prefetch("directions", queryset=PolicyDirection.objects.order_by("order", "id"))
    )


def measured_years(plan_id: int, *, public: bool = False) -> list[int]:
    """Years in which the plan has at least one measured actual, oldest first."""
    return sorted(
        visible_actuals(plan_id, public=public)
        .filter(kpi__plan_id=plan_id, status=ActualStatus.MEASURED)
        .order_by()  # the model's default ordering would add kpi_id to DISTINCT
        .values_list("year", flat=True)
        .distinct()
    )


def unreadable_kpis() -> Q:
    """KPIs whose baseline or target text is kept for attention: written, but not read as a value."""

    def unreadable(prefix: str) -> Q:
        return Q(**{f"{prefix}_value__isnull": True}) & ~Q(**{f"{prefix}_raw__in": list(BLANK_MARKERS)})

    return unreadable("baseline") | unreadable("target")
