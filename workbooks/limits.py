"""Limits on uploaded workbooks and typed text, checked before anything is parsed or stored.

An ``.xlsx`` file is a zip of XML files. ``workbook_problem`` looks at the bytes only (the zip's
directory, ``[Content_Types].xml`` and the workbook part's sheet list), so a zip bomb, a macro
workbook or a file with thousands of sheets is refused before openpyxl unpacks anything. The
readers then go through each sheet with ``sheet_rows``, which stops past ``UPLOAD_MAX_ROWS`` rows
and at a formula, and turns a damaged sheet into a problem, and check each cell with ``text_problem``.

Every limit is a setting read at call time (``UPLOAD_MAX_BYTES`` …), and every refusal is a
Japanese sentence naming the limit. Nothing here writes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from xml.etree.ElementTree import ParseError, iterparse

from django.conf import settings
from openpyxl.utils import get_column_letter

MAX_MEMBERS = 1000  # files inside one workbook; a real one with 30 sheets has fewer than 200
MAX_RATIO = 200  # unpacked / packed size of one member; spreadsheet XML packs 5–50 times
RATIO_FLOOR = 1024 * 1024  # small members may pack tighter (an empty sheet of styled cells)
DOCTYPE_SCAN = 4096  # a DOCTYPE can only stand before the root element, near the start
WORKBOOK_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
}
MACRO_WORKBOOK_TYPES = {
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
}

MACROS = (
    "マクロを含むブック（.xlsm など）は取り込めません。マクロのない Excel ブック（.xlsx）として保存し直してください。"
)
EXTERNAL_LINKS = (
    "ほかのファイルへの外部リンクを含むブックは取り込めません。リンクを解除して値だけにしてから保存し直してください。"
)
NOT_XLSX = (
    "Excelファイル（.xlsx）として読めません。CSV や旧形式（.xls）のファイルは、"
    "Excel で「Excel ブック（.xlsx）」として保存し直してください。"
)
BROKEN = "Excelファイル（.xlsx）が壊れていて読めません（{detail}）。Excel で開いて保存し直してください。"


class UploadRefused(Exception):
    """A file refused as a whole (too many rows, a damaged sheet); ``str()`` says where and why."""

    def __init__(self, message: str, *, sheet: str = "", row: int | None = None):
        self.message, self.sheet, self.row = message, sheet, row
        where = f"シート「{sheet}」" + (f" {row}行目" if row else "") + ": " if sheet else ""
        super().__init__(where + message)


def format_size(size: int) -> str:
    """``10485760`` -> ``10 MB``: sizes in the unit people read them in."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{round(size / factor, 1):g} {unit}"
    return f"{size} バイト"


REFUSED_SIZE = "upload_refused_size"  # set on a request whose file was stopped as it arrived


def refused_upload_problem(request) -> str | None:
    """The message for a file the upload handler stopped as it arrived (too large), or None."""
    size = getattr(request, REFUSED_SIZE, None)
    return size_problem(size) if size else None


def size_problem(size: int) -> str | None:
    """Rule: an upload is not empty and at most ``UPLOAD_MAX_BYTES``."""
    if size <= 0:
        return "ファイルが空です。"
    if size > settings.UPLOAD_MAX_BYTES:
        return f"ファイルが大きすぎます（{format_size(size)}、上限 {format_size(settings.UPLOAD_MAX_BYTES)}）。"
    return None


def workbook_problem(content: bytes) -> str | None:
    """Why these bytes are refused before they are parsed, or None: size, not a zip, zip bomb,
    too many members, macros, external links, a DOCTYPE in the XML, or too many sheets."""
    problem = size_problem(len(content))
    if problem:
        return problem
    if not content.startswith(b"PK\x03\x04"):
        return NOT_XLSX
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return _archive_problem(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ParseError, EOFError, OSError, ValueError) as error:
        return BROKEN.format(detail=type(error).__name__)


