"""The annual evaluation report (年度評価・進捗状況報告) as data, built once for every format.

Laid out like the 久留米 H29 progress report (``002_…txt``): per goal, the numerical targets
(数値目標) with their yearly targets, actuals, marks and outlook; the legend; the tally per
policy direction (KPI数, 進捗度, 達成見込み) with the printed one beside the computed one; the
review texts (評価のポイント, the directions' 取組・課題・今後の展開, the projects' 総括); per goal the
planner's evaluation text (GoalEvaluation) and the committee's comments (CommitteeComment) of the
year, and a bar of each KPI's achievement rate (the chart the PDF can draw without scripts); the
official rating the plan printed for the report year (``official``: 小郡's ratings as of R6.4 judge
R5); for a plan whose KPIs continue in a successor plan, the 小郡-style sheet (``succession``).

The core (``build_report``, ``target_rows``, ``review_point``, ``legend_lines``) is pure;
``evaluation_report`` loads everything in a fixed number of queries. Every figure comes from
``overview`` / ``progress``: nothing here rates a KPI. The formatters read the result: the HTML
page (``staff.dashboards.ReportView``), ``xlsx`` and ``pdf``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Prefetch

from plans import charts
from plans.choices import Mark, Outlook
from plans.models import CommitteeComment, GoalEvaluation, Kpi, PolicyDirection, Project, ProjectReview
from plans.rules import rating
from plans.rules.notation import format_year
from plans.rules.progress import KpiProgress, year_target_for
from staff.overview import GoalOverview, PlanOverview, YearMark, normalise_printed_mark, plan_overview
from staff.report.official import PrintedRating, printed_outlooks, rating_for_year
from staff.report.succession import SuccessionSheet, succession_sheet
from staff.report.text import actual_as_written, actual_note, text_lines, with_unit

_REVIEW_POINT = re.compile(r"評価のポイント\s*(?P<heading><[^<>]*>)?\s*[:：]\s*(?P<text>.+)$", re.S)


@dataclass(frozen=True)
class ReviewPoint:
    """評価のポイント printed under a numerical target: its heading and its bullet lines."""

    heading: str
    lines: tuple[str, ...]


def review_point(note: str) -> ReviewPoint | None:
    """The 評価のポイント a transcription kept in a KPI's note, or None.

    The H29 transcription writes it as ``… 評価のポイント <新規雇用者数>: ・…。・…。`` after its own
    remarks; the text runs to the end of the note and its bullets start with ``・``.
    """
    match = _REVIEW_POINT.search(note or "")
    if not match:
        return None
    lines = tuple(line.strip() for line in match["text"].split("・") if line.strip())
    return ReviewPoint(heading=(match["heading"] or "").strip("<>"), lines=lines)


@dataclass(frozen=True)
class TargetReport:
    """A numerical target as the report prints it: raw baseline and target, yearly rows, outlook."""

    progress: KpiProgress
    baseline_raw: str
    target_raw: str
    years: list[YearMark]
    rows: list[ReportYear]
    review: ReviewPoint | None
    official: PrintedRating | None = None  # the rating behind ``progress.official_label``, with its date


@dataclass(frozen=True)
class ReportYear:
    year: int
    target: str  # formatted at the KPI's precision, with its unit
    target_stated: bool
    actual: str  # as written, with its annotations
    mark: str
    printed_mark: str
    target_value: Decimal | None = None  # the number behind ``target`` (the Excel keeps it a number)
    actual_value: Decimal | None = None  # the number behind ``actual`` ("" shown, None here, after the year)
    actual_note: str = ""  # what ``actual`` says beyond its number: 集計中, 速報値, ``(R2)``


@dataclass(frozen=True)
class ProjectEntry:
    code: str
    title: str
    year: int
    carried_out: str
    done: str
    summary: str
    rating_label: str


@dataclass(frozen=True)
class DirectionReport:
    code: str
    title: str
    summary: str
    projects: list[ProjectEntry]

    @property
    def summary_lines(self) -> list[str]:
        return text_lines(self.summary)


@dataclass(frozen=True)
class CommitteeNote:
    """A committee member's comment on a goal's year (外部検証会議, 審議会), as the report prints it."""

    text: str
    author_name: str

    @property
    def lines(self) -> list[str]:
        return text_lines(self.text)


BAR_SCALE = Decimal("1.5")  # a rate bar runs from 0 to 150%; beyond that it is drawn full
BAR_GUIDES = (Decimal("0.7"), Decimal("1"))  # the marks' thresholds, drawn as lines across the bar


@dataclass(frozen=True)
class RateBar:
    """One KPI's achievement rate as a bar: the chart of a goal's KPIs that needs no script
    (the PDF and the printed page); lengths are in percent of the bar's 0–150% span."""

    name: str
    code: str
    rate: Decimal | None
    mark: str

    @property
    def length(self) -> Decimal:
        if self.rate is None or self.rate <= 0:
            return Decimal(0)
        return (min(self.rate, BAR_SCALE) / BAR_SCALE * 100).quantize(Decimal("0.1"))

    @property
    def overflows(self) -> bool:
        return self.rate is not None and self.rate > BAR_SCALE

    @property
    def colour(self) -> str:
        return (Mark.find(self.mark) or Mark.NONE).colour

    @staticmethod
    def guides() -> list[Decimal]:
        return [(guide / BAR_SCALE * 100).quantize(Decimal("0.1")) for guide in BAR_GUIDES]


