"""A plan's open data files: CSV (long format), the public plan workbook and JSON.

Anyone may download them; they hold only published actuals (``public.opendata``) and are cached
by URL and data version with a strong ETag (``public_cache``). The file name starts with the
municipality code, as open data catalogues do.
"""

from __future__ import annotations

from dataclasses import replace

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404

from plans.models import Plan
from public import opendata
from public.caching import public_cache
from workbooks.safety import XLSX


def file_name(plan, suffix: str) -> str:
    """`402036_kurume-strategy-1_kpi.csv`: the municipality code first, as open data catalogues do."""
    prefix = f"{plan.municipality.code}_" if plan.municipality.code else ""
    return f"{prefix}{plan.slug}_{suffix}"


def _attachment(content: bytes, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@public_cache
def download_csv(request, slug):
    plan = get_object_or_404(Plan.objects.select_related("municipality"), slug=slug)
    return _attachment(opendata.plan_csv(plan.slug), opendata.CSV_CONTENT_TYPE, file_name(plan, "kpi.csv"))


@public_cache
def download_xlsx(request, slug):
    plan = get_object_or_404(Plan.objects.select_related("municipality"), slug=slug)
    return _attachment(opendata.public_workbook(plan.slug), XLSX, file_name(plan, "plan.xlsx"))


@public_cache
def download_json(request, slug):
    plan = get_object_or_404(Plan.objects.select_related("municipality"), slug=slug)
    response = JsonResponse(opendata.public_document(plan.slug), json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="{file_name(plan, "plan.json")}"'
    return response


def example_columns(slug: str) -> list[opendata.CsvColumn]:
    """The CSV columns with this plan's own example: the row of a real KPI in the plan's latest
    published year with a measured actual (a goal's numerical target first), else the generic
    examples. The same rows the CSV holds (``opendata.plan_csv_rows``), so the example is what
    the file says."""
    rows = [row for row in opendata.plan_csv_rows(slug) if row.get("actual") not in (None, "")]
    if not rows:
        return list(opendata.CSV_COLUMNS)
    latest = max(int(row["year"]) for row in rows)
    in_year = [row for row in rows if int(row["year"]) == latest]
    row = next((row for row in in_year if row.get("goal_number")), in_year[0])
    return [replace(column, example=str(row.get(column.key, ""))) for column in opendata.CSV_COLUMNS]
