"""The annual evaluation report: its data built once (``data``), then one formatter per format.

``data.evaluation_report`` loads the plan's report in a fixed number of queries (the official
rating printed for the report year picked by ``official``); the HTML page
(``staff.dashboards.ReportView``), the Excel workbook (``xlsx``) and the PDF (``pdf``) only format
it. The names other modules use are re-exported here (``from staff import report``).
"""

from staff.report.data import (
    CommitteeNote,
    DirectionReport,
    EvaluationReport,
    GoalReport,
    ProjectEntry,
    RateBar,
    ReportYear,
    ReviewPoint,
    TargetReport,
    build_report,
    evaluation_report,
    legend_lines,
    review_point,
    target_rows,
)
from staff.report.official import PrintedRating, printed_outlooks, rated_year, rating_for_year
from staff.report.pdf import report_pdf, static_file_for, static_url_fetcher
from staff.report.succession import (
    STATUS_LABELS,
    PreviousKpi,
    SuccessionRow,
    SuccessionSheet,
    SuccessorKpi,
    succession_rows,
    succession_sheet,
    successor_plan_of,
)
from staff.report.text import actual_as_written, text_lines, with_unit
from staff.report.xlsx import report_workbook

__all__ = [
    "STATUS_LABELS",
    "CommitteeNote",
    "DirectionReport",
    "EvaluationReport",
    "GoalReport",
    "PreviousKpi",
    "PrintedRating",
    "ProjectEntry",
    "RateBar",
    "ReportYear",
    "ReviewPoint",
    "SuccessionRow",
    "SuccessionSheet",
    "SuccessorKpi",
    "TargetReport",
    "actual_as_written",
    "build_report",
    "evaluation_report",
    "legend_lines",
    "printed_outlooks",
    "rated_year",
    "rating_for_year",
    "report_pdf",
    "report_workbook",
    "review_point",
    "static_file_for",
    "static_url_fetcher",
    "succession_rows",
    "succession_sheet",
    "successor_plan_of",
    "target_rows",
    "text_lines",
    "with_unit",
]
