"""Public progress pages and open data: no login, read-only, only published data.

Every number comes from the service layer, always with ``public=True`` (only the actuals of the
years a planner published). Every page, the downloads and the API are cached by URL, language
and data version and carry a strong ETag (``public.caching.public_cache``, applied in
``public.urls``). Each view gathers its page's data from one or two services and
renders; page metadata and breadcrumbs come from ``public.pages``, the legend's worked examples
from ``public.legend``, the sitemap from ``public.sitemaps``.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from plans import charts, selectors
from plans.models import Goal, Kpi, Municipality, Package, Plan
from plans.rules import rating
from plans.rules.notation import format_year
from plans.selectors.progress import kpi_values, plan_progress, plan_scale, plan_tallies, stored_series
from plans.selectors.review import data_dates
from public import directory, downloads, legend, opendata
from public.pages import (
    PublicPageMixin,
    breadcrumbs,
    canonical_parameters,
    goal_title,
    numbered_title,
    plan_crumb,
    published_years,
    rating_scales,
    shown_year,
    tally_text,
)
from public.search import MAX_QUERY_LENGTH, search_goals, search_kpis
from public.summary import (
    combined_tally,
    data_as_of,
    kpi_card,
    municipality_groups,
    ordered_counts,
    plans_overview,
    stored_table,
    summarize_stored,
    tally_of_cards,
)

# Below this many plans in the nation, the home page also shows every plan's card.
HOME_PLAN_CARDS = 30


def page_as_of(request, plan, years: list[int], year: int | None):
    """The year a plan or goal page shows (the latest complete published year unless ``?year=``
    asks for another) and what it says about its data (データ時点, 最終更新)."""
    return data_as_of(data_dates([plan])[plan.pk], years, requested=year if "year" in request.GET else None)


def kpi_as_of(plan):
    """A KPI page shows every published year: its データ時点 is the latest of them with data."""
    date = data_dates([plan])[plan.pk]
    years = [year for year, item in date.coverage.items() if item.with_value]
    return data_as_of(date, years, requested=years[-1] if years else None)


class PlanListView(PublicPageMixin, TemplateView):
    """Home: the prefectures (with their municipalities and plans) and a search for municipalities;
    while the nation has few plans (``HOME_PLAN_CARDS``), also every plan's card as before. Its
    queries are bounded: grouped counts, at most ``MUNICIPALITY_MATCHES`` matches, the cards only
    below the threshold."""

    template_name = "plans/plan_list.html"

    def get_context_data(self, **kwargs):
        plan_count = Plan.objects.count()
        overviews = plans_overview(public=True) if plan_count <= HOME_PLAN_CARDS else []
        town_query = self.request.GET.get("municipality", "")[: directory.MAX_NAME_QUERY_LENGTH].strip()
        return {
            **super().get_context_data(**kwargs),
            **self.page_meta(
                title=_("Progress of municipal strategy plans"),
                description=_(
                    "How the KPIs of each municipality's strategy plan are doing: targets, published actuals, "
                    "progress marks (○ △ × -) and outlooks (A–E), with open data."
                ),
                breadcrumbs=[],
                noindex=bool(town_query),
            ),
            "plan_count": plan_count,
            "prefectures": directory.prefecture_rows(),
            "town_query": town_query,
            "town_matches": directory.municipality_matches(town_query) if town_query else [],
            "town_match_limit": directory.MUNICIPALITY_MATCHES,
            "plans": overviews,
            "groups": municipality_groups(overviews),
        }


class PrefectureView(PublicPageMixin, TemplateView):
    """A prefecture: its municipalities, ``MUNICIPALITIES_PER_PAGE`` at a time, with their plans."""

    template_name = "plans/public/prefecture.html"

    def get_context_data(self, **kwargs):
        code = kwargs["code"]
        if code not in directory.PREFECTURE_NAMES:
            raise Http404(_("There is no such prefecture."))
        name = directory.PREFECTURE_NAMES[code]
        page = directory.prefecture_page(code, self.request.GET.get("page"))
        return {
            **super().get_context_data(**kwargs),
            **self.page_meta(
                title=numbered_title(_("Municipalities of {prefecture}").format(prefecture=name), page),
                description=_(
                    "The municipalities of {prefecture} and how the KPIs of their strategy plans are doing."
                ).format(prefecture=name),
                breadcrumbs=breadcrumbs((name, None)),
                canonical_query=canonical_parameters({}, page),
            ),
            "prefecture_code": code,
            "prefecture_name": name,
            "page_obj": page,
            "municipalities": page.object_list,
        }


class MunicipalityView(PublicPageMixin, TemplateView):
    """A municipality: the plans it leads and those it takes part in, each with its stored tally."""

    template_name = "plans/public/municipality.html"

    def get_context_data(self, **kwargs):
        municipality = get_object_or_404(Municipality, code=kwargs["code"])
        led, partner = directory.municipality_plans(municipality)
        prefecture = directory.PREFECTURE_NAMES.get(municipality.prefecture_code)
        crumbs = [(prefecture, reverse("plans:prefecture", args=[municipality.prefecture_code]))] if prefecture else []
        return {
            **super().get_context_data(**kwargs),
            **self.page_meta(
                title=_("Strategy plans of {municipality}").format(municipality=municipality.name),
                description=_(
                    "The strategy plans of {municipality} and how their KPIs are doing (by the published actuals)."
                ).format(municipality=municipality.name),
                breadcrumbs=breadcrumbs(*crumbs, (municipality.name, None)),
            ),
            "municipality": municipality,
            "prefecture_name": prefecture,
            "led": led,
            "partner": partner,
        }


class PlanDetailView(PublicPageMixin, TemplateView):
    """A plan: its goals with their marks and outlook tallies for the latest year with data."""

    template_name = "plans/plan_detail.html"

    def get_context_data(self, **kwargs):
        plan = get_object_or_404(
            Plan.objects.select_related("municipality").prefetch_related("partners"), slug=kwargs["slug"]
        )
        years, year = shown_year(self.request, plan.pk)
        as_of = page_as_of(self.request, plan, years, year)
        progress = plan_progress(plan.pk, as_of.year, public=True)
        tallies = plan_tallies(plan.pk, public=True, progress=progress)
        goals = [
            {
                "goal": goal,
                "tally": combined_tally([goal.tally, *(direction.tally for direction in goal.directions)]),
                "directions": [
                    {
                        "direction": direction,
                        "printed_marks": ordered_counts(direction.printed["marks"], rating.MARKS)
                        if direction.printed
                        else [],
                        "printed_outlooks": ordered_counts(direction.printed["outlooks"], rating.OUTLOOKS)
                        if direction.printed
                        else [],
                    }
                    for direction in goal.directions
                ],
            }
            for goal in tallies.goals
        ]
        # KPIs of the whole plan or of a policy package (not under a goal), grouped by package.
        other_kpis = dict(
            Kpi.objects.filter(plan=plan).exclude(level__in=["goal", "direction"]).values_list("pk", "package_id")
        )
        other_groups = []
        if other_kpis:
            latest = selectors.latest_stored_actuals(plan.pk, year=progress.year, public=True)
            packages = {package.pk: package for package in Package.objects.filter(plan=plan)}
            groups: dict[int | None, list] = {}
            for item in progress.kpis:
                if item.kpi.id in other_kpis:
                    groups.setdefault(other_kpis[item.kpi.id], []).append(kpi_card(item, latest.get(item.kpi.id)))
            other_groups = sorted(
                ((packages.get(package_id), rows) for package_id, rows in groups.items()),
                key=lambda group: group[0].number if group[0] else 0,
            )
        total = tallies.total
        has_data = bool(years)
        description = (
            _("{municipality} — {title}: progress of {count} KPIs in {year}: {marks}.").format(
                municipality=plan.municipality.name,
                title=plan.title,
                count=total.kpi_count,
                year=format_year(tallies.year),
                marks=tally_text(total),
            )
            if has_data
            else _("{municipality} — {title}: goals, KPIs and targets; no actual has been published yet.").format(
                municipality=plan.municipality.name, title=plan.title
            )
        )
        return {
            **super().get_context_data(**kwargs),
            **self.page_meta(title=plan.title, description=description, breadcrumbs=breadcrumbs((plan.title, None))),
            "plan": plan,
            "as_of": as_of,
            "tallies": tallies,
            "years": years,
            "has_data": has_data,
            "goals": goals,
            "other_groups": other_groups,
        }


class GoalDetailView(PublicPageMixin, TemplateView):
    """A goal: its numerical targets and the KPIs of its policy directions, latest actual first."""

    template_name = "plans/goal_detail.html"

    def get_context_data(self, **kwargs):
        goal = get_object_or_404(
            Goal.objects.select_related("plan__municipality"), plan__slug=kwargs["slug"], number=kwargs["number"]
        )
        plan = goal.plan
        years, year = shown_year(self.request, plan.pk)
        as_of = page_as_of(self.request, plan, years, year)
        progress = plan_progress(plan.pk, as_of.year, public=True)
        items = [item for item in progress.kpis if item.kpi.goal_number == goal.number]
        latest = selectors.latest_stored_actuals(plan.pk, year=progress.year, public=True)
        cards = [kpi_card(item, latest.get(item.kpi.id)) for item in items]
        directions = list(goal.directions.order_by("order", "id"))
        by_direction: dict[str, list] = {}
        for card in cards:
            by_direction.setdefault(card.kpi.direction_code, []).append(card)
        sections = [(None, by_direction.get("", []))] if by_direction.get("") else []
        sections += [
            (direction, by_direction[direction.code]) for direction in directions if by_direction.get(direction.code)
        ]
        siblings = list(Goal.objects.filter(plan=plan).order_by("number").values_list("number", "kind_label", "title"))
        index = [number for number, _kind, _title in siblings].index(goal.number)
        tally = tally_of_cards(cards)  # the sum of the cards: the stored goal and direction tallies
        title = goal_title(goal)
        has_data = any(value is not None for item in items for value in item.kpi.actuals.values())
        description = _(
            "{title} ({plan}): {count} KPIs with their targets, latest actuals, marks and outlooks."
        ).format(title=title, plan=plan.title, count=len(items))
        return {
            **super().get_context_data(**kwargs),
            **self.page_meta(
                title=f"{title} | {plan.title}",
                description=description,
                breadcrumbs=breadcrumbs(plan_crumb(plan), (title, None)),
            ),
            "plan": plan,
            "as_of": as_of,
            "goal": goal,
            "goal_title": title,
            "progress": progress,
            "years": years,
            "cards": cards,
            "tally": tally,
            "has_data": has_data,
            "sections": sections,
            "previous_goal": siblings[index - 1] if index > 0 else None,
            "next_goal": siblings[index + 1] if index + 1 < len(siblings) else None,
        }


class KpiDetailView(PublicPageMixin, TemplateView):
    """A KPI: the table of its years (the content), the chart that enhances it, its annotations,
    department, official rating beside the computed outlook, and its links to other plans."""

    template_name = "plans/public/kpi_detail.html"

    def get_context_data(self, **kwargs):
        plan = get_object_or_404(Plan.objects.select_related("municipality"), slug=kwargs["slug"])
        kpi = get_object_or_404(selectors.kpis_with_values(plan.pk, public=True), code=kwargs["code"])
        values = kpi_values(kpi)
        scale = plan_scale(plan.pk)
        series = stored_series(values, plan_id=plan.pk, public=True)  # its stored years: no rule runs
        summary, table = summarize_stored(values, series, scale=scale), stored_table(values, series)
        rows = [item.row for item in series]
        official = None
        if summary.official_year is not None:
            official = next(
                (
                    item
                    for item in kpi.official_ratings.all()
                    if item.kind == "outlook" and item.year == summary.official_year
                ),
                None,
            )
        goal = kpi.goal if kpi.goal_id else kpi.policy_direction.goal if kpi.policy_direction_id else None
        predecessor = (
            Kpi.objects.select_related("plan").filter(pk=kpi.predecessor_id).first() if kpi.predecessor_id else None
        )
        successors = list(Kpi.objects.select_related("plan").filter(predecessor=kpi).order_by("plan__first_year", "pk"))
        crumbs = [plan_crumb(plan)]
        if goal is not None:
            crumbs.append(
                (goal_title(goal), reverse("plans:goal-detail", kwargs={"slug": plan.slug, "number": goal.number}))
            )
        crumbs.append((kpi.name, None))
        description = charts.describe_kpi(values, rows)
        notes = [
            (format_year(year, fiscal=values.fiscal), detail)
            for year, detail in sorted(values.actual_details.items())
            if detail.note or detail.preliminary or detail.status in ("pending", "unmeasured", "unparsed")
        ]
        return {
            **super().get_context_data(**kwargs),
            **self.page_meta(
                title=f"{kpi.name} | {plan.title}", description=description, breadcrumbs=breadcrumbs(*crumbs)
            ),
            "plan": plan,
            "as_of": kpi_as_of(plan),
            "kpi": kpi,
            "values": values,
            "goal": goal,
            "summary": summary,
            "official": official,
            "official_meaning": next((label.meaning for label in scale if label.label == summary.official_label), ""),
            "year_kind": kpi.year_kind,
            "table": table,
            "figure": charts.kpi_figure(values, rows),
            "chart_description": description,
            "notes": notes,
            "predecessor": predecessor,
            "successors": successors,
        }


class LegendView(PublicPageMixin, TemplateView):
    """How to read ○ △ × - and A–E, with the formula and the worked cases computed by the rules."""

    template_name = "plans/public/legend.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            **self.page_meta(
                title=_("How to read the marks and outlooks"),
                description=_(
                    "What ○ △ × - and A–E mean, how the achievement rate is calculated from the baseline, "
                    "with worked examples."
                ),
                breadcrumbs=breadcrumbs((_("How to read the marks"), None)),
            ),
            "example": legend.rate_example(**legend.RATE_EXAMPLE),
            "outlook_example": legend.outlook_example(**legend.OUTLOOK_EXAMPLE),
            "scales": rating_scales(),
        }


class SearchView(PublicPageMixin, TemplateView):
    """KPIs (with their stored mark, outlook and latest actual) and goals of every plan by a part
    of their name or title, full-width and half-width alike."""

    template_name = "plans/public/search.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "")[:MAX_QUERY_LENGTH].strip()
        found = search_kpis(query, self.request.GET.get("page")) if query else None
        goals = search_goals(query) if query else []
        title = _("Search KPIs: {query}").format(query=query) if query else _("Search KPIs")
        page = found.page if found else None
        return {
            **super().get_context_data(**kwargs),
            **self.page_meta(
                title=numbered_title(title, page),
                description=_("Find the KPIs of every plan by a part of their name."),
                breadcrumbs=breadcrumbs((_("Search KPIs"), None)),
                canonical_query=canonical_parameters({"q": query}, page),
                noindex=bool(query),
            ),
            "query": query,
            "hits": found.hits if found else [],
            "page_obj": found.page if found else None,
            "page_query": urlencode({"q": query}) + "&",
            "goal_hits": goals,
            "max_length": MAX_QUERY_LENGTH,
        }


class DownloadsView(PublicPageMixin, TemplateView):
    """A plan's open data: CSV (long format), the plan workbook and JSON, with the licence."""

    template_name = "plans/public/downloads.html"

    def get_context_data(self, **kwargs):
        plan = get_object_or_404(Plan.objects.select_related("municipality"), slug=kwargs["slug"])
        title = _("Open data: {title}").format(title=plan.title)
        published = published_years(plan)
        return {
            **super().get_context_data(**kwargs),
            **self.page_meta(
                title=title,
                description=_(
                    "Download the published KPI data of {title} as CSV (UTF-8 with BOM, one row per KPI and year), "
                    "Excel and JSON. Licence: CC BY 4.0."
                ).format(title=plan.title),
                breadcrumbs=breadcrumbs(plan_crumb(plan), (_("Open data"), None)),
            ),
            "plan": plan,
            "published": published,
            "last_published": max((item.published_at for item in published), default=None),
            "columns": downloads.example_columns(plan.slug),
            "licence_url": opendata.LICENCE_URL,
            "csv_name": downloads.file_name(plan, "kpi.csv"),
            "api_url": self.request.build_absolute_uri(reverse("api:plan", kwargs={"slug": plan.slug})),
        }


