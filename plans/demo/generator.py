"""Synthetic plans for the whole country: what ``generate_demo_data`` writes.

Every municipality gets one strategy plan (``demo-<code>``) of ``kpis_per_plan`` KPIs over
``years`` fiscal years: goals and policy directions as the seed plans have them, numerical
targets on the goals and KPIs on the directions, baselines and final targets written as staff
write them (``16,507人``, ``63.0%``, ``320,975百万円``, ``△69人``, ``1,603人以上``, ``維持``),
stated yearly targets for some KPIs, a decade of actuals with gaps, ``集計中`` and ``未把握``,
preliminary values, printed outlook ratings, a plan's own rating scale for some plans, every
year but the latest published, and departments in charge.

Deterministic: each municipality draws from its own ``random.Random`` seeded with the seed and
its code, so the data of a seed is the same whichever subset, order or process writes it.
Rows are plain tuples written with ``COPY`` (``plans.demo.bulk``); primary keys are reserved
first so that KPIs, actuals and targets can be written in one pass.
"""

from __future__ import annotations

import dataclasses
import functools
import multiprocessing
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, connections, transaction

from plans.choices import ActualStatus, Direction, KpiLevel, PlanKind, RatingKind, YearKind
from plans.demo.bulk import Table, reserve_ids
from plans.demo.catalogue import (
    DEPARTMENTS,
    GOAL_KIND_LABELS,
    GOALS,
    KPI_TEMPLATES,
    NAME_HEADS,
    NAME_TAILS,
    PLAN_TITLES,
    PREFECTURES,
    KpiTemplate,
)
from plans.models import (
    Actual,
    Department,
    Goal,
    Kpi,
    Municipality,
    OfficialRating,
    Plan,
    PolicyDirection,
    PublishedYear,
    RatingLabel,
    YearlyTarget,
)
from plans.rules import municipalities
from plans.rules.text import search_key
from plans.services import progress

SLUG_PREFIX = "demo-"
FIRST_YEAR = 2016
# 久留米's own scale (A,B → A; C → B; D,E → C), which some plans use instead of A–E.
OWN_SCALE = (("A", "AB", "達成済み・達成見込み"), ("B", "C", "概ね達成見込み"), ("C", "DE", "達成困難"))
SCALED_UNITS = {"人", "件", "千人", "百万円", "千万円", "千t-CO2"}  # sizes that grow with the town


@dataclass(frozen=True)
class Size:
    municipalities: int
    kpis_per_plan: int
    years: int
    seed: int = 1

    @property
    def last_year(self) -> int:
        return FIRST_YEAR + self.years - 1


@dataclass(frozen=True)
class Place:
    """A municipality as the generator sees it: its six-digit code, name and prefecture."""

    code: str
    name: str
    prefecture_code: str
    name_kana: str = ""
    name_romaji: str = ""


# --- municipalities -----------------------------------------------------------------------------


def national_places() -> list[Place]:
    """The country's 1,741 municipalities: the ones the project knows with their real names and
    codes, the others with a plausible name and a valid code (prefecture, a number in the range
    of its kind (1xx wards, 2xx cities, 3xx–5xx towns and villages), the check digit)."""
    known = {code5: (name, kana, romaji) for name, (code5, kana, romaji) in municipalities.KNOWN_MUNICIPALITIES.items()}
    taken = {name for name, _kana, _romaji in known.values()}
    places = []
    for prefecture_code, _prefecture, count in PREFECTURES:
        numbers = _municipality_numbers(prefecture_code, count, known)
        for number in numbers:
            code5 = f"{prefecture_code}{number:03d}"
            if code5 in known:
                name, kana, romaji = known[code5]
                places.append(Place(municipalities.full_code(code5), name, prefecture_code, kana, romaji))
                continue
            name = _plausible_name(code5, number, taken)
            taken.add(name)
            places.append(Place(municipalities.full_code(code5), name, prefecture_code))
    return places


