"""The annual evaluation report as an Excel workbook, laid out like the H29 report.

A formatter of ``staff.report.data.EvaluationReport``: it reads the report built once and
computes nothing; it saves through ``workbooks.safety.workbook_bytes`` (no text becomes a formula).

Numbers stay numbers, so that a column can be summed or charted: a value is a numeric cell shown
at the KPI's precision (``#,##0.0``), its unit in a column of its own, and what the value says
beyond its number in a note column beside it (補間 for an interpolated target, ``(R2)``, 集計中 or
速報値 for an actual as written); a year without a value leaves its cell empty. Achievement rates
are numbers in a percent format; KPI counts are numbers, the printed count in its own column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from plans.rules.progress import KpiProgress
from staff.report.data import EvaluationReport, GoalReport, legend_lines
from staff.report.succession import STATUS_LABELS
from staff.report.text import actual_note, beyond_number, era
from workbooks.safety import workbook_bytes

SHEET_TITLE_LIMIT = 31


RATE_FORMAT = "0.0%"
INTERPOLATED = "補間"


@dataclass(frozen=True)
class _Number:
    """A number cell: the value stays a number, shown at the KPI's precision (no unit: the unit
    has a column of its own)."""

    value: Decimal | int
    number_format: str


def number_format(places: int | None) -> str:
    """`#,##0` for a KPI counted in whole 人, `#,##0.0` for one written `63.0%`; General when
    the KPI's precision is unknown."""
    if places is None:
        return "General"
    return "#,##0" + ("." + "0" * places if places else "")


def _number(value, places: int | None):
    """``value`` as a number cell at ``places``, or an empty cell when there is none."""
    return None if value is None else _Number(value, number_format(places))


def _rate(rate):
    """An achievement rate (1 = 100%) as a number cell in a percent format, empty when none."""
    return None if rate is None else _Number(rate, RATE_FORMAT)


def _count(count: int | None):
    return None if count is None else _Number(count, "0")


def target_note(*, at_least: bool, stated: bool, has_value: bool) -> str:
    """What a target says beyond its number: 以上 (a maintain-or-exceed target), 補間 (not stated:
    on the line from the baseline to the final target)."""
    if not has_value:
        return ""
    return "・".join(word for word, applies in (("以上", at_least), (INTERPOLATED, not stated)) if applies)


def _sheet_title(text: str) -> str:
    for character in "[]:*?/\\":
        text = text.replace(character, " ")
    return text[:SHEET_TITLE_LIMIT]


def report_workbook(report: EvaluationReport) -> bytes:
    """The report as an .xlsx laid out like the H29 report: a summary sheet, one sheet per goal
    (数値目標 table, legend, KPI tally per direction, KPIs, review texts) and, for a plan with a
    successor, the sheet with this plan's evaluation beside the next plan's KPIs."""
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
            number = value if isinstance(value, _Number) else None
            cell = self.sheet.cell(self.row, column, number.value if number else value)
            if number:
                cell.number_format = number.number_format
            cell.border = self.border
            cell.alignment = self.wrap
            if alert:
                cell.fill = self.alert_fill
        self.row += 1

    def merge_down(self, column: int, first_row: int, last_row: int):
        if last_row > first_row:
            self.sheet.merge_cells(start_row=first_row, start_column=column, end_row=last_row, end_column=column)

    def widths(self, widths: Sequence[int]):
        for column, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(column)].width = width


def _legend(writer: _SheetWriter, report: EvaluationReport):
    marks, plan_scale, canonical = legend_lines(report.scale)
    writer.text(_("Marks") + "　" + "  ".join(marks))
    writer.text(_("Outlook (plan scale)") + "　" + "  ".join(plan_scale))
    writer.text(_("Computed outlook") + "　" + "  ".join(canonical))


def _counts_text(counts) -> tuple[str, str]:
    if counts is None:
        return "", ""
    return counts.as_text()


PRINTED_COUNT = "KPI数（報告書記載）"


