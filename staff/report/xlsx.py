"""The annual evaluation report as an Excel workbook, laid out like the H29 report.

A formatter of ``staff.report.data.EvaluationReport``: it reads the report built once and
computes nothing; it saves through ``workbooks.safety.workbook_bytes`` (no text becomes a formula).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from plans.presentation import format_rate
from plans.rules.progress import KpiProgress
from staff.report.data import EvaluationReport, GoalReport, legend_lines
from staff.report.succession import STATUS_LABELS
from staff.report.text import actual_as_written, era
from workbooks.safety import workbook_bytes

SHEET_TITLE_LIMIT = 31


@dataclass(frozen=True)
class _Number:
    """A number cell: the value stays a number, shown at the KPI's precision with its unit after it."""

    value: Decimal | None
    places: int | None
    suffix: str = ""

    @property
    def number_format(self) -> str:
        """`#,##0"人"` for a KPI counted in whole 人, `#,##0.0"%"` for one written `63.0%`."""
        digits = "General" if self.places is None else "#,##0" + ("." + "0" * self.places if self.places else "")
        suffix = self.suffix.replace('"', "")  # a quote would end the format's literal text
        return f'{digits}"{suffix}"' if suffix else digits


def _number(value, places: int | None, suffix: str = ""):
    """``value`` as a number cell, or ``-`` when there is none (as the HTML report prints it)."""
    return "-" if value is None else _Number(value, places, suffix)


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
                        era(row.year),
                        _number(
                            row.target_value,
                            progress.kpi.places,
                            progress.kpi.unit
                            + ("以上" if progress.kpi.at_least else "")
                            + ("" if row.target_stated else " " + _("(interpolated)")),
                        ),
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
                _number(kpi.baseline, kpi.places, kpi.unit),
                _number(item.year_target.value, kpi.places, kpi.unit),
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
            *[era(year) for year in years],
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
