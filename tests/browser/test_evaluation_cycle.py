"""One whole evaluation cycle in Chromium, from the data call to the public page (issue 12).

A planner of 小郡市 asks two departments for R7 (2025) of 第3期 総合戦略, which has no actuals yet:
商工観光課 answers on time (one value is a fifth above last year's and is confirmed with
「確認しました」) and submits with its self-assessment; 農業振興課 is late, is reminded by the
nightly command (one e-mail, not two on the same day), answers, has one value returned with a
comment, corrects it and submits again. The planner approves everything and publishes the year
with its gaps confirmed; the public pages show R7 only then.

With ``SCREENSHOTS=1`` the test also saves docs/screenshots/cycle-*.png (the call board, the
review queue, the publication gate, and the public KPI page at phone size).
"""

import io
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from plans.access import DEPARTMENT_STAFF, PLANNER
from plans.models import Actual, Department, Kpi, Plan, ReportedActual

PASSWORD = "a-strong-password-123"
PLAN = "ogori-strategy-3"
YEAR = 2025
YEAR_LABEL = "R7年度 (2025)"
ON_TIME = "商工観光課"
LATE = "農業振興課"
# The KPI whose R7 value the public KPI page must show only after publication.
TOURISM = "年間観光入込客数"
SMART_FARMING = "スマート農業機械設備等の導入件数"
RETURN_COMMENT = "補助金の交付台帳と件数が合いません。台帳を確認して直してください。"

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def screenshot(page, name):
    """Save docs/screenshots/cycle-<name>.png, only when SCREENSHOTS=1 (CI writes no files)."""
    if os.environ.get("SCREENSHOTS") == "1":
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / f"cycle-{name}.png"), full_page=False)


@pytest.fixture
def new_page(browser, browser_context_args):
    """A page in a context of its own (its own cookies: one login each), closed after the test."""
    contexts = []

    def open_page(viewport=DESKTOP):
        context = browser.new_context(**{**browser_context_args, "viewport": viewport})
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def log_in(page, server, username, next_path):
    page.goto(f"{server.url}/admin/login/?next={next_path}")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"**{next_path}")


def entry_row(page, name):
    return page.locator("tr.entry-row:not(.outside)", has_text=name)


def save_entries(page, values, saved):
    """Type ``values`` (KPI name → text) on the entry page, tick 「確認しました」 where a warning
    asks for it (after the live check shows it), save and expect ``saved`` changes."""
    page.wait_for_load_state("load")  # entry.js (deferred) listens for typing only once it has run
    for name, text in values.items():
        entry_row(page, name).locator("input.value").fill(text)
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".messages")).to_contain_text(f"{saved}件の変更を保存しました")


def submit_values(page, server, department, count):
    page.goto(f"{server.url}{reverse('review:submit', args=[department.pk, YEAR])}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{department.name} {YEAR_LABEL} の提出")
    page.get_by_label("達成できたこと").fill("目標に向けて順調に推移しました。")
    page.get_by_label("達成できなかったこと").fill("一部の事業で周知が不足しました。")
    page.get_by_label("今後の方向性").fill("関係団体と連携して周知を強めます。")
    page.get_by_role("button", name="選んだ実績を提出する").click()
    expect(page.locator(".messages")).to_contain_text(f"{count}件の実績を提出しました")


def public_kpi_url(server, code):
    return server.url + reverse("plans:kpi-detail", kwargs={"slug": PLAN, "code": code})


def r7_actual_cell(page):
    """The 実績 cell of the R7 row in the public KPI page's year table."""
    row = page.locator("table.year-table tbody tr").filter(has=page.get_by_role("rowheader", name=YEAR_LABEL))
    return row.locator("td").nth(1)


