"""The bad-input corpus: damaged workbooks and files that are not workbooks, built at test time.

Each ``Case`` builds its file from a genuine workbook (``kind`` "plan": a seed plan exported with
``write_workbook``; "entry": a department's entry workbook as downloaded), or from nothing.
Big files are written with ``zipfile`` directly (fast, streamed), never committed.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from openpyxl import load_workbook

from workbooks.entry_workbook import INPUT_SUFFIX
from workbooks.entry_workbook import SHEET as ENTRY_SHEET

MB = 1024 * 1024
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{overrides}</Types>"
)
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


@dataclass(frozen=True)
class Case:
    """A bad input: how to build it from a genuine workbook of ``kind``, and the Japanese words that
    the refusal must show (per kind when the doors word it differently)."""

    name: str
    build: Callable[[bytes, str], bytes]
    expect: str | dict[str, str]

    def expected(self, kind: str) -> str:
        return self.expect if isinstance(self.expect, str) else self.expect[kind]


# --- zip surgery -------------------------------------------------------------------------------


def members(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(files: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return output.getvalue()


def sheet_path(files: dict[str, bytes], title: str) -> str:
    """The zip member of the sheet called ``title`` (workbook.xml -> its relationship -> the part)."""
    workbook = files["xl/workbook.xml"].decode()
    rid = re.search(r'<sheet [^>]*name="' + re.escape(title) + r'"[^>]*r:id="([^"]+)"', workbook)
    rid = rid or re.search(r'<sheet [^>]*r:id="([^"]+)"[^>]*name="' + re.escape(title) + '"', workbook)
    rels = files["xl/_rels/workbook.xml.rels"].decode()
    target = re.search(r'<Relationship [^>]*Id="' + rid.group(1) + r'"[^>]*Target="([^"]+)"', rels)
    target = target or re.search(r'<Relationship [^>]*Target="([^"]+)"[^>]*Id="' + rid.group(1) + '"', rels)
    path = target.group(1).lstrip("/")
    return path if path.startswith("xl/") else "xl/" + path


def target_sheet(kind: str) -> str:
    return ENTRY_SHEET if kind == "entry" else "実績"


# --- edits through openpyxl (cell values as staff would type them) ------------------------------


def with_cells(content: bytes, kind: str, edits: dict[str, object]) -> bytes:
    """The workbook with the first data row's cells set: edits keyed by "name", "note", "value",
    "number" (a number column) or "year"."""
    workbook = load_workbook(io.BytesIO(content))
    if kind == "entry":
        sheet = workbook[ENTRY_SHEET]
        headers = {cell.value: cell.column for cell in sheet[1]}
        value = next(column for header, column in headers.items() if str(header).endswith(INPUT_SUFFIX))
        places = {
            "name": (sheet, headers["指標名"]),
            "note": (sheet, headers["備考"]),
            "value": (sheet, value),
            "number": (sheet, headers["KPI番号"]),
        }
        for key, new in edits.items():
            if key == "year":
                sheet.cell(row=1, column=value, value=f"{new}年度 {INPUT_SUFFIX}")
                continue
            target, column = places[key]
            target.cell(row=2, column=column, value=new)
    else:
        kpis, actuals, goals = workbook["KPI"], workbook["実績"], workbook["基本目標"]
        place = {
            "name": (kpis, "指標名"),
            "note": (kpis, "備考"),
            "value": (actuals, "実績値"),
            "year": (actuals, "年度"),
            "number": (goals, "番号"),
        }
        for key, new in edits.items():
            sheet, header = place[key]
            column = next(cell.column for cell in sheet[1] if cell.value == header)
            sheet.cell(row=2, column=column, value=new)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def cells(**edits) -> Callable[[bytes, str], bytes]:
    return lambda base, kind: with_cells(base, kind, edits)


def extra_sheets(count: int) -> Callable[[bytes, str], bytes]:
    def build(base: bytes, kind: str) -> bytes:
        workbook = load_workbook(io.BytesIO(base))
        for number in range(count):
            workbook.create_sheet(f"余分{number}")
        output = io.BytesIO()
        workbook.save(output)
        return output.getvalue()

    return build


# --- files built byte by byte -------------------------------------------------------------------


def empty(base: bytes, kind: str) -> bytes:
    return b""


def shift_jis_csv(base: bytes, kind: str) -> bytes:
    return "KPI番号,指標名,実績値\n1,新規就農者数,12人\n".encode("shift_jis")


def random_bytes(base: bytes, kind: str) -> bytes:
    return os.urandom(64 * 1024)


def fifty_megabytes(base: bytes, kind: str) -> bytes:
    """A zip (stored, so it really is 50 MB) whose size alone must refuse it."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/media/image1.bin", os.urandom(50 * MB))
    return output.getvalue()


