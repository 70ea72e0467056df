"""The annual evaluation report (年度評価・進捗状況報告) as data, and its Excel workbook.

Laid out like the 久留米 H29 progress report (``002_…txt``): per goal, the numerical targets
(数値目標) with their yearly targets, actuals, marks and outlook; the legend; the tally per
policy direction (KPI数, 進捗度, 達成見込み) with the printed one beside the computed one; the
review texts (評価のポイント, the directions' 取組・課題・今後の展開, the projects' 総括). For a
plan whose KPIs continue in a successor plan, the 小郡-style sheet: each KPI's evaluation in
this plan beside what becomes of it in the next (継続, 移動, 置換, 削除, 新規).

The core (``build_report``, ``succession_rows``, ``review_point``) is pure; ``evaluation_report``
loads everything in a fixed number of queries. Every figure comes from ``overview`` /
``progress``: nothing here rates a KPI.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plans.presentation import format_number, format_rate
from plans.rules import rating
from plans.rules.notation import format_era_year, format_year
from plans.services.progress import KpiProgress
from staff.overview import GoalOverview, PlanOverview, YearMark, normalise_printed_mark, plan_overview
from workbooks.safety import workbook_bytes

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
    target: str  # formatted, with its unit
    target_stated: bool
    actual: str  # as written, with its annotations
    mark: str
    printed_mark: str


@dataclass(frozen=True)
class ProjectEntry:
    code: str
    title: str
    year: int
    carried_out: str
    done: str
    summary: str
    rating_label: str


def text_lines(text: str) -> list[str]:
    """A transcribed text block as lines: the Markdown list marks (``- ``) of the source removed."""
    lines = []
    for line in (text or "").splitlines():
        line = line.strip()
        if line.startswith("- "):
            line = line[2:].strip()
        if line:
            lines.append(line)
    return lines


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
class SuccessorKpi:
    """A KPI of the successor plan, as plain values."""

    id: int
    code: str
    name: str
    unit: str
    baseline_raw: str
    target_raw: str
    target_year: int | None
    department: str
    goal_number: int | None
    direction_code: str
    predecessor_id: int | None
    link: str  # continued / moved / replaced, or "" for a new KPI
    link_label: str  # as printed, e.g. 2(4)から移動


@dataclass(frozen=True)
class PreviousKpi:
    """A KPI of this plan on the 小郡 sheet: its evaluation and what the sheet prints about it."""

    progress: KpiProgress
    baseline_raw: str
    target_raw: str
    actuals: tuple[tuple[int, str], ...]  # (year, as written) for each year of the sheet
    dropped: bool
    dropped_label: str
    # the latest outlook the plan printed (the sheet's 評価 (R6.4現在)), whatever its year
    official_label: str = ""
    official_disagrees: bool = False


@dataclass(frozen=True)
class SuccessionRow:
    goal_number: int | None
    direction_code: str
    previous: PreviousKpi | None
    following: SuccessorKpi | None
    status: str  # continued, moved, replaced, dropped, new

    @property
    def printed_label(self) -> str:
        if self.following is not None and self.following.link_label:
            return self.following.link_label
        if self.previous is not None and self.previous.dropped_label:
            return self.previous.dropped_label
        return ""


@dataclass(frozen=True)
class SuccessionSheet:
    plan_title: str
    successor_title: str
    successor_first_year: int
    successor_last_year: int
    years: list[int]
    rows: list[SuccessionRow]
    official_as_of: str = ""


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


def _with_unit(value, unit: str) -> str:
    text = format_number(value)
    return text if text == "-" or not unit else f"{text}{unit}"


def actual_as_written(item_kpi, year: int) -> str:
    """The actual of ``year`` as staff wrote it (``集計中`` and annotations kept), or ``-``."""
    detail = item_kpi.actual_details.get(year)
    if detail is not None and detail.raw:
        return detail.raw
    value = item_kpi.actuals.get(year)
    return _with_unit(value, item_kpi.unit) if value is not None else "-"


def target_rows(progress: KpiProgress, years: Sequence[YearMark], all_years: Sequence[int]) -> list[ReportYear]:
    """The yearly rows of a numerical target's table: every year of the plan, actuals up to the report year."""
    from plans.services.progress import year_target_for

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
                target=_with_unit(target.value, kpi.unit)
                + ("以上" if kpi.at_least and target.value is not None else ""),
                target_stated=target.stated,
                actual=actual_as_written(kpi, year) if shown else "",
                mark=year_mark.mark if year_mark else "",
                printed_mark=normalise_printed_mark(year_mark.printed) if year_mark else "",
            )
        )
    return rows


