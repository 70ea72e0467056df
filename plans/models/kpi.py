from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.choices import ActualStatus, Direction, KpiLevel, RatingKind, SuccessorLink, TallyScope, YearKind
from plans.models.geography import Department
from plans.models.limits import LONG_TEXT_CHARS, length_checks, value_bounds
from plans.models.plan import YEAR_RANGE, Goal, Package, Plan, PolicyDirection
from plans.models.project import Project

VALUE = {"max_digits": 24, "decimal_places": 6, "null": True, "blank": True}
# The foreign key that holds each level's attachment.
ATTACHMENT_FIELDS = {"goal": "goal", "direction": "policy_direction", "package": "package", "project": "project"}


def value_status_checks() -> list[models.CheckConstraint]:
    """An actual's value is present exactly when its status is measured, and its status is known:
    the official ``Actual`` and the department's ``ReportedActual`` alike."""
    return [
        models.CheckConstraint(
            condition=(Q(status=ActualStatus.MEASURED) & Q(value__isnull=False))
            | (~Q(status=ActualStatus.MEASURED) & Q(value__isnull=True)),
            name="%(app_label)s_%(class)s_value_iff_measured",
        ),
        models.CheckConstraint(
            condition=Q(status__in=ActualStatus.values), name="%(app_label)s_%(class)s_status_known"
        ),
    ]


def _attached_to(level: str) -> Q:
    """Q for a KPI whose only attachment is the one of ``level`` (none for plan level)."""
    condition = Q(level=level)
    for attachment_level, field in ATTACHMENT_FIELDS.items():
        condition &= Q(**{f"{field}__isnull": attachment_level != level})
    return condition


