"""Public progress pages and open data: no login, read-only, only published data.

Every number comes from the service layer, always with ``public=True`` (only the actuals of the
years a planner published). Downloads and the API are cached by URL and data version and carry
a strong ETag (``public_cache``). The publication page for planners is the one staff view here.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from plans import access, charts, selectors
from plans.models import Goal, Kpi, Package, Plan, PublishedYear, RatingLabel
from plans.params import year_param
from plans.presentation import format_number, format_rate
from plans.rules import rating
from plans.rules.notation import format_year
from plans.services import publication
from plans.services.progress import kpi_values, plan_progress, plan_scale, plan_tallies
from public import opendata
from public.caching import public_cache
from public.search import MAX_QUERY_LENGTH, search_kpis
from public.summary import (
    combined_tally,
    kpi_table,
    municipality_groups,
    ordered_counts,
    plans_overview,
    summarize_kpi,
    tally_of,
)
from workbooks.safety import XLSX


def _crumbs(*items):
    """Breadcrumbs from the home page: (label, url) pairs, the last one the current page (no url)."""
    return [(_("Plans"), reverse("plans:plan-list")), *items]


def _plan_crumb(plan):
    return (plan.title, plan.get_absolute_url())


def _tally_text(tally) -> str:
    marks, _outlooks = tally.as_text()
    return marks or "-"


class PublicPageMixin:
    """Title, description, canonical URL and breadcrumbs for the sharing tags of every page."""

    def page_meta(self, *, title: str, description: str, breadcrumbs: list) -> dict:
        return {"page_title": title, "page_description": description, "breadcrumbs": breadcrumbs}


class PlanListView(PublicPageMixin, TemplateView):
    """Home: the municipalities and their plans, each with a one-line health summary."""

    template_name = "plans/plan_list.html"

    def get_context_data(self, **kwargs):
        overviews = plans_overview(public=True)
        return {
            **super().get_context_data(**kwargs),
            **self.page_meta(
                title=_("Progress of municipal strategy plans"),
                description=_(
                    "How the KPIs of each municipality's strategy plan are doing: targets, published actuals, "
                    "progress marks (○ △ × -) and outlooks (A–E), with open data."
                ),
                breadcrumbs=[],
            ),
            "plans": overviews,
            "groups": municipality_groups(overviews),
        }


class PlanDetailView(PublicPageMixin, TemplateView):
    """A plan: its goals with their marks and outlook tallies for the latest year with data."""

    template_name = "plans/plan_detail.html"

    def get_context_data(self, **kwargs):
        plan = get_object_or_404(
            Plan.objects.select_related("municipality").prefetch_related("partners"), slug=kwargs["slug"]
        )
        years = sorted(set(selectors.measured_years(plan.pk, public=True)))
        year = self.request.GET.get("year")
        if year is not None:
            if year_param(year) not in years:
                raise Http404(_("No published data for that year."))
            year = year_param(year)
        if year is None and years:
            year = years[-1]  # the latest published year (plan_tallies would look it up again)
        tallies = plan_tallies(plan.pk, year, public=True)
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
            progress = plan_progress(plan.pk, tallies.year, public=True)
            packages = {package.pk: package for package in Package.objects.filter(plan=plan)}
            groups: dict[int | None, list] = {}
            for item in progress.kpis:
                if item.kpi.id in other_kpis:
                    groups.setdefault(other_kpis[item.kpi.id], []).append(summarize_kpi(item.kpi, scale=progress.scale))
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
                marks=_tally_text(total),
            )
            if has_data
            else _("{municipality} — {title}: goals, KPIs and targets; no actual has been published yet.").format(
                municipality=plan.municipality.name, title=plan.title
            )
        )
        return {
            **super().get_context_data(**kwargs),
            **self.page_meta(title=plan.title, description=description, breadcrumbs=_crumbs((plan.title, None))),
            "plan": plan,
            "tallies": tallies,
            "years": years,
            "has_data": has_data,
            "goals": goals,
            "other_groups": other_groups,
        }


def _goal_title(goal) -> str:
    return f"{goal.kind_label or _('Goal')}{goal.number} {goal.title}"


class GoalDetailView(PublicPageMixin, TemplateView):
    """A goal: its numerical targets and the KPIs of its policy directions, latest actual first."""

    template_name = "plans/goal_detail.html"

    def get_context_data(self, **kwargs):
        goal = get_object_or_404(
            Goal.objects.select_related("plan__municipality"), plan__slug=kwargs["slug"], number=kwargs["number"]
        )
        plan = goal.plan
        progress = plan_progress(plan.pk, public=True)
        items = [item for item in progress.kpis if item.kpi.goal_number == goal.number]
        directions = list(goal.directions.order_by("order", "id"))
        by_direction: dict[str, list] = {}
        for item in items:
            by_direction.setdefault(item.kpi.direction_code, []).append(summarize_kpi(item.kpi, scale=progress.scale))
        sections = [(None, by_direction.get("", []))] if by_direction.get("") else []
        sections += [
            (direction, by_direction[direction.code]) for direction in directions if by_direction.get(direction.code)
        ]
        siblings = list(Goal.objects.filter(plan=plan).order_by("number").values_list("number", "kind_label", "title"))
        index = [number for number, _kind, _title in siblings].index(goal.number)
        tally = tally_of(items)
        title = _goal_title(goal)
        has_data = any(value is not None for item in items for value in item.kpi.actuals.values())
        description = _(
            "{title} ({plan}): {count} KPIs with their targets, latest actuals, marks and outlooks."
        ).format(title=title, plan=plan.title, count=len(items))
        return {
            **super().get_context_data(**kwargs),
            **self.page_meta(
                title=f"{title} | {plan.title}",
                description=description,
                breadcrumbs=_crumbs(_plan_crumb(plan), (title, None)),
            ),
            "plan": plan,
            "goal": goal,
            "goal_title": title,
            "progress": progress,
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
        summary = summarize_kpi(values, scale=scale)
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
        crumbs = [_plan_crumb(plan)]
        if goal is not None:
            crumbs.append(
                (_goal_title(goal), reverse("plans:goal-detail", kwargs={"slug": plan.slug, "number": goal.number}))
            )
        crumbs.append((kpi.name, None))
        description = charts.describe_kpi(values)
        notes = [
            (format_year(year, fiscal=values.fiscal), detail)
            for year, detail in sorted(values.actual_details.items())
            if detail.note or detail.preliminary or detail.status in ("pending", "unmeasured", "unparsed")
        ]
        return {
            **super().get_context_data(**kwargs),
            **self.page_meta(title=f"{kpi.name} | {plan.title}", description=description, breadcrumbs=_crumbs(*crumbs)),
            "plan": plan,
            "kpi": kpi,
            "values": values,
            "goal": goal,
            "summary": summary,
            "official": official,
            "official_meaning": next((label.meaning for label in scale if label.label == summary.official_label), ""),
            "year_kind": kpi.year_kind,
            "table": kpi_table(values, scale=scale),
            "figure": charts.kpi_figure(values),
            "chart_description": description,
            "notes": notes,
            "predecessor": predecessor,
            "successors": successors,
        }


class LegendView(PublicPageMixin, TemplateView):
    """How to read ○ △ × - and A–E, with the formula and the worked cases computed by the rules."""

    template_name = "plans/public/legend.html"

    def get_context_data(self, **kwargs):
        baseline, target, actual = Decimal("75.4"), Decimal("77.0"), Decimal("76.4")
        rate = rating.achievement_rate(baseline=baseline, target=target, actual=actual)
        mark = rating.progress_mark(direction=rating.INCREASE, baseline=baseline, target=target, actual=actual)
        # The outlook example of README.md: moving away from the target.
        trend_points = [
            (2014, Decimal("12.0")),
            (2015, Decimal("12.9")),
            (2016, Decimal("11.2")),
            (2017, Decimal("9.6")),
        ]
        projected = rating.projected_value(points=trend_points, year=2019)
        outlook_rate = rating.achievement_rate(baseline=Decimal("12.0"), target=Decimal("17.0"), actual=projected)
        outlook = rating.outlook(
            direction=rating.INCREASE,
            baseline_year=2014,
            baseline=Decimal("12.0"),
            target_year=2019,
            target=Decimal("17.0"),
            actuals={year: value for year, value in trend_points[1:]},
        )
        scales: dict[int, list] = {}
        for label in RatingLabel.objects.select_related("plan").order_by(
            "plan__municipality__code", "plan__first_year", "plan_id", "order", "id"
        ):
            scales.setdefault(label.plan_id, []).append(label)
        return {
            **super().get_context_data(**kwargs),
            **self.page_meta(
                title=_("How to read the marks and outlooks"),
                description=_(
                    "What ○ △ × - and A–E mean, how the achievement rate is calculated from the baseline, "
                    "with worked examples."
                ),
                breadcrumbs=_crumbs((_("How to read the marks"), None)),
            ),
            "example": {
                "baseline": format_number(baseline),
                "target": format_number(target),
                "actual": format_number(actual),
                "gain": format_number(actual - baseline),
                "span": format_number(target - baseline),
                "rate": format_rate(rate),
                "ratio": format_rate(actual / target),
                "mark": mark,
            },
            "outlook_example": {
                "projected": format_number(projected.quantize(Decimal("0.01"))),
                "rate": format_rate(outlook_rate),
                "outlook": outlook,
            },
            "scales": [(labels[0].plan, labels) for labels in scales.values()],
        }


class SearchView(PublicPageMixin, TemplateView):
    """KPIs of every plan by a part of their name, full-width and half-width alike."""

    template_name = "plans/public/search.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "")[:MAX_QUERY_LENGTH].strip()
        hits = search_kpis(query) if query else []
        title = _("Search KPIs: {query}").format(query=query) if query else _("Search KPIs")
        return {
            **super().get_context_data(**kwargs),
            **self.page_meta(
                title=title,
                description=_("Find the KPIs of every plan by a part of their name."),
                breadcrumbs=_crumbs((_("Search KPIs"), None)),
            ),
            "query": query,
            "hits": hits,
            "max_length": MAX_QUERY_LENGTH,
        }


def _published(plan):
    return list(PublishedYear.objects.filter(plan=plan).order_by("year"))


class DownloadsView(PublicPageMixin, TemplateView):
    """A plan's open data: CSV (long format), the plan workbook and JSON, with the licence."""

    template_name = "plans/public/downloads.html"

    def get_context_data(self, **kwargs):
        plan = get_object_or_404(Plan.objects.select_related("municipality"), slug=kwargs["slug"])
        title = _("Open data: {title}").format(title=plan.title)
        published = _published(plan)
        return {
            **super().get_context_data(**kwargs),
            **self.page_meta(
                title=title,
                description=_(
                    "Download the published KPI data of {title} as CSV (UTF-8 with BOM, one row per KPI and year), "
                    "Excel and JSON. Licence: CC BY 4.0."
                ).format(title=plan.title),
                breadcrumbs=_crumbs(_plan_crumb(plan), (_("Open data"), None)),
            ),
            "plan": plan,
            "published": published,
            "last_published": max((item.published_at for item in published), default=None),
            "columns": opendata.CSV_COLUMNS,
            "licence_url": opendata.LICENCE_URL,
            "csv_name": _file_name(plan, "kpi.csv"),
            "api_url": self.request.build_absolute_uri(reverse("api:plan", kwargs={"slug": plan.slug})),
        }


