"""The review pages: a department submits its values with its self-assessment and sees their
history; a planner approves or returns them in the queue (bounded queries); evidence is served
only to logins that may read the KPI; the publication page shows completeness, asks to confirm
gaps, and reopens a published year with a reason that the public plan page shows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.choices import ReviewState
from plans.models import Actual, Department, Evidence, Kpi, PublishedYear, ReportedActual, YearReopening
from plans.services import review
from tests.factories import MunicipalityFactory, plan_with_kpis
from tests.logins import DEPARTMENT_STAFF, PLANNER, make_staff

pytestmark = pytest.mark.django_db

TOWN = "審査町"
YEAR = 2022
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def town():
    municipality = MunicipalityFactory(name=TOWN)
    plan = plan_with_kpis(
        3, slug="review-pages", municipality=municipality, department="税務課", published=(2020, 2021)
    )
    MunicipalityFactory(name="よその市")
    Department.objects.create(municipality=municipality, name="福祉課")
    return {
        "plan": plan,
        "kpis": list(Kpi.objects.filter(plan=plan).order_by("pk")),
        "department": Department.objects.get(municipality=municipality, name="税務課"),
        "clerk": make_staff("zeimu", DEPARTMENT_STAFF, municipality=TOWN, departments=["税務課"]),
        "other_clerk": make_staff("fukushi", DEPARTMENT_STAFF, municipality=TOWN, departments=["福祉課"]),
        "planner": make_staff("kikaku", PLANNER, municipality=TOWN),
        "outsider": make_staff("yoso", PLANNER, municipality="よその市"),
    }


def reported(kpi, state=ReviewState.DRAFT, *, raw="130人", warnings=(), by=None, year=YEAR) -> ReportedActual:
    return ReportedActual.objects.create(
        kpi=kpi,
        year=year,
        value=Decimal(raw.rstrip("人").replace(",", "")),
        raw=raw,
        state=state,
        warnings=list(warnings),
        warnings_confirmed=bool(warnings),
        updated_by=by,
    )


def submit_url(town, year=YEAR) -> str:
    return reverse("review:submit", kwargs={"department": town["department"].pk, "year": year})


def test_a_department_submits_its_drafts_with_its_self_assessment(client, town):
    first, second = reported(town["kpis"][0], by=town["clerk"]), reported(town["kpis"][1], by=town["clerk"])
    client.force_login(town["clerk"])
    page = client.get(submit_url(town)).content.decode()
    assert "130人" in page and "達成できたこと" in page and "下書き" in page
    response = client.post(
        submit_url(town),
        {
            "reported": [first.pk, second.pk],
            "achieved_text": "創業相談が増えた",
            "shortfall_text": "若年層が少ない",
            "next_steps_text": "SNSで周知する",
        },
        follow=True,
    )
    assert "2件の実績を提出しました" in response.content.decode()
    first.refresh_from_db()
    assert (first.state, first.achieved_text, first.next_steps_text) == (
        "submitted",
        "創業相談が増えた",
        "SNSで周知する",
    )
    assert first.submitted_at is not None


@pytest.mark.parametrize("who", ["other_clerk", "outsider"])
def test_another_departments_page_does_not_exist_for_them(client, town, who):
    draft = reported(town["kpis"][0], by=town["clerk"])
    client.force_login(town[who])
    assert client.get(submit_url(town)).status_code == 404
    assert client.post(submit_url(town), {"reported": [draft.pk]}).status_code == 404
    draft.refresh_from_db()
    assert draft.state == ReviewState.DRAFT


def test_the_department_sees_why_its_value_was_returned(client, town):
    value = reported(town["kpis"][0], ReviewState.SUBMITTED, by=town["clerk"])
    review.return_values(town["planner"], [value.pk], "前年度の10倍です。単位をご確認ください。")
    client.force_login(town["clerk"])
    page = client.get(submit_url(town)).content.decode()
    assert "差し戻しの理由：前年度の10倍です。単位をご確認ください。" in page
    assert "経過（1件）" in page and "kikaku" in page


def test_the_queue_lists_values_with_warnings_first_and_the_planner_approves_several(client, town):
    plain = reported(town["kpis"][0], ReviewState.SUBMITTED, by=town["clerk"])
    warned = reported(
        town["kpis"][1], ReviewState.SUBMITTED, raw="1,300人", warnings=["前年度の10倍以上です"], by=town["clerk"]
    )
    client.force_login(town["planner"])
    page = client.get(reverse("review:queue")).content.decode()
    assert page.index("1,300人") < page.index("130人")
    assert "前年度の10倍以上です" in page and "（入力者が確認済み）" in page
    response = client.post(
        reverse("review:decide"), {"action": "approve", "reported": [plain.pk, warned.pk]}, follow=True
    )
    assert "2件の実績を承認しました" in response.content.decode()
    assert set(Actual.objects.filter(kpi__plan=town["plan"], year=YEAR).values_list("raw", flat=True)) == {
        "130人",
        "1,300人",
    }


def test_returning_without_a_comment_is_refused_with_a_message(client, town):
    value = reported(town["kpis"][0], ReviewState.SUBMITTED, by=town["clerk"])
    client.force_login(town["planner"])
    response = client.post(reverse("review:decide"), {"action": "return", "reported": [value.pk]}, follow=True)
    assert "差し戻す理由（コメント）を入力してください" in response.content.decode()
    value.refresh_from_db()
    assert value.state == ReviewState.SUBMITTED
    client.post(reverse("review:decide"), {"action": "return", "reported": [value.pk], "comment": "根拠は？"})
    value.refresh_from_db()
    assert value.state == ReviewState.RETURNED


@pytest.mark.parametrize("who", ["clerk", "outsider"])
def test_only_the_plans_planners_decide(client, town, who):
    value = reported(town["kpis"][0], ReviewState.SUBMITTED, by=town["clerk"])
    client.force_login(town[who])
    response = client.post(reverse("review:decide"), {"action": "approve", "reported": [value.pk]}, follow=True)
    assert response.status_code in (200, 403)
    value.refresh_from_db()
    assert (
        value.state == ReviewState.SUBMITTED and not Actual.objects.filter(kpi__plan=town["plan"], year=YEAR).exists()
    )


def test_decisions_are_post_only(client, town):
    client.force_login(town["planner"])
    assert client.get(reverse("review:decide")).status_code == 405


def test_department_staff_are_sent_from_the_queue_to_their_submission_page(client, town):
    client.force_login(town["clerk"])
    response = client.get(reverse("review:queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(f"/staff/review/departments/{town['department'].pk}/")


def queue_queries(client, count: int, town, year: int) -> int:
    kpis = Kpi.objects.filter(plan__slug=f"review-queue-{count}").order_by("pk")
    for kpi in kpis:
        value = reported(kpi, ReviewState.SUBMITTED, by=town["clerk"], year=year)
        review.add_evidence(town["planner"], value, url="https://example.jp/toukei")
        review.return_values(town["planner"], [value.pk], "確認")
        review.submit(town["planner"], [value.pk])
    with CaptureQueriesContext(connection) as context:
        page = client.get(reverse("review:queue"), {"year": year})
    assert page.status_code == 200 and page.content.decode().count('name="reported"') == count
    return len(context.captured_queries)


def test_the_queue_answers_in_the_same_number_of_queries_for_5_and_40_values(
    client, town, django_assert_max_num_queries
):
    for count in (5, 40):
        plan_with_kpis(count, slug=f"review-queue-{count}", municipality=town["plan"].municipality, years=())
    client.force_login(town["planner"])
    small = queue_queries(client, 5, town, 2023)
    large = queue_queries(client, 40, town, 2024)
    assert small == large
    # session and login (with its roles, profile and municipality), the values with their KPI and
    # plan, their steps, evidence, earlier actuals, the counts per state, the messages
    with django_assert_max_num_queries(20):
        client.get(reverse("review:queue"), {"year": 2024})


def test_the_submission_page_answers_in_bounded_queries(client, town, django_assert_max_num_queries):
    for kpi in town["kpis"]:
        value = reported(kpi, by=town["clerk"])
        review.add_evidence(town["clerk"], value, url="https://example.jp/")
    client.force_login(town["clerk"])
    with django_assert_max_num_queries(20):
        assert client.get(submit_url(town)).status_code == 200


# --- evidence ---------------------------------------------------------------------------------------


def test_evidence_is_uploaded_and_served_only_to_those_who_may_read_the_kpi(client, town, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    value = reported(town["kpis"][0], by=town["clerk"])
    url = reverse("review:evidence", kwargs={"kpi": value.kpi_id, "year": YEAR})
    client.force_login(town["clerk"])
    upload = SimpleUploadedFile("根拠資料.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {"file": upload, "description": "県統計", "next": submit_url(town)})
    assert response.status_code == 302 and response["Location"] == submit_url(town)
    evidence = Evidence.objects.get(reported=value)
    assert "根拠資料.pdf" in client.get(submit_url(town)).content.decode()
    for who, status in (("clerk", 200), ("planner", 200), ("other_clerk", 404), ("outsider", 404)):
        client.force_login(town[who])
        served = client.get(url, {"id": evidence.pk})
        assert served.status_code == status, who
        if status == 200:
            assert b"".join(served.streaming_content) == PDF
            assert served["Content-Type"] == "application/pdf"
            assert "attachment" in served["Content-Disposition"]
    client.logout()
    assert client.get(url, {"id": evidence.pk}).status_code == 302  # to the login
    assert client.get(f"/media/{evidence.file.name}").status_code == 404  # never a public media URL


def test_a_disguised_file_is_refused_with_a_message(client, town, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    value = reported(town["kpis"][0], by=town["clerk"])
    url = reverse("review:evidence", kwargs={"kpi": value.kpi_id, "year": YEAR})
    client.force_login(town["clerk"])
    upload = SimpleUploadedFile("集計.pdf", b"<script>alert(1)</script>", content_type="application/pdf")
    response = client.post(url, {"file": upload, "next": submit_url(town)}, follow=True)
    assert "形式ではありません" in response.content.decode()
    assert not Evidence.objects.filter(reported=value).exists() and not any(tmp_path.rglob("*.pdf"))


# --- publication: completeness, gaps, reopening --------------------------------------------------------


def test_publishing_with_gaps_lists_them_and_needs_the_confirmation(client, town):
    kpis = town["kpis"]
    approved = reported(kpis[0], ReviewState.SUBMITTED, by=town["clerk"])
    review.approve(town["planner"], [approved.pk])
    reported(kpis[1], ReviewState.SUBMITTED, by=town["clerk"])
    client.force_login(town["planner"])
    page = client.get("/staff/publication/", {"plan": town["plan"].slug, "year": YEAR}).content.decode()
    assert "3件中 1件が承認済み" in page and "提出済み（未承認）" in page and "未入力" in page
    data = {"plan": town["plan"].slug, "year": YEAR, "action": "publish"}
    refused = client.post("/staff/publication/", data).content.decode()
    assert "3件中1件しか承認されていません" in refused and "このまま公表する" in refused
    assert f"{kpis[2].code} {kpis[2].name}（未入力）" in refused
    assert not PublishedYear.objects.filter(plan=town["plan"], year=YEAR).exists()
    client.post("/staff/publication/", {**data, "gaps_confirmed": "on"})
    assert PublishedYear.objects.filter(plan=town["plan"], year=YEAR).exists()


def test_the_completeness_of_another_municipalitys_plan_is_not_shown(client, town):
    client.force_login(town["outsider"])
    assert client.get("/staff/publication/", {"plan": town["plan"].slug, "year": YEAR}).status_code == 404


def test_a_reopened_year_shows_its_reason_to_staff_and_citizens_until_published_again(client, town):
    plan = town["plan"]
    client.force_login(town["planner"])
    data = {"plan": plan.slug, "year": 2021, "action": "reopen"}
    response = client.post("/staff/publication/", {**data, "reason": ""}, follow=True)
    assert "再開する理由を入力してください" in response.content.decode()
    assert not YearReopening.objects.filter(plan=plan).exists()
    reason = "県の確定値が公表されたため、人口の数値を訂正します"
    response = client.post("/staff/publication/", {**data, "reason": reason}, follow=True)
    assert "修正のため再開中" in response.content.decode() and reason in response.content.decode()
    client.logout()
    public = client.get(plan.get_absolute_url()).content.decode()
    assert f"R3年度の数値は修正のため再公開準備中です：{reason}" in public
    client.force_login(town["planner"])
    client.post("/staff/publication/", {"plan": plan.slug, "year": 2021, "action": "publish", "gaps_confirmed": "on"})
    client.logout()
    cache.clear()
    assert reason not in client.get(plan.get_absolute_url()).content.decode()


def test_a_planners_own_entries_wait_in_the_queue_for_their_approval(client, town):
    own = reported(town["kpis"][0], by=town["planner"])
    someone_elses_draft = reported(town["kpis"][1], raw="777人", by=town["clerk"])
    client.force_login(town["planner"])
    page = client.get(reverse("review:queue")).content.decode()
    assert f'value="{own.pk}"' in page and f'value="{someone_elses_draft.pk}"' not in page
    client.post(reverse("review:decide"), {"action": "approve", "reported": [own.pk]})
    assert Actual.objects.get(kpi=town["kpis"][0], year=YEAR).raw == "130人"
