"""Planners' dashboards on the seed plans: access, the H29 report's figures, the KPI table, charts."""

import csv
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from openpyxl import load_workbook

from plans import access
from plans.models import Kpi, Municipality, Plan, PrintedTally, StaffProfile
from plans.rules.notation import parse_value
from staff.overview import normalise_printed_mark, printed_counts
from tests.workbooks.test_seed_plans import H29_PRINTED_MARKS

pytestmark = pytest.mark.django_db

H29 = "kurume-strategy-1"

# The H29 report's goal-level table (002_…txt, 3 数値目標 of each goal), the H29 row of each
# numerical target as printed: (target, actual, mark).
H29_DOCUMENT = {
    "基準年を上回る年間新規雇用者数を毎年創出する": ("16,507人以上", "17,861人", "○"),
    "市内の大学等の新卒者の市内企業への就職率": ("15.0%", "9.6%", "×"),
    "大都市圏への転出超過数": ("550人", "630人", "×"),
    "年間観光客数": ("650万人", "集計中", "—"),
    "子育てしやすいと思う市民の割合": ("75.0%", "78.0%", "○"),
    "住みたいと思う市民の割合": ("78.0%", "72.2%", "×"),
    "久留米市の滞在人口（平日）": ("滞在人口を維持", "集計中", "—"),
    "久留米市の滞在人口（休日）": ("滞在人口を維持", "集計中", "—"),
}


def make_user(username, role=None, municipality=None, *, is_staff=True):
    # no password: the tests log in with force_login (and skip the slow password hashing)
    user = get_user_model().objects.create(username=username, email=f"{username}@example.jp", is_staff=is_staff)
    if role:
        user.groups.add(Group.objects.get(name=role))
    if municipality:
        StaffProfile.objects.create(user=user, municipality=Municipality.objects.get(name=municipality))
    return user


@pytest.fixture
def planner_client(client, seed):
    client.force_login(make_user("kurume-planner", access.PLANNER, "久留米市"))
    return client


def plan_url(slug, name="dashboard:plan", *args, query=""):
    return reverse(name, args=[slug, *args]) + query


# --- access -------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_staff_login(client, seed):
    response = client.get(plan_url(H29))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


def test_logged_in_users_who_are_not_staff_are_refused(client, seed):
    client.force_login(make_user("resident", is_staff=False))
    assert client.get(reverse("dashboard:index")).status_code == 403
    assert client.get(plan_url(H29)).status_code == 403


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("dashboard:plan", ()),
        ("dashboard:goal", (1,)),
        ("dashboard:report", ()),
        ("dashboard:report-xlsx", ()),
        ("dashboard:report-pdf", ()),
        ("dashboard:other-kpis", ()),
    ],
)
def test_staff_see_only_the_plans_open_to_them(client, seed, name, args):
    client.force_login(make_user("ogori-planner", access.PLANNER, "小郡市"))
    assert client.get(reverse(name, args=["kurume-strategy-1", *args])).status_code == 404
    if name != "dashboard:report-pdf":
        assert client.get(reverse(name, args=["ogori-strategy-2", *args])).status_code == 200


def test_a_kpi_of_another_plan_is_not_found(planner_client):
    other = Kpi.objects.get(plan__slug="kurume-strategy-2", code="G1-1")
    assert planner_client.get(reverse("dashboard:kpi", args=[H29, other.pk])).status_code == 404
    hidden = Kpi.objects.get(plan__slug="ogori-strategy-2", code="G1-1")
    assert planner_client.get(reverse("dashboard:kpi", args=["ogori-strategy-2", hidden.pk])).status_code == 404
    assert planner_client.get(reverse("dashboard:kpi-lineage", args=[H29, other.pk])).status_code == 404


def test_the_index_lists_the_plans_open_to_the_user(planner_client):
    page = planner_client.get(reverse("dashboard:index")).content.decode()
    assert "第1期 久留米市地方創生総合戦略" in page
    assert "第2期 小郡市まち・ひと・しごと創生総合戦略" not in page
    assert "企画担当ダッシュボード" in page  # Japanese by default


# --- the H29 report: the dashboard's goal-level figures equal the document's -------------------


@pytest.fixture
def h29_page(planner_client):
    response = planner_client.get(plan_url(H29, query="?year=2017"))
    assert response.status_code == 200
    return response


def test_h29_goal_level_figures_equal_the_document(h29_page):
    overview = h29_page.context["overview"]
    assert overview.year == 2017
    targets = {target.progress.kpi.name: target for goal in overview.goals for target in goal.targets}
    assert set(targets) == set(H29_DOCUMENT)
    for name, (target_text, actual_text, mark) in H29_DOCUMENT.items():
        target = targets[name]
        # 維持 (maintain): the target is the baseline level
        maintain = target_text.endswith("維持")
        expected_target = target.progress.kpi.baseline if maintain else parse_value(target_text).value
        assert target.progress.year_target.value == expected_target, name
        assert target.actual_as_written == actual_text, name
        assert target.progress.mark == normalise_printed_mark(mark), name