def rate_bars(items: Iterable[KpiProgress]) -> list[RateBar]:
    """A bar per KPI, in the order the report lists them."""
    return [RateBar(name=item.kpi.name, code=item.kpi.code, rate=item.rate, mark=item.mark) for item in items]


@dataclass(frozen=True)
class GoalReport:
    overview: GoalOverview
    targets: list[TargetReport]
    directions: list[DirectionReport]
    evaluation: str = ""  # the planner's evaluation text of the year (GoalEvaluation)
    comments: list[CommitteeNote] = field(default_factory=list)

    @property
    def evaluation_lines(self) -> list[str]:
        return text_lines(self.evaluation)

    @property
    def bars(self) -> list[RateBar]:
        return rate_bars(self.overview.kpis)

    @property
    def bar_guides(self) -> list[Decimal]:
        return RateBar.guides()

    @property
    def marks_figure(self) -> dict:
        """The dashboards' plotly chart of the goal's marks by policy direction (the HTML page)."""
        return charts.goal_marks_figure(self.overview)

    @property
    def marks_description(self) -> str:
        return charts.describe_goal_marks(self.overview)


@dataclass(frozen=True)
class EvaluationReport:
    plan_slug: str
    plan_title: str
    municipality: str
    first_year: int
    last_year: int
    year: int
    years: list[int]
    scale: tuple[rating.ScaleLabel, ...]
    overview: PlanOverview
    goals: list[GoalReport]
    succession: SuccessionSheet | None = None
    report_note: str = ""
    others: list[KpiProgress] = field(default_factory=list)
    official_as_of: str = ""  # the date every official rating shown was printed at, when they share one

    @property
    def year_label(self) -> str:
        return format_year(self.year)


def target_rows(progress: KpiProgress, years: Sequence[YearMark], all_years: Sequence[int]) -> list[ReportYear]:
    """The yearly rows of a numerical target's table: every year of the plan, actuals up to the report year."""
    marks = {year_mark.year: year_mark for year_mark in years}
    kpi = progress.kpi
    rows = []
    for year in all_years:
        if kpi.baseline_year is not None and year <= kpi.baseline_year:
            continue
        target = year_target_for(kpi, year)
        shown = year <= progress.year
        year_mark = marks.get(year)
        rows.append(
            ReportYear(
                year=year,
                target=with_unit(target.value, kpi.unit, kpi.places)
                + ("以上" if kpi.at_least and target.value is not None else ""),
                target_stated=target.stated,
                actual=actual_as_written(kpi, year) if shown else "",
                mark=year_mark.mark if year_mark else "",
                printed_mark=normalise_printed_mark(year_mark.printed) if year_mark else "",
                target_value=target.value,
                actual_value=kpi.actuals.get(year) if shown else None,
                actual_note=actual_note(kpi, year) if shown else "",
            )
        )
    return rows