class OpenDataView(PublicPageMixin, TemplateView):
    """The open data: what it is, its formats, licence and API, then the plans' downloads a page
    at a time (``opendata.PLANS_PER_PAGE``), narrowed to a prefecture (``?prefecture=40``) and by
    words of the plan's title or its municipality's name (``?q=``). Queries are bounded whatever
    the nation's size: the prefectures' plan counts, the matching plans' count, the page's plans
    and their kept counts (``opendata.catalogue_page``). An unknown prefecture is 404; a page
    number that is not one is the first page, one beyond the last the last."""

    template_name = "plans/public/opendata.html"

    def get_context_data(self, **kwargs):
        prefecture = self.request.GET.get("prefecture", "")
        if prefecture and prefecture not in directory.PREFECTURE_NAMES:
            raise Http404(_("There is no such prefecture."))
        query = self.request.GET.get("q", "")[: opendata.MAX_CATALOGUE_QUERY_LENGTH].strip()
        found = opendata.catalogue_page(self.request.GET.get("page"), prefecture=prefecture, query=query)
        plan_counts = opendata.prefecture_plan_counts()
        filters = {key: value for key, value in (("prefecture", prefecture), ("q", query)) if value}
        title = _("Open data")
        if prefecture:
            title = _("{title}: {prefecture}").format(title=title, prefecture=directory.PREFECTURE_NAMES[prefecture])
        return {
            **super().get_context_data(**kwargs),
            **self.page_meta(
                title=numbered_title(title, found.page),
                description=_(
                    "KPI data of every plan as CSV, Excel and JSON, and a read-only JSON API. Licence: CC BY 4.0."
                ),
                breadcrumbs=breadcrumbs((_("Open data"), None)),
                canonical_query=canonical_parameters(filters, found.page),
                noindex=bool(query),
            ),
            "catalogue": found.entries,
            "page_obj": found.page,
            "page_query": urlencode(filters) + "&" if filters else "",
            "filtered": bool(filters),
            "prefecture": prefecture,
            "prefecture_name": directory.PREFECTURE_NAMES.get(prefecture, ""),
            "query": query,
            "max_length": opendata.MAX_CATALOGUE_QUERY_LENGTH,
            "prefectures": [(code, name, plan_counts.get(code, 0)) for code, name in directory.PREFECTURES],
            "licence_url": opendata.LICENCE_URL,
            "api_root": self.request.build_absolute_uri(reverse("api:plans")),
            "openapi_url": self.request.build_absolute_uri(reverse("api:openapi-json")),
        }


def robots_txt(request):
    """Search engines may read every public page; the staff pages are not for them."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /staff/",
        f"Sitemap: {request.build_absolute_uri(reverse('plans:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