def _tally_row(label: str, scope) -> list:
    """A goal's or a direction's tally: KPI counts as numbers (computed, as printed), marks and outlooks."""
    marks, outlooks = _counts_text(scope.computed)
    printed_marks, printed_outlooks = _counts_text(scope.printed)
    printed_count = _count(scope.printed.kpi_count) if scope.printed is not None else None
    return [label, _count(scope.computed.kpi_count), printed_count, marks, printed_marks, outlooks, printed_outlooks]


def _summary_sheet(writer: _SheetWriter, report: EvaluationReport):
    writer.widths([46, 10, 12, 26, 26, 22, 22])
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
            PRINTED_COUNT,
            _("Marks (computed)"),
            _("Marks (as printed)"),
            _("Outlook (computed, plan scale)"),
            _("Outlook (as printed)"),
        ]
    )
    for goal in report.goals:
        writer.cells(
            _tally_row(f"{goal.overview.kind_label}{goal.overview.number} {goal.overview.title}", goal.overview)
        )
        for direction in goal.overview.directions:
            writer.cells(_tally_row(f"  {direction.code} {direction.title}", direction))
    marks, outlooks = _counts_text(report.overview.total)
    writer.cells([_("All KPIs"), _count(report.overview.total.kpi_count), None, marks, "", outlooks, ""])


UNIT = "単位"
TARGET_NOTE = "目標値の注記"
ACTUAL_NOTE = "実績値の注記"


def _official_header(report: EvaluationReport) -> str:
    return _("Official rating") + (f"（{report.official_as_of}）" if report.official_as_of else "")


def _goal_texts(writer: _SheetWriter, report: EvaluationReport, goal: GoalReport):
    """The planner's evaluation text and the committee's comments of the year."""
    writer.heading(f"評価（{era(report.year)}）")
    for line in goal.evaluation_lines or ["評価文はまだ記載されていません。"]:
        writer.text(line)
    writer.heading(f"外部検証会議の意見（{era(report.year)}）")
    if not goal.comments:
        writer.text("意見はまだありません。")
    for comment in goal.comments:
        writer.text("\n".join(comment.lines) + (f"（{comment.author_name}）" if comment.author_name else ""))


def _goal_sheet(writer: _SheetWriter, report: EvaluationReport, goal: GoalReport):
    writer.widths([40, 22, 10, 8, 14, 12, 14, 22, 8, 10, 16, 12, 12])
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
                UNIT,
                _("Target"),
                TARGET_NOTE,
                _("Actual"),
                ACTUAL_NOTE,
                _("Mark"),
                _("Mark as printed"),
                _("Outlook (plan scale)"),
                _official_header(report),
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
                        era(row.year),
                        progress.kpi.unit,
                        _number(row.target_value, progress.kpi.places),
                        target_note(
                            at_least=progress.kpi.at_least,
                            stated=row.target_stated,
                            has_value=row.target_value is not None,
                        ),
                        _number(row.actual_value, progress.kpi.places),
                        row.actual_note,
                        row.mark,
                        row.printed_mark,
                        progress.outlook_on_plan_scale if index == 0 else None,
                        progress.official_label if index == 0 else None,
                        progress.outlook if index == 0 else None,
                    ],
                    alert=progress.disagrees and index == 0,
                )
            last = writer.row - 1
            for column in (1, 2, 11, 12, 13):
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
            PRINTED_COUNT,
            _("Marks (computed)"),
            _("Marks (as printed)"),
            _("Outlook (computed, plan scale)"),
            _("Outlook (as printed)"),
        ]
    )
    for direction in overview.directions:
        writer.cells(_tally_row(f"{direction.code} {direction.title}", direction), alert=direction.differs_from_print)
    kpis = [item for direction in overview.directions for item in direction.kpis]
    if kpis:
        writer.heading(_("KPIs"))
        _kpi_table(writer, kpis, report)
    _goal_texts(writer, report, goal)
    for direction in goal.directions:
        if direction.summary or direction.projects:
            writer.heading(f"{direction.code} {direction.title}")
            for line in direction.summary_lines:
                writer.text(line)
            for project in direction.projects:
                writer.text(
                    f"{project.title} （{era(project.year)}"
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
            UNIT,
            _("Baseline"),
            _("Year's target"),
            TARGET_NOTE,
            _("Actual"),
            ACTUAL_NOTE,
            _("Achievement rate"),
            _("Mark"),
            _("Outlook (plan scale)"),
            _official_header(report),
            _("Department"),
        ]
    )
    for item in kpis:
        kpi = item.kpi
        writer.cells(
            [
                kpi.name,
                kpi.direction_code,
                kpi.unit,
                _number(kpi.baseline, kpi.places),
                _number(item.year_target.value, kpi.places),
                target_note(
                    at_least=kpi.at_least,
                    stated=item.year_target.stated,
                    has_value=item.year_target.value is not None,
                ),
                _number(kpi.actuals.get(item.year), kpi.places),
                actual_note(kpi, item.year),
                _rate(item.rate),
                item.mark,
                item.outlook_on_plan_scale,
                item.official_label,
                kpi.department,
            ],
            alert=item.disagrees,
        )


