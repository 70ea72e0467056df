"""The read-only open data API (django-ninja), mounted at /api/v1/.

Only published data: the plan list with the counts of each plan's document (a page at a time,
as the open-data page lists it), the plan JSON document of ``export_plan SLUG --format json``
restricted to published years, and a KPI search.
Years are Western integers; values are JSON numbers or null with the raw text beside. Responses
are cached by URL and data version and carry an ETag (``public.caching.public_cache``).
The OpenAPI document is at /api/v1/openapi.json and described at /api/v1/docs.
"""

from __future__ import annotations

from typing import Literal

from django.urls import reverse
from ninja import NinjaAPI, Path, Query, Schema, Status
from ninja.decorators import decorate_view
from ninja.openapi.docs import Swagger
from pydantic import Field

from plans.models import Plan
from public import opendata
from public.caching import public_cache
from public.directory import PREFECTURE_NAMES
from public.search import MAX_QUERY_LENGTH, search_goals, search_kpis
from workbooks.plan_export import json_number

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
Number = int | float | None
MarkLabel = Literal["○", "△", "×", "-"]
OutlookLabel = Literal["A", "B", "C", "D", "E", "-"]

api = NinjaAPI(
    title="KPI progress of municipal strategies — open data API",
    version="1",
    description=(
        "Read-only, published data only. Years are Western integers (2023 = R5年度); values are JSON numbers "
        "or null, with the text as the plan writes it in `raw`. Licence: CC BY 4.0 "
        "(https://creativecommons.org/licenses/by/4.0/)."
    ),
    urls_namespace="api",
    docs=Swagger(settings={"validatorUrl": None}),
)


class Counts(Schema):
    goals: int = Field(description="Goals (基本目標)")
    directions: int = Field(description="Policy directions (施策の方向性)")
    projects: int = Field(description="Projects, each counted once however often it is listed")
    kpis: int = Field(description="KPIs and numerical targets")
    actuals: int = Field(description="Published actuals with a measured value")


class PlanSummary(Schema):
    slug: str
    title: str
    municipality: str
    first_year: int
    last_year: int
    counts: Counts


class PlanList(Schema):
    count: int = Field(description="Plans in all (of the prefecture and matching `q`, if given)")
    page: int = Field(description="This page's number, from 1")
    pages: int = Field(description="Pages in all")
    per_page: int = Field(description="Plans per page")
    plans: list[PlanSummary] = Field(
        description="This page's plans, in the order of the lead municipality's code, the first year and the slug"
    )


class Partner(Schema):
    name: str
    code: str | None


class ScaleLabel(Schema):
    label: str
    meaning: str
    canonical: list[str]


class DirectionOut(Schema):
    code: str
    title: str
    summary: str
    group: str


class GoalOut(Schema):
    number: int
    kind_label: str
    title: str
    basic_direction: str
    directions: list[DirectionOut]


class PackageOut(Schema):
    number: int
    title: str


class ListingOut(Schema):
    number: int
    repeat: bool


class ProjectOut(Schema):
    code: str
    title: str
    directions: list[str]
    packages: list[ListingOut]
    municipalities: list[str]
    departments: list[str]


class Baseline(Schema):
    year: int | None
    year_assumed: bool  # no year printed: the year before the plan starts
    value: Number
    raw: str


class Target(Schema):
    year: int | None
    value: Number
    raw: str
    at_least: bool


class YearlyTargetOut(Schema):
    year: int
    value: Number
    raw: str


class ActualOut(Schema):
    year: int
    value: Number
    raw: str
    status: Literal["measured", "pending", "unmeasured", "blank", "unparsed"]
    preliminary: bool
    note: str
    mark: MarkLabel


class OfficialMark(Schema):
    year: int
    label: str


class PredecessorOut(Schema):
    plan: str | None
    code: str
    link: str
    label: str


class KpiOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    direction: Literal["increase", "decrease", "maintain"]
    level: Literal["plan", "goal", "direction", "package", "project"]
    of: str
    numerical_target: bool
    cumulative: bool
    year_kind: Literal["fiscal", "calendar"]
    department: str | None
    baseline: Baseline
    target: Target
    total_years: int | None  # baseline and target are totals over this many years
    yearly_targets: list[YearlyTargetOut]
    actuals: list[ActualOut]
    outlook: OutlookLabel
    official_rating: str | None
    official_rating_year: int | None
    official_marks: list[OfficialMark]
    predecessor: PredecessorOut | None
    dropped_in_next_plan: bool


class PlanDocument(Schema):
    slug: str
    title: str
    kind: str
    municipality: str
    municipality_code: str | None
    partners: list[Partner]
    first_year: int
    last_year: int
    revised: str | None
    predecessor: str | None
    report_year: int | None
    evaluation_year: int
    rating_scale: list[ScaleLabel]
    counts: Counts
    goals: list[GoalOut]
    packages: list[PackageOut]
    projects: list[ProjectOut]
    kpis: list[KpiOut]


class SearchResult(Schema):
    plan: str
    plan_title: str
    municipality: str
    code: str
    name: str
    unit: str
    url: str
    year: int | None = Field(description="The plan's latest published year with an actual (of mark and outlook)")
    mark: MarkLabel | None = Field(description="The stored progress mark in `year` (null: nothing published)")
    outlook: OutlookLabel | None = Field(description="The stored outlook as of `year`")
    latest_year: int | None = Field(description="The latest published year with an actual, up to `year`")
    latest_actual: Number = Field(description="That year's actual")


