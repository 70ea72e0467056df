"""The planners' publication page (公表の管理): publish or withdraw a year's actuals of a plan.

Until a planner publishes a year, no public page, download or API response shows its actuals.
The page lists the plans the login may change; the buttons call ``plans.services.publication``,
which checks the permission (``access.can_change_plan``) again.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from plans import access
from plans.models import Plan
from plans.rules.notation import format_year
from plans.rules.years import MAX_YEAR, MIN_YEAR
from plans.services import publication


class PublicationForm(forms.Form):
    plan = forms.SlugField(max_length=80)
    year = forms.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR)
    action = forms.ChoiceField(choices=[("publish", gettext_lazy("Publish")), ("unpublish", gettext_lazy("Unpublish"))])


class PublicationView(LoginRequiredMixin, View):
    """Planners publish (or withdraw) a year's actuals of the plans they may change.

    Lists each such plan with every year that has actuals or is published, and how many of its
    actuals are measured; the buttons call ``services.publication``, which checks the permission
    (``access.can_change_plan``) again.
    """

    template_name = "staff/publication.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.reads_dashboards(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        title = _("Publication of actuals")
        return TemplateResponse(
            request,
            self.template_name,
            {
                "page_title": title,
                "page_description": "",
                "breadcrumbs": [(_("Plans"), reverse("plans:plan-list")), (title, None)],
                "rows": publication.publication_overview(request.user),
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
        return redirect("staff:publication")
