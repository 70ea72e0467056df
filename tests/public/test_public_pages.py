"""Public pages: what each shows, in Japanese (English labels available), for sharing and print."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from plans.models import Kpi

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    """Open data is cached by data version; rolled-back tests can repeat a version with other data."""
    cache.clear()


PAGES = {
    "home": "/",
    "plan": "/plans/ogori-strategy-2/",
    "goal": "/plans/ogori-strategy-2/goals/2/",
    "kpi": "/plans/ogori-strategy-2/kpis/2(1)-1/",
    "legend": "/legend/",
    "search": "/search/?q=子育て",
    "downloads": "/plans/ogori-strategy-2/downloads/",
    "opendata": "/opendata/",
}


def page(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def test_home_lists_municipalities_and_their_plans_with_a_health_line(client, seed):
    html = page(client, "/")
    for name, code in (("久留米市", "402036"), ("小郡市", "402168"), ("うきは市", "402257"), ("大木町", "405221")):
        assert name in html and code in html
    assert "第2期 小郡市まち・ひと・しごと創生総合戦略" in html
    assert "R5年度 (2023)：KPI 31件" in html  # the latest published year of the plan, and its count
    assert "実績はまだ公表されていません" in html  # plans without published actuals say so
    # The regional vision is listed under its lead and under each partner.
    assert html.count("第3期 久留米広域連携中枢都市圏ビジョン") == 6
    assert "久留米市を中心とする連携計画" in html


def test_plan_page_shows_goals_with_marks_and_outlook_tallies_for_the_latest_year(client, seed):
    html = page(client, "/plans/ogori-strategy-2/")
    assert "R5年度 (2023)" in html
    assert "小郡市への新しい人の流れをつくる" in html
    assert "達成" in html and "達成見込み" in html
    assert reverse("plans:goal-detail", args=["ogori-strategy-2", 2]) in html
    assert reverse("plans:downloads", args=["ogori-strategy-2"]) in html


def test_plan_page_can_show_an_earlier_published_year(client, seed):
    html = page(client, "/plans/ogori-strategy-2/?year=2021")
    assert "R3年度 (2021)の進捗" in html
    assert client.get("/plans/ogori-strategy-2/?year=2030").status_code == 404
    assert client.get("/plans/ogori-strategy-2/?year=abc").status_code == 404


def test_plan_page_prints_the_reports_tallies_beside_the_computed_ones(client, seed):
    html = page(client, "/plans/kurume-strategy-1/")
    assert "報告書に記載の集計" in html
    assert "○ 7 △ 2 × 2 - 1" in html


def test_plan_page_lists_the_package_kpis_of_a_plan(client, seed):
    html = page(client, "/plans/kurume-strategy-2/")
    assert "MICE 開催支援件数" in html
    assert "計画全体の指標" in html  # the plan's own 人口 target


def test_goal_page_shows_each_kpi_with_baseline_target_latest_actual_mark_and_outlook(client, seed):
    html = page(client, "/plans/kurume-strategy-1/goals/3/")
    assert "子育てしやすいと思う市民の割合" in html
    assert "70.8%" in html and "H26年度 (2014)" in html  # baseline and its year
    # Values at the KPI's precision: written 70.8% and 80.0%, so the actual 78% shows as 78.0%.
    assert "80.0%" in html and "R元年度 (2019)" in html  # target and its year (FY2019 = H31 = R元)
    assert "78.0%" in html and "H29年度 (2017)" in html  # latest actual with its year
    assert "進捗度" in html and "達成見込み" in html
    assert 'data-label="最新の実績値"' in html  # the table turns into cards on a phone
    assert reverse("plans:kpi-detail", args=["kurume-strategy-1", "G3-1"]) in html


def test_goal_page_groups_kpis_by_policy_direction(client, seed):
    html = page(client, "/plans/ogori-strategy-2/goals/2/")
    assert "数値目標" in html
    assert "2(1) 定住・関係人口の創出・拡大" in html
    assert "計画の評価" in html  # the official rating (A+/A-/B/C) beside the computed outlook


def test_kpi_page_has_the_table_chart_annotations_department_and_official_rating(client, seed):
    html = page(client, "/plans/ogori-strategy-2/kpis/2(1)-1/")
    assert "移住相談件数" in html
    assert "<table" in html and "年度ごとの推移" in html
    assert 'data-chart="kpi-chart"' in html and 'id="kpi-chart"' in html  # figure JSON for charts.js
    assert "移住相談件数(H27)の推移。" in html  # the chart's text alternative
    assert "経営戦略課" in html  # the department in charge
    assert "R6.4現在" in html and "計画の評価" in html
    assert "食い違って" in html  # computed D vs the plan's B
    assert "R4年度までの累計" in html  # the annotation printed with the value
    assert "補間" in html  # interpolated yearly targets are told apart


def test_kpi_page_links_to_the_kpi_that_continues_it_in_the_next_plan(client, seed):
    successor = (
        Kpi.objects.filter(plan__slug="ogori-strategy-3", predecessor__isnull=False)
        .select_related("predecessor")
        .first()
    )
    html = page(client, reverse("plans:kpi-detail", args=["ogori-strategy-2", successor.predecessor.code]))
    assert reverse("plans:kpi-detail", args=["ogori-strategy-3", successor.code]) in html
    back = page(client, reverse("plans:kpi-detail", args=["ogori-strategy-3", successor.code]))
    assert reverse("plans:kpi-detail", args=["ogori-strategy-2", successor.predecessor.code]) in back


def test_kpi_page_works_without_javascript_and_loads_plotly_lazily(client, seed):
    html = page(client, "/plans/kurume-strategy-1/kpis/G3-1/")
    table = html[html.index("<table") : html.index("</table>")]
    assert "78.0%" in table and "H29年度 (2017)" in table  # the numbers are in the HTML, not drawn by a script
    assert re.search(
        r'<script src="/static/js/charts.js" data-plotly="/static/vendor/plotly-basic-4.1.1.min.js" defer>', html
    )
    assert '<script src="/static/vendor/plotly' not in html  # loaded by charts.js only when the chart is on screen


@pytest.mark.parametrize("name", ["home", "plan", "goal", "legend", "search", "downloads", "opendata"])
def test_pages_without_a_chart_load_no_chart_script(client, seed, name):
    assert "charts.js" not in page(client, PAGES[name])


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_has_a_title_description_sharing_tags_breadcrumbs_and_no_outside_resource(client, seed, name):
    html = page(client, PAGES[name])
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
    assert len(title) > 10
    description = re.search(r'<meta name="description" content="([^"]*)">', html).group(1)
    assert len(description) > 10
    assert '<meta property="og:title" content="' in html and '<meta property="og:description"' in html
    assert '<link rel="canonical" href="http://testserver/' in html
    if name != "home":
        assert 'class="breadcrumbs wrap" aria-label="現在位置"' in html
        assert 'aria-current="page"' in html
    # Only our own files: no src or stylesheet from another host.
    for match in re.finditer(r'<(?:script|img|link|iframe)\b[^>]*?(?:src|href)="([^"]+)"', html):
        url = match.group(1)
        assert url.startswith(("/", "data:", "http://testserver/")), url
    assert 'rel="stylesheet" href="/static/css/site.css"' in html


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_are_in_japanese_with_english_labels_available(client, seed, name):
    html = page(client, PAGES[name])
    assert '<html lang="ja">' in html
    english = page(client, PAGES[name], HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en">' in english


def test_english_labels(client, seed):
    html = page(client, "/plans/kurume-strategy-1/goals/3/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Latest actual" in html and "Outlook" in html
    assert "子育てしやすいと思う市民の割合" in html  # document data is never translated
    assert "H29年度 (2017)" in html


def test_marks_are_told_by_a_symbol_and_a_word_not_by_colour_alone(client, seed):
    html = page(client, "/plans/kurume-strategy-1/goals/3/")
    assert re.search(r'<span class="badge mark-ok"><span class="symbol">○</span>達成</span>', html)
    assert re.search(r'<span class="badge outlook-\w+"><span class="symbol">[A-E-]</span>\w+', html)


def test_legend_explains_marks_and_outlooks_with_the_formula_and_the_worked_case(client, seed):
    html = page(client, "/legend/")
    for text in ("達成できた（達成率100%以上）", "概ね達成できた", "達成できなかった", "現時点では判断が困難"):
        assert text in html
    assert "(実績値 − 基準値) ÷ (その年の目標値 − 基準値)" in html
    assert "(76.4 − 75.4) ÷ (77 − 75.4) = 1 ÷ 1.6 = <strong>62.5%</strong>" in html
    assert "99.2%" in html  # 76.4 is 99% of 77.0, yet the mark is ×
    for grade in "ABCDE":
        assert f'<span class="symbol">{grade}</span>' in html
    assert "第2期 小郡市まち・ひと・しごと創生総合戦略" in html and "A+" in html  # each plan's own scale


def test_search_finds_kpis_by_a_part_of_the_name_in_full_or_half_width(client, seed):
    html = page(client, "/search/?q=子育て")
    assert "<mark>子育て</mark>しやすいと思う市民の割合" in html
    assert reverse("plans:kpi-detail", args=["kurume-strategy-1", "G3-1"]) in html
    assert "<mark>MICE</mark> 開催支援件数" in page(client, "/search/?q=ＭＩＣＥ")
    assert "<mark>MICE</mark> 開催支援件数" in page(client, "/search/?q=mice")
    assert "0件" in page(client, "/search/?q=存在しない指標名")
    assert "<mark>" not in page(client, "/search/")


def test_downloads_page_states_the_encoding_format_and_licence(client, seed):
    html = page(client, "/plans/ogori-strategy-2/downloads/")
    assert "UTF-8（BOM付き" in html and "縦持ち（ロング形式）" in html
    assert "CC BY 4.0" in html and 'rel="license"' in html
    assert "全国地方公共団体コード" in html and "402168" in html
    for name in ("download-csv", "download-xlsx", "download-json"):
        assert reverse(f"plans:{name}", args=["ogori-strategy-2"]) in html
    assert "R5年度 (2023)" in html  # the published years


def test_opendata_page_lists_every_plan_the_api_and_the_licence(client, seed):
    html = page(client, "/opendata/")
    assert html.count('href="/plans/') >= 6 * 4
    assert "/api/v1/plans/" in html and "/api/v1/openapi.json" in html
    assert "CC BY 4.0" in html


def test_print_styles_exist(client, seed):
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/site.css")).read_text(encoding="utf-8")
    assert "@media print" in css
    assert ".no-print" in css and "break-inside: avoid" in css


def test_unknown_pages_are_404(client, seed):
    assert client.get("/plans/nowhere/").status_code == 404
    assert client.get("/plans/ogori-strategy-2/goals/99/").status_code == 404
    assert client.get("/plans/ogori-strategy-2/kpis/NOPE/").status_code == 404
    assert client.get("/plans/nowhere/downloads/").status_code == 404
    assert client.get("/plans/nowhere/downloads/kpi.csv").status_code == 404


def test_robots_and_sitemap_list_every_public_page(client, seed):
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Disallow: /staff/" in robots.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots.content.decode()
    sitemap = client.get("/sitemap.xml")  # an index of one file per section
    assert sitemap["Content-Type"].startswith("application/xml")
    files = re.findall(r"<sitemap><loc>http://testserver([^<]+)</loc>", sitemap.content.decode())
    assert files == [f"/sitemap-{section}.xml" for section in ("pages", "plans", "downloads", "goals", "kpis")]
    xml = "".join(client.get(path).content.decode() for path in files)
    assert "<loc>http://testserver/plans/ogori-strategy-2/kpis/2(1)-1/</loc>" in xml
    assert "<loc>http://testserver/plans/kurume-strategy-1/goals/5/</loc>" in xml
    assert xml.count("<loc>") == 4 + 6 * 2 + 25 + Kpi.objects.count()


def test_legend_shows_a_scale_many_plans_share_once_naming_a_few_and_counting_the_rest(client, seed):
    from plans.models import Plan, RatingLabel
    from tests.public.test_scale_queries import build_plan

    ogori = Plan.objects.get(slug="ogori-strategy-2")
    shared = list(RatingLabel.objects.filter(plan=ogori).order_by("order", "id"))
    for number in range(8):
        plan = build_plan(number, kpis=2)
        RatingLabel.objects.bulk_create(
            RatingLabel(
                plan=plan, label=label.label, canonical=label.canonical, meaning=label.meaning, order=label.order
            )
            for label in shared
        )
    html = page(client, "/legend/")
    # 小郡's scale (its 第2期 and 第3期 print it), now printed by ten plans: one table, five plans
    # named, the other five counted
    captions = re.findall(r"<caption>([^<]*)</caption>", html)
    with_ogori = [caption for caption in captions if "第2期 小郡市まち・ひと・しごと創生総合戦略" in caption]
    assert len(with_ogori) == 1
    assert with_ogori[0].count("、") == 4 and with_ogori[0].endswith("ほか5計画")
    assert html.count('<th scope="row">A+</th>') == 1