def zip_bomb_one_sheet(base: bytes, kind: str) -> bytes:
    """The target sheet replaced by 200 MB of repeated text that packs to a few hundred KB."""
    files = members(base)
    path = sheet_path(files, target_sheet(kind))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            if name != path:
                archive.writestr(name, data)
        with archive.open(path, "w", force_zip64=True) as stream:
            stream.write(f'<worksheet xmlns="{MAIN}"><sheetData><row><c t="inlineStr"><is><t>'.encode())
            chunk = "爆弾".encode() * (MB // 6)
            for _ in range(200 * MB // len(chunk)):
                stream.write(chunk)
            stream.write(b"</t></is></c></row></sheetData></worksheet>")
    return output.getvalue()


def zip_bomb_many_members(base: bytes, kind: str) -> bytes:
    """Fifty 1 MB members of repeated text: each packs moderately, together they unpack past the cap."""
    files = members(base)
    for number in range(50):
        files[f"xl/media/padding{number}.xml"] = b"<a>" + b"x" * (MB - 7) + b"</a>"
    return rezip(files)


def cell_of_100_megabytes(base: bytes, kind: str) -> bytes:
    """One 100 MB text cell in the target sheet (in 108 KB on the wire)."""
    files = members(base)
    path = sheet_path(files, target_sheet(kind))
    sheet = files.pop(path)
    head, tail = sheet.split(b"</sheetData>", 1)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        with archive.open(path, "w", force_zip64=True) as stream:
            stream.write(head + b'<row r="60000"><c r="A60000" t="inlineStr"><is><t>')
            chunk = b"a" * MB
            for _ in range(100):
                stream.write(chunk)
            stream.write(b"</t></is></c></row></sheetData>" + tail)
    return output.getvalue()


def million_rows(base: bytes, kind: str) -> bytes:
    """A million small rows after the genuine ones, with the sheet's dimension saying so (each row
    different, so that the sheet packs like a real one and only the row cap stops it)."""
    files = members(base)
    path = sheet_path(files, target_sheet(kind))
    sheet = files[path]
    sheet = re.sub(rb'<dimension ref="A1:([A-Z]+)[0-9]+"', rb'<dimension ref="A1:\g<1>1000100"', sheet)
    head, tail = sheet.split(b"</sheetData>", 1)
    rows = "".join(f"<row><c><v>{number}</v></c></row>" for number in range(1_000_000)).encode()
    files[path] = head + rows + b"</sheetData>" + tail
    return rezip(files)


def five_thousand_sheets(base: bytes, kind: str) -> bytes:
    sheets = "".join(f'<sheet name="S{n}" sheetId="{n}" r:id="rId{n}"/>' for n in range(1, 5001))
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>' for n in range(1, 5001)
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{SHEET_TYPE}"/>' for n in range(1, 5001)
    )
    files = {
        "[Content_Types].xml": CONTENT_TYPES.format(overrides=overrides).encode(),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{sheets}</sheets></workbook>'.encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>'
        ).encode(),
    }
    for n in range(1, 5001):
        files[f"xl/worksheets/sheet{n}.xml"] = f'<worksheet xmlns="{MAIN}"><sheetData/></worksheet>'.encode()
    return rezip(files)


