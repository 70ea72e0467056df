"""generate_demo_data: the counts asked for, data the models' constraints and the rules accept
(stored progress equal to the reference ``computed_rows``), real codes and names where the
project knows them and valid codes elsewhere, the same data for the same seed."""

from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from plans.choices import ActualStatus, Direction
from plans.demo.catalogue import NATIONAL_MUNICIPALITIES, PREFECTURES, KpiTemplate
from plans.demo.generator import chosen_places, national_places, written
from plans.models import (
    Actual,
    Goal,
    Kpi,
    KpiYearProgress,
    Municipality,
    Plan,
    PolicyDirection,
    ProgressTally,
    PublishedYear,
    YearlyTarget,
)
from plans.rules import municipalities
from plans.rules.text import search_key
from plans.selectors.base import stored_rows
from plans.services import progress

pytestmark = pytest.mark.django_db
SIZE = ("--municipalities", "3", "--kpis-per-plan", "20", "--years", "5")


def generate(*extra: str) -> list[Plan]:
    call_command("generate_demo_data", *SIZE, *extra)
    return list(Plan.objects.filter(slug__startswith="demo-").order_by("slug"))


def content(plans) -> list[tuple]:
    """The generated data without database ids: what a seed decides."""
    kpis = Kpi.objects.filter(plan__in=plans)
    return [
        sorted(
            Plan.objects.filter(pk__in=[p.pk for p in plans]).values_list("slug", "title", "first_year", "last_year")
        ),
        sorted(
            kpis.values_list(
                "plan__slug", "code", "name", "unit", "direction", "baseline_raw", "target_raw", "department__name"
            )
        ),
        sorted(
            Actual.objects.filter(kpi__in=kpis).values_list("kpi__plan__slug", "kpi__code", "year", "raw", "status")
        ),
        sorted(YearlyTarget.objects.filter(kpi__in=kpis).values_list("kpi__plan__slug", "kpi__code", "year", "raw")),
        sorted(PublishedYear.objects.filter(plan__in=plans).values_list("plan__slug", "year")),
    ]


def test_the_counts_asked_for_and_valid_data():
    plans = generate()
    assert len(plans) == 3
    for plan in plans:
        assert (plan.first_year, plan.last_year) == (2016, 2020)
        assert Kpi.objects.filter(plan=plan).count() == 20
        assert Goal.objects.filter(plan=plan).count() >= 4
        assert PolicyDirection.objects.filter(plan=plan).count() >= 8
        assert list(PublishedYear.objects.filter(plan=plan).values_list("year", flat=True).order_by("year")) == [
            2016,
            2017,
            2018,
            2019,
        ]
        assert municipalities.is_valid_code(plan.municipality.code)
        assert plan.municipality.prefecture_code == plan.municipality.code[:2]
    kpis = Kpi.objects.filter(plan__in=plans)
    actuals = Actual.objects.filter(kpi__in=kpis)
    # Every KPI has at most one actual a year; gaps leave some years without one.
    assert 0 < actuals.count() <= 60 * 5
    assert all(kpi.search_text == search_key(kpi.name)[:400] for kpi in kpis)
    for kpi in kpis.filter(target_raw="維持"):
        assert kpi.direction == Direction.MAINTAIN and kpi.target_value is None
    statuses = set(actuals.values_list("status", flat=True))
    assert ActualStatus.MEASURED in statuses
    assert not actuals.filter(status=ActualStatus.MEASURED, value__isnull=True).exists()
    assert not actuals.exclude(status=ActualStatus.MEASURED).filter(value__isnull=False).exists()
    for model in (Municipality, Plan, Kpi, Actual, YearlyTarget, KpiYearProgress, ProgressTally):
        for instance in model.objects.all()[:200]:
            instance.full_clean(validate_unique=False)  # the fields' and the constraints' checks


def test_the_stored_progress_is_the_reference():
    plans = generate()
    for plan in plans:
        stored = sorted(KpiYearProgress.objects.filter(plan=plan).values_list(*progress.ROW_COLUMNS))
        reference = sorted(
            tuple(getattr(row, name) for name in progress.ROW_COLUMNS) for row in progress.computed_rows(plan)
        )
        assert stored == reference
        for public in (False, True):  # a row a KPI-year in each view (the citizens' partly the staff's)
            assert stored_rows(public=public).filter(plan=plan).count() == 20 * 5
        assert ProgressTally.objects.filter(plan=plan, scope="plan", view="staff").count() == 5


def test_a_seed_gives_the_same_data_and_another_seed_other_data():
    first = content(generate("--seed", "7"))
    Plan.objects.filter(slug__startswith="demo-").delete()
    assert content(generate("--seed", "7")) == first
    Plan.objects.filter(slug__startswith="demo-").delete()
    assert content(generate("--seed", "8")) != first


def test_a_second_run_refuses_to_add_to_the_demo_plans():
    generate()
    with pytest.raises(CommandError):
        call_command("generate_demo_data", *SIZE)


def test_the_country_real_names_where_known_valid_codes_everywhere():
    places = national_places()
    assert len(places) == NATIONAL_MUNICIPALITIES == 1741
    assert len({place.code for place in places}) == len({place.name for place in places}) == 1741
    assert all(municipalities.is_valid_code(place.code) for place in places)
    by_name = {place.name: place.code for place in places}
    for name, (code5, _kana, _romaji) in municipalities.KNOWN_MUNICIPALITIES.items():
        assert by_name[name] == municipalities.full_code(code5)
    per_prefecture = Counter(place.prefecture_code for place in places)
    assert per_prefecture["01"] == 179 and per_prefecture["13"] == 62 and per_prefecture["40"] == 60
    assert chosen_places(50, seed=1) == chosen_places(50, seed=1) != chosen_places(50, seed=2)


@pytest.mark.parametrize(
    ("amount", "places", "unit", "expected"),
    [
        (16507, 0, "人", "16,507人"),
        (63.04, 1, "%", "63.0%"),
        (-69, 0, "人", "△69人"),
        (320975, 0, "百万円", "320,975百万円"),
        (1.424, 2, "", "1.42"),
        (-0.001, 0, "人", "0人"),
    ],
)
def test_values_are_written_as_staff_write_them(amount, places, unit, expected):
    value, raw = written(amount, KpiTemplate("x", unit, "increase", 1, 0, places=places))
    assert raw == expected
    assert str(value).lstrip("-") == expected.replace(",", "").replace("△", "").removesuffix(unit)


def test_a_name_already_taken_gets_its_prefecture():
    """Municipality names are unique: a generated name another municipality has is told apart."""
    place = chosen_places(3, seed=1)[0]
    Municipality.objects.create(name=place.name)
    generate()
    prefecture = next(name for code, name, _count in PREFECTURES if code == place.prefecture_code)
    assert Municipality.objects.get(code=place.code).name == f"{place.name}({prefecture})"
