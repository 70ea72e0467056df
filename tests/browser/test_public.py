"""The public site on a phone (390×844) in Debian's chromium: home → plan → goal → KPI → CSV,
an axe-core check on every page type, our own host only, and pages that work without JavaScript."""

import csv
import io
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
PHONE = {"width": 390, "height": 844}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture
def phone(browser, seeded_server):
    """A phone-sized page; axe-core is injected before any page script (the CSP forbids inline
    script tags, so it goes in as an init script) and every request is recorded."""
    context = browser.new_context(viewport=PHONE, locale="ja-JP", timezone_id="Asia/Tokyo", accept_downloads=True)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


def check_page(page, name):
    """No axe violation (WCAG 2.1 A/AA and best practices) and nothing wider than the phone."""
    violations = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))",
        AXE_TAGS,
    )
    assert violations == [], f"{name}: {violations}"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], f"{name} scrolls sideways"


def test_a_citizen_walks_from_home_to_a_kpi_and_downloads_the_csv(phone, seeded_server):
    page = phone
    page.goto(seeded_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("市町村の総合戦略の進捗")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    ogori = page.get_by_role("region", name="小郡市 団体コード 402168")
    expect(ogori).to_contain_text("R5年度 (2023)：KPI 31件")
    check_page(page, "home")

    ogori.get_by_role("link", name="第2期 小郡市まち・ひと・しごと創生総合戦略").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("第2期 小郡市まち・ひと・しごと創生総合戦略")
    expect(page.get_by_role("heading", name="R5年度 (2023)の進捗状況")).to_be_visible()
    expect(page.get_by_role("navigation", name="現在位置")).to_contain_text("計画一覧")
    check_page(page, "plan")

    page.get_by_role("link", name="2. 小郡市への新しい人の流れをつくる").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("基本目標2 小郡市への新しい人の流れをつくる")
    card = page.get_by_role("row").filter(has_text="移住相談件数(H27)")
    expect(card).to_contain_text("403件")
    expect(card).to_contain_text("R5年度 (2023)")
    expect(card).to_contain_text("未達成")
    check_page(page, "goal")

    card.get_by_role("link", name="移住相談件数(H27)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("移住相談件数(H27)")
    expect(page.get_by_role("region", name="最新の実績値")).to_contain_text("403件")
    expect(page.get_by_role("region", name="最終目標の達成見込み")).to_contain_text("計画の評価: B")
    expect(page.get_by_role("table")).to_contain_text("R4年度までの累計")
    assert not any("plotly-basic" in url for url in page.requests)  # the chart is not on screen yet
    check_page(page, "kpi")
    page.locator("figure[data-chart]").scroll_into_view_if_needed()
    expect(page.locator("figure.chart-drawn .main-svg").first).to_be_visible()
    assert any("plotly-basic" in url for url in page.requests)
    check_page(page, "kpi with its chart drawn")

    page.get_by_role("link", name="データをダウンロード（CSV・Excel・JSON）").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("オープンデータ")
    expect(page.locator("main")).to_contain_text("CC BY 4.0")
    check_page(page, "downloads")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="KPIの年度別データ（CSV）").click()
    download = download_info.value
    assert download.suggested_filename == "402168_ogori-strategy-2_kpi.csv"
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    row = next(row for row in rows if row["指標コード"] == "2(1)-1" and row["年（西暦）"] == "2023")
    assert (row["年（和暦）"], row["実績値"], row["単位"], row["進捗度"]) == ("R5年度", "403", "件", "×")

    page.get_by_role("link", name="見方").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("進捗度と達成見込みの見方")
    check_page(page, "legend")

    page.get_by_role("link", name="KPIを探す").click()
    page.get_by_label("KPIを名前の一部で探す").fill("子育て")
    page.get_by_role("button", name="検索").click()
    expect(page.locator("#results-heading")).to_contain_text("「子育て」を含むKPI")
    expect(page.get_by_role("link", name="子育てしやすいと思う市民の割合")).to_be_visible()
    check_page(page, "search")

    page.get_by_role("link", name="オープンデータ").first.click()
    check_page(page, "open data")

    server = urlsplit(seeded_server.url).netloc
    assert {urlsplit(url).netloc for url in page.requests if url.startswith("http")} == {server}


def test_goal_and_kpi_pages_work_without_javascript(browser, seeded_server):
    context = browser.new_context(viewport=PHONE, locale="ja-JP", java_script_enabled=False)
    page = context.new_page()
    page.goto(seeded_server.url + "/plans/kurume-strategy-1/goals/3/")
    # shown at the KPI's precision (its target is written 80.0%), as on its own page
    expect(page.get_by_role("row").filter(has_text="子育てしやすいと思う市民の割合")).to_contain_text("78.0%")
    page.get_by_role("link", name="子育てしやすいと思う市民の割合").click()
    table = page.get_by_role("table")
    expect(table.get_by_role("row").filter(has_text="H29年度 (2017)")).to_contain_text("78.0%")
    expect(page.locator(".chart-canvas")).to_be_hidden()  # no empty box where the chart would be
    expect(page.locator(".chart-description")).to_contain_text("子育てしやすいと思う市民の割合の推移")
    context.close()