class GoalResult(Schema):
    plan: str
    plan_title: str
    municipality: str
    number: int
    label: str
    title: str
    url: str


class SearchResults(Schema):
    query: str
    count: int = Field(description="KPIs found in all")
    page: int = Field(description="This page's number, from 1")
    pages: int = Field(description="Pages in all")
    per_page: int = Field(description="KPIs per page")
    results: list[SearchResult] = Field(description="This page's KPIs, names that start with the query first")
    goals: list[GoalResult] = Field(description="Goals whose title contains every word of the query")


class Error(Schema):
    detail: str


class BadRequest(Schema):
    """400: the URL holds a character no request may (a NUL, ``%00``), refused before any view."""

    detail: str


class InvalidParameter(Schema):
    type: str
    loc: list[str | int]
    msg: str


class InvalidRequest(Schema):
    """422: a parameter does not match its schema (e.g. a slug with other than letters, digits, - and _)."""

    detail: list[InvalidParameter]


@api.get(
    "/plans/",
    response={200: PlanList, 400: BadRequest, 404: Error, 422: InvalidRequest},
    url_name="plans",
    summary="Plans with their counts, a page at a time",
    tags=["plans"],
)
@decorate_view(public_cache)
def list_plans(
    request,
    page: int = Query(1, ge=1, le=100_000, description="The page of plans, from 1 (past the last: the last)"),
    prefecture: str | None = Query(
        None,
        pattern="^[0-9]{2}$",
        description="Only the plans led by a municipality of this prefecture (its two-digit JIS code, 01–47)",
        example="40",
    ),
    q: str = Query(
        "",
        max_length=opendata.MAX_CATALOGUE_QUERY_LENGTH,
        description=(
            "Words of the plan's title or of its lead municipality's name or kana, every one of them; "
            "full-width and half-width forms match alike"
        ),
        example="久留米",
    ),
):
    """The plans, `per_page` at a time (as the open-data page lists them): slug, title, lead
    municipality, first and last fiscal year, and the counts of its document (the same as
    `GET /api/v1/plans/{slug}/` → `counts`). Narrowed to a prefecture (`prefecture=40`; one
    that does not exist is 404) and by words (`q`). A page past the last is the last."""
    if prefecture and prefecture not in PREFECTURE_NAMES:
        return Status(404, {"detail": "No such prefecture."})
    found = opendata.catalogue_page(page, prefecture=prefecture or "", query=q)
    return {**_page_fields(found.page), "plans": found.entries}


@api.get(
    "/plans/{slug}/",
    response={200: PlanDocument, 400: BadRequest, 404: Error, 422: InvalidRequest},
    url_name="plan",
    summary="A plan as its JSON document",
    tags=["plans"],
)
@decorate_view(public_cache)
def get_plan(request, slug: str = Path(..., pattern=SLUG_PATTERN, max_length=80, example="ogori-strategy-2")):
    """The plan JSON document (`export_plan SLUG --format json`) with the published actuals only."""
    if not Plan.objects.filter(slug=slug).exists():
        return Status(404, {"detail": "No such plan."})
    return opendata.public_document(slug)


@api.get(
    "/kpis/",
    response={200: SearchResults, 400: BadRequest, 422: InvalidRequest},
    url_name="kpi-search",
    summary="Find KPIs by name",
    tags=["kpis"],
)
@decorate_view(public_cache)
def find_kpis(
    request,
    q: str = Query(
        ...,
        min_length=1,
        max_length=MAX_QUERY_LENGTH,
        description="A part of a KPI name; full-width and half-width forms match alike",
        example="子育て",
    ),
    page: int = Query(1, ge=1, le=100_000, description="The page of results, from 1 (past the last: the last)"),
):
    """KPIs of every plan whose name contains every word of `q` (after NFKC normalisation), a page
    of `per_page` at a time, each with its stored mark and outlook in its plan's latest published
    year and its latest published actual; and the goals whose title contains them (at most 50)."""
    found = search_kpis(q, page)
    return {
        "query": q,
        **_page_fields(found.page),
        "results": [
            {
                "plan": hit.entry.plan_slug,
                "plan_title": hit.entry.plan_title,
                "municipality": hit.entry.municipality,
                "code": hit.entry.code,
                "name": hit.entry.name,
                "unit": hit.entry.unit,
                "url": reverse("plans:kpi-detail", kwargs={"slug": hit.entry.plan_slug, "code": hit.entry.code}),
                **_standing(hit.standing),
            }
            for hit in found.hits
        ],
        "goals": [
            {
                "plan": goal.plan_slug,
                "plan_title": goal.plan_title,
                "municipality": goal.municipality,
                "number": goal.number,
                "label": goal.label,
                "title": goal.title,
                "url": reverse("plans:goal-detail", kwargs={"slug": goal.plan_slug, "number": goal.number}),
            }
            for goal in search_goals(q)
        ],
    }


def _page_fields(page) -> dict:
    """Where a paginated answer stands: its ``count``, ``page``, ``pages`` and ``per_page``."""
    paginator = page.paginator
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages, "per_page": paginator.per_page}


def _standing(standing) -> dict:
    """A search hit's stored mark, outlook and latest actual (all null when nothing is published)."""
    if standing is None:
        return {"year": None, "mark": None, "outlook": None, "latest_year": None, "latest_actual": None}
    return {
        "year": standing.year,
        "mark": standing.mark,
        "outlook": standing.outlook,
        "latest_year": standing.latest_year,
        "latest_actual": json_number(standing.latest_actual),
    }
