"""The plan workbook (.xlsx) <-> rows, with every problem reported by sheet, row and column.

Reading never writes to the database; it returns the rows and the problems it found. Cells are
read as the text staff typed (`16,507人`, `R元年度`); numbers Excel stored as numbers are turned
back into their plain text.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from plans import validation
from plans.models import (
    Actual,
    Department,
    Goal,
    Kpi,
    Municipality,
    OfficialRating,
    Package,
    Plan,
    PolicyDirection,
    Project,
    ProjectBudget,
    ProjectReview,
    RatingLabel,
    YearlyTarget,
)
from workbooks import limits, schema
from workbooks.safety import restore_text, workbook_bytes

HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
REQUIRED_FILL = PatternFill("solid", fgColor="F9E0C7")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an import, located as staff will look for it."""

    sheet: str
    row: int | None
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"シート「{self.sheet}」" if self.sheet else "ファイル"
        if self.row:
            where += f" {self.row}行目"
        if self.column:
            where += f"「{self.column}」列"
        value = f"（値: {_shortened(self.value)}）" if self.value else ""
        return f"{where}: {self.message}{value}"


class ImportRefused(Exception):
    """Raised with every problem found; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def cell_text(value) -> str:
    """The text of a cell as staff typed it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "○" if value else ""
    if isinstance(value, float):
        # A spreadsheet holds 15 significant digits: 0.1 + 0.2 computed there is 0.3.
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%Y-%m-%d")
    return restore_text(str(value).strip())


def read_workbook(content: bytes) -> tuple[dict, list[Problem]]:
    """Rows of every sheet ({"plan": {...}, key: [row]}) and the problems of the file's shape.

    Each table row carries ``_row``, its row number in the sheet, for error messages. The file is
    refused before parsing when it breaks a limit (``limits.workbook_problem``); every cell is
    checked against the column it is stored in (``STORED_IN``) and ``validation.text_problem``.
    Formulas are read as formulas (``data_only=False``) so that they are refused, not run.
    """
    refusal = limits.workbook_problem(content)
    if refusal:
        return {}, [Problem("", None, "", "", refusal)]
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        return {}, [Problem("", None, "", "", f"Excelファイル（.xlsx）として読めません: {type(error).__name__}")]
    try:
        return _read_sheets(workbook)
    except limits.UploadRefused as error:
        return {}, [Problem(error.sheet, error.row, "", "", error.message)]
    finally:
        workbook.close()


def _read_sheets(workbook) -> tuple[dict, list[Problem]]:
    problems: list[Problem] = []
    rows: dict = {}
    names = set(workbook.sheetnames)
    plan_sheet = schema.PLAN
    if plan_sheet.title not in names:
        problems.append(
            Problem(plan_sheet.title, None, "", "", "シートがありません。計画ワークブックの形式を確認してください。")
        )
        rows["plan"] = {}
    else:
        headers = {column.header: column for column in plan_sheet.columns}
        plan: dict[str, str] = {}
        for index, row in limits.sheet_rows(workbook[plan_sheet.title], plan_sheet.title):
            texts = [cell_text(value) for value in row]
            label = texts[0] if texts else ""
            column = headers.get(label)
            for position, text in enumerate(texts):
                stored = column.key if column and position == 1 else None
                problems += _cell_problems(plan_sheet, index, stored, limits.column_name(position, ()), text)
            if index == 1 and label == "項目":
                continue
            if column:
                plan[column.key] = texts[1] if len(texts) > 1 else ""
        for column in plan_sheet.columns:
            if column.required and not plan.get(column.key):
                problems.append(Problem(plan_sheet.title, None, column.header, "", "必須の項目が空です。"))
        rows["plan"] = plan
    for sheet in schema.TABLE_SHEETS:
        rows[sheet.key] = []
        if sheet.title not in names:
            problems.append(Problem(sheet.title, None, "", "", "シートがありません。"))
            continue
        iterator = limits.sheet_rows(workbook[sheet.title], sheet.title)
        _number, header_row = next(iterator, (1, ()))
        header_texts = [cell_text(header) for header in header_row]
        positions = {text: index for index, text in enumerate(header_texts) if text}
        missing = [column for column in sheet.columns if column.required and column.header not in positions]
        for column in missing:
            problems.append(Problem(sheet.title, 1, column.header, "", "必須の列がありません。"))
        if missing:
            continue
        keys = {positions[column.header]: column.key for column in sheet.columns if column.header in positions}
        for number, values in iterator:
            texts = [cell_text(value) for value in values]
            for index, text in enumerate(texts):
                header = limits.column_name(index, header_texts)
                problems += _cell_problems(sheet, number, keys.get(index), header, text)
            row = {key: texts[index] if index < len(texts) else "" for index, key in keys.items()}
            row.update({column.key: "" for column in sheet.columns if column.key not in row})
            if not any(row.values()):
                continue
            row["_row"] = number
            rows[sheet.key].append(row)
    return rows, problems


