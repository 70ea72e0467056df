"""The planners' publication page (公表の管理): publish or withdraw a year's actuals of a plan,
and reopen a published year for corrections.

Until a planner publishes a year, no public page, download or API response shows its actuals.
The page lists the plans the login may change; the buttons call ``plans.services.publication``,
which checks the permission (``access.can_change_plan``) again. Before publishing, the planner
sees the year's completeness per department (``?plan=…&year=…``); publishing with gaps needs
the confirmation box, and the confirmation lists the gaps. A published year is locked; reopening
it needs a reason, which stays on this page and on the public plan page until it is published
again.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from plans import access
from plans.models import Plan
from plans.models.limits import LONG_TEXT_CHARS
from plans.params import year_param
from plans.rules.notation import format_year
from plans.rules.years import MAX_YEAR, MIN_YEAR
from plans.services import publication, review


class PublicationForm(forms.Form):
    plan = forms.SlugField(max_length=80)
    year = forms.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR)
    action = forms.ChoiceField(
        choices=[
            ("publish", gettext_lazy("Publish")),
            ("unpublish", gettext_lazy("Unpublish")),
            ("reopen", "修正のため再開"),
        ]
    )
    gaps_confirmed = forms.BooleanField(required=False)
    reason = forms.CharField(required=False, max_length=LONG_TEXT_CHARS)


class PublicationView(LoginRequiredMixin, View):
    """Planners publish (or withdraw) a year's actuals of the plans they may change.

    Lists each such plan with every year that has actuals or is published, and how many of its
    actuals are measured; the buttons call ``services.publication``, which checks the permission
    (``access.can_change_plan``) again.
    """

    template_name = "staff/publication.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.reviews_and_publishes(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        checked = None
        if "plan" in request.GET:
            year = year_param(request.GET.get("year", ""))
            plan = Plan.objects.filter(slug=request.GET.get("plan", "")[:80]).first()
            if year is None or plan is None or not access.can_change_plan(request.user, plan):
                raise Http404
            checked = (plan, publication.completeness(plan, year))
        return self.render(request, checked)

    def render(self, request, checked=None, status: int = 200):
        """The page; ``checked`` is (plan, completeness) of the year about to be published."""
        title = _("Publication of actuals")
        return TemplateResponse(
            request,
            self.template_name,
            {
                "page_title": title,
                "page_description": "",
                "breadcrumbs": [(_("Plans"), reverse("plans:plan-list")), (title, None)],
                "rows": publication.publication_overview(request.user),
                "checked": checked,
            },
            status=status,
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
        action = form.cleaned_data["action"]
        if action == "publish":
            try:
                publication.publish_checked(
                    request.user, plan, year, gaps_confirmed=form.cleaned_data["gaps_confirmed"]
                )
            except publication.GapsNotConfirmed as refused:
                messages.error(request, str(refused))
                return self.render(request, (plan, refused.completeness))
            messages.success(
                request, _("Published the actuals of {year} of {plan}.").format(year=label, plan=plan.title)
            )
        elif action == "reopen":
            try:
                review.reopen_year(request.user, plan, year, form.cleaned_data["reason"])
            except review.ReviewRefused as refused:
                messages.error(request, str(refused))
            else:
                messages.success(
                    request,
                    f"{plan.title}の{label}を修正のため再開しました。修正が済んだら、もう一度公表してください。",
                )
        else:
            publication.unpublish_year(plan, year, user=request.user)
            messages.success(
                request,
                _("Withdrew the actuals of {year} of {plan} from the public pages.").format(
                    year=label, plan=plan.title
                ),
            )
        return redirect("staff:publication")