class OpenDataView(PublicPageMixin, TemplateView):
    """Every plan's downloads, the API and the licence in one place."""

    template_name = "plans/public/opendata.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            **self.page_meta(
                title=_("Open data"),
                description=_(
                    "KPI data of every plan as CSV, Excel and JSON, and a read-only JSON API. Licence: CC BY 4.0."
                ),
                breadcrumbs=_crumbs((_("Open data"), None)),
            ),
            "catalogue": opendata.plan_catalogue(),
            "licence_url": opendata.LICENCE_URL,
            "api_root": self.request.build_absolute_uri(reverse("api:plans")),
            "openapi_url": self.request.build_absolute_uri(reverse("api:openapi-json")),
        }


def _file_name(plan, suffix: str) -> str:
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
    return _attachment(opendata.plan_csv(plan.slug), opendata.CSV_CONTENT_TYPE, _file_name(plan, "kpi.csv"))


@public_cache
def download_xlsx(request, slug):
    plan = get_object_or_404(Plan.objects.select_related("municipality"), slug=slug)
    return _attachment(opendata.public_workbook(plan.slug), XLSX, _file_name(plan, "plan.xlsx"))


@public_cache
def download_json(request, slug):
    plan = get_object_or_404(Plan.objects.select_related("municipality"), slug=slug)
    response = JsonResponse(opendata.public_document(plan.slug), json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="{_file_name(plan, "plan.json")}"'
    return response


def robots_txt(request):
    """Search engines may read every public page; the staff pages are not for them."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /staff/",
        f"Sitemap: {request.build_absolute_uri(reverse('plans:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def sitemap_xml(request):
    """Every public page's stable URL (queries: plans, goals, KPIs)."""
    plans = list(Plan.objects.order_by("municipality__code", "first_year", "slug").values_list("pk", "slug"))
    slugs = dict(plans)
    paths = [reverse(name) for name in ("plans:plan-list", "plans:legend", "plans:search", "plans:opendata")]
    for _pk, slug in plans:
        paths += [reverse("plans:plan-detail", args=[slug]), reverse("plans:downloads", args=[slug])]
    paths += [
        reverse("plans:goal-detail", args=[slugs[plan_id], number])
        for plan_id, number in Goal.objects.order_by("plan_id", "number").values_list("plan_id", "number")
    ]
    paths += [
        reverse("plans:kpi-detail", args=[slugs[plan_id], code])
        for plan_id, code in Kpi.objects.order_by("plan_id", "order", "id").values_list("plan_id", "code")
    ]
    return TemplateResponse(
        request,
        "plans/public/sitemap.xml",
        {"urls": [request.build_absolute_uri(path) for path in paths]},
        content_type="application/xml; charset=utf-8",
    )


# --- staff: publishing a year's actuals ----------------------------------------------------


class PublicationForm(forms.Form):
    plan = forms.SlugField(max_length=80)
    year = forms.IntegerField(min_value=1868, max_value=2200)
    action = forms.ChoiceField(choices=[("publish", gettext_lazy("Publish")), ("unpublish", gettext_lazy("Unpublish"))])


class PublicationView(LoginRequiredMixin, View):
    """Planners publish (or withdraw) a year's actuals of the plans they may change.

    Lists each such plan with every year that has actuals or is published, and how many of its
    actuals are measured; the buttons call ``services.publication``, which checks the permission
    (``access.can_change_plan``) again.
    """

    template_name = "plans/public/publication.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.reads_dashboards(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        rows = publication.publication_overview(request.user)
        return TemplateResponse(
            request,
            self.template_name,
            {
                "page_title": _("Publication of actuals"),
                "page_description": "",
                "breadcrumbs": _crumbs((_("Publication of actuals"), None)),
                "rows": rows,
            },
        )

    def post(self, request):
        form = PublicationForm(request.POST)
        if not form.is_valid():
            return HttpResponse(status=400)
        plan = get_object_or_404(Plan, slug=form.cleaned_data["plan"])
        year = form.cleaned_data["year"]
        if not access.can_change_plan(request.user, plan):
            raise PermissionDenied
        label = format_year(year)
        if form.cleaned_data["action"] == "publish":
            publication.publish_year(plan, year, user=request.user)
            messages.success(
                request, _("Published the actuals of {year} of {plan}.").format(year=label, plan=plan.title)
            )
        else:
            publication.unpublish_year(plan, year, user=request.user)
            messages.success(
                request,
                _("Withdrew the actuals of {year} of {plan} from the public pages.").format(
                    year=label, plan=plan.title
                ),
            )
        return redirect("plans:publication")