def _others_sheet(writer: _SheetWriter, report: EvaluationReport):
    writer.widths([40, 12, 8, 14, 14, 10, 14, 20, 10, 8, 12, 12, 20])
    writer.title(_("KPIs under no goal (plan, packages, projects)"))
    _kpi_table(writer, report.others, report)


def _succession_sheet(writer: _SheetWriter, report: EvaluationReport):
    """This plan's KPIs beside the next plan's: baselines, actuals and targets as numbers (with
    the KPI's unit), and what the sheet printed beyond a number in the note column."""
    sheet = report.succession
    years = sheet.years
    writer.widths([8, 36, 8, 12, *([12] * len(years)), 12, 30, 12, 12, 18, 12, 36, 8, 12, 12, 18])
    writer.title(f"{sheet.plan_title} → {sheet.successor_title}")
    writer.header(
        [
            _("Direction"),
            report.plan_title,
            UNIT,
            _("Baseline"),
            *[era(year) for year in years],
            _("Final target"),
            AS_WRITTEN,
            _("Official rating") + (f"（{sheet.official_as_of}）" if sheet.official_as_of else ""),
            _("Computed outlook (plan scale)"),
            _("Department"),
            _("Next plan"),
            sheet.successor_title,
            UNIT,
            _("Baseline"),
            _("Final target"),
            _("Department"),
        ]
    )
    for row in sheet.rows:
        previous = row.previous
        following = row.following
        if previous is not None:
            kpi = previous.progress.kpi
            left = [
                kpi.name,
                kpi.unit,
                _number(kpi.baseline, kpi.places),
                *[_number(kpi.actuals.get(year), kpi.places) for year in years],
                _number(kpi.target, kpi.places),
                _previous_notes(previous, years),
                previous.official_label,
                previous.progress.outlook_on_plan_scale,
                kpi.department,
            ]
        else:
            left = ["", "", None, *[None] * len(years), None, "", "", "", ""]
        label = str(STATUS_LABELS.get(row.status, row.status))
        if row.printed_label and row.printed_label not in label:
            label = f"{label}（{row.printed_label}）"
        right = (
            [
                following.name,
                following.unit,
                _number(following.baseline, following.places),
                _number(following.target, following.places),
                following.department,
            ]
            if following is not None
            else ["", "", None, None, ""]
        )
        code = row.direction_code or (f"{row.goal_number}" if row.goal_number is not None else "")
        writer.cells([code, *left, label, *right], alert=previous is not None and previous.official_disagrees)
    writer.sheet.freeze_panes = "C3"


AS_WRITTEN = "記載どおりの注記"


def _previous_notes(previous, years) -> str:
    """What the sheet printed beyond the numbers: ``基準値 17,891人 (H27)``, ``R2 18,165人 (R2)``."""
    kpi = previous.progress.kpi
    notes = [("基準値", beyond_number(previous.baseline_raw, kpi.baseline, kpi.unit, kpi.places))]
    notes += [(era(year).removesuffix("年度"), actual_note(kpi, year)) for year in years]
    notes.append(("目標値", beyond_number(previous.target_raw, kpi.target, kpi.unit, kpi.places)))
    return "、".join(f"{label} {note}" for label, note in notes if note)
