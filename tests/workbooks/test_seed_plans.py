"""The six seed plans, loaded completely: counts against the documents, KPIs by name, spot checks."""

from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from plans.models import (
    Actual,
    Department,
    Kpi,
    OfficialRating,
    PackageListing,
    Plan,
    PrintedTally,
    Project,
    ProjectReview,
)
from plans.rules.progress import mark_for_value, mark_for_year
from plans.selectors.progress import kpi_values, plan_progress
from workbooks.plan_export import plan_rows
from workbooks.seeds import transcribed_rows

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


def test_ogori_third_plan_links_only_what_the_document_prints(seed):
    # 003's 第3期 columns print 14 KPIs continued on their rows and one move (2(4)から移動); no
    # replacement is printed anywhere, so a different KPI on the row of a silently dropped one is new.
    third = Kpi.objects.filter(plan__slug="ogori-strategy-3")
    links = Counter(third.exclude(predecessor=None).values_list("predecessor_link", flat=True))
    assert links == {"continued": 14, "moved": 1}
    moved = third.get(predecessor_link="moved", predecessor_label="2(4)から移動")
    assert moved.predecessor.plan.slug == "ogori-strategy-2"
    assert moved.predecessor.code == "2(4)-1"
    assert "空き家バンク登録物件数" in moved.name
    continued = third.get(code="2(4)-1")  # 第2期 2(5) became 第3期 2(4): continued across the renumbering
    assert (continued.predecessor.code, continued.predecessor_link) == ("2(5)-1", "continued")


@pytest.mark.parametrize(
    ("code", "name", "on_the_row_of"),
    [
        ("1(3)-n1", "スマート農業機械設備等の導入件数 (R4~)", "1(3)-2"),
        ("2(1)-n1", "ふるさと納税リピーター者数(H28～)", "2(1)-3"),
        ("2(1)-n2", "企業版ふるさと納税件数(R2～)", "2(1)-5"),
        ("3(1)-n1", "小郡市で今後も子育てをしていきたいと回答した割合", "3(1)-1"),
    ],
)
def test_ogori_new_kpi_on_the_row_of_a_dropped_one_is_new_not_a_replacement(seed, code, name, on_the_row_of):
    kpi = Kpi.objects.get(plan__slug="ogori-strategy-3", code=code)
    assert kpi.name == name
    assert kpi.predecessor is None and kpi.predecessor_link == ""
    dropped = Kpi.objects.get(plan__slug="ogori-strategy-2", code=on_the_row_of)
    assert (dropped.dropped_in_next_plan, dropped.dropped_label) == (True, "")  # silently dropped
    assert not dropped.successors.exists()


def test_ogori_dropped_kpis_say_so_printed_or_silent(seed):
    second = Kpi.objects.filter(plan__slug="ogori-strategy-2", dropped_in_next_plan=True)
    labels = Counter(second.values_list("dropped_label", flat=True))
    assert labels["削除"] >= 2
    assert labels["削減"] >= 1
    assert labels[""] >= 9  # vanish from 第3期 without a mark


def test_ogori_vacant_house_bank_is_one_kpi_with_the_conflict_noted(seed):
    kpis = Kpi.objects.filter(plan__slug="ogori-strategy-2", name__contains="空き家バンク登録物件数")
    assert kpis.count() == 1
    kpi = kpis.get()
    # The row under 2(4), where the 第2期 lists it: yearly registrations (4, 0, 1, 0), not a running
    # total; the document does not call the 第2期 KPI cumulative (only the 第3期's (H30～) is).
    assert kpi.is_cumulative is False
    assert (kpi.baseline_value, kpi.target_value) == (Decimal("2"), Decimal("14"))
    actuals = {actual.year: actual for actual in kpi.actuals.all()}
    assert {year: actual.value for year, actual in actuals.items()} == {2020: 4, 2021: 0, 2022: 1, 2023: 0}
    # The other row (under 2(1), 2(4)から移動: 4, 5, 6, 0) stays visible where it differs.
    assert "5件" in actuals[2021].note and "2(4)から移動" in actuals[2021].note
    assert "6件" in actuals[2022].note
    assert actuals[2020].note == actuals[2023].note == ""  # the two rows agree there
    assert "記載の相違" in kpi.note
    assert "R3 5件 / R4 6件" in kpi.note and "R3 0件 / R4 1件" in kpi.note
    successor = kpi.successors.get()
    assert successor.is_cumulative is True  # 第3期: 空き家バンク登録物件数(H30～)


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


