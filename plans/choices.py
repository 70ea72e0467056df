"""Choices shared by models, services and forms, and how each mark, outlook and status looks.

As NetBox's ``ChoiceSet`` keeps value, label and colour in one triple, each ``Mark``,
``Outlook`` and ``ActualStatus`` here has its value and label (the Django choice) and, in the
table under its class, a short word for screens and a tone: the CSS class and the colour. Every
screen, chart, table and stylesheet reads them from here (``static/css/site.css`` keeps one
custom property per tone, equal to ``TONES``; a test compares them).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Tone:
    """A CSS class (``mark-ok``, ``outlook-ok``, ``bar-ok``, ``--ok``) and its colour.

    Every colour is dark enough for text on white (contrast 4.5:1 or more, WCAG AA); white
    text on it (the dashboards' bar labels) passes too.
    """

    css_class: str
    colour: str


OK = Tone("ok", "#0a6b2d")
FAIR = Tone("fair", "#4a7a12")
WARN = Tone("warn", "#8a5300")
POOR = Tone("poor", "#a84a1f")
BAD = Tone("bad", "#b3261e")
NONE = Tone("none", "#555555")
TONES = (OK, FAIR, WARN, POOR, BAD, NONE)


@dataclass(frozen=True)
class Look:
    """A choice as screens show it: a short word (translated) and a tone."""

    word: Promise
    tone: Tone


# Each class's looks, filled in under the class (an Enum body cannot hold a plain dict).
_LOOKS: dict[type, dict[str, Look]] = {}


class LookChoices(models.TextChoices):
    """Text choices with a word, a CSS class and a colour per value (see ``_LOOKS``)."""

    @property
    def look(self) -> Look:
        return _LOOKS[type(self)][self.value]

    @property
    def word(self) -> Promise:
        return self.look.word

    @property
    def css_class(self) -> str:
        return self.look.tone.css_class

    @property
    def colour(self) -> str:
        return self.look.tone.colour

    @classmethod
    def find(cls, value) -> LookChoices | None:
        """The member whose value is ``value``, None for anything else ("" or a printed ``—``)."""
        try:
            return cls(value)
        except ValueError:
            return None

    @classmethod
    def words(cls) -> dict[str, Promise]:
        return {member.value: member.word for member in cls}

    @classmethod
    def css_classes(cls) -> dict[str, str]:
        return {member.value: member.css_class for member in cls}

    @classmethod
    def colours(cls) -> dict[str, str]:
        return {member.value: member.colour for member in cls}


class PlanKind(models.TextChoices):
    STRATEGY = "strategy", _("Comprehensive strategy (総合戦略)")
    VISION = "vision", _("Regional vision (連携中枢都市圏ビジョン)")
    OTHER = "other", _("Other plan")


class Direction(models.TextChoices):
    INCREASE = "increase", _("Increase")
    DECREASE = "decrease", _("Decrease")
    MAINTAIN = "maintain", _("Maintain")


class YearKind(models.TextChoices):
    FISCAL = "fiscal", _("Fiscal year (年度)")
    CALENDAR = "calendar", _("Calendar year (年)")


class KpiLevel(models.TextChoices):
    PLAN = "plan", _("Plan")
    GOAL = "goal", _("Goal")
    DIRECTION = "direction", _("Policy direction")
    PACKAGE = "package", _("Policy package")
    PROJECT = "project", _("Project")


class ActualStatus(LookChoices):
    """Why an actual has, or has not, a value (``plans.rules.notation`` reads it from the text)."""

    MEASURED = "measured", _("Measured")
    PENDING = "pending", _("Being compiled (集計中)")
    UNMEASURED = "unmeasured", _("Not measured (未把握)")
    BLANK = "blank", _("No value printed")
    UNPARSED = "unparsed", _("Needs attention (unreadable)")


_LOOKS[ActualStatus] = {
    ActualStatus.MEASURED: Look(_("Measured"), OK),
    ActualStatus.PENDING: Look(_("Being compiled"), WARN),
    ActualStatus.UNMEASURED: Look(_("Not measured"), NONE),
    ActualStatus.BLANK: Look(_("Blank"), NONE),
    ActualStatus.UNPARSED: Look(_("Unreadable"), BAD),
}


class ReviewState(LookChoices):
    """Where a value a department reported stands in review (draft → submitted → returned or
    approved). Only an approved value is official: it alone reaches ``Actual``, the stored
    progress, the tallies, the report and, once its year is published, citizens."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


_LOOKS[ReviewState] = {
    ReviewState.DRAFT: Look(_("Draft"), NONE),
    ReviewState.SUBMITTED: Look(_("Submitted"), WARN),
    ReviewState.RETURNED: Look(_("Returned"), BAD),
    ReviewState.APPROVED: Look(_("Approved"), OK),
}


class TargetField(models.TextChoices):
    """What a target revision (KPI見直し) changes."""

    TARGET = "target", _("Final target")
    BASELINE = "baseline", _("Baseline")


class SuccessorLink(models.TextChoices):
    CONTINUED = "continued", _("Continued")
    MOVED = "moved", _("Moved from another direction")
    REPLACED = "replaced", _("Replaced")


class RatingKind(models.TextChoices):
    MARK = "mark", _("Yearly progress mark")
    OUTLOOK = "outlook", _("Outlook rating")


class TallyScope(models.TextChoices):
    PLAN = "plan", _("Plan")
    GOAL = "goal", _("Goal")
    DIRECTION = "direction", _("Policy direction")
    PACKAGE = "package", _("Policy package")


class Mark(LookChoices):
    """A KPI's progress mark for a year, as the H29 report's legend defines it (DOMAIN.md):
    ○ rate ≥ 100%, △ 70% to under 100%, × under 70%, - no actual (cannot be judged yet)."""

    ACHIEVED = "○", _("Achieved (100% or more)")
    ROUGHLY = "△", _("Roughly achieved (70% to under 100%)")
    NOT_ACHIEVED = "×", _("Not achieved (under 70%)")
    NONE = "-", _("Cannot be judged yet")


_LOOKS[Mark] = {
    Mark.ACHIEVED: Look(_("Achieved"), OK),
    Mark.ROUGHLY: Look(_("Roughly achieved"), WARN),
    Mark.NOT_ACHIEVED: Look(_("Not achieved"), BAD),
    Mark.NONE: Look(_("Cannot be judged yet"), NONE),
}


class Outlook(LookChoices):
    """The computed outlook for a KPI's final target on the canonical scale A–E (DOMAIN.md),
    best to worst; its tones run from ``OK`` to ``BAD``, one per grade."""

    A = "A", _("Target already met")
    B = "B", _("On track to reach the target")
    C = "C", _("Projected 70% to under 100%")
    D = "D", _("Projected above 0% but under 70%")
    E = "E", _("No progress or moving away")
    NONE = "-", _("No actual yet")


_LOOKS[Outlook] = {
    Outlook.A: Look(_("Target met"), OK),
    Outlook.B: Look(_("On track"), FAIR),
    Outlook.C: Look(_("Effort needed"), WARN),
    Outlook.D: Look(_("Difficult"), POOR),
    Outlook.E: Look(_("No progress"), BAD),
    Outlook.NONE: Look(_("No actual yet"), NONE),
}
# The outlook tones best to worst: a plan's own scale (A+/A-/B/C, A/B/C) spreads over them.
OUTLOOK_PALETTE = tuple(grade.colour for grade in Outlook if grade is not Outlook.NONE)