def succession_rows(previous: Sequence[PreviousKpi], following: Sequence[SuccessorKpi]) -> list[SuccessionRow]:
    """Pure: the 小郡 sheet's rows, each KPI of this plan beside what it becomes in the next.

    A KPI followed by one or more successors (``Kpi.predecessor``) gives one row per successor
    (continued, moved, replaced); one without is dropped (printed 削除/削減, or silently). A
    successor KPI with no predecessor here is new: it goes after the last row of its direction
    (or goal), else at the end.
    """
    successors: dict[int, list[SuccessorKpi]] = {}
    new: list[SuccessorKpi] = []
    known = {item.progress.kpi.id for item in previous}
    for kpi in following:
        if kpi.predecessor_id in known:
            successors.setdefault(kpi.predecessor_id, []).append(kpi)
        else:
            new.append(kpi)
    rows: list[SuccessionRow] = []
    for item in previous:
        kpi = item.progress.kpi
        linked = successors.get(kpi.id, [])
        if not linked:
            rows.append(SuccessionRow(kpi.goal_number, kpi.direction_code, item, None, "dropped"))
        for successor in linked:
            rows.append(
                SuccessionRow(kpi.goal_number, kpi.direction_code, item, successor, successor.link or "continued")
            )
    for kpi in new:
        row = SuccessionRow(kpi.goal_number, kpi.direction_code, None, kpi, "new")
        position = None
        for index, existing in enumerate(rows):
            same_direction = kpi.direction_code and existing.direction_code == kpi.direction_code
            same_goal = (
                not kpi.direction_code and not existing.direction_code and existing.goal_number == kpi.goal_number
            )
            if same_direction or same_goal:
                position = index + 1
        if position is None:
            for index, existing in enumerate(rows):
                if existing.goal_number == kpi.goal_number:
                    position = index + 1
        if position is None:
            rows.append(row)
        else:
            rows.insert(position, row)
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
    from django.db.models import Prefetch

    from plans.models import PolicyDirection, Project, ProjectReview

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


def successor_plan_of(plan_id: int):
    """The plan whose KPIs continue this plan's (via ``Kpi.predecessor``), or None (one query)."""
    from plans.models import Plan

    return (
        Plan.objects.filter(kpis__predecessor__plan_id=plan_id)
        .exclude(pk=plan_id)
        .distinct()
        .order_by("first_year", "id")
        .first()
    )