def with_official_ratings(overview: PlanOverview, officials: Mapping[int, PrintedRating | None]) -> PlanOverview:
    """The overview with each KPI's official rating the one the plan printed for the report year
    (``officials`` by KPI id; see ``staff.report.official``), and its disagreement with the
    computed outlook judged against that rating. Marks, outlooks and tallies stay as stored."""

    def rated(item: KpiProgress) -> KpiProgress:
        if item.kpi.id not in officials:
            return item
        official = officials[item.kpi.id]
        label = official.label if official else ""
        return item._replace(
            official_label=label,
            disagrees=rating.disagrees(computed_outlook=item.outlook, official_label=label, scale=overview.scale),
        )

    goals = [
        replace(
            goal,
            targets=[replace(target, progress=rated(target.progress)) for target in goal.targets],
            directions=[
                replace(direction, kpis=[rated(item) for item in direction.kpis]) for direction in goal.directions
            ],
        )
        for goal in overview.goals
    ]
    others = [rated(item) for item in overview.others]
    return replace(overview, goals=goals, others=others, kpis=[rated(item) for item in overview.kpis])


def build_report(
    *,
    plan: Mapping,
    overview: PlanOverview,
    raw_texts: Mapping[int, tuple[str, str, str]],
    direction_summaries: Mapping[str, str],
    projects_by_direction: Mapping[str, list[ProjectEntry]],
    succession: SuccessionSheet | None = None,
    officials: Mapping[int, PrintedRating | None] | None = None,
    evaluations: Mapping[int, str] | None = None,
    comments: Mapping[int, list[CommitteeNote]] | None = None,
) -> EvaluationReport:
    """Pure: the report from the plan overview, the KPIs' raw texts and the review texts.

    ``raw_texts`` maps a KPI id to (baseline as written, target as written, note); ``officials``
    a KPI id to the rating printed for the report year (None: none; a KPI left out keeps the
    stored one); ``evaluations`` and ``comments`` a goal number to the planner's evaluation text
    and the committee's comments of the year.
    """
    officials = officials or {}
    evaluations = evaluations or {}
    comments = comments or {}
    overview = with_official_ratings(overview, officials)
    goals = []
    for goal in overview.goals:
        targets = []
        for target in goal.targets:
            baseline_raw, target_raw, note = raw_texts.get(target.progress.kpi.id, ("", "", ""))
            targets.append(
                TargetReport(
                    progress=target.progress,
                    baseline_raw=baseline_raw,
                    target_raw=target_raw,
                    years=target.years,
                    rows=target_rows(target.progress, target.years, overview.years),
                    review=review_point(note),
                    official=officials.get(target.progress.kpi.id),
                )
            )
        directions = [
            DirectionReport(
                code=direction.code,
                title=direction.title,
                summary=direction_summaries.get(direction.code, ""),
                projects=projects_by_direction.get(direction.code, []),
            )
            for direction in goal.directions
        ]
        goals.append(
            GoalReport(
                overview=goal,
                targets=targets,
                directions=directions,
                evaluation=evaluations.get(goal.number, ""),
                comments=list(comments.get(goal.number, [])),
            )
        )
    dates = {official.as_of for official in officials.values() if official is not None}
    return EvaluationReport(
        plan_slug=plan["slug"],
        plan_title=plan["title"],
        municipality=plan["municipality"],
        first_year=plan["first_year"],
        last_year=plan["last_year"],
        year=overview.year,
        years=[year for year in overview.years if plan["first_year"] <= year <= plan["last_year"]] or overview.years,
        scale=overview.scale,
        overview=overview,
        goals=goals,
        succession=succession,
        report_note=plan.get("note", ""),
        others=overview.others,
        official_as_of=dates.pop() if len(dates) == 1 else "",
    )


# --- thin shell -------------------------------------------------------------------------------


def _latest_reviews(reviews: Iterable, year: int):
    candidates = [review for review in reviews if review.year <= year]
    return max(candidates, key=lambda review: review.year) if candidates else None