def test_h29_marks_of_every_year_equal_the_printed_marks(h29_page):
    overview = h29_page.context["overview"]
    for goal in overview.goals:
        for target in goal.targets:
            printed = {
                mark.year: mark.mark for mark in target.years if normalise_printed_mark(mark.printed) not in ("", "-")
            }
            assert printed == H29_PRINTED_MARKS[target.progress.kpi.name]
            assert all(mark.agrees for mark in target.years)


def test_h29_page_shows_the_document_values(h29_page):
    page = h29_page.content.decode()
    for _target, actual, _mark in H29_DOCUMENT.values():
        assert actual in page
    assert "16,507人以上" in page


def test_h29_printed_tallies_per_direction_are_shown_beside_the_computed_ones(h29_page):
    overview = h29_page.context["overview"]
    page = h29_page.content.decode()
    printed_rows = PrintedTally.objects.filter(plan__slug=H29, scope="direction").select_related("policy_direction")
    assert printed_rows.count() == 12
    directions = {direction.code: direction for goal in overview.goals for direction in goal.directions}
    for row in printed_rows:
        direction = directions[row.policy_direction.code]
        expected = printed_counts(
            {"kpi_count": row.kpi_count, "marks": row.mark_counts, "outlooks": row.outlook_counts}, overview.scale
        )
        assert direction.printed == expected
        assert direction.computed.kpi_count == 0  # the 68 direction-level KPIs are not in the document
        # the printed row sits right under the computed row of the same direction
        computed_row, printed_row = re.findall(
            rf'<tr class="[^"]*" data-direction="{re.escape(row.policy_direction.code)}">(.*?)</tr>', page, re.S
        )[:2]
        assert "算出" in computed_row
        text = re.sub(r"<[^>]+>", " ", printed_row)
        assert "報告書記載" in text
        assert f" {row.kpi_count} " in re.sub(r"\s+", " ", text)
        for label, count in {**row.mark_counts, **row.outlook_counts}.items():
            assert f"{normalise_printed_mark(label)} {count}" in text
    assert directions["①"].printed.as_text() == ("○ 7 △ 2 × 2 - 1", "A 9 B 3")
    assert sum(direction.printed.kpi_count for direction in directions.values()) == 68


def test_h29_goal_tallies_of_the_numerical_targets(h29_page):
    goal = h29_page.context["overview"].goal(1)
    assert goal.computed.as_text() == ("○ 1 × 1", "A 1 C 1")


def test_h29_disagreements_between_computed_and_official_outlooks_are_flagged(h29_page):
    overview = h29_page.context["overview"]
    flagged = {item.kpi.code for item in overview.kpis if item.disagrees}
    assert {"G1-2", "G2-1"} <= flagged
    page = h29_page.content.decode()
    assert page.count("row-disagrees") == len(flagged)
    assert "不一致" in page


# --- the goal dashboard's table ----------------------------------------------------------------


def goal_page(client, slug, number, query=""):
    response = client.get(reverse("dashboard:goal", args=[slug, number]) + query)
    assert response.status_code == 200
    return response


@pytest.fixture
def superuser_client(client, seed):
    client.force_login(get_user_model().objects.create(username="root", is_staff=True, is_superuser=True))
    return client


def codes(response) -> list[str]:
    return [row.record["progress"].kpi.code for row in response.context["table"].paginated_rows]


def test_goal_table_lists_the_numerical_targets_and_every_kpi_of_the_goal(superuser_client):
    response = goal_page(superuser_client, "ogori-strategy-2", 2, "?year=2023")
    assert response.context["total"] == 12
    assert set(codes(response)) == set(
        Kpi.objects.filter(plan__slug="ogori-strategy-2")
        .filter(code__regex=r"^(G2|2\()")
        .values_list("code", flat=True)
    )
    page = response.content.decode()
    assert "年間観光入込調査人数" in page
    assert "補間" in page  # interpolated year targets are marked
    assert "403件 (R5年度までの累計)" in page  # the actual as written, annotation kept


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("&policy_direction=2(2)", {"2(2)-1"}),
        ("&policy_direction=goal", {"G2-1"}),
        ("&department=都市計画課", {"2(3)-2", "2(4)-1"}),
        # G2-1 人口の社会増 is a five-year total: 570人 by R5 against 740 × 4/5 = 592人 is × (not 494.7% ○).
        ("&mark=○", {"2(1)-2", "2(1)-3", "2(1)-4", "2(1)-5", "2(3)-2"}),
        ("&mark=○&mark=△&policy_direction=2(3)", {"2(3)-2"}),
        ("&outlook=E", {"G2-1", "2(2)-1", "2(4)-1", "2(5)-1", "2(5)-2"}),
        ("&disagreement=yes", set()),
    ],
)
def test_goal_table_filters_on_computed_values(superuser_client, query, expected):
    response = goal_page(superuser_client, "ogori-strategy-2", 2, "?year=2023" + query)
    assert set(codes(response)) == expected