def _succession(plan, overview: PlanOverview, raw_texts) -> SuccessionSheet | None:
    """The 小郡 sheet for a plan with a successor (four queries; one when there is none)."""
    from plans.models import Kpi, OfficialRating

    successor = successor_plan_of(plan.pk)
    if successor is None:
        return None
    drops = dict(
        (kpi_id, (dropped, label))
        for kpi_id, dropped, label in Kpi.objects.filter(plan_id=plan.pk).values_list(
            "id", "dropped_in_next_plan", "dropped_label"
        )
    )
    following = [
        SuccessorKpi(
            id=kpi.pk,
            code=kpi.code,
            name=kpi.name,
            unit=kpi.unit,
            baseline_raw=kpi.baseline_raw,
            target_raw=kpi.target_raw,
            target_year=kpi.target_year,
            department=kpi.department.name if kpi.department_id else "",
            goal_number=kpi.goal.number
            if kpi.goal_id
            else (kpi.policy_direction.goal.number if kpi.policy_direction_id else None),
            direction_code=kpi.policy_direction.code if kpi.policy_direction_id else "",
            predecessor_id=kpi.predecessor_id,
            link=kpi.predecessor_link,
            link_label=kpi.predecessor_label,
        )
        for kpi in Kpi.objects.filter(plan=successor)
        .select_related("department", "goal", "policy_direction__goal")
        .order_by("order", "id")
    ]
    printed = {}
    for kpi_id, label, as_of in (
        OfficialRating.objects.filter(kpi__plan_id=plan.pk, kind="outlook")
        .order_by("year")
        .values_list("kpi_id", "label", "as_of")
    ):
        printed[kpi_id] = (label, as_of)  # the latest year wins
    sheet_years = [year for year in overview.years if plan.first_year <= year <= min(overview.year, plan.last_year)]
    previous = []
    for item in overview.kpis:
        baseline_raw, target_raw, _note = raw_texts.get(item.kpi.id, ("", "", ""))
        dropped, dropped_label = drops.get(item.kpi.id, (False, ""))
        official, _as_of = printed.get(item.kpi.id, ("", ""))
        previous.append(
            PreviousKpi(
                progress=item,
                baseline_raw=baseline_raw,
                target_raw=target_raw,
                actuals=tuple((year, actual_as_written(item.kpi, year)) for year in sheet_years),
                dropped=dropped,
                dropped_label=dropped_label,
                official_label=official,
                official_disagrees=rating.disagrees(
                    computed_outlook=item.outlook, official_label=official, scale=overview.scale
                ),
            )
        )
    as_of = {as_of for _label, as_of in printed.values() if as_of}
    return SuccessionSheet(
        plan_title=plan.title,
        successor_title=successor.title,
        successor_first_year=successor.first_year,
        successor_last_year=successor.last_year,
        years=sheet_years,
        rows=succession_rows(previous, following),
        official_as_of=as_of.pop() if len(as_of) == 1 else "",
    )


def evaluation_report(plan, year: int | None = None) -> EvaluationReport:
    """The annual evaluation report of ``plan`` for ``year`` (default: the dashboards' year).

    Queries: the plan overview (twelve), the KPIs' raw texts, the directions' texts, the
    projects with their directions and reviews (three), the successor plan (one, plus three
    when there is one: the drops, its KPIs, the printed outlooks): twenty-one at most,
    whatever the number of KPIs or projects.
    """
    from plans.models import Kpi, PolicyDirection

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
        succession=_succession(plan, overview, raw_texts),
    )


# --- the Excel workbook -----------------------------------------------------------------------

SHEET_TITLE_LIMIT = 31


def _sheet_title(text: str) -> str:
    for character in "[]:*?/\\":
        text = text.replace(character, " ")
    return text[:SHEET_TITLE_LIMIT]


def _era(year: int | None) -> str:
    return format_era_year(year) if year else ""


def report_workbook(report: EvaluationReport) -> bytes:
    """The report as an .xlsx laid out like the H29 report: a summary sheet, one sheet per goal
    (数値目標 table, legend, KPI tally per direction, KPIs, review texts) and, for a plan with a
    successor, the sheet with this plan's evaluation beside the next plan's KPIs."""
    from openpyxl import Workbook

    workbook = Workbook()
    writer = _SheetWriter(workbook.active)
    workbook.active.title = _sheet_title(_("Summary"))
    _summary_sheet(writer, report)
    for goal in report.goals:
        title = f"{goal.overview.kind_label or _('Goal')}{goal.overview.number}"
        _goal_sheet(_SheetWriter(workbook.create_sheet(_sheet_title(title))), report, goal)
    if report.others:
        _others_sheet(_SheetWriter(workbook.create_sheet(_sheet_title(_("Other KPIs")))), report)
    if report.succession is not None:
        _succession_sheet(_SheetWriter(workbook.create_sheet(_sheet_title(_("Evaluation and next plan")))), report)
    for sheet in workbook.worksheets:
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return workbook_bytes(workbook)


