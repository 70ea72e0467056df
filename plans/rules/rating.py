"""Achievement rates, yearly targets, progress marks, outlooks and plan scales.

Pure functions on plain values (int, float or Decimal in; Decimal out), no ORM. The rules are
those of DOMAIN.md:

* rate = (actual − baseline) / (year target − baseline), for increasing and decreasing KPIs alike;
* mark ○ rate ≥ 1, △ 0.7 ≤ rate < 1, × rate < 0.7, - no actual; maintain-type targets
  (target equals the baseline, 以上, 維持) are ○ when met in the KPI's direction, else ×;
* a target on the far side of the baseline from the KPI's direction (an increasing KPI whose
  target is below its baseline: 小郡's 人口の社会増, 1,070人 then, 740人 aimed for) is a floor to
  stay at or beyond, judged like a maintain-type target: a rate from the baseline would call an
  actual far below the target ○ (−236人 gave 494.7%), so there is no rate, only met (○) or not (×);
* a year's target is the stated one, else the straight line from the baseline to the final target;
* outlook A already met, B/C/D/E by the rate the least-squares trend projects to the target year;
* a KPI whose baseline and target are totals over N years (``total_years``; its actuals are single
  years) is judged on running totals: see :func:`total_standing` and :func:`total_outlook`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, getcontext
from typing import NamedTuple

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


def achievement_rate(
    *, baseline: Number | None, target: Number | None, actual: Number | None, direction: str | None = None
) -> Decimal | None:
    """(actual − baseline) / (target − baseline); None when it is undefined.

    Undefined when a value is missing, when the target equals the baseline (maintain-type), or,
    given the KPI's ``direction``, when the target lies against it (:func:`target_against_direction`).
    """
    baseline, target, actual = as_decimal(baseline), as_decimal(target), as_decimal(actual)
    if baseline is None or target is None or actual is None or target == baseline:
        return None
    if direction is not None and target_against_direction(direction=direction, baseline=baseline, target=target):
        return None
    return (actual - baseline) / (target - baseline)


def target_against_direction(*, direction: str, baseline: Number | None, target: Number | None) -> bool:
    """Whether the target lies on the far side of the baseline from the KPI's direction.

    An increasing KPI aiming below its baseline (or a decreasing one aiming above it) sets a floor
    (a ceiling) to stay within, not a distance to cover: it is judged met or not, like 以上.
    """
    baseline, target = as_decimal(baseline), as_decimal(target)
    if baseline is None or target is None:
        return False
    return (direction == INCREASE and target < baseline) or (direction == DECREASE and target > baseline)


def meets_target(*, direction: str, target: Number, actual: Number) -> bool:
    """Whether an actual is at or beyond a target in the KPI's direction (maintain: at least)."""
    _check_direction(direction)
    target, actual = as_decimal(target), as_decimal(actual)
    if direction == DECREASE:
        return actual <= target
    return actual >= target


