from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plans.choices import PlanKind
from plans.models.geography import Municipality
from plans.models.limits import LONG_TEXT_CHARS, length_checks

YEAR_RANGE = Q(year__gte=1868) & Q(year__lte=2200)


class Plan(models.Model):
    """A strategy plan (総合戦略, 連携中枢都市圏ビジョン) over a span of fiscal years."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200, help_text=_("As printed."))
    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind.choices, default=PlanKind.STRATEGY)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="lead_plans", verbose_name=_("lead municipality")
    )
    partners = models.ManyToManyField(
        Municipality, blank=True, related_name="partner_plans", verbose_name=_("partner municipalities")
    )
    first_year = models.PositiveSmallIntegerField(_("first fiscal year"))
    last_year = models.PositiveSmallIntegerField(_("last fiscal year"))
    revised_on = models.DateField(_("revision date"), null=True, blank=True)
    revised_label = models.CharField(_("revision as printed"), max_length=50, blank=True)
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("predecessor plan"),
    )
    report_year = models.PositiveSmallIntegerField(_("year reported on"), null=True, blank=True)
    source_document = models.CharField(_("source document"), max_length=200, blank=True)
    note = models.TextField(_("note"), max_length=LONG_TEXT_CHARS, blank=True)
    data_version = models.PositiveBigIntegerField(
        _("data version"), default=1, help_text=_("Bumped by every write to the plan's data; caches key on it.")
    )
    data_changed_at = models.DateTimeField(_("data changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["municipality__code", "first_year", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_year__gte=1868) & Q(last_year__lte=2200) & Q(first_year__lte=F("last_year")),
                name="%(app_label)s_%(class)s_years_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("pk")), name="%(app_label)s_%(class)s_not_own_predecessor"
            ),
            *length_checks(slug=80, title=200, revised_label=50, source_document=200, note=LONG_TEXT_CHARS),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("plans:plan-detail", kwargs={"slug": self.slug})


class RatingLabel(models.Model):
    """One label of a plan's own rating scale and the canonical outlooks (A–E) it stands for."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="rating_labels", verbose_name=_("plan"))
    label = models.CharField(_("label"), max_length=10)
    meaning = models.CharField(_("meaning"), max_length=200, blank=True)
    canonical = models.CharField(
        _("canonical outlooks"), max_length=5, help_text=_("Letters of the canonical scale A–E, e.g. AB.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("rating scale label")
        verbose_name_plural = _("rating scale labels")
        ordering = ["plan_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "label"], name="%(app_label)s_%(class)s_unique_label"),
            models.CheckConstraint(
                condition=Q(canonical__regex=r"^[A-E]{1,5}$"), name="%(app_label)s_%(class)s_canonical_a_to_e"
            ),
            *length_checks(label=10, meaning=200, canonical=5),
        ]

    def __str__(self):
        return f"{self.label} → {self.canonical}"


class Goal(models.Model):
    """A goal of a plan (基本目標 / 分野 / 基本方針)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("number"))
    kind_label = models.CharField(_("kind as printed"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=300)
    basic_direction = models.TextField(_("basic direction"), max_length=LONG_TEXT_CHARS, blank=True)
    aim = models.TextField(_("aim (ねらい)"), max_length=LONG_TEXT_CHARS, blank=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="%(app_label)s_%(class)s_unique_number"),
            *length_checks(kind_label=20, title=300, basic_direction=LONG_TEXT_CHARS, aim=LONG_TEXT_CHARS),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return reverse("plans:goal-detail", kwargs={"slug": self.plan.slug, "number": self.number})


class PolicyDirection(models.Model):
    """A policy direction (施策の方向性 / 施策の基本的方向 / 施策大項目) under a goal."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="directions", verbose_name=_("plan"))
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="directions", verbose_name=_("goal"))
    code = models.CharField(_("code as printed"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), max_length=LONG_TEXT_CHARS, blank=True)
    group = models.CharField(_("sub-area"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("policy direction")
        verbose_name_plural = _("policy directions")
        ordering = ["plan_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="%(app_label)s_%(class)s_unique_code"),
            *length_checks(code=20, title=300, summary=LONG_TEXT_CHARS, group=100),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


class Package(models.Model):
    """A policy package (政策パッケージ): a second grouping of a plan's projects, across goals."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="packages", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), max_length=LONG_TEXT_CHARS, blank=True)

    class Meta:
        verbose_name = _("policy package")
        verbose_name_plural = _("policy packages")
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="%(app_label)s_%(class)s_unique_number"),
            *length_checks(title=300, summary=LONG_TEXT_CHARS),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"
