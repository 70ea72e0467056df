from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.models.geography import Department, Municipality
from plans.models.limits import LONG_TEXT_CHARS, length_checks, value_bounds
from plans.models.plan import YEAR_RANGE, Package, Plan, PolicyDirection


class Project(models.Model):
    """A project (連携事業 / 具体的な事業 / 重点事業 / 具体的な施策 / 事業 line) of a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="projects", verbose_name=_("plan"))
    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("title"), max_length=400)
    group = models.CharField(_("sub-heading"), max_length=200, blank=True)
    purpose = models.TextField(_("purpose and summary"), max_length=LONG_TEXT_CHARS, blank=True)
    main_actions = models.TextField(_("main actions"), max_length=LONG_TEXT_CHARS, blank=True)
    lead_role = models.TextField(_("role of the lead municipality"), max_length=LONG_TEXT_CHARS, blank=True)
    partner_role = models.TextField(_("role of the partner municipalities"), max_length=LONG_TEXT_CHARS, blank=True)
    sections = models.CharField(_("sections (係)"), max_length=300, blank=True)
    note = models.TextField(_("note"), max_length=LONG_TEXT_CHARS, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    directions = models.ManyToManyField(
        PolicyDirection, blank=True, related_name="projects", verbose_name=_("policy directions")
    )
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="projects", verbose_name=_("participating municipalities")
    )
    departments = models.ManyToManyField(Department, blank=True, related_name="projects", verbose_name=_("departments"))
    packages = models.ManyToManyField(
        Package, through="PackageListing", blank=True, related_name="projects", verbose_name=_("policy packages")
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["plan_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="%(app_label)s_%(class)s_unique_code"),
            *length_checks(
                code=30,
                title=400,
                group=200,
                purpose=LONG_TEXT_CHARS,
                main_actions=LONG_TEXT_CHARS,
                lead_role=LONG_TEXT_CHARS,
                partner_role=LONG_TEXT_CHARS,
                sections=300,
                note=LONG_TEXT_CHARS,
            ),
        ]

    def __str__(self):
        return self.title


class PackageListing(models.Model):
    """A project listed in a package; a repeat listing (【再掲】) is the same project again."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="listings", verbose_name=_("package"))
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="listings", verbose_name=_("project"))
    is_repeat = models.BooleanField(_("repeat listing (再掲)"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("package listing")
        verbose_name_plural = _("package listings")
        ordering = ["package_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["package", "project"], name="%(app_label)s_%(class)s_unique_listing"),
        ]

    def __str__(self):
        return f"{self.package} / {self.project}"


class ProjectBudget(models.Model):
    """A project's budget for one fiscal year (事業費, 各年度予算額)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budgets", verbose_name=_("project"))
    year = models.PositiveSmallIntegerField(_("fiscal year"))
    amount = models.DecimalField(_("amount"), max_digits=24, decimal_places=6, null=True, blank=True)
    amount_raw = models.CharField(_("amount as written"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("project budget")
        verbose_name_plural = _("project budgets")
        ordering = ["project_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="%(app_label)s_%(class)s_unique_year"),
            models.CheckConstraint(condition=YEAR_RANGE, name="%(app_label)s_%(class)s_year_in_range"),
            *length_checks(amount_raw=100),
            *value_bounds("amount"),
        ]

    def __str__(self):
        return f"{self.project} {self.year}: {self.amount_raw}"


class ProjectReview(models.Model):
    """A project's review for one fiscal year: carried out or not, what was done, 総括, rating."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("project"))
    year = models.PositiveSmallIntegerField(_("fiscal year"))
    carried_out = models.BooleanField(_("carried out"), null=True, blank=True)
    carried_out_raw = models.CharField(_("carried out as printed"), max_length=10, blank=True)
    done = models.TextField(_("what was done"), max_length=LONG_TEXT_CHARS, blank=True)
    summary = models.TextField(_("review (総括)"), max_length=LONG_TEXT_CHARS, blank=True)
    rating_label = models.CharField(_("rating as printed"), max_length=10, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project review")
        verbose_name_plural = _("project reviews")
        ordering = ["project_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="%(app_label)s_%(class)s_unique_year"),
            models.CheckConstraint(condition=YEAR_RANGE, name="%(app_label)s_%(class)s_year_in_range"),
            models.CheckConstraint(
                condition=Q(carried_out__isnull=False) | Q(carried_out_raw=""),
                name="%(app_label)s_%(class)s_carried_out_read",
            ),
            *length_checks(carried_out_raw=10, done=LONG_TEXT_CHARS, summary=LONG_TEXT_CHARS, rating_label=10),
        ]

    def __str__(self):
        return f"{self.project} {self.year}"