def test_a_data_call_runs_from_the_call_to_the_public_page(page, new_page, seeded_server, make_staff, mailoutbox):
    server = seeded_server
    plan = Plan.objects.get(slug=PLAN)
    assert not Actual.objects.filter(kpi__plan=plan).exists()
    on_time = Department.objects.get(municipality__name="小郡市", name=ON_TIME)
    late = Department.objects.get(municipality__name="小郡市", name=LATE)
    tourism = Kpi.objects.get(plan=plan, name=TOURISM)
    make_staff("kikaku", PLANNER, municipality="小郡市")
    make_staff("shoko", DEPARTMENT_STAFF, municipality="小郡市", departments=[ON_TIME])
    make_staff("nogyo", DEPARTMENT_STAFF, municipality="小郡市", departments=[LATE])
    today = timezone.localdate()
    on_time_deadline, late_deadline = today + timedelta(days=30), today + timedelta(days=7)

    # 1. Before: the public pages show no R7 value.
    visitor = new_page()
    visitor.goto(server.url + plan.get_absolute_url())
    expect(visitor.locator(".data-as-of")).to_contain_text("公表された実績はまだありません")
    expect(visitor.locator(".data-as-of")).not_to_contain_text("R7年度")
    visitor.goto(public_kpi_url(server, tourism.code))
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TOURISM)
    expect(r7_actual_cell(visitor)).to_have_text("-")

    # 2. The planner opens the call for R7, asking two departments with their own deadlines.
    planner = page
    planner.set_viewport_size(DESKTOP)
    log_in(planner, server, "kikaku", reverse("calls:index"))
    planner.get_by_role("link", name=plan.title).click()
    expect(planner.get_by_role("heading", level=1)).to_have_text(f"{plan.title}の照会を開く")
    planner.get_by_label("年度（西暦）").fill(str(YEAR))
    planner.get_by_label("担当課へのメッセージ").fill("R7年度の実績を入力し、提出してください。")
    planner.get_by_label("締切（既定）").fill(on_time_deadline.isoformat())
    for ask in planner.locator("input[type=checkbox][name^='ask-']").all():
        ask.uncheck()
    planner.get_by_label(f"{ON_TIME}（小郡市）", exact=True).check()
    planner.get_by_label(f"{LATE}（小郡市）", exact=True).check()
    planner.get_by_label(f"{LATE}の締切（空欄は既定）").fill(late_deadline.isoformat())
    planner.get_by_role("button", name="照会を開く").click()
    expect(planner.locator(".messages")).to_contain_text(f"{plan.title}のR7年度")
    board = planner.locator("table.call-board tbody")
    expect(board.locator("tr")).to_have_count(2)
    expect(board.locator("tr", has_text=LATE)).to_contain_text(late_deadline.isoformat())
    board_url = planner.url

    # 3. 商工観光課 answers from its to-do on the staff home; a value about a fifth above last year's
    #    (R5: 747千人) warns, and is kept only once 「確認しました」 is ticked.
    shoko = new_page()
    log_in(shoko, server, "shoko", reverse("staff:home"))
    todo = shoko.locator("table.calls tbody tr", has_text=plan.title)
    expect(todo).to_contain_text(on_time_deadline.isoformat())
    todo.get_by_role("link", name=f"{YEAR_LABEL}を入力").click()
    shoko.wait_for_url(f"**{reverse('entry:form', args=[on_time.pk, YEAR])}")
    shoko.wait_for_load_state("load")  # entry.js (deferred) listens for typing only once it has run
    typed = {"創業者数(H27)": "150人", "ふるさと納税リピーター者数": "120人", TOURISM: "900千人"}
    for name, text in typed.items():
        entry_row(shoko, name).locator("input.value").fill(text)
    warned = entry_row(shoko, TOURISM)
    expect(warned.locator("ul.warnings")).to_contain_text("747千人から900千人")
    expect(warned.get_by_label("確認しました")).to_be_visible()
    # Saved without the confirmation, nothing is kept (all or nothing) and the warning stays.
    shoko.get_by_role("button", name="保存する").click()
    expect(shoko.locator(".messages")).to_contain_text("確認が必要な値があるため、保存しませんでした")
    assert not ReportedActual.objects.filter(kpi__department=on_time, year=YEAR).exists()
    expect(warned.locator("ul.warnings")).to_contain_text("1割以上の変化")
    expect(warned.locator("input.value")).to_have_value("900千人")
    warned.get_by_label("確認しました").check()
    shoko.get_by_role("button", name="保存する").click()
    expect(shoko.locator(".messages")).to_contain_text("3件の変更を保存しました")
    assert ReportedActual.objects.get(kpi=tourism, year=YEAR).value == 900
    submit_values(shoko, server, on_time, count=3)

    # 4. 農業振興課 is late: the nightly command reminds it (and nobody else), once a day.
    reminder_day = (late_deadline + timedelta(days=1)).isoformat()
    output = io.StringIO()
    call_command("send_data_call_reminders", date=reminder_day, stdout=output)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["nogyo@example.jp"]
    assert plan.title in mail.subject
    assert plan.title in mail.body
    for name in ("農業後継者を含む新規就農者数", SMART_FARMING):
        assert name in mail.body
    assert "創業者数" not in mail.body
    assert "督促 1課" in output.getvalue()
    again = io.StringIO()
    call_command("send_data_call_reminders", date=reminder_day, stdout=again)
    assert len(mailoutbox) == 1
    assert "本日送信済 1課" in again.getvalue()

    planner.goto(board_url)
    late_row = planner.locator("table.call-board tbody tr", has_text=LATE)
    expect(late_row).to_contain_text(reminder_day)
    expect(planner.locator("table.call-board tbody tr", has_text=ON_TIME)).to_contain_text("回答済")
    screenshot(planner, "board")

    # 5. 農業振興課 answers and submits; the planner returns one value with a comment.
    nogyo = new_page()
    log_in(nogyo, server, "nogyo", reverse("entry:form", args=[late.pk, YEAR]))
    save_entries(nogyo, {"農業後継者を含む新規就農者数": "30人", SMART_FARMING: "5件"}, saved=2)
    submit_values(nogyo, server, late, count=2)

    planner.goto(server.url + reverse("review:queue"))
    expect(planner.get_by_role("heading", level=1)).to_have_text("実績の確認（承認・差し戻し）")
    queue = planner.locator("ul.review-list > li")
    expect(queue).to_have_count(5)
    expect(queue.first).to_contain_text(TOURISM)  # the value with a warning comes first
    expect(queue.first).to_contain_text("入力者が確認済み")
    queue.filter(has_text=SMART_FARMING).get_by_label("選ぶ").check()
    planner.get_by_label("コメント（差し戻しには必須）").fill(RETURN_COMMENT)
    planner.get_by_role("button", name="選んだ実績を差し戻す").click()
    expect(planner.locator(".messages")).to_contain_text("1件の実績を差し戻しました")
    expect(queue).to_have_count(4)

    # 農業振興課 reads the comment, corrects the value and submits it again.
    nogyo.reload()
    returned = nogyo.locator("ul.review-list > li", has_text=SMART_FARMING)
    expect(returned.locator(".returned-comment")).to_contain_text(RETURN_COMMENT)
    nogyo.get_by_role("link", name="実績を入力・修正する").click()
    nogyo.wait_for_url(f"**{reverse('entry:form', args=[late.pk, YEAR])}")
    save_entries(nogyo, {SMART_FARMING: "6件"}, saved=1)
    submit_values(nogyo, server, late, count=1)

    # The planner approves all five.
    planner.reload()
    expect(queue).to_have_count(5)
    expect(queue.first).to_contain_text(TOURISM)
    screenshot(planner, "queue")
    for pick in planner.get_by_label("選ぶ").all():
        pick.check()
    planner.get_by_role("button", name="選んだ実績を承認する").click()
    expect(planner.locator(".messages")).to_contain_text("5件の実績を承認しました")
    expect(planner.get_by_text("確認を待っている実績はありません。")).to_be_visible()
    official = dict(Actual.objects.filter(kpi__plan=plan, year=YEAR).values_list("kpi__name", "value"))
    assert len(official) == 5
    assert official[TOURISM] == 900
    assert official[next(name for name in official if name.startswith(SMART_FARMING))] == 6

    # 6. The planner publishes R7: the gate lists the gaps and asks to confirm them.
    planner.goto(server.url + reverse("staff:publication"))
    planner.locator(f"a[href='?plan={PLAN}&year={YEAR}#completeness-heading']").click()
    gate = planner.locator("section.completeness")
    expect(gate).to_contain_text(f"{plan.kpis.count()}件中 5件が承認済みです")
    expect(gate.locator("ul.gaps")).to_contain_text("未入力")
    screenshot(planner, "publication")
    gate.get_by_label(re.compile("このまま公表する")).check()
    gate.get_by_role("button", name=f"{YEAR_LABEL}を公表する").click()
    expect(planner.locator(".messages")).to_contain_text("R7年度")
    expect(planner.locator(".messages")).to_contain_text("公表しました")

    # 7. After: the KPI page lists the R7 value and the plan page names R7. The first visitor's
    #    browser may keep a page for its max-age; reloading revalidates it (the ETag changed).
    visitor.goto(public_kpi_url(server, tourism.code))
    visitor.reload()
    expect(r7_actual_cell(visitor)).to_have_text("900千人")
    visitor.goto(server.url + plan.get_absolute_url())
    visitor.reload()
    expect(visitor.locator(".data-as-of")).to_contain_text(f"データ時点：{YEAR_LABEL}")
    expect(visitor.locator(".data-as-of")).to_contain_text(f"R7年度は{plan.kpis.count()}件中5件のみ公表")
    phone = new_page(PHONE)
    phone.goto(public_kpi_url(server, tourism.code))
    expect(r7_actual_cell(phone)).to_contain_text("900")
    screenshot(phone, "kpi-phone")
