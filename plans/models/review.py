"""What departments report and how it is reviewed: the road from a keystroke to an official actual.

A department's value for a KPI-year is a ``ReportedActual``; it moves draft → submitted →
returned (back to the department, with a comment) or approved. Approval writes the official
``Actual`` (the only row progress, tallies, reports and public pages count). Every step is kept
(``ReviewStep``); a value may carry evidence (``Evidence``); a target or baseline revised
(KPI見直し) keeps its earlier version (``TargetRevision``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.choices import ActualStatus, ReviewState, TargetField
from plans.models.kpi import VALUE, Kpi, value_status_checks
from plans.models.limits import LONG_TEXT_CHARS, length_checks, value_bounds
from plans.models.plan import YEAR_RANGE

USER = {"on_delete": models.SET_NULL, "null": True, "blank": True, "related_name": "+"}
EVIDENCE_URL_CHARS = 500


class ReportedActual(models.Model):
    """The value a department reports for one KPI-year, with its self-assessment and review state.

    The value is checked in the KPI's own unit (``plans.services.entry_checks``); the warnings it
    raised are kept, with whether the person confirmed them, so that a reviewer sees them first.
    """

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="reported_actuals", verbose_name=_("KPI"))
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), **VALUE)
    raw = models.CharField(_("as written"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ActualStatus.choices, default=ActualStatus.MEASURED)
    is_preliminary = models.BooleanField(_("preliminary (速報値)"), default=False)
    survey_year = models.PositiveSmallIntegerField(_("survey year"), null=True, blank=True)
    cumulative_to_year = models.PositiveSmallIntegerField(_("cumulative to year"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=LONG_TEXT_CHARS, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    warnings_confirmed = models.BooleanField(_("warnings confirmed"), default=False)
    achieved_text = models.TextField(_("what was achieved"), max_length=LONG_TEXT_CHARS, blank=True)
    shortfall_text = models.TextField(_("what was not achieved"), max_length=LONG_TEXT_CHARS, blank=True)
    next_steps_text = models.TextField(_("what next"), max_length=LONG_TEXT_CHARS, blank=True)
    state = models.CharField(_("review state"), max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), **USER)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), **USER)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reported actual")
        verbose_name_plural = _("reported actuals")
        ordering = ["kpi_id", "year"]
        indexes = [models.Index(fields=["state", "year"], name="plans_reported_state_year")]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "year"], name="%(app_label)s_%(class)s_unique_year"),
            models.CheckConstraint(condition=YEAR_RANGE, name="%(app_label)s_%(class)s_year_in_range"),
            *value_status_checks(),
            models.CheckConstraint(
                condition=Q(state__in=ReviewState.values), name="%(app_label)s_%(class)s_state_known"
            ),
            *length_checks(
                raw=200,
                note=LONG_TEXT_CHARS,
                achieved_text=LONG_TEXT_CHARS,
                shortfall_text=LONG_TEXT_CHARS,
                next_steps_text=LONG_TEXT_CHARS,
            ),
            *value_bounds("value"),
        ]

    def __str__(self):
        return f"{self.kpi} {self.year}: {self.raw} ({self.state})"


class ReviewStep(models.Model):
    """One step of a reported value's review: who moved it to which state, when, and why."""

    reported = models.ForeignKey(
        ReportedActual, on_delete=models.CASCADE, related_name="steps", verbose_name=_("reported actual")
    )
    state = models.CharField(_("review state"), max_length=10, choices=ReviewState.choices)
    comment = models.TextField(_("comment"), max_length=LONG_TEXT_CHARS, blank=True)
    raw = models.CharField(_("value as written then"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), **USER)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["reported_id", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ReviewState.values), name="%(app_label)s_%(class)s_state_known"
            ),
            *length_checks(comment=LONG_TEXT_CHARS, raw=200),
        ]

    def __str__(self):
        return f"{self.reported} → {self.state}"


class Evidence(models.Model):
    """A file or a link backing a reported value (根拠資料), shown to reviewers, never to the public."""

    reported = models.ForeignKey(
        ReportedActual, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("reported actual")
    )
    file = models.FileField(_("file"), upload_to="evidence/%Y/", max_length=200, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    url = models.URLField(_("link"), max_length=EVIDENCE_URL_CHARS, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), **USER)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["reported_id", "added_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="%(app_label)s_%(class)s_file_or_link",
            ),
            *length_checks(file_name=200, content_type=100, url=EVIDENCE_URL_CHARS, description=200),
        ]

    def __str__(self):
        return self.file_name or self.url


class TargetRevision(models.Model):
    """A revision of a KPI's final target or baseline (KPI見直し), with the version it replaced.

    The KPI row holds the value in force now; each revision keeps the value before it. From
    ``effective_from_year`` on the new value counts; the years before keep the old one.
    """

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="target_revisions", verbose_name=_("KPI"))
    field = models.CharField(_("what changed"), max_length=10, choices=TargetField.choices)
    effective_from_year = models.PositiveSmallIntegerField(_("in force from year"))
    revised_on = models.DateField(_("revision date"))
    reason = models.TextField(_("reason"), max_length=LONG_TEXT_CHARS)
    old_value = models.DecimalField(_("value before"), **VALUE)
    old_raw = models.CharField(_("before, as written"), max_length=200, blank=True)
    old_year = models.PositiveSmallIntegerField(_("year before"), null=True, blank=True)
    new_value = models.DecimalField(_("value after"), **VALUE)
    new_raw = models.CharField(_("after, as written"), max_length=200, blank=True)
    new_year = models.PositiveSmallIntegerField(_("year after"), null=True, blank=True)
    revised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("revised by"), **USER)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("target revision")
        verbose_name_plural = _("target revisions")
        ordering = ["kpi_id", "effective_from_year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_from_year__gte=1868) & Q(effective_from_year__lte=2200),
                name="%(app_label)s_%(class)s_year_in_range",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="%(app_label)s_%(class)s_reason_required"),
            models.CheckConstraint(
                condition=Q(field__in=TargetField.values), name="%(app_label)s_%(class)s_field_known"
            ),
            *length_checks(reason=LONG_TEXT_CHARS, old_raw=200, new_raw=200),
            *value_bounds("old_value", "new_value"),
        ]

    def __str__(self):
        return f"{self.kpi} {self.field} {self.old_raw} → {self.new_raw}"
