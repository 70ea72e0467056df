"""An administrator invites a login in Chromium; the invited person sets a password from the mail,
logs in and lands on the staff home with their department's to-do."""

import re

from django.core import mail
from playwright.sync_api import expect

from plans.access import ADMINISTRATOR

PASSWORD = "a-strong-password-123"
NEW_PASSWORD = "chikugo-river-2025-spring"


def log_in(page, server, username, password):
    page.goto(server.url + "/staff/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_url(server.url + "/staff/")


def log_out(page, server):
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url(server.url + "/")


def test_an_invited_login_sets_its_password_and_sees_its_to_do(page, seeded_server, make_staff, mailoutbox):
    make_staff("ogori-admin", ADMINISTRATOR, municipality="小郡市")
    log_in(page, seeded_server, "ogori-admin", PASSWORD)
    page.get_by_role("link", name="自治体のログイン管理").click()
    page.get_by_role("link", name="ログインを招待する").click()
    page.get_by_label("メールアドレス").fill("hanako@example.jp")
    page.get_by_label("氏名").fill("小郡 花子")
    page.get_by_label("役割").select_option("担当課職員")
    page.get_by_label("商工観光課").check()
    page.get_by_role("button", name="招待メールを送る").click()
    expect(page.locator(".messages")).to_contain_text("hanako@example.jp に招待メールを送信しました")
    expect(page.locator("table.accounts")).to_contain_text("招待中（パスワード未設定）")
    log_out(page, seeded_server)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hanako@example.jp"]
    link = re.search(r"https?://\S+/staff/password/set/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", name="パスワードの設定")).to_be_visible()
    page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    page.get_by_role("button", name="パスワードを保存する").click()
    page.wait_for_url(seeded_server.url + "/staff/")
    expect(page.locator(".messages")).to_contain_text("パスワードを設定しました")

    log_out(page, seeded_server)
    log_in(page, seeded_server, "hanako@example.jp", NEW_PASSWORD)
    expect(page.get_by_role("heading", name="職員ホーム")).to_be_visible()
    row = page.locator("table.todo tbody tr", has_text="商工観光課")
    expect(row).to_have_count(1)
    expect(row.get_by_role("link")).to_contain_text("を入力する")
