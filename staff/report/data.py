"""The annual evaluation report (年度評価・進捗状況報告) as data, built once for every format.

Laid out like the 久留米 H29 progress report (``002_…txt``): per goal, the numerical targets
(数値目標) with their yearly targets, actuals, marks and outlook; the legend; the tally per
policy direction (KPI数, 進捗度, 達成見込み) with the printed one beside the computed one; the
review texts (評価のポイント, the directions' 取組・課題・今後の展開, the projects' 総括); for a
plan whose KPIs continue in a successor plan, the 小郡-style sheet (``succession``).

The core (``build_report``, ``target_rows``, ``review_point``, ``legend_lines``) is pure;
``evaluation_report`` loads everything in a fixed number of queries. Every figure comes from
``overview`` / ``progress``: nothing here rates a KPI. The formatters read the result: the HTML
page (``staff.dashboards.ReportView``), ``xlsx`` and ``pdf``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from plans.choices import Mark, Outlook
from plans.models import Kpi, PolicyDirection, Project, ProjectReview
from plans.rules import rating
from plans.rules.notation import format_year
from plans.rules.progress import KpiProgress, year_target_for
from staff.overview import GoalOverview, PlanOverview, YearMark, normalise_printed_mark, plan_overview
from staff.report.succession import SuccessionSheet, succession_sheet
from staff.report.text import actual_as_written, text_lines, with_unit

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


@dataclass(frozen=True)
class ReportYear:
    year: int
    target: str  # formatted at the KPI's precision, with its unit
    target_stated: bool
    actual: str  # as written, with its annotations
    mark: str
    printed_mark: str
    target_value: Decimal | None = None  # the number behind ``target`` (the Excel keeps it a number)


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
class GoalReport:
    overview: GoalOverview
    targets: list[TargetReport]
    directions: list[DirectionReport]


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
            )
        )
    return rows


def build_report(
    *,
    plan: Mapping,
    overview: PlanOverview,
    raw_texts: Mapping[int, tuple[str, str, str]],
    direction_summaries: Mapping[str, str],
    projects_by_direction: Mapping[str, list[ProjectEntry]],
    succession: SuccessionSheet | None = None,
) -> EvaluationReport:
    """Pure: the report from the plan overview, the KPIs' raw texts and the review texts.

    ``raw_texts`` maps a KPI id to (baseline as written, target as written, note).
    """
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
        goals.append(GoalReport(overview=goal, targets=targets, directions=directions))
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


def evaluation_report(plan, year: int | None = None) -> EvaluationReport:
    """The annual evaluation report of ``plan`` for ``year`` (default: the dashboards' year).

    Queries: the plan overview (fourteen), the KPIs' raw texts, the directions' texts, the
    projects with their directions and reviews (three), the successor plan (one, plus three
    when there is one: the drops, its KPIs, the printed outlooks): twenty-three at most,
    whatever the number of KPIs or projects.
    """
    overview = plan_overview(plan, year)
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
        succession=succession_sheet(plan, overview, raw_texts),
    )


def legend_lines(scale: Sequence[rating.ScaleLabel]) -> tuple[list[str], list[str], list[str]]:
    """The legend the report prints: the marks, the plan's own outlook labels, the canonical A–E."""
    marks = [f"{mark}：{Mark(mark).label}" for mark in rating.MARKS]
    plan_scale = [f"{entry.label}：{entry.meaning or '/'.join(entry.canonical)}" for entry in scale]
    canonical = [f"{grade}：{Outlook(grade).label}" for grade in rating.OUTLOOKS]
    return marks, plan_scale, canonical