def test_goal_table_filters_disagreements(superuser_client):
    response = goal_page(superuser_client, H29, 1, "?year=2017&disagreement=yes")
    assert codes(response) == ["G1-2"]
    response = goal_page(superuser_client, H29, 1, "?year=2017&disagreement=no")
    assert codes(response) == ["G1-1"]


def test_goal_table_sorts_by_mark_and_rate(superuser_client):
    by_mark = goal_page(superuser_client, "ogori-strategy-2", 2, "?year=2023&sort=mark")
    marks = [row.record["progress"].mark for row in by_mark.context["table"].paginated_rows]
    assert marks == sorted(marks, key="○△×-".index)
    by_rate = goal_page(superuser_client, "ogori-strategy-2", 2, "?year=2023&sort=-rate")
    rates = [row.record["progress"].rate for row in by_rate.context["table"].paginated_rows]
    rated = [rate for rate in rates if rate is not None]  # G2-1's floor target has no rate, only met or not
    assert rated == sorted(rated, reverse=True)


def test_goal_table_paginates(superuser_client):
    response = superuser_client.get(reverse("dashboard:other-kpis", args=["kurume-strategy-2"]))
    assert response.context["total"] == 41
    assert len(response.context["table"].paginated_rows) == 25
    second = superuser_client.get(reverse("dashboard:other-kpis", args=["kurume-strategy-2"]) + "?page=2")
    assert len(second.context["table"].paginated_rows) == 16


