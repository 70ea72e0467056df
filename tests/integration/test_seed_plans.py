"""The six seed plans, loaded completely: counts against the documents, KPIs by name, spot checks."""

from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command

from plans.models import Actual, Kpi, OfficialRating, PackageListing, Plan, PrintedTally, ProjectReview
from plans.services.progress import mark_for_year, plan_progress

from .seed_expectations import EXPECTED_COUNTS, KPI_NAMES

pytestmark = pytest.mark.django_db


def printed_ratings(plan: Plan) -> int:
    return (
        OfficialRating.objects.filter(kpi__plan=plan).count()
        + ProjectReview.objects.filter(project__plan=plan).exclude(rating_label="").count()
    )


@pytest.mark.parametrize("slug", sorted(EXPECTED_COUNTS))
def test_counts_equal_the_document(seed, slug):
    plan = Plan.objects.get(slug=slug)
    counts = {
        "goals": plan.goals.count(),
        "directions": plan.directions.count(),
        "projects": plan.projects.count(),
        "kpis": plan.kpis.count(),
        "actuals": Actual.objects.filter(kpi__plan=plan, status="measured").count(),
        "ratings": printed_ratings(plan),
    }
    assert counts == EXPECTED_COUNTS[slug]


@pytest.mark.parametrize("slug", sorted(KPI_NAMES))
def test_every_kpi_is_there_once_by_name(seed, slug):
    names = list(Kpi.objects.filter(plan__slug=slug).order_by("order").values_list("name", flat=True))
    assert Counter(names) == Counter(KPI_NAMES[slug])


def test_all_six_plans_are_loaded(seed):
    assert set(Plan.objects.values_list("slug", flat=True)) == set(EXPECTED_COUNTS)


def test_loading_again_duplicates_nothing(seed):
    before = {model: model.objects.count() for model in (Plan, Kpi, Actual, OfficialRating, ProjectReview)}
    call_command("load_seed_plans", verbosity=0)
    assert {model: model.objects.count() for model in before} == before


def test_repeat_listings_are_one_project_listed_twice(seed):
    plan = Plan.objects.get(slug="kurume-strategy-2")
    repeats = PackageListing.objects.filter(package__plan=plan, is_repeat=True).select_related("project")
    assert repeats.count() == 5
    for listing in repeats:
        assert listing.project.listings.count() == 2
    assert plan.projects.count() == 41


def test_regional_vision_lists_participating_municipalities(seed):
    plan = Plan.objects.get(slug="kurume-vision-3")
    assert plan.partners.count() == 5
    partial = {
        project.code
        for project in plan.projects.prefetch_related("municipalities")
        if project.municipalities.count() != 6
    }
    assert partial == {"19", "33", "38", "39"}
    assert plan.projects.get(code="1").lead_role


# --- the H29 report: marks printed for the goal-level numerical targets ---------------------------

H29_PRINTED_MARKS = {
    # name: {year: printed mark}
    "基準年を上回る年間新規雇用者数を毎年創出する": {2015: "○", 2016: "○", 2017: "○"},
    "市内の大学等の新卒者の市内企業への就職率": {2015: "△", 2016: "×", 2017: "×"},
    "大都市圏への転出超過数": {2015: "○", 2016: "○", 2017: "×"},
    "年間観光客数": {2015: "×", 2016: "×"},
    "子育てしやすいと思う市民の割合": {2015: "○", 2016: "○", 2017: "○"},
    "住みたいと思う市民の割合": {2015: "×", 2016: "×", 2017: "×"},
    "久留米市の滞在人口（平日）": {2016: "×"},
    "久留米市の滞在人口（休日）": {2016: "×"},
}


@pytest.mark.parametrize("name", sorted(H29_PRINTED_MARKS))
def test_h29_computed_marks_equal_the_printed_marks(seed, name):
    plan = Plan.objects.get(slug="kurume-strategy-1")
    progress = {item.kpi.name: item.kpi for item in plan_progress(plan.pk, 2017).kpis}
    printed = {
        rating.year: rating.label
        for rating in OfficialRating.objects.filter(kpi__plan=plan, kpi__name=name, kind="mark")
        if rating.label not in ("-", "—")
    }
    assert printed == H29_PRINTED_MARKS[name]
    assert {year: mark_for_year(progress[name], year) for year in printed} == printed