class _SheetWriter:
    """Writes rows top to bottom with the report's few styles."""

    def __init__(self, sheet):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.sheet = sheet
        self.row = 1
        thin = Side(style="thin", color="999999")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.header_fill = PatternFill("solid", fgColor="DCE6F1")
        self.alert_fill = PatternFill("solid", fgColor="FDE9D9")
        self.bold = Font(bold=True)
        self.title_font = Font(bold=True, size=14)
        self.wrap = Alignment(wrap_text=True, vertical="top")

    def title(self, text: str):
        cell = self.sheet.cell(self.row, 1, text)
        cell.font = self.title_font
        self.row += 1

    def heading(self, text: str):
        self.row += 1
        self.sheet.cell(self.row, 1, text).font = self.bold
        self.row += 1

    def text(self, text: str, column: int = 1):
        if text:
            self.sheet.cell(self.row, column, text).alignment = self.wrap
            self.row += 1

    def header(self, values: Sequence[str]):
        for column, value in enumerate(values, start=1):
            cell = self.sheet.cell(self.row, column, value)
            cell.font = self.bold
            cell.fill = self.header_fill
            cell.border = self.border
            cell.alignment = self.wrap
        self.row += 1

    def cells(self, values: Sequence, *, alert: bool = False):
        for column, value in enumerate(values, start=1):
            cell = self.sheet.cell(self.row, column, value)
            cell.border = self.border
            cell.alignment = self.wrap
            if alert:
                cell.fill = self.alert_fill
        self.row += 1

    def merge_down(self, column: int, first_row: int, last_row: int):
        if last_row > first_row:
            self.sheet.merge_cells(start_row=first_row, start_column=column, end_row=last_row, end_column=column)

    def widths(self, widths: Sequence[int]):
        from openpyxl.utils import get_column_letter

        for column, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(column)].width = width


def legend_lines(scale: Sequence[rating.ScaleLabel]) -> tuple[list[str], list[str], list[str]]:
    """The legend the report prints: the marks, the plan's own outlook labels, the canonical A–E."""
    from plans.choices import Mark, Outlook

    marks = [f"{mark}：{Mark(mark).label}" for mark in rating.MARKS]
    plan_scale = [f"{entry.label}：{entry.meaning or '/'.join(entry.canonical)}" for entry in scale]
    canonical = [f"{grade}：{Outlook(grade).label}" for grade in rating.OUTLOOKS]
    return marks, plan_scale, canonical


def _legend(writer: _SheetWriter, report: EvaluationReport):
    marks, plan_scale, canonical = legend_lines(report.scale)
    writer.text(_("Marks") + "　" + "  ".join(marks))
    writer.text(_("Outlook (plan scale)") + "　" + "  ".join(plan_scale))
    writer.text(_("Computed outlook") + "　" + "  ".join(canonical))


def _counts_text(counts) -> tuple[str, str]:
    if counts is None:
        return "", ""
    return counts.as_text()


def _summary_sheet(writer: _SheetWriter, report: EvaluationReport):
    writer.widths([46, 10, 26, 26, 22, 22])
    writer.title(report.plan_title)
    writer.text(
        _("{municipality} · evaluation for {year}").format(municipality=report.municipality, year=report.year_label)
    )
    writer.heading(_("Legend"))
    _legend(writer, report)
    writer.heading(_("KPIs by goal and policy direction"))
    writer.header(
        [
            _("Goal / policy direction"),
            _("Number of KPIs"),
            _("Marks (computed)"),
            _("Marks (as printed)"),
            _("Outlook (computed, plan scale)"),
            _("Outlook (as printed)"),
        ]
    )
    for goal in report.goals:
        marks, outlooks = _counts_text(goal.overview.computed)
        printed_marks, printed_outlooks = _counts_text(goal.overview.printed)
        writer.cells(
            [
                f"{goal.overview.kind_label}{goal.overview.number} {goal.overview.title}",
                goal.overview.computed.kpi_count,
                marks,
                printed_marks,
                outlooks,
                printed_outlooks,
            ]
        )
        for direction in goal.overview.directions:
            marks, outlooks = _counts_text(direction.computed)
            printed_marks, printed_outlooks = _counts_text(direction.printed)
            count = direction.computed.kpi_count
            if direction.printed is not None:
                count = f"{count} ({direction.printed.kpi_count})"
            writer.cells(
                [f"  {direction.code} {direction.title}", count, marks, printed_marks, outlooks, printed_outlooks]
            )
    marks, outlooks = _counts_text(report.overview.total)
    writer.cells([_("All KPIs"), report.overview.total.kpi_count, marks, "", outlooks, ""])
    writer.text(_("Numbers in brackets are the KPI counts the plan printed."))


