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

from . import schema

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
        where = f"シート「{self.sheet}」"
        if self.row:
            where += f" {self.row}行目"
        if self.column:
            where += f"「{self.column}」列"
        value = f"（値: {self.value}）" if self.value else ""
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
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def read_workbook(content: bytes) -> tuple[dict, list[Problem]]:
    """Rows of every sheet ({"plan": {...}, key: [row]}) and the problems of the file's shape.

    Each table row carries ``_row``, its row number in the sheet, for error messages.
    """
    problems: list[Problem] = []
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        return {}, [Problem("", None, "", "", f"Excelファイル（.xlsx）として読めません: {error}")]
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
        for index, row in enumerate(workbook[plan_sheet.title].iter_rows(values_only=True), start=1):
            label = cell_text(row[0]) if row else ""
            if index == 1 and label == "項目":
                continue
            if label in headers:
                plan[headers[label].key] = cell_text(row[1]) if len(row) > 1 else ""
        for column in plan_sheet.columns:
            if column.required and not plan.get(column.key):
                problems.append(Problem(plan_sheet.title, None, column.header, "", "必須の項目が空です。"))
        rows["plan"] = plan
    for sheet in schema.TABLE_SHEETS:
        rows[sheet.key] = []
        if sheet.title not in names:
            problems.append(Problem(sheet.title, None, "", "", "シートがありません。"))
            continue
        iterator = workbook[sheet.title].iter_rows(values_only=True)
        header_row = next(iterator, None) or ()
        positions = {cell_text(header): index for index, header in enumerate(header_row) if cell_text(header)}
        missing = [column for column in sheet.columns if column.required and column.header not in positions]
        for column in missing:
            problems.append(Problem(sheet.title, 1, column.header, "", "必須の列がありません。"))
        if missing:
            continue
        for number, values in enumerate(iterator, start=2):
            row = {
                column.key: cell_text(values[positions[column.header]])
                if column.header in positions and positions[column.header] < len(values)
                else ""
                for column in sheet.columns
            }
            if not any(row.values()):
                continue
            row["_row"] = number
            rows[sheet.key].append(row)
    workbook.close()
    return rows, problems


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
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


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