def test_h29_printed_tallies_per_direction_are_stored_as_printed(seed):
    tally = PrintedTally.objects.get(plan__slug="kurume-strategy-1", policy_direction__code="①")
    assert tally.kpi_count == 12
    assert tally.mark_counts == {"○": 7, "△": 2, "×": 2, "-": 1}
    assert tally.outlook_counts == {"A": 9, "B": 3}
    assert sum(PrintedTally.objects.filter(plan__slug="kurume-strategy-1").values_list("kpi_count", flat=True)) == 68


# --- 小郡: 第2期 -> 第3期 continuity --------------------------------------------------------------


def test_ogori_third_plan_kpis_link_to_their_predecessors(seed):
    third = Kpi.objects.filter(plan__slug="ogori-strategy-3")
    links = Counter(third.exclude(predecessor=None).values_list("predecessor_link", flat=True))
    assert links["continued"] >= 10
    assert links["moved"] >= 1
    moved = third.get(predecessor_link="moved", predecessor_label="2(4)から移動")
    assert moved.predecessor.plan.slug == "ogori-strategy-2"
    assert "空き家バンク登録物件数" in moved.name


def test_ogori_dropped_kpis_say_so_printed_or_silent(seed):
    second = Kpi.objects.filter(plan__slug="ogori-strategy-2", dropped_in_next_plan=True)
    labels = Counter(second.values_list("dropped_label", flat=True))
    assert labels["削除"] >= 2
    assert labels["削減"] >= 1
    assert labels[""] >= 9  # vanish from 第3期 without a mark


def test_ogori_vacant_house_bank_is_one_kpi_with_the_conflict_noted(seed):
    kpis = Kpi.objects.filter(plan__slug="ogori-strategy-2", name__contains="空き家バンク登録物件数")
    assert kpis.count() == 1
    assert kpis.get().note


def test_ogori_official_a_plus_is_kept_as_printed_even_when_the_target_is_not_met(seed):
    kpi = Kpi.objects.get(plan__slug="ogori-strategy-2", code="G2-1")
    assert kpi.official_ratings.get(kind="outlook").label == "A+"


# --- spot checks of the hardest notations ----------------------------------------------------------


def actual(slug: str, code: str, year: int) -> Actual:
    return Actual.objects.get(kpi__plan__slug=slug, kpi__code=code, year=year)


def test_negative_triangle_value(seed):
    social = actual("ogori-strategy-2", "G2-1", 2021)
    assert social.raw.startswith("△69")
    assert social.value == Decimal("-69")


def test_ijou_target_is_at_least(seed):
    kpi = Kpi.objects.get(plan__slug="kurume-strategy-1", code="G1-1")
    assert kpi.target_raw == "16,507人以上"
    assert kpi.target_at_least is True
    assert kpi.target_value == Decimal("16507")


def test_cumulative_to_year_annotation(seed):
    value = Actual.objects.get(kpi__plan__slug="ogori-strategy-2", raw="397件 (R4年度までの累計)")
    assert value.value == Decimal("397")
    assert value.cumulative_to_year == 2022


def test_shuukeichuu_is_no_value(seed):
    pending = Actual.objects.filter(kpi__plan__slug="kurume-strategy-1", raw="集計中")
    assert pending.count() == 3
    assert all(item.status == "pending" and item.value is None for item in pending)


def test_full_width_digits_are_read(seed):
    # The 小郡 sheet prints full-width digits in some cells; every measured value is a number.
    assert not Actual.objects.filter(status="measured", value=None).exists()
    from plans.rules.notation import parse_value

    assert parse_value("１８，１６５人").value == Decimal("18165")


@pytest.mark.parametrize(
    ("slug", "unit"),
    [
        ("kurume-vision-3", "億円"),
        ("kurume-vision-3", "千人"),
        ("ukiha-renaissance-2", "万人"),
        ("ogori-strategy-2", "g/人・日"),
        ("kurume-strategy-2", "百万円"),
        ("kurume-strategy-2", "人/ha"),
    ],
)
def test_units_are_kept_as_written(seed, slug, unit):
    assert Kpi.objects.filter(plan__slug=slug, unit=unit).exists()


def test_unreadable_values_are_kept_for_attention_not_dropped(seed):
    kept = Kpi.objects.filter(plan__slug="kurume-strategy-2", code="P3-5").get()
    assert kept.target_raw == "全国平均以上"
    assert kept.target_value is None