# Where each text column of the plan workbook is stored, so that it is checked against the column's
# length before anything is saved. List columns (``、``-separated names) store each item.
STORED_IN = {
    ("plan", "slug"): (Plan, "slug"),
    ("plan", "title"): (Plan, "title"),
    ("plan", "municipality"): (Municipality, "name"),
    ("plan", "revised"): (Plan, "revised_label"),
    ("plan", "source"): (Plan, "source_document"),
    ("plan", "note"): (Plan, "note"),
    ("rating_scale", "label"): (RatingLabel, "label"),
    ("rating_scale", "meaning"): (RatingLabel, "meaning"),
    ("goals", "kind_label"): (Goal, "kind_label"),
    ("goals", "title"): (Goal, "title"),
    ("goals", "basic_direction"): (Goal, "basic_direction"),
    ("goals", "aim"): (Goal, "aim"),
    ("directions", "code"): (PolicyDirection, "code"),
    ("directions", "title"): (PolicyDirection, "title"),
    ("directions", "summary"): (PolicyDirection, "summary"),
    ("directions", "group"): (PolicyDirection, "group"),
    ("packages", "title"): (Package, "title"),
    ("packages", "summary"): (Package, "summary"),
    ("projects", "code"): (Project, "code"),
    ("projects", "title"): (Project, "title"),
    ("projects", "group"): (Project, "group"),
    ("projects", "purpose"): (Project, "purpose"),
    ("projects", "main_actions"): (Project, "main_actions"),
    ("projects", "lead_role"): (Project, "lead_role"),
    ("projects", "partner_role"): (Project, "partner_role"),
    ("projects", "sections"): (Project, "sections"),
    ("projects", "note"): (Project, "note"),
    ("budgets", "amount"): (ProjectBudget, "amount_raw"),
    ("reviews", "carried_out"): (ProjectReview, "carried_out_raw"),
    ("reviews", "done"): (ProjectReview, "done"),
    ("reviews", "summary"): (ProjectReview, "summary"),
    ("reviews", "rating"): (ProjectReview, "rating_label"),
    ("kpis", "code"): (Kpi, "code"),
    ("kpis", "name"): (Kpi, "name"),
    ("kpis", "unit"): (Kpi, "unit"),
    ("kpis", "department"): (Department, "name"),
    ("kpis", "baseline"): (Kpi, "baseline_raw"),
    ("kpis", "baseline_note"): (Kpi, "baseline_note"),
    ("kpis", "target"): (Kpi, "target_raw"),
    ("kpis", "target_note"): (Kpi, "target_note"),
    ("kpis", "link_label"): (Kpi, "predecessor_label"),
    ("kpis", "next_plan_label"): (Kpi, "dropped_label"),
    ("kpis", "note"): (Kpi, "note"),
    ("yearly_targets", "value"): (YearlyTarget, "raw"),
    ("actuals", "value"): (Actual, "raw"),
    ("actuals", "note"): (Actual, "note"),
    ("ratings", "label"): (OfficialRating, "label"),
    ("ratings", "as_of"): (OfficialRating, "as_of"),
}
STORED_ITEMS_IN = {
    ("plan", "partners"): (Municipality, "name"),
    ("projects", "municipalities"): (Municipality, "name"),
    ("projects", "departments"): (Department, "name"),
}
LIST_SEPARATORS = schema.LIST_SEPARATORS  # as plan_import.split_list splits them


