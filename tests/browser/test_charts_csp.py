"""Plotly charts under our Content Security Policy in chromium: the public KPI and goal pages and the
staff dashboards draw their charts with no CSP violation and no console error.

plotly.js would inject its stylesheet as an inline <style>, which ``style-src 'self'`` refuses;
the page's ``<link id="plotly.js-style-global" class="no-inline-styles">`` to static/css/plotly.css
(templates/plans/_plotly_stylesheet.html) tells it the rules are already there.
"""

import pytest
from playwright.sync_api import expect

from plans import access
from plans.models import Kpi
from tests.browser.test_dashboard import log_in

PHONE = {"width": 390, "height": 844}

# Record every CSP violation, before any page script runs, on the window (read back per page).
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(
    [event.effectiveDirective, event.blockedURI, event.sourceFile + ":" + event.lineNumber, event.sample].join(" | ")
  );
});
"""


@pytest.fixture
def watched(browser, seeded_server):
    """A phone-sized page that keeps its console errors and warnings, plotly's own warnings (printed as
    traces, e.g. "WARN: Cannot addRelatedStyleRule, probably due to strict CSP...") and uncaught
    exceptions in ``page.problems``."""
    context = browser.new_context(viewport=PHONE, locale="ja-JP", timezone_id="Asia/Tokyo")
    context.add_init_script(script=RECORD_VIOLATIONS)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda message: is_problem(message) and page.problems.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: page.problems.append(f"uncaught: {error}"))
    yield page
    context.close()


def is_problem(message):
    return message.type in ("error", "warning") or message.text.startswith("WARN:")


def csp_violations(page):
    # The events are queued as tasks: let them all arrive before reading the list.
    return page.evaluate("() => new Promise((done) => setTimeout(() => done(window.cspViolations), 200))")


def open_and_draw(page, url, chart_id=None):
    """Open ``url``; with ``chart_id``, scroll its chart into view, wait for plotly's svg and hover it."""
    response = page.goto(url)
    assert response.ok, url
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    if chart_id:
        chart = page.locator(f'figure[data-chart="{chart_id}"]')
        chart.scroll_into_view_if_needed()
        expect(chart).to_have_class("chart chart-drawn", timeout=15000)
        expect(chart.locator(".main-svg").first).to_be_visible()
        chart.locator(".chart-canvas").hover()  # the hover label and the mode bar


def assert_clean(page, name):
    assert csp_violations(page) == [], f"{name}: CSP violations"
    assert page.problems == [], f"{name}: console errors or warnings"


def test_public_kpi_and_goal_pages_draw_without_csp_violation_or_console_error(watched, seeded_server):
    page = watched
    open_and_draw(page, seeded_server.url + "/plans/kurume-strategy-1/kpis/G3-1/", chart_id="kpi-chart")
    expect(page.get_by_role("heading", level=1)).to_have_text("子育てしやすいと思う市民の割合")
    assert_clean(page, "public KPI page")
    # plotly used our static stylesheet: its rules apply, and it added no <style> of its own.
    assert page.evaluate("getComputedStyle(document.querySelector('.main-svg')).position") == "absolute"
    assert page.locator("style").count() == 0

    # A total over five years (小郡 人口の社会増) is drawn as running totals against the prorated target.
    open_and_draw(page, seeded_server.url + "/plans/ogori-strategy-2/kpis/G2-1/", chart_id="kpi-chart")
    expect(page.locator('figure[data-chart="kpi-chart"] .legend')).to_contain_text("実績の累計")
    assert_clean(page, "public KPI page of a total")

    open_and_draw(page, seeded_server.url + "/plans/kurume-strategy-1/goals/3/")
    expect(page.get_by_role("link", name="子育てしやすいと思う市民の割合")).to_be_visible()
    assert_clean(page, "public goal page")


def test_staff_kpi_and_goal_dashboards_draw_without_csp_violation_or_console_error(watched, seeded_server, make_staff):
    page = watched
    log_in(page, seeded_server, make_staff("kurume-planner", access.PLANNER, "久留米市"))
    kpi = Kpi.objects.get(plan__slug="kurume-strategy-1", code="G3-1")
    open_and_draw(page, f"{seeded_server.url}/staff/dashboard/plans/kurume-strategy-1/kpis/{kpi.pk}/", "kpi-chart")
    expect(page.locator("table.series")).to_contain_text("78.0%")
    assert_clean(page, "staff KPI dashboard")
    assert page.locator("style").count() == 0

    open_and_draw(page, seeded_server.url + "/staff/dashboard/plans/kurume-strategy-1/goals/3/", "goal-marks")
    assert_clean(page, "staff goal dashboard")