def test_goal_table_exports_the_filtered_rows_as_csv(superuser_client):
    response = goal_page(superuser_client, "ogori-strategy-2", 2, "?year=2023&mark=×&_export=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="ogori-strategy-2-goal2-2023.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["番号", "KPI"]
    assert {row[0] for row in rows[1:]} == {"G2-1", "2(1)-1", "2(2)-1", "2(3)-1", "2(4)-1", "2(5)-1", "2(5)-2"}
    assert all(row[rows[0].index("進捗度")] == "×" for row in rows[1:])


def test_goal_table_exports_every_row_as_excel(superuser_client):
    response = goal_page(superuser_client, "ogori-strategy-2", 2, "?year=2023&page=2&_export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][1] == "KPI"
    assert len(values) == 1 + 12
    assert "年間観光入込調査人数" in {row[1] for row in values}


def test_goal_page_chart_has_japanese_labels_a_text_alternative_and_the_table(superuser_client):
    response = goal_page(superuser_client, H29, 1, "?year=2017")
    figure = response.context["marks_figure"]
    assert figure["layout"]["title"]["text"] == "施策の方向性ごとの進捗度"
    assert figure["data"][0]["name"].startswith("○ 達成")
    assert "① 報告書記載" in figure["data"][0]["y"]
    page = response.content.decode()
    assert 'id="goal-marks"' in page
    assert "施策の方向性ごとの進捗度。" in page  # the text alternative
    assert 'class="data tallies stack"' in page  # the table beside it


def test_unknown_goal_is_404(superuser_client):
    assert superuser_client.get(reverse("dashboard:goal", args=[H29, 9])).status_code == 404


# --- the KPI chart ------------------------------------------------------------------------------


def test_kpi_page_draws_targets_actuals_and_trend(superuser_client):
    kpi = Kpi.objects.get(plan__slug=H29, code="G2-2")
    response = superuser_client.get(reverse("dashboard:kpi", args=[H29, kpi.pk]) + "?year=2017")
    assert response.status_code == 200
    figure = response.context["figure"]
    names = [trace["name"] for trace in figure["data"]]
    assert names == ["基準値", "目標値（計画に記載）", "目標値（直線で補間）", "実績値", "傾向（最小二乗法）"]
    assert any(annotation["text"] == "集計中" for annotation in figure["layout"]["annotations"])
    page = response.content.decode()
    assert 'data-plotly="/static/vendor/plotly-basic-4.1.1.min.js"' in page
    assert "年間観光客数の推移。" in page
    assert "H29年 (2017)" in page  # a calendar-year KPI shows 年, not 年度
    assert response.context["detail"].progress.official_label == "B"


def test_kpi_page_links_to_its_lineage_when_it_continues(superuser_client):
    kpi = Kpi.objects.get(plan__slug="ogori-strategy-2", code="2(2)-1")
    page = superuser_client.get(reverse("dashboard:kpi", args=["ogori-strategy-2", kpi.pk])).content.decode()
    assert reverse("dashboard:kpi-lineage", args=["ogori-strategy-2", kpi.pk]) in page


# --- across plans and municipalities -------------------------------------------------------------


def test_a_kpi_followed_across_plans_is_one_series(superuser_client):
    kpi = Kpi.objects.get(plan__slug="ogori-strategy-3", code="2(2)-1")
    response = superuser_client.get(reverse("dashboard:kpi-lineage", args=["ogori-strategy-3", kpi.pk]))
    lineage = response.context["lineage"]
    assert [segment.plan_slug for segment in lineage.segments] == ["ogori-strategy-2", "ogori-strategy-3"]
    assert [(point.year, point.kind) for point in lineage.points] == [
        (2018, "baseline"),
        (2020, "actual"),
        (2021, "actual"),
        (2022, "actual"),
        (2023, "actual"),
    ]
    assert response.context["figure"]["layout"]["shapes"][0]["x0"] == 2024.5  # the plans' boundary
    assert "第2期" in response.content.decode()


def test_other_municipalities_plans_show_only_published_years(client, seed):
    client.force_login(make_user("ukiha-planner", access.PLANNER, "うきは市"))
    response = client.get(reverse("dashboard:region"))
    comparisons = {item["comparison"].key: item["comparison"] for item in response.context["comparisons"]}
    ogori = next(series for series in comparisons["tourists"].series if series.place == "小郡市")
    assert all(segment.public_only for segment in ogori.segments)
    published = set(Plan.objects.get(slug="ogori-strategy-2").published_years.values_list("year", flat=True))
    assert {point.year for point in ogori.points if point.kind == "actual"} <= published


def test_the_same_kind_of_kpi_is_compared_across_the_region(superuser_client):
    response = superuser_client.get(reverse("dashboard:region"))
    assert response.status_code == 200
    comparisons = {item["comparison"].key: item["comparison"] for item in response.context["comparisons"]}
    assert {"startups", "tourists", "new-farmers", "waiting-children", "fertility"} <= set(comparisons)
    assert "net-out-migration" not in comparisons  # only 久留米 measures 転出超過数 in the seeds
    farmers = comparisons["new-farmers"]
    assert farmers.places == ["うきは市", "小郡市"]
    assert farmers.same_unit
    tourists = comparisons["tourists"]
    assert {"久留米市", "小郡市", "うきは市"} <= set(tourists.places)
    assert not tourists.same_unit  # 万人 and 千人: the chart shows an index, the table the values
    item = next(item for item in response.context["comparisons"] if item["comparison"].key == "tourists")
    assert item["figure"]["layout"]["yaxis"]["title"]["text"] == "指数（最初の値＝100）"
    page = response.content.decode()
    assert "観光入込客数" in page
    assert "747" in page


# --- Japanese ----------------------------------------------------------------------------------


def test_dashboards_read_in_japanese(h29_page):
    page = h29_page.content.decode()
    for label in ("年度評価報告書", "数値目標", "施策の方向性ごとのKPI", "報告書記載", "年度ごとの進捗度"):
        assert label in page


def test_dashboards_are_available_in_english(planner_client):
    page = planner_client.get(plan_url(H29), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Numerical targets" in page


def test_a_replacement_starts_a_series_of_its_own(superuser_client):
    # A KPI that replaces another (a count of people for 合計特殊出生率) is not one indicator with it.
    # 003 prints no replacement (G3-n1 is new, with no link), so the link is made here.
    kpi = Kpi.objects.get(plan__slug="ogori-strategy-3", code="G3-n1")
    kpi.predecessor = Kpi.objects.get(plan__slug="ogori-strategy-2", code="G3-1")
    kpi.predecessor_link = "replaced"
    kpi.save()
    response = superuser_client.get(reverse("dashboard:kpi-lineage", args=["ogori-strategy-3", kpi.pk]))
    assert [segment.plan_slug for segment in response.context["lineage"].segments] == ["ogori-strategy-3"]
    page = superuser_client.get(reverse("dashboard:kpi", args=["ogori-strategy-3", kpi.pk])).content.decode()
    assert "across-plans" not in page


def test_official_ratings_dated_after_the_shown_year_are_pointed_to(superuser_client):
    # 小郡 printed its ratings as of R6.4 (stored for R6 = 2024) while its latest actuals are R5
    response = superuser_client.get(reverse("dashboard:plan", args=["ogori-strategy-2"]))
    assert response.context["overview"].year == 2023
    assert response.context["overview"].official_year_ahead == 2024
    assert 'href="?year=2024"' in response.content.decode()
    shown = superuser_client.get(reverse("dashboard:plan", args=["ogori-strategy-2"]) + "?year=2024")
    assert shown.context["overview"].official_year_ahead is None
    assert any(item.official_label for item in shown.context["overview"].kpis)
