from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from plans.models.geography import Department, Municipality
from plans.models.plan import YEAR_RANGE, Plan


class StaffProfile(models.Model):
    """Which municipality and departments (担当課) a staff login works for.

    The role itself is a Django group (department staff, planner, administrator); see
    ``plans.access`` for what each may see and change.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile", verbose_name=_("user")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("municipality"),
    )
    departments = models.ManyToManyField(Department, blank=True, related_name="staff", verbose_name=_("departments"))

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        ordering = ["user_id"]

    def __str__(self):
        return str(self.user)


class PublishedYear(models.Model):
    """A year whose actuals a planner has published for a plan; only published data is public."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="published_years", verbose_name=_("plan"))
    year = models.PositiveSmallIntegerField(_("year"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("published year")
        verbose_name_plural = _("published years")
        ordering = ["plan_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="%(app_label)s_%(class)s_unique_year"),
            models.CheckConstraint(condition=YEAR_RANGE, name="%(app_label)s_%(class)s_year_in_range"),
        ]

    def __str__(self):
        return f"{self.plan} {self.year}"
