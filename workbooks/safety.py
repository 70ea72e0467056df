"""Spreadsheet safety for every CSV and Excel file the product writes and reads.

OWASP's CSV-injection rule: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is something a spreadsheet may run. Numbers stay numbers (``-69`` is a number,
not a formula), and so does the dash the documents print for "no value" (``-``):

* CSV: such a text gets a leading apostrophe (``'=HYPERLINK(…)``), which spreadsheets show as
  text; ``restore_text`` takes it off again when a neutralised text comes back.
* Excel: such a text is written as a string cell with Excel's quote prefix, never as a formula, so
  the file shows exactly what was written and reads back unchanged.

Every writer saves through ``workbook_bytes`` and ``csv_bytes``; nothing else calls
``Workbook.save`` or ``csv.writer``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"  # the content type
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_HARMLESS = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|-+")


def is_risky(text: str) -> bool:
    """Whether a spreadsheet could run this text (a plain signed number or a lone dash cannot)."""
    return text.startswith(FORMULA_TRIGGERS) and not _HARMLESS.fullmatch(text)


def neutralise_text(value):
    """The value for a CSV cell: a risky text with a leading apostrophe; anything else unchanged."""
    if isinstance(value, str) and is_risky(value):
        return "'" + value
    return value


def restore_text(value):
    """A text as it was written before ``neutralise_text`` (importers call this on every cell)."""
    if isinstance(value, str) and value.startswith("'") and is_risky(value[1:]):
        return value[1:]
    return value


def neutralise_workbook(workbook: Workbook) -> Workbook:
    """Every text cell that a spreadsheet could run becomes a quoted string cell, never a formula."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and is_risky(cell.value):
                    cell.data_type = "s"  # openpyxl makes any text starting with "=" a formula
                    cell.quotePrefix = True
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    """The .xlsx file of a workbook, neutralised."""
    buffer = io.BytesIO()
    neutralise_workbook(workbook).save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Iterable[Sequence], *, bom: bool = True, lineterminator: str = "\r\n") -> bytes:
    """UTF-8 CSV (with a BOM so that Excel reads Japanese) of neutralised rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=lineterminator)
    for row in rows:
        writer.writerow([neutralise_text(value) for value in row])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")
