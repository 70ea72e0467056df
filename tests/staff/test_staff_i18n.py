"""The staff pages speak the login's language: Japanese by default, English when the language
switcher (its cookie) asks for it. The staff home, the review queue, a data call's board, the
committee index and a department's entry page carry none of the Japanese their templates used to
hard-code (the names of plans, departments and KPIs are data, the same in both; the titles the
review and data-call views set in Python and the era year labels are not translated yet)."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from plans.choices import ReviewState
from plans.models import Kpi
from tests.logins import DEPARTMENT_STAFF, PLANNER, make_staff
from tests.plans.test_data_call_reminders import YEAR, open_call, plan_with_departments, report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_language_after():
    """An English request leaves English active in the thread (LocaleMiddleware activates, nothing
    deactivates): a later test whose response is made before LocaleMiddleware runs (the NUL
    refusal, first in the chain) would answer in English. Leave the default language behind."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def town():
    """A plan of 4 KPIs in 2 departments with an open data call, one value submitted for review,
    its planner and a clerk of the first department."""
    plan, departments = plan_with_departments(4, 2)
    call = open_call(plan, departments)
    report(Kpi.objects.filter(department=departments[0]).order_by("order").first(), state=ReviewState.SUBMITTED)
    town_name = plan.municipality.name
    return {
        "call": call,
        "department": departments[0],
        "planner": make_staff("planner", PLANNER, town_name),
        "clerk": make_staff("clerk", DEPARTMENT_STAFF, town_name, [departments[0].name]),
    }


def pages(town):
    """(who, url, {language: words it says}) of each page."""
    call, department = town["call"], town["department"]
    return [
        (
            "planner",
            reverse("staff:home"),
            {
                "ja": [
                    '<h2 id="open-calls-heading">受付中の照会</h2>',
                    "照会（実績の提出依頼）",
                    "外部検証（委員の意見と評価）",
                ],
                "en": [
                    '<h2 id="open-calls-heading">Open data calls</h2>',
                    "Data calls (requests for actuals)",
                    "External review (the members’ opinions and evaluation)",
                ],
            },
        ),
        (
            "clerk",
            reverse("staff:home"),
            {
                "ja": [
                    "照会への回答（実績の提出依頼）",
                    '<th scope="col">計画・年度</th>',
                    '<th scope="col">締切</th>',
                    "を入力</a>",
                ],
                "en": [
                    "Answering data calls (requests for actuals)",
                    '<th scope="col">Plan and year</th>',
                    '<th scope="col">Deadline</th>',
                    ">Enter R4",
                ],
            },
        ),
        (
            "planner",
            reverse("review:queue"),
            {
                "ja": [
                    "提出済み 1件 · 差し戻し中 0件 · 下書き 0件 · 承認済み 0件",
                    "これまでの実績：",
                    "（単位：人）",
                    "経過（0件）",
                    "選んだ実績を承認する",
                ],
                "en": [
                    "Submitted 1 · returned 0 · draft 0 · approved 0",
                    "Previous actuals: ",
                    "(unit: 人)",
                    "History (0 steps)",
                    "Approve the selected actuals",
                ],
            },
        ),
        (
            "planner",
            f"/staff/calls/plans/{call.plan.slug}/{call.year}/",
            {
                "ja": [
                    "担当課ごとの回答状況",
                    '<th scope="col" class="num">入力済</th>',
                    "今すぐ督促",
                    "この照会を締め切る",
                ],
                "en": [
                    "Answers by department",
                    '<th scope="col" class="num">Entered</th>',
                    "Remind now",
                    "Close this data call",
                ],
            },
        ),
        (
            "planner",
            reverse("committee:index"),
            {
                "ja": ["<h1>外部検証（委員会）</h1>", "の意見と評価</a>"],
                "en": ["<h1>External review (committee)</h1>", ">Opinions and evaluation of R6"],
            },
        ),
        (
            "clerk",
            reverse("entry:form", kwargs={"department": department.pk, "year": YEAR}),
            {
                "ja": [
                    '<th scope="col">直近の実績</th>',
                    "> 確認しました</label>",
                    '<option value="集計中">集計中</option>',
                ],
                "en": [
                    '<th scope="col">Latest actuals</th>',
                    "> I have checked</label>",
                    '<option value="集計中">Being compiled</option>',  # the value is what the form reads
                ],
            },
        ),
    ]


# The Japanese the templates used to hard-code, none of which an English page may show.
HARD_CODED = [
    "受付中の照会",
    "実績の提出依頼",
    "委員の意見と評価",
    "計画・年度",
    "締切</th>",
    "を入力</a>",
    "提出済み",
    "差し戻し中",
    "これまでの実績",
    "単位：",
    "経過（",
    "選んだ実績",
    "回答状況",
    "入力済",
    "今すぐ督促",
    "締め切る",
    "外部検証",
    "の意見と評価",
    "直近の実績",
    "確認しました",
    ">集計中<",
    ">未把握<",
]


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_staff_pages_speak_the_logins_language(client, town, language):
    if language == "en":
        client.cookies["django_language"] = "en"  # what the language switcher sets
    for who, url, words in pages(town):
        client.force_login(town[who])
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'<html lang="{language}">' in html
        for text in words[language]:
            assert text in html, (who, url, text)
        if language == "en":
            for text in HARD_CODED:
                assert text not in html, (who, url, text)
