"""django-tables2 tables of the planners' dashboards: they format service output, never rate.

The goal dashboard's table takes the ``KpiProgress`` items of ``plans.services`` wrapped by
``progress_rows`` (which adds the sort keys a mark or an outlook needs: ○ before △ before ×,
A before E). Exports (CSV, Excel) use each column's ``value_*``: plain text, the numbers as
staff read them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import django_tables2 as tables
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from plans.choices import ActualStatus, Mark
from plans.presentation import format_number, format_rate
from plans.rules import rating
from plans.rules.notation import era_label
from plans.rules.progress import KpiProgress
from workbooks.safety import XLSX, csv_bytes, workbook_bytes

EXPORT_FORMATS = ("csv", "xlsx")


def progress_rows(items: Iterable[KpiProgress], url_for: Callable[[KpiProgress], str] | None = None) -> list[dict]:
    """Rows for ``KpiProgressTable``: each item with its link and the keys its columns sort by."""
    marks = {mark: index for index, mark in enumerate(rating.MARKS)}
    outlooks = {grade: index for index, grade in enumerate(rating.OUTLOOKS)}
    rows = []
    for item in items:
        rows.append(
            {
                "progress": item,
                "url": url_for(item) if url_for else "",
                "mark_order": marks.get(item.mark, len(marks)),
                "outlook_order": outlooks.get(item.outlook, len(outlooks)),
                # None sorts after every rate
                "rate_order": (0, item.rate) if item.rate is not None else (1, 0),
                "disagrees_order": 0 if item.disagrees else 1,
                "direction_order": (item.kpi.direction_code != "", item.kpi.direction_code),
            }
        )
    return rows


def _with_unit(value, unit: str, places: int | None = None) -> str:
    """A number with its unit, at the KPI's precision (``places``): an interpolated target of a KPI
    counted in whole 人 reads `17,959人`, not `17,958.7人`."""
    text = format_number(value, places)
    return text if text == "-" or not unit else f"{text}{unit}"


def actual_text(item: KpiProgress) -> str:
    """The year's actual as staff wrote it, with its annotations; ``-`` when there is none."""
    detail = item.kpi.actual_details.get(item.year)
    if detail is not None and detail.raw and detail.status != ActualStatus.BLANK:
        return detail.raw
    return _with_unit(item.actual, item.kpi.unit, item.kpi.places)


def column(accessor: str, verbose_name, *, td_class: str = "", **kwargs) -> tables.Column:
    """A column whose cells carry their header as ``data-label``: on a phone each row reads as a
    card, every value with its label (dashboard.css)."""
    td = {"data-label": verbose_name}
    if td_class:
        td["class"] = td_class
    attrs = {"td": td, **({"th": {"class": td_class}} if td_class else {})}
    return tables.Column(accessor=accessor, verbose_name=verbose_name, attrs=attrs, **kwargs)


