"""The committee member role (外部委員), the committee page of a plan's year, the planner's
versioned evaluation, and the KPI見直し page with its revisions on the public KPI page.

Plans are built with factories (見直し市 with its committee member, planner and department
staff; よその市 for outsiders); the seed plans are not needed here.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans import access
from plans.models import CommitteeComment, GoalEvaluation, PublishedYear, TargetRevision
from plans.services import committee
from plans.services.accounts import ROLE_KEYS
from plans.services.targets import revise_target
from staff.forms import ROLE_CHOICES
from tests.factories import MunicipalityFactory, plan_with_kpis
from tests.logins import ADMINISTRATOR, DEPARTMENT_STAFF, PLANNER, make_staff

pytestmark = pytest.mark.django_db

COMMITTEE_MEMBER = access.COMMITTEE_MEMBER
YEAR = 2022


@pytest.fixture
def town():
    town = MunicipalityFactory(name="見直し市")
    MunicipalityFactory(name="よその市")
    plan = plan_with_kpis(4, municipality=town, department="企画課", years=(2020, 2021, 2022), published=(2020,))
    other = plan_with_kpis(2, municipality=MunicipalityFactory(name="よその市"))
    return {
        "plan": plan,
        "other": other,
        "member": make_staff("iin", COMMITTEE_MEMBER, "見直し市"),
        "planner": make_staff("kikaku", PLANNER, "見直し市"),
        "clerk": make_staff("tanto", DEPARTMENT_STAFF, "見直し市", ["企画課"]),
        "admin": make_staff("kanri", ADMINISTRATOR, "見直し市"),
        "other member": make_staff("yoso-iin", COMMITTEE_MEMBER, "よその市"),
        "other planner": make_staff("yoso-kikaku", PLANNER, "よその市"),
    }


def _plan_year(plan, year=YEAR):
    return reverse("committee:plan-year", kwargs={"slug": plan.slug, "year": year})


def _goal_url(name, plan, number=1, year=YEAR):
    return reverse(f"committee:{name}", kwargs={"slug": plan.slug, "year": year, "number": number})


# --- the role ---------------------------------------------------------------------------------


def test_the_role_is_created_with_no_admin_permission_and_offered_on_the_invite_form():
    assert COMMITTEE_MEMBER in access.ROLES
    assert not Group.objects.get(name=COMMITTEE_MEMBER).permissions.exists()
    assert ROLE_KEYS["committee"] == COMMITTEE_MEMBER
    assert (COMMITTEE_MEMBER, COMMITTEE_MEMBER) in ROLE_CHOICES


def test_a_committee_member_reads_its_municipality_plans_only_and_changes_nothing(town):
    member, plan, other = town["member"], town["plan"], town["other"]
    assert list(access.dashboard_plans(member)) == [plan]
    assert set(access.readable_kpis(member)) == set(plan.kpis.all())
    assert not access.editable_kpis(member).exists()
    assert not access.led_plans(member).exists()
    assert not access.can_change_plan(member, plan)
    assert access.can_comment(member, plan) and not access.can_comment(member, other)
    # Planners and department staff do not comment.
    assert not access.can_comment(town["planner"], plan) and not access.can_comment(town["clerk"], plan)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("member", 200), ("planner", 200), ("clerk", 403), ("admin", 403), ("other member", 404), ("other planner", 404)],
)
def test_who_opens_the_dashboards_and_committee_pages_of_a_plan(client, town, who, expected):
    plan = town["plan"]
    kpi = plan.kpis.first()
    client.force_login(town[who])
    for url in (
        reverse("dashboard:plan", kwargs={"slug": plan.slug}),
        reverse("dashboard:kpi", kwargs={"slug": plan.slug, "pk": kpi.pk}),
        reverse("dashboard:report", kwargs={"slug": plan.slug}),
        _plan_year(plan),
        reverse("committee:kpi-revisions", kwargs={"kpi": kpi.pk}),
    ):
        assert client.get(url).status_code == expected, url


def test_a_committee_member_is_refused_every_write_but_its_comments(client, town):
    plan, member = town["plan"], town["member"]
    kpi = plan.kpis.first()
    client.force_login(member)
    before = (plan.kpis.get(pk=kpi.pk).target_value, PublishedYear.objects.count())
    refused = [
        client.post(reverse("staff:publication"), {"plan": plan.slug, "year": 2021, "action": "publish"}),
        client.post(_goal_url("evaluation", plan), {"goal-1-text": "評価"}),
        client.post(
            reverse("committee:kpi-revisions", kwargs={"kpi": kpi.pk}),
            {
                "field": "target",
                "new_text": "1人",
                "effective_from_year": 2021,
                "revised_on": "2022-04-01",
                "reason": "x",
            },
        ),
        client.get(reverse("admin:plans_kpi_changelist")),
    ]
    assert [response.status_code for response in refused] == [403, 403, 403, 403]
    department = plan.kpis.first().department
    for url in (
        reverse("entry:form", kwargs={"department": department.pk, "year": 2021}),
        reverse("entry:plan-workbook", kwargs={"slug": plan.slug, "year": 2021}),
    ):
        assert client.get(url).status_code in (403, 404), url
    assert client.post(reverse("entry:form", kwargs={"department": department.pk, "year": 2021})).status_code in (
        403,
        404,
    )
    assert (plan.kpis.get(pk=kpi.pk).target_value, PublishedYear.objects.count()) == before
    assert not GoalEvaluation.objects.exists() and not TargetRevision.objects.exists()


# --- comments and evaluation ------------------------------------------------------------------


def test_a_committee_member_comments_on_a_goal_year(client, town):
    plan = town["plan"]
    client.force_login(town["member"])
    response = client.post(_goal_url("comment", plan), {"text": "  雇用の指標は目標を上回っている。  "})
    assert response.status_code == 302 and response["Location"].endswith(f"/{YEAR}/#goal-1")
    comment = CommitteeComment.objects.get()
    assert (comment.goal.number, comment.year, comment.text, comment.author) == (
        1,
        YEAR,
        "雇用の指標は目標を上回っている。",
        town["member"],
    )
    page = client.get(_plan_year(plan)).content.decode()
    assert "雇用の指標は目標を上回っている。" in page and "意見を書き込む" in page
    assert "評価を保存する" not in page  # no evaluation form for a committee member


@pytest.mark.parametrize(("who", "expected"), [("planner", 403), ("clerk", 403), ("other member", 404)])
def test_only_the_plans_committee_members_comment(client, town, who, expected):
    client.force_login(town[who])
    assert client.post(_goal_url("comment", town["plan"]), {"text": "意見"}).status_code == expected
    assert client.get(_goal_url("comment", town["plan"])).status_code in (403, 404, 405)
    assert not CommitteeComment.objects.exists()


@pytest.mark.parametrize(
    ("text", "year", "message"),
    [("", YEAR, "意見を入力"), ("x" * 4001, YEAR, "4,000字以内"), ("意見", 2030, "年度は計画の期間")],
)
def test_a_comment_is_refused_with_a_reason(town, text, year, message):
    goal = town["plan"].goals.get(number=1)
    with pytest.raises(committee.CommitteeRefused, match=message):
        committee.add_comment(town["member"], goal, year, text)
    assert not CommitteeComment.objects.exists()


def test_the_evaluation_is_versioned_and_every_version_is_shown_with_who_and_when(client, town):
    plan, planner = town["plan"], town["planner"]
    client.force_login(planner)
    url = _goal_url("evaluation", plan)
    client.post(url, {"goal-1-text": "第一版の評価", "goal-1-seen_version": ""})
    client.post(url, {"goal-1-text": "第二版の評価", "goal-1-seen_version": "1"})
    evaluation = GoalEvaluation.objects.get()
    assert (evaluation.version, evaluation.text, evaluation.updated_by) == (2, "第二版の評価", planner)
    # A save on a version someone replaced since is refused, not lost.
    response = client.post(url, {"goal-1-text": "古い版からの保存", "goal-1-seen_version": "1"}, follow=True)
    assert "他の人が更新しました" in response.content.decode()
    assert GoalEvaluation.objects.get().text == "第二版の評価"
    page = client.get(_plan_year(plan)).content.decode()
    assert "第2版" in page and "第二版の評価" in page
    assert "以前の版（1）" in page and "第一版の評価" in page and "kikaku" in page
    # The committee member reads the versions too.
    client.force_login(town["member"])
    page = client.get(_plan_year(plan)).content.decode()
    assert "第一版の評価" in page and "第二版の評価" in page


@pytest.mark.parametrize("who", ["member", "clerk", "other planner"])
def test_only_a_planner_of_the_plan_evaluates(town, who):
    goal = town["plan"].goals.get(number=1)
    with pytest.raises(committee.CommitteeRefused):
        committee.save_evaluation(town[who], goal, YEAR, "評価", seen_version=None)
    assert not GoalEvaluation.objects.exists()


def test_the_plan_year_page_answers_in_a_bounded_number_of_queries(client, town, django_assert_max_num_queries):
    """The same number of queries for one goal without comments as for twelve goals with three
    comments and three versions of their evaluation each."""
    small = plan_with_kpis(2, municipality=town["plan"].municipality, goals=1)
    large = plan_with_kpis(2, municipality=town["plan"].municipality, goals=12)
    for goal in large.goals.all():
        for index in range(3):
            committee.add_comment(town["member"], goal, YEAR, f"意見{index}")
        for version in range(3):
            committee.save_evaluation(town["planner"], goal, YEAR, f"評価{version}", seen_version=version or None)
    client.force_login(town["planner"])
    client.get(_plan_year(small))  # the session's first read
    with CaptureQueriesContext(connection) as one_goal:
        client.get(_plan_year(small))
    with django_assert_max_num_queries(len(one_goal.captured_queries)):
        response = client.get(_plan_year(large))
    assert len(one_goal.captured_queries) <= 25
    assert response.content.decode().count("以前の版（2）") == 12


def test_a_year_outside_the_plan_goes_to_the_nearest_plan_year(client, town):
    client.force_login(town["planner"])
    response = client.get(_plan_year(town["plan"], 2026))
    assert response.status_code == 302 and response["Location"] == _plan_year(town["plan"], 2024)


# --- KPI見直し -----------------------------------------------------------------------------------


def test_a_planner_revises_a_target_on_the_kpi_page_and_every_version_is_listed(client, town):
    plan = town["plan"]
    kpi = plan.kpis.get(code="K0")
    url = reverse("committee:kpi-revisions", kwargs={"kpi": kpi.pk})
    client.force_login(town["planner"])
    assert "見直しを記録する" in client.get(url).content.decode()
    form = {"field": "target", "new_text": "130人", "effective_from_year": 2022, "revised_on": "2022-03-25"}
    response = client.post(url, {**form, "reason": "国の長期ビジョン改訂に合わせた"})
    assert response.status_code == 302
    client.post(url, {**form, "new_text": "140人", "effective_from_year": 2023, "reason": "再度の見直し"})
    page = client.get(url).content.decode()
    assert page.count("国の長期ビジョン改訂に合わせた") == 1 and "再度の見直し" in page
    assert "150人" in page and "130人" in page and "140人" in page
    assert list(TargetRevision.objects.values_list("old_raw", "new_raw")) == [("150人", "130人"), ("130人", "140人")]
    # A refusal keeps the form with the reason said, and changes nothing.
    response = client.post(url, {**form, "new_text": "150%", "reason": "誤り"})
    assert response.status_code == 400 and "種類が違います" in response.content.decode()
    assert TargetRevision.objects.count() == 2
    # The committee member reads the list, without the form.
    client.force_login(town["member"])
    page = client.get(url).content.decode()
    assert "再度の見直し" in page and "見直しを記録する" not in page


def test_a_committee_member_finds_its_pages_from_the_staff_home(client, town):
    client.force_login(town["member"])
    page = client.get(reverse("staff:home")).content.decode()
    assert reverse("committee:index") in page and reverse("dashboard:index") in page
    assert reverse("staff:publication") not in page
    index = client.get(reverse("committee:index")).content.decode()
    assert _plan_year(town["plan"], 2024) in index and town["other"].slug not in index


def test_the_staff_kpi_page_links_to_its_revisions(client, town):
    plan = town["plan"]
    kpi = plan.kpis.get(code="K0")
    client.force_login(town["planner"])
    page = client.get(reverse("dashboard:kpi", kwargs={"slug": plan.slug, "pk": kpi.pk})).content.decode()
    assert reverse("committee:kpi-revisions", kwargs={"kpi": kpi.pk}) in page


def test_the_public_kpi_page_lists_the_revisions_with_their_reasons(client, town):
    plan = town["plan"]
    kpi = plan.kpis.get(code="K0")
    public_url = reverse("plans:kpi-detail", kwargs={"slug": plan.slug, "code": kpi.code})
    assert "目標の見直し" not in client.get(public_url).content.decode()
    revise_target(town["planner"], kpi, "target", "130人", 2022, datetime.date(2022, 3, 25), "国の方針変更による")
    page = client.get(public_url).content.decode()
    assert "目標の見直し" in page and "国の方針変更による" in page
    assert "150人" in page and "130人" in page and "2022-03-25" in page
    assert "kikaku" not in page  # who revised is not public
