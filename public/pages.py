"""What the public pages share besides their data: page metadata, breadcrumbs and small reads.

``PublicPageMixin`` gives every page its title, description and breadcrumbs (the sharing tags);
``shown_year`` reads ``?year=``. The views in ``public.views`` call these and render.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from plans import selectors
from plans.models import Plan, PublishedYear, RatingLabel
from plans.params import year_param


class PublicPageMixin:
    """Title, description, canonical URL and breadcrumbs for the sharing tags of every page."""

    def page_meta(
        self, *, title: str, description: str, breadcrumbs: list, canonical_query: str = "", noindex: bool = False
    ) -> dict:
        """``canonical_query``: the parameters that make this page another page (a page number, a
        filter), kept in its canonical URL; ``noindex``: a page of search results, which search
        engines are asked not to index (its links they may follow)."""
        return {
            "page_title": title,
            "page_description": description,
            "breadcrumbs": breadcrumbs,
            "canonical_query": canonical_query,
            "noindex": noindex,
        }


def numbered_title(title: str, page) -> str:
    """A list's title, with its page number after the first page (every page its own title)."""
    if page is None or page.number <= 1:
        return title
    return _("{title} (page {number})").format(title=title, number=page.number)


def canonical_parameters(filters: dict[str, str], page) -> str:
    """The canonical parameters of a list page: its filters, and its number after the first page."""
    kept = {key: value for key, value in filters.items() if value}
    if page is not None and page.number > 1:
        kept["page"] = page.number
    return urlencode(kept)


def breadcrumbs(*items):
    """Breadcrumbs from the home page: (label, url) pairs, the last one the current page (no url)."""
    return [(_("Plans"), reverse("plans:plan-list")), *items]


def plan_crumb(plan):
    """A plan's breadcrumb: its title and page."""
    return (plan.title, plan.get_absolute_url())


def goal_title(goal) -> str:
    """`基本目標1 …`: a goal as its page and breadcrumb name it."""
    return f"{goal.kind_label or _('Goal')}{goal.number} {goal.title}"


def tally_text(tally) -> str:
    """The marks of a tally as text (`○ 3 △ 1`), or `-` when it has none."""
    marks, _outlooks = tally.as_text()
    return marks or "-"


def shown_year(request, plan_id: int) -> tuple[list[int], int | None]:
    """The plan's published years with a measured actual, and the one a page shows: ``?year=``
    when it is one of them (404 otherwise), else the latest (None when nothing is published)."""
    years = sorted(set(selectors.measured_years(plan_id, public=True)))
    requested = request.GET.get("year")
    if requested is None:
        return years, years[-1] if years else None
    if year_param(requested) not in years:
        raise Http404(_("No published data for that year."))
    return years, year_param(requested)


@dataclass(frozen=True)
class SharedScale:
    """A plan's own rating scale (A+, A-, …) and the plans that print it, in the home page's order
    (a scale shared by many plans is shown once)."""

    labels: tuple[RatingLabel, ...]
    plans: tuple[Plan, ...]

    @property
    def named_plans(self) -> tuple[Plan, ...]:
        """The first plans, by name: the caption names these and counts the rest."""
        return self.plans[:SCALE_PLANS_NAMED]

    @property
    def other_plans(self) -> int:
        return max(0, len(self.plans) - SCALE_PLANS_NAMED)


SCALE_PLANS_NAMED = 5


def rating_scales() -> list[SharedScale]:
    """Each distinct rating scale the plans print, with the plans that print it (one query)."""
    scales: dict[int, list[RatingLabel]] = {}
    for label in RatingLabel.objects.select_related("plan").order_by(
        "plan__municipality__code", "plan__first_year", "plan_id", "order", "id"
    ):
        scales.setdefault(label.plan_id, []).append(label)
    shared: dict[tuple, tuple[list[RatingLabel], list[Plan]]] = {}
    for labels in scales.values():
        key = tuple((label.label, label.meaning, tuple(label.canonical)) for label in labels)
        shared.setdefault(key, (labels, []))[1].append(labels[0].plan)
    return [SharedScale(tuple(labels), tuple(plans)) for labels, plans in shared.values()]


def published_years(plan) -> list[PublishedYear]:
    """A plan's published years, earliest first."""
    return list(PublishedYear.objects.filter(plan=plan).order_by("year"))
