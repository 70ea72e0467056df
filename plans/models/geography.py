from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plans.models.limits import length_checks


class Municipality(models.Model):
    """A municipality (市町村), identified by its national local-government code."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    name_kana = models.CharField(_("name in kana"), max_length=100, blank=True)
    name_romaji = models.CharField(_("name in romaji"), max_length=100, blank=True)
    code = models.CharField(
        _("local government code"),
        max_length=6,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The six-digit national local-government code (全国地方公共団体コード), e.g. 402036."),
    )
    prefecture_code = models.CharField(
        _("prefecture code"),
        max_length=2,
        blank=True,
        db_index=True,
        help_text=_("The first two digits of the local-government code (40 for 福岡県)."),
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["code", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__isnull=True) | Q(code__regex=r"^[0-9]{6}$"),
                name="%(app_label)s_%(class)s_code_six_digits",
            ),
            *length_checks(name=50, name_kana=100, name_romaji=100, prefecture_code=2),
        ]

    def __str__(self):
        return self.name


class Department(models.Model):
    """A department in charge (担当課) of a municipality."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="departments", verbose_name=_("municipality")
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["municipality_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="%(app_label)s_%(class)s_unique_name"),
            *length_checks(name=100),
        ]

    def __str__(self):
        return f"{self.name} ({self.municipality})"
