"""The entry workbook: a department's KPIs for one year, to fill in Excel and upload back.

Structure cells are locked (sheet protection); only the year's value, status and note are
open. The status column has a drop-down (data validation). The hidden 版 column carries each
actual's version at download, so an upload cannot overwrite what someone saved meanwhile.
"""

from __future__ import annotations

import io
import re

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from plans import validation
from plans.choices import ActualStatus
from plans.models import Actual, Kpi
from plans.presentation import format_number
from plans.rules.notation import format_era_year, format_year, parse_year
from plans.services.actuals import Submission
from workbooks import limits
from workbooks.plan_workbook import cell_text
from workbooks.safety import workbook_bytes

SHEET = "入力"
INSTRUCTIONS = "説明"
INPUT_SUFFIX = "実績値（入力）"
FIXED = ["KPI番号", "計画", "KPIコード", "指標名", "単位", "担当課", "基準値"]
INPUT_FILL = PatternFill("solid", fgColor="FFF7D6")
HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
PAST_YEARS = 3  # the last three years' actuals beside the input
ID = re.compile(r"[0-9]{1,18}")  # a KPI number or version: ASCII digits a database integer holds


def input_header(year: int) -> str:
    return f"{format_era_year(year)} {INPUT_SUFFIX}"


def write_entry_workbook(rows, year: int, *, title: str) -> bytes:
    """The workbook for ``rows`` (``services.actuals.EntryRow``) and ``year``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    past = sorted({y for row in rows for y in row.history if y < year})[-PAST_YEARS:]
    headers = [
        *FIXED,
        *[f"{format_era_year(y)} 実績値" for y in past],
        f"{format_era_year(year)} 目標値",
        input_header(year),
        "状態",
        "備考",
        "版",
    ]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(
            [
                row.kpi.id,
                f"{row.plan_title}（{row.also_in}にも反映）" if row.also_in else row.plan_title,
                row.kpi.code,
                row.kpi.name,
                row.kpi.unit,
                row.kpi.department,
                format_number(row.kpi.baseline, row.kpi.places) if row.kpi.baseline is not None else "",
                *[row.history.get(y, "") for y in past],
                ("" if row.target is None else format_number(row.target, row.kpi.places))
                + ("" if row.target_stated else "（補間）"),
                row.actual_raw
                if row.actual_status in (ActualStatus.MEASURED, ActualStatus.UNPARSED, ActualStatus.BLANK)
                else "",
                {ActualStatus.PENDING: "集計中", ActualStatus.UNMEASURED: "未把握"}.get(row.actual_status, ""),
                row.actual_note,
                row.version,
            ]
        )
    value_column = headers.index(input_header(year)) + 1
    open_columns = {value_column, value_column + 1, value_column + 2}
    for row_cells in sheet.iter_rows(min_row=2, max_row=len(rows) + 1):
        for cell in row_cells:
            if cell.column in open_columns:
                cell.protection = Protection(locked=False)
                cell.fill = INPUT_FILL
                cell.number_format = "@"  # keep `1,234人` as typed
    status = DataValidation(
        type="list",
        formula1='"集計中,未把握"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="状態",
        error="空欄・集計中・未把握のどれかを選んでください。",
    )
    sheet.add_data_validation(status)
    if rows:
        letter = get_column_letter(value_column + 1)
        status.add(f"{letter}2:{letter}{len(rows) + 1}")
    widths = [8, 28, 10, 44, 8, 14, 12, *[12] * len(past), 14, 16, 10, 24, 5]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.column_dimensions[get_column_letter(len(headers))].hidden = True
    sheet.freeze_panes = sheet.cell(row=2, column=5)
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    _instructions(workbook, year, title)
    return workbook_bytes(workbook)


def _instructions(workbook: Workbook, year: int, title: str) -> None:
    sheet = workbook.create_sheet(INSTRUCTIONS)
    lines = [
        f"{title} 実績入力シート（{format_year(year)}）",
        "",
        f"1. 「{SHEET}」シートの黄色い列（{input_header(year)}・状態・備考）だけを入力してください。"
        "ほかの列は変更できません。",
        "2. 値は資料に書くとおりに入力できます（例: 1,234人、１２３、△5、(速報値) 81.7%）。△ はマイナスです。",
        "3. 実績がまだ出ていないときは、値を空欄にして状態で「集計中」または「未把握」を選び、"
        "備考に理由を書いてください。",
        "4. 入力したら、システムの「Excelで取り込む」からこのファイルをアップロードしてください。",
        "   取り込む前に変更の一覧（前の値 → 新しい値、進捗度）が表示され、確定するまで何も保存されません。",
        "5. ダウンロードした後にほかの人が同じ実績を保存していた場合、その行は取り込まれません。"
        "最新のファイルをダウンロードし直してください。",
        "6. 担当課の外のKPIの行を加えたり、KPIの列を書き換えたりした行は取り込まれません。",
    ]
    for line in lines:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 120
    workbook.move_sheet(INSTRUCTIONS, offset=-1)
    workbook.active = 1


def read_entry_workbook(content: bytes):
    """(year, submissions, problems) from an uploaded entry workbook; never writes.

    The file is refused before parsing when it breaks a limit (``limits.workbook_problem``), and
    while reading at a formula, past ``UPLOAD_MAX_ROWS`` rows or at a damaged sheet; each cell is
    checked against the column it is stored in (``validation.text_problem``).
    """
    refusal = limits.workbook_problem(content)
    if refusal:
        return None, [], [refusal]
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        return None, [], [f"Excelファイル（.xlsx）として読めません: {type(error).__name__}"]
    try:
        return _read_entry_sheet(workbook)
    except limits.UploadRefused as error:
        return None, [], [str(error)]
    finally:
        workbook.close()


def _column_limits(headers: list[str], value_header: str) -> dict[int, int]:
    """The most characters each stored column holds: the value (Actual.raw), the note and the KPI name."""
    stored = {value_header: (Actual, "raw"), "備考": (Actual, "note"), "指標名": (Kpi, "name")}
    return {headers.index(name): validation.field_limit(*field) for name, field in stored.items()}


def _read_entry_sheet(workbook):
    if SHEET not in workbook.sheetnames:
        return None, [], [f"シート「{SHEET}」がありません。システムからダウンロードしたファイルを使ってください。"]
    rows = limits.sheet_rows(workbook[SHEET], SHEET)
    _number, header_row = next(rows, (1, ()))
    headers = [cell_text(value) for value in header_row]
    problems = [
        f"シート「{SHEET}」: 「{name}」列がありません。"
        for name in ("KPI番号", "指標名", "状態", "備考", "版")
        if name not in headers
    ]
    value_headers = [header for header in headers if header.endswith(INPUT_SUFFIX)]
    if len(value_headers) != 1:
        problems.append(f"シート「{SHEET}」: 「{INPUT_SUFFIX}」の列が見つかりません。")
    if problems:
        return None, [], problems
    try:
        year = parse_year(re.sub(r"\s*" + INPUT_SUFFIX + "$", "", value_headers[0]))
    except ValueError as error:
        return None, [], [f"シート「{SHEET}」 1行目: 入力年度が読めません（{error}）"]
    column = {name: headers.index(name) for name in ("KPI番号", "指標名", "状態", "備考", "版")}
    column["value"] = headers.index(value_headers[0])
    stored_limits = _column_limits(headers, value_headers[0])
    submissions = []
    for number, values in rows:
        texts = [cell_text(value) for value in values]
        texts += [""] * (len(headers) - len(texts))
        where = f"シート「{SHEET}」 {number}行目"
        cell_problems = [
            f"{where}「{limits.column_name(index, headers)}」列: {problem}"
            for index, text in enumerate(texts)
            if (problem := validation.text_problem(text, limit=stored_limits.get(index)))
        ]
        if cell_problems:
            problems += cell_problems
            continue
        kpi_text = texts[column["KPI番号"]]
        if not kpi_text and not any(texts):
            continue
        if not ID.fullmatch(kpi_text):
            problems.append(f"{where}: KPI番号「{kpi_text[:20]}」が読めません。")
            continue
        version_text = texts[column["版"]] or "0"
        submissions.append(
            Submission(
                kpi_id=int(kpi_text),
                year=year,
                text=texts[column["value"]],
                status=texts[column["状態"]],
                note=texts[column["備考"]],
                version=int(version_text) if ID.fullmatch(version_text) else -1,
                where=where,
                name=texts[column["指標名"]],
            )
        )
    return year, submissions, problems