def is_maintain_type(*, direction: str, baseline: Number | None, target: Number | None, at_least: bool = False) -> bool:
    """Maintain-type targets (維持, 以上, a target equal to the baseline, or one against the KPI's
    direction) are met or not, no rate."""
    return (
        direction == MAINTAIN
        or at_least
        or (baseline is not None and target is not None and as_decimal(baseline) == as_decimal(target))
        or target_against_direction(direction=direction, baseline=baseline, target=target)
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


def rate_and_mark(
    *,
    direction: str,
    baseline: Number | None,
    target: Number | None,
    actual: Number | None,
    at_least: bool = False,
) -> tuple[Decimal | None, str]:
    """``achievement_rate(…, direction=direction)`` and ``progress_mark(…)`` of one year at once,
    the mark read from the rate instead of a second division: :func:`rates_and_marks` of one year."""
    return rates_and_marks(direction=direction, baseline=baseline, pairs=((target, actual),), at_least=at_least)[0]


def rates_and_marks(
    *,
    direction: str,
    baseline: Number | None,
    pairs: Iterable[tuple[Number | None, Number | None]],
    at_least: bool = False,
) -> list[tuple[Decimal | None, str]]:
    """The rate and the mark of each (year target, actual) pair of one KPI: what
    ``achievement_rate(…, direction=direction)`` and ``progress_mark(…)`` give, the mark read from
    the rate instead of a second division (a nation's recompute asks for five million of each).

    The same rules: without an actual or a target, no rate and no mark; maintain-type targets
    (including one against the direction) are met or not; otherwise the rate decides, and without
    a baseline an actual that meets the target is ○. Where the mark uses the rate, the direction
    has no say in it (the target is not against the direction), so one rate serves both."""
    _check_direction(direction)
    baseline = as_decimal(baseline)
    decreasing = direction == DECREASE
    always_met_or_not = direction == MAINTAIN or at_least
    answers: list[tuple[Decimal | None, str]] = []
    for target, actual in pairs:
        if actual is None or target is None:
            answers.append((None, NO_MARK))
            continue
        if type(target) is not Decimal:  # as_decimal, without a call for what is one already
            target = as_decimal(target)
        if type(actual) is not Decimal:
            actual = as_decimal(actual)
        against = baseline is not None and (
            (direction == INCREASE and target < baseline) or (decreasing and target > baseline)
        )
        rate = None if baseline is None or target == baseline or against else (actual - baseline) / (target - baseline)
        meets = actual <= target if decreasing else actual >= target
        if always_met_or_not or against or (baseline is not None and baseline == target):
            answers.append((rate, ACHIEVED if meets else NOT_ACHIEVED))
        elif rate is None:
            answers.append((None, ACHIEVED if meets else NO_MARK))
        else:
            answers.append((rate, mark_for_rate(rate)))
    return answers


class YearTarget(NamedTuple):
    """A year's target. A named tuple, not a frozen dataclass: a nation's recompute builds five
    million of them, and a frozen dataclass takes ten times as long to build."""

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
    """The target for a year: the stated one, else on the line from baseline to final target
    (:func:`year_targets` of one year)."""
    return year_targets(
        years=(year,),
        baseline_year=baseline_year,
        baseline=baseline,
        target_year=target_year,
        target=target,
        stated=stated,
    )[0]


def year_targets(
    *,
    years: Iterable[int],
    baseline_year: int | None,
    baseline: Number | None,
    target_year: int | None,
    target: Number | None,
    stated: Mapping[int, Number | None] | None = None,
) -> list[YearTarget]:
    """The target for each of ``years``: the stated one, else on the line from baseline to final
    target.

    Years after the target year keep the final target; years at or before the baseline year
    have no target.
    """
    stated = stated or {}
    baseline, target = as_decimal(baseline), as_decimal(target)
    no_target, final, after_final = YearTarget(None, stated=False), YearTarget(target, True), YearTarget(target, False)
    interpolates = None not in (target, baseline, baseline_year, target_year) and target_year > baseline_year
    if interpolates:
        distance, span = target - baseline, target_year - baseline_year
        context = getcontext()
        precision = (context.prec, context.rounding)
    targets = []
    for year in years:
        if stated.get(year) is not None:
            targets.append(YearTarget(as_decimal(stated[year]), stated=True))
        elif target is None or target_year is None:
            targets.append(no_target)
        elif year == target_year:
            targets.append(final)
        elif year > target_year:
            targets.append(after_final)
        elif not interpolates or year <= baseline_year:
            targets.append(no_target)
        else:
            targets.append(YearTarget(baseline + distance * _share(year - baseline_year, span, precision), False))
    return targets


_SHARES: dict[tuple[int, int, tuple[int, str]], Decimal] = {}


def _share(elapsed: int, span: int, precision: tuple[int, str]) -> Decimal:
    """``Decimal(elapsed) / Decimal(span)``, the share of the way from the baseline to the final
    target, remembered: the same few (years elapsed, years in all) recur across a plan's KPIs, and
    a division to 28 digits is the dearest step of an interpolated target. Keyed by the context's
    precision and rounding, which the quotient depends on; forgotten past a few thousand."""
    key = (elapsed, span, precision)
    share = _SHARES.get(key)
    if share is None:
        if len(_SHARES) >= 4096:
            _SHARES.clear()
        share = _SHARES[key] = Decimal(elapsed) / Decimal(span)
    return share


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


# --- a KPI's outlooks year by year, in one pass -----------------------------------------------------

# outlook_for_rate's bounds as fractions (numerator, denominator): 1, ROUGHLY_THRESHOLD and 0
_RATE_BOUNDS = ((1, 1), (7, 10), (0, 1))
# Decimal rounds to 28 digits; an exact projection nearer a bound than 1e-18 of the magnitudes
# involved (see _exact_grade) is left to outlook() itself.
_TOLERANCE_INVERSE = 10**18
_DECIMAL_DIGITS = 28


def outlooks_as_actuals_accrue(
    *,
    direction: str,
    baseline_year: int | None,
    baseline: Number | None,
    target_year: int | None,
    target: Number | None,
    points: Sequence[tuple[int, Number]],
    at_least: bool = False,
) -> list[str]:
    """:func:`outlook` for each count of actuals known: item ``k`` is
    ``outlook(actuals=dict(points[:k]), …)``, where ``points`` are the measured (year, value)
    actuals sorted by year. A KPI's outlook in a year depends only on how many measured actuals it
    has up to that year, so its years share these.

    The least squares are carried as running sums of exact integers (the years less the first
    one's, the values over one common denominator), a few integer operations a count instead of a
    Decimal pass over every point; each grade is the one ``outlook`` gives (see
    :func:`_exact_grade`), and where the exact projection is too near a bound to be sure (an exact
    tie, as a straight series gives) it is ``outlook``'s own.
    """
    _check_direction(direction)
    points = [(year, as_decimal(value)) for year, value in points]
    if target is None or not points:
        return ["-"] * (len(points) + 1)
    try:
        if getcontext().prec < _DECIMAL_DIGITS:  # the tolerance assumes outlook's usual 28 digits
            raise ValueError("a coarser Decimal context")
        return ["-", *_outlooks_from_sums(direction, baseline_year, baseline, target_year, target, points, at_least)]
    except (ValueError, OverflowError):  # not a finite number, or a coarser context: outlook() decides
        return [
            outlook(
                direction=direction,
                baseline_year=baseline_year,
                baseline=baseline,
                target_year=target_year,
                target=target,
                actuals=dict(points[:count]),
                at_least=at_least,
            )
            for count in range(len(points) + 1)
        ]


def _outlooks_from_sums(direction, baseline_year, baseline, target_year, target, points, at_least) -> list[str]:
    """The grades of outlooks_as_actuals_accrue for one to all of ``points`` (Decimals)."""
    target = as_decimal(target)
    has_reference = baseline is not None and baseline_year is not None
    reference_year, reference = (baseline_year, as_decimal(baseline)) if has_reference else points[0]
    ratios = [value.as_integer_ratio() for value in (target, reference, *(value for _, value in points))]
    denominator = math.lcm(*(ratio[1] for ratio in ratios))
    target_scaled, reference_scaled, *values = (
        numerator * (denominator // own_denominator) for numerator, own_denominator in ratios
    )
    if is_maintain_type(direction=direction, baseline=baseline, target=target, at_least=at_least) or (
        target == reference
    ):
        # met or not: the projection's side of the target (below it, for a decreasing KPI)
        bounds, upwards = ((1, target_scaled),), direction != DECREASE
    else:
        # the rate's bounds on the projection, reference + share × (target − reference), times
        # the share's denominator; a rate grows as the projection moves towards the target
        bounds = tuple(
            (parts, parts * reference_scaled + share * (target_scaled - reference_scaled))
            for share, parts in _RATE_BOUNDS
        )
        upwards = target_scaled > reference_scaled
    # the magnitudes the tolerance scales with, over every point (more than a count's own: safe)
    largest_value = max(abs(target_scaled), abs(reference_scaled), *map(abs, values)) * 2 + 1
    largest_year = max(abs(reference_year), abs(points[-1][0]), abs(points[0][0]))
    decreasing = direction == DECREASE
    # the running sums over the trend: (x, y) = (year − reference_year, scaled value)
    count = sum_x = sum_y = sum_xx = sum_xy = 0
    if has_reference:
        count, sum_y = 1, reference_scaled
    grades = []
    for known, ((year, _value), scaled) in enumerate(zip(points, values, strict=True), start=1):
        x = year - reference_year
        count += 1
        sum_x += x
        sum_y += scaled
        sum_xx += x * x
        sum_xy += x * scaled
        # meets_target: already met (the scaled values share one positive denominator)
        if (scaled <= target_scaled) if decreasing else (scaled >= target_scaled):
            grades.append("A")
            continue
        if count < 2:
            grades.append("-")
            continue
        projection_year = target_year if target_year is not None else year
        spread = count * sum_xx - sum_x * sum_x
        if spread == 0:  # every point in one year: least_squares projects the mean
            numerator, spread, slope = sum_y, count, 0
        else:
            slope = count * sum_xy - sum_x * sum_y
            numerator = sum_y * sum_xx - sum_x * sum_xy + slope * (projection_year - reference_year)
        years = largest_year + abs(projection_year)
        magnitude = (largest_value * spread + abs(slope) * years + abs(numerator)) * (years + 1) * count * count
        grade = _exact_grade(numerator, spread, magnitude, bounds, upwards)
        if grade is None:
            grade = outlook(
                direction=direction,
                baseline_year=baseline_year,
                baseline=baseline,
                target_year=target_year,
                target=target,
                actuals=dict(points[:known]),
                at_least=at_least,
            )
        grades.append(grade)
    return grades


def _exact_grade(
    numerator: int, spread: int, magnitude: int, bounds: tuple[tuple[int, int], ...], upwards: bool
) -> str | None:
    """The grade :func:`outlook` gives a projection of ``numerator / spread`` (scaled values), from
    that exact value: met or not (one bound) or graded by the rate (three: 1, 0.7 and 0, each as
    ``(parts, parts × bound)``); None when the projection lies within the tolerance of a bound,
    where outlook's rounding could decide.

    Why the tolerance suffices: outlook's Decimal arithmetic (28 digits, a dozen operations a
    point) errs by about 1e-27 of the magnitudes it handles (the values, the slope times the years,
    the projection, the reference and the target), multiplied at most by the count of points
    squared and the years' size (the intercept is taken at year 0). ``magnitude`` is that product
    (times ``spread``); the tolerance is 1e-18 of it: below any difference a KPI's written values
    make, and many orders above the rounding, so both arithmetics put the projection on the same
    side of every bound. Compared in integers, exactly."""
    sides = []
    for parts, bound in bounds:
        difference = parts * numerator - bound * spread
        if abs(difference) * _TOLERANCE_INVERSE <= magnitude * parts:
            return None
        sides.append((difference > 0) == upwards)
    if len(sides) == 1:
        return "B" if sides[0] else "E"
    reaches, roughly, gains = sides
    return "B" if reaches else "C" if roughly else "D" if gains else "E"


# --- totals over several years (小郡's 人口の社会増: H27～R1 1,070人, target R2～R6 740人) --------------


def total_span(*, target_year: int | None, total_years: int | None) -> range | None:
    """The years a total target covers: the ``total_years`` years ending at the target year."""
    if target_year is None or not total_years:
        return None
    return range(target_year - total_years + 1, target_year + 1)


def running_total(*, actuals: Mapping[int, Number | None], span: range, year: int) -> Decimal | None:
    """The sum of the actuals from the span's first year to ``year``.

    None when ``year`` lies outside the span or any year so far has no actual (the total is unknown).
    """
    if year not in span:
        return None
    values = [as_decimal(actuals.get(each)) for each in range(span.start, year + 1)]
    if any(value is None for value in values):
        return None
    return sum(values, Decimal(0))


@dataclass(frozen=True)
class TotalStanding:
    """How a year of a total KPI is judged: its running total against the prorated totals."""

    running_total: Decimal | None
    target: Decimal | None  # the final total × years elapsed / total years
    baseline: Decimal | None  # the baseline total × years elapsed / total years (the same pace)


def total_standing(
    *,
    year: int,
    baseline: Number | None,
    target: Number | None,
    target_year: int | None,
    total_years: int | None,
    actuals: Mapping[int, Number | None],
    stated: Mapping[int, Number | None] | None = None,
    cumulative: bool = False,
) -> TotalStanding:
    """The rule for a KPI whose baseline and target are totals over N years (DOMAIN.md: "compared
    with the sum of the actuals over the same span"):

    the target's span is the N years ending at the target year; in its k-th year the running total
    (the actuals of the span's first k years added up) is compared with the target prorated to k
    years (target × k / N), measured from the baseline prorated the same way (baseline × k / N: the
    pace of the baseline's own N years). A stated yearly target is taken as that year's running-total
    target. A ``cumulative`` KPI's actuals are already running totals (`累計`): the year's actual is
    its running total. Outside the span there is nothing to judge.

    小郡 R5 (k = 4): 210 − 69 + 665 − 236 = 570人 against 740 × 4/5 = 592人: not met.
    """
    span = total_span(target_year=target_year, total_years=total_years)
    if span is None or year not in span:
        return TotalStanding(None, None, None)
    share = Decimal(year - span.start + 1) / Decimal(len(span))
    stated_value = (stated or {}).get(year)
    target = as_decimal(stated_value) if stated_value is not None else as_decimal(target)
    baseline = as_decimal(baseline)
    return TotalStanding(
        running_total=(
            as_decimal(actuals.get(year)) if cumulative else running_total(actuals=actuals, span=span, year=year)
        ),
        target=None if target is None else target if stated_value is not None else target * share,
        baseline=None if baseline is None else baseline * share,
    )


def total_outlook(
    *,
    direction: str,
    baseline: Number | None,
    target: Number | None,
    target_year: int | None,
    total_years: int | None,
    actuals: Mapping[int, Number | None],
    at_least: bool = False,
    cumulative: bool = False,
) -> str:
    """Will a total over N years reach its target? A–E or - (the outlook rule for totals).

    The span's measured actuals so far are added up (a ``cumulative`` KPI's latest actual is that
    sum already); A when that total already meets the target
    (a decreasing total only once the span is over, as later years can only add to it). Otherwise
    the pace so far is carried over the whole span (total × N / years measured) and graded like a
    projection: B (rate ≥ 1), C (≥ 0.7), D (> 0), E; maintain-type only B or E.
    """
    _check_direction(direction)
    span = total_span(target_year=target_year, total_years=total_years)
    if span is None or target is None:
        return "-"
    measured = [as_decimal(actuals[year]) for year in span if actuals.get(year) is not None]
    if not measured:
        return "-"
    target, baseline = as_decimal(target), as_decimal(baseline)
    if cumulative:
        latest = max(year for year in span if actuals.get(year) is not None)
        total, elapsed = measured[-1], latest - span.start + 1
    else:
        total, elapsed = sum(measured, Decimal(0)), len(measured)
    complete = elapsed == len(span)
    if (direction != DECREASE or complete) and meets_target(direction=direction, target=target, actual=total):
        return "A"
    projected = total * Decimal(len(span)) / Decimal(elapsed)
    if baseline is None or is_maintain_type(direction=direction, baseline=baseline, target=target, at_least=at_least):
        return "B" if meets_target(direction=direction, target=target, actual=projected) else "E"
    return outlook_for_rate((projected - baseline) / (target - baseline))


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