def _archive_problem(archive: zipfile.ZipFile) -> str | None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        return f"ファイルの中身が多すぎます（{len(members):,}個、上限 {MAX_MEMBERS:,}個）。"
    total = 0
    for member in members:
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return BROKEN.format(detail="対応していない圧縮形式")
        total += member.file_size
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            return f"圧縮率が異常に高いファイルです（圧縮爆弾の疑い、上限 {MAX_RATIO}倍）。取り込めません。"
    if total > settings.UPLOAD_MAX_UNCOMPRESSED_BYTES:
        return (
            f"展開後のサイズが大きすぎます（{format_size(total)}、"
            f"上限 {format_size(settings.UPLOAD_MAX_UNCOMPRESSED_BYTES)}）。"
        )
    names = [member.filename.lower() for member in members]
    if any(name.endswith("vbaproject.bin") for name in names):
        return MACROS
    if any(name.startswith("xl/externallinks/") for name in names):
        return EXTERNAL_LINKS
    for member in members:
        if member.filename.lower().endswith((".xml", ".rels")):
            with archive.open(member) as stream:
                if b"<!DOCTYPE" in stream.read(DOCTYPE_SCAN).upper():
                    return BROKEN.format(detail="XML に DOCTYPE 宣言があります")
    return _content_problem(archive)


def _content_problem(archive: zipfile.ZipFile) -> str | None:
    """Macros by content type (an .xlsm renamed .xlsx), and the number of sheets in the workbook part."""
    try:
        types = archive.read("[Content_Types].xml")
    except KeyError:
        return NOT_XLSX
    parts = {}
    for _event, element in iterparse(io.BytesIO(types)):
        if element.tag.endswith("}Override"):
            parts[element.get("PartName", "").lstrip("/")] = element.get("ContentType", "")
    if any(kind in MACRO_WORKBOOK_TYPES or "vbaProject" in kind for kind in parts.values()):
        return MACROS
    workbook_part = next((name for name, kind in parts.items() if kind in WORKBOOK_TYPES), None)
    if workbook_part is None or workbook_part not in archive.namelist():
        return NOT_XLSX
    sheets = 0
    with archive.open(workbook_part) as stream:
        for _event, element in iterparse(stream):
            if element.tag.endswith("}externalReference"):
                return EXTERNAL_LINKS
            if element.tag.endswith("}sheet"):
                sheets += 1
            element.clear()
    if sheets > settings.UPLOAD_MAX_SHEETS:
        return f"シートが多すぎます（{sheets:,}枚、上限 {settings.UPLOAD_MAX_SHEETS}枚）。"
    return None


def sheet_rows(worksheet, title: str) -> Iterator[tuple[int, tuple]]:
    """(row number, values) of a read-only sheet opened with ``data_only=False``; UploadRefused past
    ``UPLOAD_MAX_ROWS`` rows (counted as they come: a million-row sheet stops at the limit), when
    its XML is damaged, or at a formula cell (text that starts with ``=`` is text, not a formula).
    """
    limit = settings.UPLOAD_MAX_ROWS
    rows = worksheet.iter_rows()
    number = 0
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return
        except Exception as error:  # openpyxl and the XML parser raise many kinds for a damaged sheet
            raise UploadRefused(
                f"シートが壊れていて読めません（{type(error).__name__}）。Excel で開いて保存し直してください。",
                sheet=title,
                row=number + 1,
            ) from error
        number += 1
        if number > limit:
            raise UploadRefused(f"行が多すぎます（上限 {limit:,}行）。", sheet=title)
        for index, cell in enumerate(cells):
            if cell.data_type == "f":
                raise UploadRefused(
                    f"{get_column_letter(index + 1)}列に数式があります。数式は取り込めません。"
                    "計算結果を値として貼り付けてから保存し直してください。",
                    sheet=title,
                    row=number,
                )
        yield number, tuple(cell.value for cell in cells)


def column_name(index: int, headers: Sequence[str]) -> str:
    """The header of a 0-based column, or its letter when it has none (for messages)."""
    header = headers[index] if index < len(headers) else ""
    return header or get_column_letter(index + 1)