def _projects_by_direction(plan_id: int, year: int) -> dict[str, list[ProjectEntry]]:
    """Each direction's projects with their latest review up to ``year`` (three queries)."""
    projects = Project.objects.filter(plan_id=plan_id).prefetch_related(
        Prefetch("directions", queryset=PolicyDirection.objects.only("id", "code")),
        Prefetch("reviews", queryset=ProjectReview.objects.filter(year__lte=year).order_by("year")),
    )
    result: dict[str, list[ProjectEntry]] = {}
    for project in projects.order_by("order", "id"):
        review = _latest_reviews(project.reviews.all(), year)
        if review is None:
            continue
        entry = ProjectEntry(
            code=project.code,
            title=project.title,
            year=review.year,
            carried_out=review.carried_out_raw,
            done=review.done,
            summary=review.summary,
            rating_label=review.rating_label,
        )
        for direction in project.directions.all():
            result.setdefault(direction.code, []).append(entry)
    return result


def _goal_texts(plan_id: int, year: int) -> tuple[dict[int, str], dict[int, list[CommitteeNote]]]:
    """The planner's evaluation text and the committee's comments of ``year``, by goal number (two queries)."""
    evaluations = dict(
        GoalEvaluation.objects.filter(goal__plan_id=plan_id, year=year).values_list("goal__number", "text")
    )
    comments: dict[int, list[CommitteeNote]] = {}
    rows = CommitteeComment.objects.filter(goal__plan_id=plan_id, year=year).order_by("created_at", "id")
    for number, text, author_name in rows.values_list("goal__number", "text", "author_name"):
        comments.setdefault(number, []).append(CommitteeNote(text=text, author_name=author_name))
    return evaluations, comments


def evaluation_report(plan, year: int | None = None) -> EvaluationReport:
    """The annual evaluation report of ``plan`` for ``year`` (default: the dashboards' year).

    Queries: the plan overview (fourteen), the KPIs' raw texts, the directions' texts, the
    projects with their directions and reviews (three), the printed outlooks with their dates,
    the goals' evaluation texts and committee comments (two), the successor plan (one, plus
    two when there is one: the drops, its KPIs): twenty-five at most, whatever the number of
    KPIs, projects or comments.
    """
    overview = plan_overview(plan, year)
    printed = printed_outlooks(plan.pk)
    officials = {kpi_id: rating_for_year(ratings, overview.year) for kpi_id, ratings in printed.items()}
    evaluations, comments = _goal_texts(plan.pk, overview.year)
    raw_texts = {
        kpi_id: (baseline_raw, target_raw, note)
        for kpi_id, baseline_raw, target_raw, note in Kpi.objects.filter(plan_id=plan.pk).values_list(
            "id", "baseline_raw", "target_raw", "note"
        )
    }
    summaries = dict(PolicyDirection.objects.filter(plan_id=plan.pk).values_list("code", "summary"))
    return build_report(
        plan={
            "slug": plan.slug,
            "title": plan.title,
            "municipality": plan.municipality.name,
            "first_year": plan.first_year,
            "last_year": plan.last_year,
            "note": plan.note,
        },
        overview=overview,
        raw_texts=raw_texts,
        direction_summaries=summaries,
        projects_by_direction=_projects_by_direction(plan.pk, overview.year),
        succession=succession_sheet(plan, overview, raw_texts, printed),
        officials=officials,
        evaluations=evaluations,
        comments=comments,
    )


def legend_lines(scale: Sequence[rating.ScaleLabel]) -> tuple[list[str], list[str], list[str]]:
    """The legend the report prints: the marks, the plan's own outlook labels, the canonical A–E."""
    marks = [f"{mark}：{Mark(mark).label}" for mark in rating.MARKS]
    plan_scale = [f"{entry.label}：{entry.meaning or '/'.join(entry.canonical)}" for entry in scale]
    canonical = [f"{grade}：{Outlook(grade).label}" for grade in rating.OUTLOOKS]
    return marks, plan_scale, canonical