def external_link(base: bytes, kind: str) -> bytes:
    files = members(base)
    files["xl/externalLinks/externalLink1.xml"] = (
        f'<externalLink xmlns="{MAIN}"><externalBook xmlns:r="{REL}" r:id="rId1"/></externalLink>'
    ).encode()
    files["xl/externalLinks/_rels/externalLink1.xml.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/externalLinkPath" Target="file:///C:/secret/other.xlsx" '
        'TargetMode="External"/></Relationships>'
    ).encode()
    return rezip(files)


def macro_project(base: bytes, kind: str) -> bytes:
    files = members(base)
    files["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4096)
    return rezip(files)


def xlsm_renamed(base: bytes, kind: str) -> bytes:
    files = members(base)
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    return rezip(files)


def malformed_sheet(base: bytes, kind: str) -> bytes:
    """The target sheet's XML cut off in the middle of its rows."""
    files = members(base)
    path = sheet_path(files, target_sheet(kind))
    sheet = files[path]
    files[path] = sheet[: sheet.index(b"</row>") + 6] + b'<row r="3"><c r="A3" t="s"><v>1</v'
    return rezip(files)


def malformed_workbook_part(base: bytes, kind: str) -> bytes:
    files = members(base)
    files["xl/workbook.xml"] = files["xl/workbook.xml"][:200]
    return rezip(files)


CASES = [
    Case("empty file", empty, "空です"),
    Case("50 MB file", fifty_megabytes, "ファイルが大きすぎます（"),
    Case("Shift_JIS CSV renamed .xlsx", shift_jis_csv, "として読めません"),
    Case("random bytes", random_bytes, "として読めません"),
    Case("zip bomb: one 200 MB sheet", zip_bomb_one_sheet, "圧縮率が異常に高い"),
    Case("zip bomb: many members", zip_bomb_many_members, "展開後のサイズが大きすぎます"),
    Case("100 MB cell", cell_of_100_megabytes, "圧縮率が異常に高い"),
    Case("a million rows", million_rows, "行が多すぎます（上限 20,000行）"),
    Case("5,000 sheets", five_thousand_sheets, "ファイルの中身が多すぎます"),
    Case("31 sheets", extra_sheets(31), "シートが多すぎます"),
    Case("external link", external_link, "外部リンク"),
    Case("macro project renamed .xlsx", macro_project, "マクロ"),
    Case("xlsm content type renamed .xlsx", xlsm_renamed, "マクロ"),
    Case("malformed sheet XML", malformed_sheet, "壊れていて読めません"),
    Case("malformed workbook XML", malformed_workbook_part, "壊れていて読めません"),
    Case("HYPERLINK formula as KPI name", cells(name='=HYPERLINK("http://evil.example/","click")'), "数式"),
    Case("DDE formula as note", cells(note="=cmd|' /C calc'!A0"), "数式"),
    Case("DDE formula as value", cells(value="=cmd|' /C calc'!A0"), "数式"),
    Case("301-character KPI name", cells(name="長" * 301), "文字数が多すぎます（301文字、上限 300文字）"),
    Case("244-character value", cells(value="1" + "人" * 243), "文字数が多すぎます（244文字、上限 200文字）"),
    Case("300-character value", cells(value="あ" * 300), "文字数が多すぎます（300文字、上限 200文字）"),
    Case("20,000-character note", cells(note="備" * 20_000), "文字数が多すぎます（20,000文字、上限 10,000文字）"),
    Case(
        "text in a number cell",
        cells(number="いち"),
        {"plan": "整数を入力してください", "entry": "KPI番号「いち」が読めません"},
    ),
    Case("year 1500", cells(year="1500"), "対応している年の範囲（1868〜2200）の外です"),
    Case("year 2300", cells(year="2300"), "対応している年の範囲（1868〜2200）の外です"),
    Case("year 99999", cells(year="99999"), "年として読めません"),
    Case("25-digit number", cells(value="1234567890123456789012345"), "大きすぎます"),
    Case("25-digit number cell", cells(value=10**24), "大きすぎます"),
    Case("1e30 as text", cells(value="1e30"), "指数表記"),
    Case("1e30 as a number cell", cells(value=1e30), "大きすぎます"),  # read as its digits
]
