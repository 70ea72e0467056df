from playwright.sync_api import expect


def test_home_lists_plans_in_chromium(page, seeded_server):
    page.goto(seeded_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("第2期 うきは市ルネッサンス戦略")).to_be_visible()
