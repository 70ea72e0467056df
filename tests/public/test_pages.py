import pytest

pytestmark = pytest.mark.django_db


def test_home_lists_the_loaded_plans_in_japanese(client, seed):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "第1期 久留米市地方創生総合戦略" in page
    assert "第2期 うきは市ルネッサンス戦略" in page
    assert 'lang="ja"' in page
    assert "計画" in page


def test_english_is_available(client, seed):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="en"' in response.content.decode()


def test_plan_page_shows_goals_and_year(client, seed):
    response = client.get("/plans/kurume-strategy-1/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "安定した雇用を創出する" in page
    assert "H29年度 (2017)" in page


def test_goal_page_shows_kpis(client, seed):
    response = client.get("/plans/kurume-strategy-1/goals/1/")
    assert "市内の大学等の新卒者の市内企業への就職率" in response.content.decode()


def test_unknown_plan_is_404(client, seed):
    assert client.get("/plans/nowhere/").status_code == 404
