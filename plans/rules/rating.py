"""Achievement rates, yearly targets, progress marks, outlooks and plan scales.

Pure functions on plain values (int, float or Decimal in; Decimal out), no ORM. The rules are
those of DOMAIN.md:

* rate = (actual − baseline) / (year target − baseline), for increasing and decreasing KPIs alike;
* mark ○ rate ≥ 1, △ 0.7 ≤ rate < 1, × rate < 0.7, - no actual; maintain-type targets
  (target equals the baseline, 以上, 維持) are ○ when met in the KPI's direction, else ×;
* a year's target is the stated one, else the straight line from the baseline to the final target;
* outlook A already met, B/C/D/E by the rate the least-squares trend projects to the target year.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

Number = int | float | Decimal

INCREASE, DECREASE, MAINTAIN = "increase", "decrease", "maintain"
ACHIEVED, ROUGHLY, NOT_ACHIEVED, NO_MARK = "○", "△", "×", "-"
MARKS = (ACHIEVED, ROUGHLY, NOT_ACHIEVED, NO_MARK)
OUTLOOKS = ("A", "B", "C", "D", "E", "-")
ROUGHLY_THRESHOLD = Decimal("0.7")
ONE = Decimal(1)


def as_decimal(value: Number | None) -> Decimal | None:
    """Decimal from int, float or Decimal; floats go through their shortest repr (76.4 stays 76.4)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def _check_direction(direction: str) -> None:
    if direction not in (INCREASE, DECREASE, MAINTAIN):
        raise ValueError(f"unknown direction {direction!r}")


def achievement_rate(*, baseline: Number | None, target: Number | None, actual: Number | None) -> Decimal | None:
    """(actual − baseline) / (target − baseline); None when it is undefined.

    Undefined when a value is missing or when the target equals the baseline (maintain-type).
    """
    baseline, target, actual = as_decimal(baseline), as_decimal(target), as_decimal(actual)
    if baseline is None or target is None or actual is None or target == baseline:
        return None
    return (actual - baseline) / (target - baseline)


def meets_target(*, direction: str, target: Number, actual: Number) -> bool:
    """Whether an actual is at or beyond a target in the KPI's direction (maintain: at least)."""
    _check_direction(direction)
    target, actual = as_decimal(target), as_decimal(actual)
    if direction == DECREASE:
        return actual <= target
    return actual >= target


def is_maintain_type(*, direction: str, baseline: Number | None, target: Number | None, at_least: bool = False) -> bool:
    """Maintain-type targets (維持, 以上, or a target equal to the baseline) are met or not, no rate."""
    return (
        direction == MAINTAIN
        or at_least
        or (baseline is not None and target is not None and as_decimal(baseline) == as_decimal(target))
    )


def effective_target(*, direction: str, baseline: Number | None, target: Number | None) -> Decimal | None:
    """A maintain KPI whose target is written without a number (`維持`) targets its baseline."""
    if target is None and direction == MAINTAIN:
        return as_decimal(baseline)
    return as_decimal(target)


def mark_for_rate(rate: Decimal) -> str:
    if rate >= ONE:
        return ACHIEVED
    if rate >= ROUGHLY_THRESHOLD:
        return ROUGHLY
    return NOT_ACHIEVED


def progress_mark(
    *,
    direction: str,
    baseline: Number | None,
    target: Number | None,
    actual: Number | None,
    at_least: bool = False,
) -> str:
    """The year's progress mark ○ △ × or - (DOMAIN.md "Progress marks").

    ``target`` is the target for that year (see :func:`year_target`). Without a baseline the
    rate is undefined: an actual that meets the target is ○, otherwise the mark is -.
    """
    _check_direction(direction)
    if actual is None or target is None:
        return NO_MARK
    if is_maintain_type(direction=direction, baseline=baseline, target=target, at_least=at_least):
        return ACHIEVED if meets_target(direction=direction, target=target, actual=actual) else NOT_ACHIEVED
    rate = achievement_rate(baseline=baseline, target=target, actual=actual)
    if rate is None:
        return ACHIEVED if meets_target(direction=direction, target=target, actual=actual) else NO_MARK
    return mark_for_rate(rate)


@dataclass(frozen=True)
class YearTarget:
    value: Decimal | None
    stated: bool  # False when interpolated from the baseline to the final target