class KpiProgressTable(tables.Table):
    """Every KPI of a goal in a year: baseline, the year's target, actual, rate, mark, outlooks."""

    code = column("progress__kpi__code", _("No."))
    name = column("progress__kpi__name", _("KPI"), td_class="kpi-name")
    policy_direction = column("progress__kpi__direction_code", _("Policy direction"), order_by=("direction_order",))
    department = column("progress__kpi__department", _("Department"), td_class="nowrap")
    baseline = column("progress__kpi__baseline", _("Baseline"), orderable=False)
    year_target = column("progress__year_target__value", _("Year's target"), orderable=False)
    actual = column("progress__actual", _("Actual"), orderable=False)
    rate = column("progress__rate", _("Achievement rate"), td_class="num", order_by=("rate_order",))
    mark = column("progress__mark", _("Mark"), order_by=("mark_order",))
    outlook = column("progress__outlook", _("Computed outlook"), order_by=("outlook_order",))
    plan_scale = column("progress__outlook_on_plan_scale", _("Outlook (plan scale)"), order_by=("outlook_order",))
    official = column("progress__official_label", _("Official rating"))
    disagrees = column("progress__disagrees", _("Computed vs official"), order_by=("disagrees_order",))

    class Meta:
        template_name = "django_tables2/table.html"
        # not "kpi-table": the public pages style that class (site.css)
        attrs = {"class": "data dash-kpi-table stack"}
        row_attrs = {"class": lambda record: "row-disagrees" if record["progress"].disagrees else ""}
        empty_text = _("No KPI matches these filters.")
        order_by = ("policy_direction",)
        per_page = 25

    def render_name(self, value, record):
        unit = record["progress"].kpi.unit
        label = format_html('{} <span class="unit">({})</span>', value, unit) if unit else value
        if record["url"]:
            return format_html('<a href="{}">{}</a>', record["url"], label)
        return label

    def value_name(self, value, record):
        return value

    def render_policy_direction(self, value):
        return value or _("Numerical target")

    def value_policy_direction(self, value):
        return value or str(_("Numerical target"))

    def render_department(self, value):
        return value or "-"

    def render_baseline(self, value, record):
        kpi = record["progress"].kpi
        text = _with_unit(value, kpi.unit, kpi.places)
        if kpi.baseline_year:
            return format_html('{} <span class="year">({})</span>', text, era_label(kpi.baseline_year))
        return text

    def value_baseline(self, value, record):
        kpi = record["progress"].kpi
        return _with_unit(value, kpi.unit, kpi.places)

    def render_year_target(self, value, record):
        item = record["progress"]
        text = _with_unit(value, item.kpi.unit, item.kpi.places)
        if value is not None and not item.year_target.stated:
            return format_html('{} <span class="badge badge-muted">{}</span>', text, _("interpolated"))
        return text

    def value_year_target(self, value, record):
        item = record["progress"]
        text = _with_unit(value, item.kpi.unit, item.kpi.places)
        if value is not None and not item.year_target.stated:
            return f"{text} ({_('interpolated')})"
        return text

    def render_actual(self, value, record):
        item = record["progress"]
        detail = item.kpi.actual_details.get(item.year)
        text = actual_text(item)
        if detail is not None and detail.preliminary and "速報" not in text:
            return format_html('{} <span class="badge badge-muted">速報値</span>', text)
        return text

    def value_actual(self, value, record):
        return actual_text(record["progress"])

    def render_rate(self, value):
        return format_rate(value)

    def value_rate(self, value):
        return format_rate(value)

    def render_mark(self, value):
        return format_html('<span class="mark mark-{}">{}</span>', (Mark.find(value) or Mark.NONE).css_class, value)

    def value_mark(self, value):
        return value

    def render_official(self, value):
        return value or "-"

    def render_disagrees(self, value):
        if value:
            return format_html('<span class="badge badge-alert">{}</span>', _("Disagree"))
        return "—"

    def value_disagrees(self, value):
        return str(_("Disagree")) if value else ""


def export_urls(query: QueryDict, year: int) -> dict[str, str]:
    """Links to the whole filtered table in each export format: the page's query with the year
    shown, without the page number."""
    urls = {}
    for export_format in EXPORT_FORMATS:
        params = query.copy()
        params["year"] = year
        params["_export"] = export_format
        params.pop("page", None)
        urls[export_format] = "?" + params.urlencode()
    return urls


def export_table(table: tables.Table, export_format: str) -> tuple[bytes, str]:
    """The whole table (every filtered row, not one page) as CSV or xlsx: (content, content type).

    django-tables2's TableExport needs tablib, which this project does not install; this writes
    the same rows (``Table.as_values``) with the standard library's csv and openpyxl.
    """
    rows = list(table.as_values())
    if export_format == "csv":
        return csv_bytes(rows, lineterminator="\r\n"), "text/csv; charset=utf-8"
    if export_format == "xlsx":
        return rows_to_xlsx(rows), XLSX
    raise ValueError(f"unknown export format {export_format!r}")


def rows_to_xlsx(rows: Sequence[Sequence], title: str = "KPI") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for row in rows:
        sheet.append(list(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DCE6F1")
    for index, header in enumerate(rows[0] if rows else [], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = (
            40 if index == 2 else max(10, len(str(header)) * 2 + 2)
        )
    sheet.freeze_panes = "C2"
    return workbook_bytes(workbook)