def _goal_sheet(writer: _SheetWriter, report: EvaluationReport, goal: GoalReport):
    writer.widths([40, 22, 14, 16, 22, 10, 12, 16, 14, 12])
    overview = goal.overview
    writer.title(f"{overview.kind_label}{overview.number} {overview.title}")
    writer.text(overview.basic_direction)
    if goal.targets:
        writer.heading(_("Numerical targets"))
        writer.header(
            [
                _("Numerical target"),
                _("Baseline → final target"),
                _("Year"),
                _("Target"),
                _("Actual"),
                _("Mark"),
                _("Mark as printed"),
                _("Outlook (plan scale)"),
                _("Official rating"),
                _("Computed outlook"),
            ]
        )
        for target in goal.targets:
            first = writer.row
            progress = target.progress
            for index, row in enumerate(target.rows):
                writer.cells(
                    [
                        progress.kpi.name if index == 0 else None,
                        f"{target.baseline_raw} → {target.target_raw}" if index == 0 else None,
                        _era(row.year),
                        row.target + ("" if row.target_stated else " " + _("(interpolated)")),
                        row.actual,
                        row.mark,
                        row.printed_mark,
                        progress.outlook_on_plan_scale if index == 0 else None,
                        progress.official_label if index == 0 else None,
                        progress.outlook if index == 0 else None,
                    ],
                    alert=progress.disagrees and index == 0,
                )
            last = writer.row - 1
            for column in (1, 2, 8, 9, 10):
                writer.merge_down(column, first, last)
        _legend(writer, report)
        for target in goal.targets:
            if target.review is not None:
                writer.heading(
                    _("Points of the evaluation") + (f" <{target.review.heading}>" if target.review.heading else "")
                )
                for line in target.review.lines:
                    writer.text(f"・{line}")
    writer.heading(_("KPIs by policy direction"))
    writer.header(
        [
            _("Policy direction"),
            _("Number of KPIs"),
            _("Marks (computed)"),
            _("Marks (as printed)"),
            _("Outlook (computed, plan scale)"),
            _("Outlook (as printed)"),
        ]
    )
    for direction in overview.directions:
        marks, outlooks = _counts_text(direction.computed)
        printed_marks, printed_outlooks = _counts_text(direction.printed)
        count = direction.computed.kpi_count
        if direction.printed is not None:
            count = f"{count} ({direction.printed.kpi_count})"
        writer.cells(
            [f"{direction.code} {direction.title}", count, marks, printed_marks, outlooks, printed_outlooks],
            alert=direction.differs_from_print,
        )
    kpis = [item for direction in overview.directions for item in direction.kpis]
    if kpis:
        writer.heading(_("KPIs"))
        _kpi_table(writer, kpis, report)
    for direction in goal.directions:
        if direction.summary or direction.projects:
            writer.heading(f"{direction.code} {direction.title}")
            for line in direction.summary_lines:
                writer.text(line)
            for project in direction.projects:
                writer.text(
                    f"{project.title} （{_era(project.year)}"
                    + (f"・{_('carried out')} {project.carried_out}" if project.carried_out else "")
                    + (f"・{_('rating')} {project.rating_label}" if project.rating_label else "")
                    + "）"
                )
                writer.text(project.done)
                writer.text(project.summary)


def _kpi_table(writer: _SheetWriter, kpis: Sequence[KpiProgress], report: EvaluationReport):
    writer.header(
        [
            _("KPI"),
            _("Policy direction"),
            _("Baseline"),
            _("Year's target"),
            _("Actual"),
            _("Achievement rate"),
            _("Mark"),
            _("Outlook (plan scale)"),
            _("Official rating"),
            _("Department"),
        ]
    )
    for item in kpis:
        kpi = item.kpi
        writer.cells(
            [
                kpi.name,
                kpi.direction_code,
                _with_unit(kpi.baseline, kpi.unit),
                _with_unit(item.year_target.value, kpi.unit),
                actual_as_written(kpi, item.year),
                format_rate(item.rate),
                item.mark,
                item.outlook_on_plan_scale,
                item.official_label,
                kpi.department,
            ],
            alert=item.disagrees,
        )