def year_target(
    *,
    year: int,
    baseline_year: int | None,
    baseline: Number | None,
    target_year: int | None,
    target: Number | None,
    stated: Mapping[int, Number | None] | None = None,
) -> YearTarget:
    """The target for a year: the stated one, else on the line from baseline to final target.

    Years after the target year keep the final target; years at or before the baseline year
    have no target.
    """
    stated = stated or {}
    if stated.get(year) is not None:
        return YearTarget(as_decimal(stated[year]), stated=True)
    baseline, target = as_decimal(baseline), as_decimal(target)
    if target is None or target_year is None:
        return YearTarget(None, stated=False)
    if year == target_year:
        return YearTarget(target, stated=True)
    if year > target_year:
        return YearTarget(target, stated=False)
    if baseline is None or baseline_year is None or year <= baseline_year or target_year <= baseline_year:
        return YearTarget(None, stated=False)
    share = Decimal(year - baseline_year) / Decimal(target_year - baseline_year)
    return YearTarget(baseline + (target - baseline) * share, stated=False)


def least_squares(points: Sequence[tuple[int, Decimal]]) -> tuple[Decimal, Decimal]:
    """Slope and intercept of the least-squares line through (year, value) points."""
    count = Decimal(len(points))
    mean_x = sum(Decimal(x) for x, _ in points) / count
    mean_y = sum(y for _, y in points) / count
    spread = sum((Decimal(x) - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return Decimal(0), mean_y
    slope = sum((Decimal(x) - mean_x) * (y - mean_y) for x, y in points) / spread
    return slope, mean_y - slope * mean_x


def projected_value(*, points: Sequence[tuple[int, Decimal]], year: int) -> Decimal:
    slope, intercept = least_squares(points)
    return intercept + slope * Decimal(year)


def outlook_for_rate(rate: Decimal) -> str:
    if rate >= ONE:
        return "B"
    if rate >= ROUGHLY_THRESHOLD:
        return "C"
    if rate > 0:
        return "D"
    return "E"


def outlook(
    *,
    direction: str,
    baseline_year: int | None,
    baseline: Number | None,
    target_year: int | None,
    target: Number | None,
    actuals: Mapping[int, Number | None],
    at_least: bool = False,
) -> str:
    """Will the final target be reached? A–E or - (DOMAIN.md "Outlook ratings").

    A: the latest actual meets the target. Otherwise the least-squares line through the baseline
    and every actual is projected to the target year and its rate graded B (≥ 1), C (≥ 0.7),
    D (> 0) or E. Maintain-type KPIs are A, B (projection meets the target) or E. Without a
    baseline the earliest actual stands in for it; with too few points to draw a line, -.
    """
    _check_direction(direction)
    points = sorted((year, as_decimal(value)) for year, value in actuals.items() if value is not None)
    if not points or target is None:
        return "-"
    target = as_decimal(target)
    latest = points[-1][1]
    if meets_target(direction=direction, target=target, actual=latest):
        return "A"
    reference_year, reference = baseline_year, as_decimal(baseline)
    if reference is None or reference_year is None:
        reference_year, reference = points[0]
        trend = points
    else:
        trend = [(reference_year, reference), *points]
    if len(trend) < 2:
        return "-"
    projected = projected_value(points=trend, year=target_year if target_year is not None else points[-1][0])
    if is_maintain_type(direction=direction, baseline=baseline, target=target, at_least=at_least):
        return "B" if meets_target(direction=direction, target=target, actual=projected) else "E"
    if target == reference:
        return "B" if meets_target(direction=direction, target=target, actual=projected) else "E"
    return outlook_for_rate((projected - reference) / (target - reference))


@dataclass(frozen=True)
class ScaleLabel:
    label: str
    canonical: tuple[str, ...]  # the canonical outlooks (A–E) this label stands for
    meaning: str = ""


DEFAULT_SCALE = tuple(ScaleLabel(grade, (grade,)) for grade in "ABCDE")


def to_plan_scale(canonical_outlook: str, scale: Iterable[ScaleLabel]) -> str:
    """The plan's own label for a canonical outlook (久留米: A,B → A; C → B; D,E → C); - if none."""
    for entry in scale:
        if canonical_outlook in entry.canonical:
            return entry.label
    return "-"


def canonical_outlooks(label: str, scale: Iterable[ScaleLabel]) -> tuple[str, ...]:
    """The canonical outlooks a plan's printed label stands for (empty when unknown)."""
    for entry in scale:
        if entry.label == label:
            return entry.canonical
    return ()


def disagrees(*, computed_outlook: str, official_label: str, scale: Iterable[ScaleLabel]) -> bool:
    """True when the staff's printed rating and the computed outlook fall on different labels."""
    if computed_outlook == "-" or not official_label:
        return False
    canonical = canonical_outlooks(official_label, scale)
    return bool(canonical) and computed_outlook not in canonical
