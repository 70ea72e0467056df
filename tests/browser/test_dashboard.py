"""Planners' dashboards in chromium: plan → goal → filter → KPI chart, and the report's downloads."""

import subprocess
from pathlib import Path

from django.conf import settings
from django.test import Client
from openpyxl import load_workbook
from playwright.sync_api import expect

from plans import access

NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def log_in(page, server, user):
    """Start the browser's session from a Django test client login (no password typing)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": server.url}])


def test_plan_and_goal_dashboards_filter_and_kpi_chart(page, seeded_server, make_staff):
    log_in(page, seeded_server, make_staff("kurume-planner", access.PLANNER, "久留米市"))
    page.goto(seeded_server.url + "/staff/dashboard/plans/kurume-strategy-1/?year=2017")
    expect(page.get_by_role("heading", level=1)).to_have_text("第1期 久留米市地方創生総合戦略")
    printed = page.locator('tr.printed-row[data-direction="①"]')
    expect(printed).to_contain_text("報告書記載")
    expect(printed).to_contain_text("A 9")

    page.get_by_role("link", name="基本目標1 安定した雇用を創出する").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("安定した雇用を創出する")
    rows = page.locator("table.dash-kpi-table tbody tr")
    expect(rows).to_have_count(2)
    page.get_by_label("× 未達成（70％未満）").check()
    page.get_by_role("button", name="絞り込む").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("市内の大学等の新卒者の市内企業への就職率")
    expect(rows.first).to_contain_text("不一致")

    rows.first.get_by_role("link").click()
    chart = page.locator('figure[data-chart="kpi-chart"]')
    chart.scroll_into_view_if_needed()
    expect(chart).to_have_class("chart chart-drawn", timeout=15000)
    expect(chart.locator(".main-svg").first).to_be_visible()
    expect(page.locator("table.series")).to_contain_text("9.6%")


def test_report_downloads_as_excel_and_pdf(page, seeded_server, make_staff, tmp_path):
    log_in(page, seeded_server, make_staff("kurume-planner", access.PLANNER, "久留米市"))
    page.goto(seeded_server.url + "/staff/dashboard/plans/kurume-strategy-1/report/?year=2017")
    expect(page.get_by_role("heading", level=1)).to_have_text("第1期 久留米市地方創生総合戦略")

    with page.expect_download() as excel:
        page.get_by_role("link", name="Excelでダウンロード").click()
    workbook_path = tmp_path / excel.value.suggested_filename
    excel.value.save_as(workbook_path)
    assert load_workbook(workbook_path).sheetnames[:2] == ["概要", "基本目標1"]

    with page.expect_download() as pdf:
        page.get_by_role("link", name="PDFでダウンロード").click()
    pdf_path = tmp_path / pdf.value.suggested_filename
    pdf.value.save_as(pdf_path)
    assert pdf_path.name == "kurume-strategy-1-report-2017.pdf"

    text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    flat = text.replace("\n", "")
    for goal in (
        "安定した雇用を創出する",
        "久留米市への新しい人の流れをつくる",
        "若い世代の結婚・妊娠・出産・子育ての希望をかなえる",
        "安心な暮らしを守る",
        "広域拠点の役割を果たす",
    ):
        assert goal in flat

    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", str(pdf_path)], capture_output=True, text=True, check=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf_path), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == pages > 1

    fonts = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True).stdout.splitlines()[
        2:
    ]
    assert fonts and all("Noto-Sans-CJK-JP" in line and " yes " in line for line in fonts)  # embedded, nothing else
    # no tofu: every character of the text has a glyph in the font the PDF embeds
    from fontTools.ttLib import TTCollection

    cmap = next(font for font in TTCollection(str(NOTO_CJK)).fonts if "JP" in font["name"].getDebugName(1))
    covered = cmap.getBestCmap()
    missing = {character for character in text if not character.isspace() and ord(character) not in covered}
    assert not missing