def _others_sheet(writer: _SheetWriter, report: EvaluationReport):
    writer.widths([40, 12, 16, 16, 18, 12, 8, 12, 12, 20])
    writer.title(_("KPIs under no goal (plan, packages, projects)"))
    _kpi_table(writer, report.others, report)


STATUS_LABELS = {
    "continued": gettext_lazy("Continued"),
    "moved": gettext_lazy("Moved"),
    "replaced": gettext_lazy("Replaced"),
    "dropped": gettext_lazy("Dropped"),
    "new": gettext_lazy("New"),
}


def _succession_sheet(writer: _SheetWriter, report: EvaluationReport):
    sheet = report.succession
    years = sheet.years
    writer.widths([8, 36, 14, *([12] * len(years)), 14, 10, 10, 18, 10, 36, 16, 16, 18])
    writer.title(f"{sheet.plan_title} → {sheet.successor_title}")
    writer.header(
        [
            _("Direction"),
            report.plan_title,
            _("Baseline"),
            *[_era(year) for year in years],
            _("Final target"),
            _("Official rating") + (f" ({sheet.official_as_of})" if sheet.official_as_of else ""),
            _("Computed outlook (plan scale)"),
            _("Department"),
            _("Next plan"),
            sheet.successor_title,
            _("Baseline"),
            _("Final target"),
            _("Department"),
        ]
    )
    for row in sheet.rows:
        previous = row.previous
        following = row.following
        if previous is not None:
            actuals = dict(previous.actuals)
            left = [
                previous.progress.kpi.name,
                previous.baseline_raw,
                *[actuals.get(year, "") for year in years],
                previous.target_raw,
                previous.official_label,
                previous.progress.outlook_on_plan_scale,
                previous.progress.kpi.department,
            ]
        else:
            left = ["", "", *[""] * len(years), "", "", "", ""]
        label = str(STATUS_LABELS.get(row.status, row.status))
        if row.printed_label and row.printed_label not in label:
            label = f"{label}（{row.printed_label}）"
        right = (
            [following.name, following.baseline_raw, following.target_raw, following.department]
            if following is not None
            else ["", "", "", ""]
        )
        code = row.direction_code or (f"{row.goal_number}" if row.goal_number is not None else "")
        writer.cells([code, *left, label, *right], alert=previous is not None and previous.official_disagrees)
    writer.sheet.freeze_panes = "C3"


# --- the PDF ------------------------------------------------------------------------------------


def static_file_for(url: str) -> str | None:
    """The file on disk behind one of our static URLs (``/static/css/print.css``), or None."""
    from urllib.parse import unquote, urlparse

    from django.conf import settings
    from django.contrib.staticfiles import finders

    path = unquote(urlparse(url).path)
    prefix = "/" + settings.STATIC_URL.lstrip("/")
    if not path.startswith(prefix):
        return None
    return finders.find(path[len(prefix) :])


def static_url_fetcher():
    """WeasyPrint's URL fetcher for the report: our own static files, read from disk.

    The printable page links its stylesheets under ``STATIC_URL``; every other URL (another
    host, a file path) is refused, so rendering a PDF never makes a request.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            found = static_file_for(url)
            if not found:
                raise ValueError(f"refusing to fetch {url!r}: only our static files are served to the PDF")
            with open(found, "rb") as handle:
                content = handle.read()
            content_type = "text/css; charset=utf-8" if found.endswith(".css") else "application/octet-stream"
            return URLFetcherResponse(url, content, {"Content-Type": content_type})

    return StaticFilesFetcher(fail_on_errors=False)


def report_pdf(html: str, *, base_url: str) -> bytes:
    """The printable report's HTML as a PDF (A4, Noto Sans CJK JP from the system's fonts)."""
    import weasyprint

    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=static_url_fetcher()).write_pdf()
