from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plans.choices import Mark, Outlook, TallyScope
from plans.models.kpi import VALUE, Kpi
from plans.models.limits import length_checks, value_bounds
from plans.models.plan import YEAR_RANGE, Plan


class ProgressView(models.TextChoices):
    """Whose progress: staff count every actual, citizens only those of published years."""

    STAFF = "staff", _("Staff (every actual)")
    PUBLIC = "public", _("Public (published years only)")


class KpiYearProgress(models.Model):
    """A KPI's standing in one year (進捗), as the rules computed it: the year's target (stated or
    interpolated), the actual, the achievement rate, the mark, and the outlook as of that year.

    Stored, never computed on a request: ``plans.services.progress`` writes these rows in the
    transaction of every change that moves them (an actual, a target or baseline, the KPI, the
    plan's scale, a publication), and ``recompute_progress`` rebuilds them in bulk.

    Every KPI has a staff row in each of its plan's stored years, and a citizens' row only from
    its first unpublished actual on: before that year both views judge the same actuals, and
    citizens read the staff row, marked ``shared_with_public`` (``plans.selectors.stored_rows``,
    the one way to read their view: their rows and the shared staff rows, one a KPI-year).
    """

    # No single-column indexes on the keys: the unique (kpi, view, year) and the (plan, view, year)
    # index lead with them, and every index costs each of the nation's five million rows a write.
    kpi = models.ForeignKey(
        Kpi, on_delete=models.CASCADE, related_name="progress", verbose_name=_("KPI"), db_index=False
    )
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+", verbose_name=_("plan"), db_index=False)
    view = models.CharField(_("view"), max_length=6, choices=ProgressView.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.DecimalField(_("year's target"), **VALUE)
    target_stated = models.BooleanField(_("target stated by the plan"), default=False)
    actual = models.DecimalField(_("actual"), **VALUE)
    rate = models.DecimalField(_("achievement rate"), max_digits=30, decimal_places=6, null=True, blank=True)
    mark = models.CharField(_("mark"), max_length=1, choices=Mark.choices)
    outlook = models.CharField(_("outlook"), max_length=1, choices=Outlook.choices)
    outlook_on_plan_scale = models.CharField(_("outlook on the plan's scale"), max_length=10, blank=True)
    official_label = models.CharField(_("official rating"), max_length=10, blank=True)
    disagrees = models.BooleanField(_("computed and official outlooks disagree"), default=False)
    shared_with_public = models.BooleanField(_("citizens read this staff row too"), default=False)

    class Meta:
        verbose_name = _("KPI progress")
        verbose_name_plural = _("KPI progress")
        ordering = ["kpi_id", "view", "year"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "view", "year"], name="%(app_label)s_%(class)s_unique_year"),
            models.CheckConstraint(condition=YEAR_RANGE, name="%(app_label)s_%(class)s_year_in_range"),
            models.CheckConstraint(
                condition=Q(view__in=ProgressView.values), name="%(app_label)s_%(class)s_view_known"
            ),
            models.CheckConstraint(condition=Q(mark__in=Mark.values), name="%(app_label)s_%(class)s_mark_known"),
            models.CheckConstraint(
                condition=Q(outlook__in=Outlook.values), name="%(app_label)s_%(class)s_outlook_known"
            ),
            models.CheckConstraint(
                condition=Q(actual__isnull=False) | Q(mark=Mark.NONE), name="%(app_label)s_%(class)s_mark_needs_actual"
            ),
            models.CheckConstraint(
                condition=Q(view=ProgressView.STAFF) | Q(shared_with_public=False),
                name="%(app_label)s_%(class)s_only_staff_rows_shared",
            ),
            *length_checks(outlook_on_plan_scale=10, official_label=10),
            *value_bounds("target", "actual"),  # the rate is a ratio of them, not a value
        ]
        indexes = [models.Index(fields=["plan", "view", "year"], name="plans_progress_plan_year")]

    def __str__(self):
        return f"{self.kpi} {self.year} ({self.view}): {self.mark} {self.outlook}"


class ProgressTally(models.Model):
    """The tally of a plan, goal or policy direction in one year and view: how many KPIs, and how
    many of them have each mark and each outlook (the H29 report's 「○ 7 △ 2 × 2 - 1」). A goal's
    tally counts its numerical targets, a direction's its KPIs, the plan's all of them."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="progress_tallies", verbose_name=_("plan"))
    scope = models.CharField(_("scope"), max_length=10, choices=TallyScope.choices)
    scope_id = models.PositiveBigIntegerField(_("goal or direction"), default=0, help_text=_("0 for the plan"))
    view = models.CharField(_("view"), max_length=6, choices=ProgressView.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    kpi_count = models.PositiveIntegerField(_("number of KPIs"))
    marks = models.JSONField(_("counts by mark"), default=dict)
    outlooks = models.JSONField(_("counts by outlook"), default=dict)

    class Meta:
        verbose_name = _("progress tally")
        verbose_name_plural = _("progress tallies")
        ordering = ["plan_id", "view", "year", "scope", "scope_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "scope", "scope_id", "view", "year"], name="%(app_label)s_%(class)s_unique_scope"
            ),
            models.CheckConstraint(condition=YEAR_RANGE, name="%(app_label)s_%(class)s_year_in_range"),
            models.CheckConstraint(
                condition=Q(scope=TallyScope.PLAN, scope_id=0) | (~Q(scope=TallyScope.PLAN) & Q(scope_id__gt=0)),
                name="%(app_label)s_%(class)s_scope_id_matches",
            ),
        ]

    def __str__(self):
        return f"{self.plan} {self.scope} {self.year} ({self.view}): {self.kpi_count}"