def _municipality_numbers(prefecture_code: str, count: int, known: dict) -> list[int]:
    """Numbers for ``count`` municipalities: the known ones, Tokyo's 23 wards, then about a third
    cities (201…) and the rest towns and villages (301… in steps, as counties number them)."""
    numbers = sorted(int(code5[2:]) for code5 in known if code5.startswith(prefecture_code))
    if prefecture_code == "13":
        numbers += range(101, 124)
    cities = max(1, (count - len(numbers)) // 3)
    candidates = [number for number in range(201, 200 + cities + 1)] + list(range(301, 1000, 2))
    for number in candidates:
        if len(numbers) >= count:
            break
        if number not in numbers:
            numbers.append(number)
    return sorted(numbers)


def _plausible_name(code5: str, number: int, taken: set[str]) -> str:
    suffix = "区" if number < 200 else "市" if number < 300 else ("村" if number % 7 == 0 else "町")
    draw = random.Random(f"name:{code5}")
    while True:
        name = draw.choice(NAME_HEADS) + draw.choice(NAME_TAILS) + suffix
        if name not in taken:
            return name


def chosen_places(count: int, seed: int) -> list[Place]:
    """``count`` municipalities of the country (all of them at 1,741), spread over the prefectures
    by a draw of the seed; ordered by code."""
    places = national_places()
    if count > len(places):
        raise ValueError(f"市区町村は全国で{len(places)}です(指定 {count})。")
    if count < len(places):
        places = random.Random(f"places:{seed}").sample(places, count)
    return sorted(places, key=lambda place: place.code)


def save_places(places: list[Place]) -> dict[str, int]:
    """The municipalities and their departments, created unless a municipality of the same code
    exists (the seed plans' 久留米市…); municipality id by code."""
    existing = dict(Municipality.objects.filter(code__in=[place.code for place in places]).values_list("code", "pk"))
    new = [place for place in places if place.code not in existing]
    clashes = set(Municipality.objects.filter(name__in=[place.name for place in new]).values_list("name", flat=True))
    prefectures = {code: name for code, name, _count in PREFECTURES}
    new = [  # a name another municipality already has (names are unique) gets its prefecture's
        dataclasses.replace(place, name=f"{place.name}({prefectures[place.prefecture_code]})"[:50])
        if place.name in clashes
        else place
        for place in new
    ]
    ids = reserve_ids(Municipality, len(new))
    Table(Municipality, ("id", "code", "name", "name_kana", "name_romaji", "prefecture_code")).insert(
        [
            (pk, place.code, place.name, place.name_kana, place.name_romaji, place.prefecture_code)
            for pk, place in zip(ids, new, strict=True)
        ]
    )
    by_code = {**existing, **{place.code: pk for pk, place in zip(ids, new, strict=True)}}
    have = set(Department.objects.filter(municipality_id__in=by_code.values()).values_list("municipality_id", "name"))
    Table(Department, ("municipality_id", "name")).insert(
        [
            (by_code[place.code], name)
            for place in places
            for name in _departments(place)
            if (by_code[place.code], name) not in have
        ]
    )
    return by_code


def _departments(place: Place) -> list[str]:
    draw = random.Random(f"departments:{place.code}")
    return sorted(draw.sample(DEPARTMENTS, draw.randint(7, len(DEPARTMENTS))), key=DEPARTMENTS.index)


# --- plans ----------------------------------------------------------------------------------------

PLAN = Table(
    Plan,
    ("id", "slug", "title", "kind", "municipality_id", "first_year", "last_year", "report_year", "source_document"),
)
LABEL = Table(RatingLabel, ("plan_id", "label", "canonical", "meaning", "order"))
PUBLISHED = Table(PublishedYear, ("plan_id", "year"))
GOAL = Table(Goal, ("id", "plan_id", "number", "kind_label", "title"))
DIRECTION = Table(PolicyDirection, ("id", "plan_id", "goal_id", "code", "title", "order"))
KPI = Table(
    Kpi,
    (
        "id",
        "plan_id",
        "level",
        "goal_id",
        "policy_direction_id",
        "code",
        "name",
        "unit",
        "direction",
        "is_cumulative",
        "year_kind",
        "is_numerical_target",
        "department_id",
        "baseline_year",
        "baseline_value",
        "baseline_raw",
        "target_year",
        "target_value",
        "target_raw",
        "target_at_least",
        "total_years",
        "order",
        "search_text",
    ),
)
TARGET = Table(YearlyTarget, ("kpi_id", "year", "value", "raw", "at_least"))
ACTUAL = Table(Actual, ("kpi_id", "year", "value", "raw", "status", "is_preliminary", "note"))
RATING = Table(OfficialRating, ("kpi_id", "kind", "year", "label", "as_of"))


class Rows:
    """The rows of a chunk of plans, table by table, written together."""

    def __init__(self):
        self.tables = {table: [] for table in (PLAN, LABEL, PUBLISHED, GOAL, DIRECTION, KPI, TARGET, ACTUAL, RATING)}

    def add(self, table: Table, row: tuple) -> None:
        self.tables[table].append(row)

    def write(self) -> None:
        for table, rows in self.tables.items():  # parents first
            table.insert(rows)


def generate_plans(places: list[Place], municipality_ids: dict[str, int], size: Size) -> list[int]:
    """One plan for each of ``places``, in one transaction; the new plans' ids."""
    with transaction.atomic():
        departments: dict[int, list[int]] = {}
        for municipality_id, department_id in (
            Department.objects.filter(municipality_id__in=[municipality_ids[place.code] for place in places])
            .order_by("municipality_id", "name")
            .values_list("municipality_id", "pk")
        ):
            departments.setdefault(municipality_id, []).append(department_id)
        shapes = [_plan_shape(place, size) for place in places]
        plan_ids = iter(reserve_ids(Plan, len(places)))
        goal_ids = iter(reserve_ids(Goal, sum(len(shape) for shape in shapes)))
        direction_ids = iter(reserve_ids(PolicyDirection, sum(sum(shape) for shape in shapes)))
        kpi_ids = iter(reserve_ids(Kpi, len(places) * size.kpis_per_plan))
        rows = Rows()
        new_plans = []
        for place, shape in zip(places, shapes, strict=True):
            municipality_id = municipality_ids[place.code]
            plan_id = next(plan_ids)
            new_plans.append(plan_id)
            _plan(rows, place, size, shape, plan_id, municipality_id, departments.get(municipality_id, []),
                  goal_ids, direction_ids, kpi_ids)  # fmt: skip
        rows.write()
    return new_plans


def _plan_shape(place: Place, size: Size) -> list[int]:
    """How many directions each goal of the municipality's plan has (4 or 5 goals)."""
    draw = random.Random(f"shape:{size.seed}:{place.code}")
    return [draw.randint(2, len(directions)) for _title, directions in GOALS[: draw.randint(4, len(GOALS))]]


def _plan(rows, place, size, shape, plan_id, municipality_id, departments, goal_ids, direction_ids, kpi_ids):
    draw = random.Random(f"plan:{size.seed}:{place.code}")
    years = range(FIRST_YEAR, size.last_year + 1)
    title = draw.choice(PLAN_TITLES).format(term=2, name=place.name)
    rows.add(PLAN, (plan_id, f"{SLUG_PREFIX}{place.code}", title[:200], PlanKind.STRATEGY, municipality_id,
                    years.start, years.stop - 1, years.stop - 1, "合成データ (generate_demo_data)"))  # fmt: skip
    labels = "ABCDE"
    if draw.random() < 0.2:
        labels = "".join(label for label, _canonical, _meaning in OWN_SCALE)
        for order, (label, canonical, meaning) in enumerate(OWN_SCALE):
            rows.add(LABEL, (plan_id, label, canonical, meaning, order))
    for year in years[:-1]:  # the latest year is still under review
        rows.add(PUBLISHED, (plan_id, year))
    kind_label = draw.choice(GOAL_KIND_LABELS)
    goals, directions = [], []
    for number, directions_count in enumerate(shape, start=1):
        goal_title, direction_titles = GOALS[number - 1]
        goal_id = next(goal_ids)
        goals.append((number, goal_id))
        rows.add(GOAL, (goal_id, plan_id, number, kind_label, goal_title))
        for index in range(1, directions_count + 1):
            direction_id = next(direction_ids)
            directions.append((number, index, direction_id))
            code = f"{number}({index})"
            rows.add(DIRECTION, (direction_id, plan_id, goal_id, code, direction_titles[index - 1], index))
    town_size = draw.lognormvariate(0, 0.9)
    templates = list(KPI_TEMPLATES)
    draw.shuffle(templates)
    for index in range(size.kpis_per_plan):
        template = templates[index % len(templates)]
        if index < len(goals):  # each goal's numerical target (数値目標) first
            number, goal_id = goals[index]
            attachment = (KpiLevel.GOAL, goal_id, None, f"{number}-0-{index + 1}")
        else:
            number, direction_index, direction_id = directions[index % len(directions)]
            attachment = (KpiLevel.DIRECTION, None, direction_id, f"{number}({direction_index})-{index + 1}")
        department = departments[index % len(departments)] if departments else None
        _kpi(rows, draw, next(kpi_ids), plan_id, template, attachment, department, index, years, town_size, labels)


def _kpi(rows, draw, kpi_id, plan_id, template: KpiTemplate, attachment, department, index, years, town_size, labels):
    level, goal_id, direction_id, code = attachment
    scaled = template.unit in SCALED_UNITS and not template.cumulative
    size = town_size if scaled else 1.0
    baseline = template.baseline * size * draw.uniform(0.8, 1.2)
    if template.total_years:
        baseline *= draw.uniform(0.5, 1.5)
    baseline_year, target_year = years.start - 1, years.stop - 1
    name = template.name if index < len(KPI_TEMPLATES) else f"{template.name}({_district(draw)})"
    target_follows_baseline = False
    at_least = False
    if template.direction == Direction.MAINTAIN:
        at_least = draw.random() < 0.6
        target_follows_baseline = not at_least
        target = baseline
    else:
        target = baseline * (1 + template.change * draw.uniform(0.5, 1.5))
    baseline_value, baseline_raw = written(baseline, template)
    target_value, target_raw = written(target, template)
    if target_follows_baseline:
        target_value, target_raw = None, "維持"
    elif at_least:
        target_raw += "以上"
    rows.add(KPI, (kpi_id, plan_id, level, goal_id, direction_id, code, name, template.unit, template.direction,
                   template.cumulative, YearKind.CALENDAR if draw.random() < 0.1 else YearKind.FISCAL,
                   level == KpiLevel.GOAL, department, baseline_year, baseline_value, baseline_raw, target_year,
                   target_value, target_raw, at_least, template.total_years, index,
                   search_key(name)[:400]))  # fmt: skip
    span = target_year - baseline_year
    if not template.total_years and draw.random() < 0.25:  # stated yearly targets, every other year
        for year in years[1::2]:
            if year != target_year:
                value, raw = written(baseline + (target - baseline) * (year - baseline_year) / span, template)
                rows.add(TARGET, (kpi_id, year, value, raw, at_least))
    pace = draw.uniform(-0.4, 1.4)  # how far towards the target the actuals go
    running = baseline
    for year in years:
        last = year == years.stop - 1
        roll = draw.random()
        if roll < 0.03:
            continue  # a gap: nothing written for the year
        if last and roll < 0.15:
            rows.add(ACTUAL, (kpi_id, year, None, "集計中", ActualStatus.PENDING, False, ""))
            continue
        if roll < 0.045:
            rows.add(ACTUAL, (kpi_id, year, None, "未把握", ActualStatus.UNMEASURED, False, "調査未実施"))
            continue
        share = (year - baseline_year) / span
        if template.total_years:
            amount = target / template.total_years * pace + draw.gauss(0, abs(target) / template.total_years * 0.6)
        elif template.cumulative:
            running += max(0.0, (target - baseline) / span * pace + draw.gauss(0, abs(target - baseline) / span))
            amount = running
        else:
            amount = baseline + (target - baseline) * share * pace + draw.gauss(0, abs(baseline) * 0.03)
        if template.unit == "%" and not template.total_years:
            amount = min(max(amount, 0.0), 100.0)
        elif not template.total_years:
            amount = max(amount, 0.0)
        value, raw = written(amount, template)
        preliminary = last and draw.random() < 0.3
        rows.add(ACTUAL, (kpi_id, year, value, f"(速報値) {raw}" if preliminary else raw,
                          ActualStatus.MEASURED, preliminary, ""))  # fmt: skip
    if draw.random() < 0.15:  # the outlook printed for the year before the latest, as of the April after it
        rated = years.stop - 2
        rows.add(RATING, (kpi_id, RatingKind.OUTLOOK, rated, draw.choice(labels), f"R{rated + 1 - 2018}.4現在"))


def _district(draw) -> str:
    return draw.choice(("中央地区", "北部地区", "南部地区", "東部地区", "西部地区", "市全体", "中心市街地"))


def written(amount: float, template: KpiTemplate) -> tuple[Decimal, str]:
    """A value at the template's decimal places, and as staff write it: thousands separators,
    the unit glued on, △ for a minus (``16,507人``, ``63.0%``, ``△69人``)."""
    value = Decimal(f"{amount:.{template.places}f}")
    if value == 0:
        value = abs(value)  # no "-0"
    text = f"{abs(value):,.{template.places}f}" if template.grouped else f"{abs(value):.{template.places}f}"
    return value, f"{'△' if value < 0 else ''}{text}{template.unit}"


# --- the whole run ---------------------------------------------------------------------------------


def generate(size: Size, *, jobs: int = 1, plans_per_chunk: int = 10) -> Iterator[tuple[str, int, int]]:
    """Write the synthetic dataset: municipalities and departments, then the plans a chunk a
    transaction (``jobs`` forked processes on PostgreSQL, each with its own connection and its own
    chunks), then their stored progress (``recompute_in_processes``). Yields (phase, done, total)
    as it goes, for a progress bar."""
    if Plan.objects.filter(slug__startswith=SLUG_PREFIX).exists():
        raise ValueError("合成データ (demo-…) が既にあります。空のデータベースで実行してください。")
    places = chosen_places(size.municipalities, size.seed)
    with transaction.atomic():
        municipality_ids = save_places(places)
    chunks = [places[start : start + plans_per_chunk] for start in range(0, len(places), plans_per_chunk)]
    work = functools.partial(_generate_chunk, municipality_ids=municipality_ids, size=size)
    plan_ids: list[int] = []
    for written in _in_processes(work, chunks, jobs):
        plan_ids += written
        yield "plans", len(plan_ids), len(places)
    done = 0
    for plans_done, _rows in progress.recompute_in_processes(sorted(plan_ids), jobs=jobs, replace=False):
        done += plans_done
        yield "progress", done, len(plan_ids)


def _generate_chunk(places: list[Place], *, municipality_ids: dict[str, int], size: Size) -> list[int]:
    return generate_plans(places, municipality_ids, size)


def _in_processes(work, chunks: list, jobs: int) -> Iterator:
    if jobs <= 1 or connection.vendor == "sqlite" or len(chunks) <= 1 or connection.in_atomic_block:
        yield from map(work, chunks)
        return
    connections.close_all()  # a forked child must not share the parent's connection
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap_unordered(work, chunks)