def _cell_problems(sheet: schema.Sheet, row: int, key: str | None, column: str, text: str) -> list[Problem]:
    """The problems of one cell: any cell (validation.text_problem), and a stored column's length."""
    column = sheet.column(key).header if key else column
    stored = STORED_IN.get((sheet.key, key))
    limit = validation.field_limit(*stored) if stored else None
    problem = validation.text_problem(text, limit=limit)
    if problem is None and (sheet.key, key) in STORED_ITEMS_IN:
        item_limit = validation.field_limit(*STORED_ITEMS_IN[(sheet.key, key)])
        problem = next(
            (
                f"「{item.strip()[:20]}…」が長すぎます（上限 {item_limit:,}文字）。"
                for item in schema.split_list(text)
                if len(item.strip()) > item_limit
            ),
            None,
        )
    if problem is None:
        return []
    return [Problem(sheet.title, row, column, text, problem)]


def _shortened(text: str, limit: int = 40) -> str:
    """A cell's text for a message: long text is cut, control characters shown as ``?``."""
    text = validation.CONTROL_CHARACTERS.sub("?", text)
    return text if len(text) <= limit else text[:limit] + f"…（全{len(text):,}文字）"


def _write_instructions(workbook: Workbook) -> None:
    sheet = workbook.active
    sheet.title = schema.INSTRUCTIONS_TITLE
    lines = [
        ("計画ワークブックの書き方", ""),
        ("", ""),
        ("このワークブックは、計画（総合戦略・連携中枢都市圏ビジョンなど）を", ""),
        ("KPI 進捗管理システムに取り込む形式です。", ""),
        ("値は資料に書かれたとおりに入力してください（例: 16,507人以上、△69人、(速報値) 81.7%、R元年度）。", ""),
        ("数値と単位、注記はシステムが読み取ります。△ と ▲ はマイナスです。全角数字も使えます。", ""),
        ("年度は R7年度・H31・令和元年度・2025 のどれでも構いません。", ""),
        (
            "取り込みは全件一括です。1か所でも誤りがあれば何も保存されず、すべての誤りがシート・行・列つきで表示されます。",
            "",
        ),
        ("", ""),
        ("シート / 列", "説明（必須の列は見出しが橙色です）"),
    ]
    for sheet_def in schema.ALL_SHEETS:
        lines.append((f"【{sheet_def.title}】", sheet_def.help))
        for column in sheet_def.columns:
            example = f"（例: {column.example}）" if column.example else ""
            required = "必須。" if column.required else ""
            lines.append((f"  {column.header}", f"{required}{column.help}{example}"))
    for row in lines:
        sheet.append(row)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 100


def write_workbook(rows: dict) -> bytes:
    """The plan workbook for ``rows`` (the shape ``read_workbook`` returns)."""
    workbook = Workbook()
    _write_instructions(workbook)
    plan_sheet = workbook.create_sheet(schema.PLAN.title)
    plan_sheet.append(["項目", "値", "説明"])
    for column in schema.PLAN.columns:
        plan_sheet.append([column.header, rows.get("plan", {}).get(column.key, ""), column.help])
    for cell in plan_sheet[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    plan_sheet.column_dimensions["A"].width = 16
    plan_sheet.column_dimensions["B"].width = 50
    plan_sheet.column_dimensions["C"].width = 50
    for sheet_def in schema.TABLE_SHEETS:
        sheet = workbook.create_sheet(sheet_def.title)
        sheet.append([column.header for column in sheet_def.columns])
        for index, column in enumerate(sheet_def.columns, start=1):
            cell = sheet.cell(row=1, column=index)
            cell.font = Font(bold=True)
            cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        for row in rows.get(sheet_def.key, []):
            sheet.append([row.get(column.key, "") for column in sheet_def.columns])
        for row_cells in sheet.iter_rows(min_row=2):
            for cell in row_cells:
                cell.number_format = "@"
                cell.alignment = Alignment(wrap_text=False, vertical="top")
        sheet.freeze_panes = "A2"
    return workbook_bytes(workbook)


def comparable(rows: dict) -> dict:
    """Rows without their sheet positions, for comparing two workbooks' content."""
    return {
        key: (
            {name: value for name, value in value.items()}
            if key == "plan"
            else [{name: cell for name, cell in row.items() if name != "_row"} for row in value]
        )
        for key, value in rows.items()
    }