class Kpi(models.Model):
    """A KPI (重要業績評価指標) or numerical target (数値目標) with its baseline and final target.

    Attached to exactly one of its plan, a goal, a policy direction, a package or a project.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="kpis", verbose_name=_("plan"))
    level = models.CharField(_("attached to"), max_length=10, choices=KpiLevel.choices)
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="kpis", verbose_name=_("goal")
    )
    policy_direction = models.ForeignKey(
        PolicyDirection,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="kpis",
        verbose_name=_("policy direction"),
    )
    package = models.ForeignKey(
        Package, on_delete=models.CASCADE, null=True, blank=True, related_name="kpis", verbose_name=_("package")
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="kpis", verbose_name=_("project")
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=300, help_text=_("As printed."))
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE)
    is_cumulative = models.BooleanField(_("cumulative"), default=False)
    year_kind = models.CharField(_("year kind"), max_length=10, choices=YearKind.choices, default=YearKind.FISCAL)
    is_numerical_target = models.BooleanField(_("numerical target (数値目標)"), default=False)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="kpis", verbose_name=_("department")
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_year_assumed = models.BooleanField(
        _("baseline year assumed"),
        default=False,
        help_text=_("The document prints no baseline year: the year before the plan starts is assumed."),
    )
    baseline_value = models.DecimalField(_("baseline"), **VALUE)
    baseline_raw = models.CharField(_("baseline as written"), max_length=200, blank=True)
    baseline_note = models.CharField(_("baseline note"), max_length=300, blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    target_value = models.DecimalField(_("final target"), **VALUE)
    target_raw = models.CharField(_("final target as written"), max_length=200, blank=True)
    target_note = models.CharField(_("target note"), max_length=300, blank=True)
    target_at_least = models.BooleanField(_("at least (以上)"), default=False)
    total_years = models.PositiveSmallIntegerField(
        _("total over years"),
        null=True,
        blank=True,
        help_text=_(
            "The baseline and the target are totals over this many years (5 for R2–R6); empty when they are "
            "single years."
        ),
    )
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("predecessor in the previous plan"),
        help_text=_("The KPI of the previous plan this one continues, moves or replaces."),
    )
    predecessor_link = models.CharField(_("kind of link"), max_length=10, choices=SuccessorLink.choices, blank=True)
    predecessor_label = models.CharField(_("link as printed"), max_length=50, blank=True)
    dropped_in_next_plan = models.BooleanField(_("dropped in the next plan"), default=False)
    dropped_label = models.CharField(_("dropped as printed"), max_length=20, blank=True)
    note = models.TextField(_("note"), max_length=LONG_TEXT_CHARS, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    search_text = models.CharField(
        _("search text"),
        max_length=400,
        blank=True,
        editable=False,
        help_text=_("The name and unit normalised (NFKC, lower case) for search; kept by the services."),
    )
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["plan_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="%(app_label)s_%(class)s_unique_code"),
            models.CheckConstraint(
                condition=(
                    _attached_to(KpiLevel.PLAN)
                    | _attached_to(KpiLevel.GOAL)
                    | _attached_to(KpiLevel.DIRECTION)
                    | _attached_to(KpiLevel.PACKAGE)
                    | _attached_to(KpiLevel.PROJECT)
                ),
                name="%(app_label)s_%(class)s_one_attachment",
            ),
            models.CheckConstraint(
                condition=Q(baseline_year__isnull=True) | (Q(baseline_year__gte=1868) & Q(baseline_year__lte=2200)),
                name="%(app_label)s_%(class)s_baseline_year_in_range",
            ),
            models.CheckConstraint(
                condition=Q(target_year__isnull=True) | (Q(target_year__gte=1868) & Q(target_year__lte=2200)),
                name="%(app_label)s_%(class)s_target_year_in_range",
            ),
            models.CheckConstraint(
                condition=Q(total_years__isnull=True) | (Q(total_years__gte=2) & Q(total_years__lte=50)),
                name="%(app_label)s_%(class)s_total_years_in_range",
            ),
            models.CheckConstraint(
                condition=Q(baseline_year_assumed=False) | Q(baseline_year__isnull=False),
                name="%(app_label)s_%(class)s_assumed_baseline_year_is_set",
            ),
            models.CheckConstraint(
                condition=Q(predecessor__isnull=True) | ~Q(predecessor_link=""),
                name="%(app_label)s_%(class)s_predecessor_has_link",
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("pk")), name="%(app_label)s_%(class)s_not_own_predecessor"
            ),
            *length_checks(
                code=30,
                name=300,
                unit=30,
                baseline_raw=200,
                baseline_note=300,
                target_raw=200,
                target_note=300,
                predecessor_label=50,
                dropped_label=20,
                note=LONG_TEXT_CHARS,
                search_text=400,
            ),
            *value_bounds("baseline_value", "target_value"),
        ]

    def __str__(self):
        return self.name


class YearlyTarget(models.Model):
    """A target the plan states for one year."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="yearly_targets", verbose_name=_("KPI"))
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target"), **VALUE)
    raw = models.CharField(_("as written"), max_length=200, blank=True)
    at_least = models.BooleanField(_("at least (以上)"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("yearly target")
        verbose_name_plural = _("yearly targets")
        ordering = ["kpi_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "year"], name="%(app_label)s_%(class)s_unique_year"),
            models.CheckConstraint(condition=YEAR_RANGE, name="%(app_label)s_%(class)s_year_in_range"),
            *length_checks(raw=200),
            *value_bounds("value"),
        ]

    def __str__(self):
        return f"{self.kpi} {self.year}: {self.raw}"


class Actual(models.Model):
    """A KPI's actual for one year, with its status and annotations; the value is present exactly
    when the status is measured."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="actuals", verbose_name=_("KPI"))
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), **VALUE)
    raw = models.CharField(_("as written"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ActualStatus.choices, default=ActualStatus.MEASURED)
    is_preliminary = models.BooleanField(_("preliminary (速報値)"), default=False)
    survey_year = models.PositiveSmallIntegerField(_("survey year"), null=True, blank=True)
    cumulative_to_year = models.PositiveSmallIntegerField(_("cumulative to year"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=LONG_TEXT_CHARS, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("actual")
        verbose_name_plural = _("actuals")
        ordering = ["kpi_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "year"], name="%(app_label)s_%(class)s_unique_year"),
            models.CheckConstraint(condition=YEAR_RANGE, name="%(app_label)s_%(class)s_year_in_range"),
            *value_status_checks(),
            *length_checks(raw=200, note=LONG_TEXT_CHARS),
            *value_bounds("value"),
        ]

    def __str__(self):
        return f"{self.kpi} {self.year}: {self.raw}"


class OfficialRating(models.Model):
    """A rating the plan itself printed for a KPI (a yearly mark, or an outlook such as A-)."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="official_ratings", verbose_name=_("KPI"))
    kind = models.CharField(_("kind"), max_length=10, choices=RatingKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    label = models.CharField(_("label as printed"), max_length=10)
    as_of = models.CharField(_("as of"), max_length=50, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("official rating")
        verbose_name_plural = _("official ratings")
        ordering = ["kpi_id", "kind", "year"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "kind", "year"], name="%(app_label)s_%(class)s_unique_year"),
            models.CheckConstraint(condition=YEAR_RANGE, name="%(app_label)s_%(class)s_year_in_range"),
            *length_checks(label=10, as_of=50),
        ]

    def __str__(self):
        return f"{self.kpi} {self.year}: {self.label}"


class PrintedTally(models.Model):
    """A tally the plan printed (e.g. per direction in the H29 report), stored as printed."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="printed_tallies", verbose_name=_("plan"))
    scope = models.CharField(_("scope"), max_length=10, choices=TallyScope.choices)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="printed_tallies")
    policy_direction = models.ForeignKey(
        PolicyDirection, on_delete=models.CASCADE, null=True, blank=True, related_name="printed_tallies"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kpi_count = models.PositiveIntegerField(_("number of KPIs"))
    mark_counts = models.JSONField(_("counts by mark"), default=dict)
    outlook_counts = models.JSONField(_("counts by outlook"), default=dict)

    class Meta:
        verbose_name = _("printed tally")
        verbose_name_plural = _("printed tallies")
        ordering = ["plan_id", "year", "id"]
        constraints = [
            models.CheckConstraint(condition=YEAR_RANGE, name="%(app_label)s_%(class)s_year_in_range"),
            models.CheckConstraint(
                condition=Q(scope=TallyScope.PLAN, goal__isnull=True, policy_direction__isnull=True)
                | Q(scope=TallyScope.GOAL, goal__isnull=False, policy_direction__isnull=True)
                | Q(scope=TallyScope.DIRECTION, goal__isnull=True, policy_direction__isnull=False),
                name="%(app_label)s_%(class)s_scope_matches",
            ),
        ]

    def __str__(self):
        return f"{self.plan} {self.scope} {self.year}"