def test_zenkoku_heikin_ijou_is_an_at_least_target_in_words(seed, client):
    kpi = Kpi.objects.get(plan__slug="kurume-strategy-2", code="P3-5")
    assert kpi.target_raw == "全国平均以上"
    assert kpi.target_value is None  # no number: the national average is not in the plan
    assert kpi.target_at_least is True
    assert kpi.baseline_value == Decimal("-2.6")  # 全国平均から▲2.6
    # Readable, not 要確認: neither the seed workbook nor an export asks for attention.
    for rows in (transcribed_rows()["kurume-strategy-2"], plan_rows("kurume-strategy-2")):
        row = next(row for row in rows["kpis"] if row["code"] == "P3-5")
        assert (row["target"], row["keep_unreadable"]) == ("全国平均以上", "")
    # Shown as the target, in words.
    page = client.get(reverse("plans:kpi-detail", args=["kurume-strategy-2", "P3-5"]))
    assert page.status_code == 200
    assert "全国平均以上" in page.content.decode()
    # No year can be judged against it until the national average is known: the mark is -.
    Actual.objects.create(kpi=kpi, year=2021, raw="全国平均から▲1.0", value=Decimal("-1.0"))
    assert mark_for_year(kpi_values(Kpi.objects.get(pk=kpi.pk)), 2021) == "-"


def test_maintain_target_in_words_is_readable_and_keeps_its_printed_marks(seed):
    kpi = Kpi.objects.get(plan__slug="kurume-strategy-1", code="G5-1")
    # 滞在人口を維持: stored as the baseline (241,724人), direction maintain; the words stay as printed.
    assert (kpi.target_raw, kpi.target_value, kpi.target_at_least) == ("滞在人口を維持", kpi.baseline_value, False)
    assert (kpi.baseline_value, kpi.direction) == (Decimal("241724"), "maintain")
    assert {target.value for target in kpi.yearly_targets.all()} == {Decimal("241724")}
    row = next(row for row in transcribed_rows()["kurume-strategy-1"]["kpis"] if row["code"] == "G5-1")
    assert row["keep_unreadable"] == ""
    # The maintain rule: H28 240,014人 is below 241,724人: ×, as printed; a year at the level is ○.
    values = kpi_values(kpi)
    assert mark_for_year(values, 2016) == "×"
    assert mark_for_value(values, 2016, Decimal("241724")) == "○"


def test_part_of_a_whole_baseline_is_read_as_the_part(seed):
    # 第3期 4(5): R5基準値 `36事業/39事業(92.3%)`; the KPI counts projects (目標値 39事業), and the
    # 第2期 KPI's R5 actual is 36事業: the value is 36 事業, the printed text and the share are kept.
    kpi = Kpi.objects.get(plan__slug="ogori-strategy-3", code="4(5)-1")
    assert kpi.baseline_raw == "36事業/39事業(92.3%)"
    assert (kpi.baseline_value, kpi.unit, kpi.baseline_year) == (Decimal("36"), "事業", 2023)
    assert "92.3%" in kpi.baseline_note
    assert kpi.target_value == Decimal("39")
    assert kpi.predecessor.actuals.get(year=2023).value == kpi.baseline_value


# --- names with 「・」 are one name, not two ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "municipality", "projects", "kpis"),
    [
        (
            "保育所・幼稚園課",
            "小郡市",
            {"ogori-strategy-2": {"3(2)-①", "3(3)-①"}, "ogori-strategy-3": {"3(2)-①", "3(3)-①"}},
            {"3(2)-1"},  # 第2期 待機児童数
        ),
        (
            "人権・同和教育課",
            "小郡市",
            {"ogori-strategy-2": {"3(3)-①", "4(1)-②"}, "ogori-strategy-3": {"3(3)-①", "4(1)-②"}},
            set(),
        ),
    ],
)
def test_departments_with_nakaguro_are_stored_whole(seed, name, municipality, projects, kpis):
    department = Department.objects.get(name=name)
    assert department.municipality.name == municipality
    linked = {}
    for project in Project.objects.filter(departments=department).select_related("plan"):
        linked.setdefault(project.plan.slug, set()).add(project.code)
    assert linked == projects
    assert set(Kpi.objects.filter(department=department).values_list("code", flat=True)) == kpis
    halves = name.split("・")
    assert not Department.objects.filter(name__in=[halves[0], halves[1]]).exists()


@pytest.mark.parametrize(
    ("section", "codes"),
    [
        ("計画・準備係", {"2-4-3", "4-1-7", "4-1-8"}),
        ("食育・健康対策係", {"3-2-2", "3-2-3", "3-4-1", "3-4-5", "3-4-8"}),
    ],
)
def test_ukiha_sections_with_nakaguro_are_stored_whole(seed, section, codes):
    projects = Project.objects.filter(plan__slug="ukiha-renaissance-2").select_related("plan__municipality")
    holding = {project.code for project in projects if section in project.sections.split("、")}
    assert codes <= holding
    assert all(project.plan.municipality.name == "うきは市" for project in projects)
    halves = section.split("・")
    assert not any(half in project.sections.split("、") for project in projects for half in halves)
