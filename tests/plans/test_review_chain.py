"""The review chain through its services: who may move a reported value from which state to which,
what reaches the official actual and the stored progress (only approved values), locked
(published) years and their reopening, a KPI continued into the next plan, evidence checks, and
the plan's data version."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from plans.choices import ReviewState, SuccessorLink
from plans.models import (
    Actual,
    Evidence,
    Kpi,
    KpiYearProgress,
    Plan,
    ProgressTally,
    PublishedYear,
    ReportedActual,
    ReviewStep,
    YearReopening,
)
from plans.services import publication, review
from plans.services.actuals import Submission, apply, preview
from tests.factories import MunicipalityFactory, plan_with_kpis
from tests.logins import DEPARTMENT_STAFF, PLANNER, make_staff

pytestmark = pytest.mark.django_db

TOWN = "審査町"
OPEN_YEAR = 2022  # not published: values may be entered
PUBLISHED_YEAR = 2020  # published: locked


@pytest.fixture
def town():
    municipality = MunicipalityFactory(name=TOWN)
    plan = plan_with_kpis(4, slug="review-plan", municipality=municipality, department="税務課", published=(2020,))
    return {
        "plan": plan,
        "kpis": list(Kpi.objects.filter(plan=plan).order_by("pk")),
        "clerk": make_staff("zeimu", DEPARTMENT_STAFF, municipality=TOWN, departments=["税務課"]),
        "planner": make_staff("kikaku", PLANNER, municipality=TOWN),
    }


def enter(user, kpi, year: int, text: str) -> ReportedActual:
    """Type a value on the entry page and save it (a draft)."""
    current = ReportedActual.objects.filter(kpi=kpi, year=year).first()
    result = preview(user, [Submission(kpi.pk, year, text, version=current.version if current else 0, confirmed=True)])
    assert result.problems == []
    apply(user, result.changes)
    return ReportedActual.objects.get(kpi=kpi, year=year)


def reported_in(kpi, state: str, by) -> ReportedActual:
    return ReportedActual.objects.create(
        kpi=kpi, year=OPEN_YEAR, value=Decimal(130), raw="130人", state=state, updated_by=by
    )


# --- transitions ------------------------------------------------------------------------------

ALLOWED, REFUSED = "allowed", "refused"

TRANSITIONS = [
    # (state before, action, who acts, who entered the value, outcome)
    (ReviewState.DRAFT, "submit", "clerk", "clerk", ReviewState.SUBMITTED),
    (ReviewState.RETURNED, "submit", "clerk", "clerk", ReviewState.SUBMITTED),
    (ReviewState.SUBMITTED, "submit", "clerk", "clerk", REFUSED),
    (ReviewState.APPROVED, "submit", "clerk", "clerk", REFUSED),
    (ReviewState.SUBMITTED, "return", "planner", "clerk", ReviewState.RETURNED),
    (ReviewState.DRAFT, "return", "planner", "clerk", REFUSED),
    (ReviewState.RETURNED, "return", "planner", "clerk", REFUSED),
    (ReviewState.APPROVED, "return", "planner", "clerk", REFUSED),
    (ReviewState.SUBMITTED, "approve", "planner", "clerk", ReviewState.APPROVED),
    (ReviewState.DRAFT, "approve", "planner", "clerk", REFUSED),  # not submitted yet
    (ReviewState.RETURNED, "approve", "planner", "clerk", REFUSED),
    (ReviewState.APPROVED, "approve", "planner", "clerk", REFUSED),
    (ReviewState.DRAFT, "approve", "planner", "planner", ReviewState.APPROVED),  # the planner's own entry
    (ReviewState.RETURNED, "approve", "planner", "planner", ReviewState.APPROVED),
]


def act(action: str, user, ids):
    if action == "submit":
        return review.submit(user, ids, "達成", "未達", "次へ")
    if action == "return":
        return review.return_values(user, ids, "数値を確認してください")
    return review.approve(user, ids)


@pytest.mark.parametrize(("before", "action", "actor", "author", "outcome"), TRANSITIONS)
def test_each_transition_is_allowed_or_refused_whole(town, before, action, actor, author, outcome):
    reported = reported_in(town["kpis"][0], before, town[author])
    steps = ReviewStep.objects.count()
    if outcome == REFUSED:
        with pytest.raises(review.ReviewRefused):
            act(action, town[actor], [reported.pk])
        reported.refresh_from_db()
        assert reported.state == before
        assert ReviewStep.objects.count() == steps
        return
    assert act(action, town[actor], [reported.pk]) == 1
    reported.refresh_from_db()
    assert reported.state == outcome
    step = reported.steps.get()
    assert (step.state, step.by) == (outcome, town[actor])
    assert Actual.objects.filter(kpi=reported.kpi, year=OPEN_YEAR).exists() == (outcome == ReviewState.APPROVED)


@pytest.mark.parametrize(
    ("action", "actor"),
    [
        ("approve", "clerk"),
        ("return", "clerk"),
        ("approve", "outsider"),
        ("return", "outsider"),
        ("submit", "outsider"),
    ],
)
def test_only_the_right_role_moves_a_value(town, action, actor):
    MunicipalityFactory(name="よその市")
    town["outsider"] = make_staff("yoso", PLANNER, municipality="よその市")
    reported = reported_in(town["kpis"][0], ReviewState.SUBMITTED if action != "submit" else ReviewState.DRAFT, None)
    with pytest.raises(PermissionDenied):
        act(action, town[actor], [reported.pk])
    reported.refresh_from_db()
    assert reported.state in (ReviewState.SUBMITTED, ReviewState.DRAFT)


def test_returning_needs_a_comment_and_the_department_sees_it(town):
    reported = reported_in(town["kpis"][0], ReviewState.SUBMITTED, town["clerk"])
    with pytest.raises(review.ReviewRefused, match="コメント"):
        review.return_values(town["planner"], [reported.pk], "  ")
    review.return_values(town["planner"], [reported.pk], "前年度の3倍です。単位を確認してください。")
    assert reported.steps.get().comment == "前年度の3倍です。単位を確認してください。"


def test_one_refused_value_refuses_the_whole_batch(town):
    good = reported_in(town["kpis"][0], ReviewState.SUBMITTED, town["clerk"])
    bad = ReportedActual.objects.create(kpi=town["kpis"][1], year=OPEN_YEAR, value=1, raw="1人", state="draft")
    with pytest.raises(review.ReviewRefused):
        review.approve(town["planner"], [good.pk, bad.pk])
    good.refresh_from_db()
    assert good.state == ReviewState.SUBMITTED
    assert not Actual.objects.filter(kpi__plan=town["plan"], year=OPEN_YEAR).exists()


# --- only approved values are official ----------------------------------------------------------


def stored(plan):
    """Everything the stored progress holds for a plan (both views), to compare."""
    return (
        sorted(KpiYearProgress.objects.filter(plan=plan).values_list("kpi_id", "view", "year", "actual", "mark")),
        sorted(ProgressTally.objects.filter(plan=plan).values_list("scope", "scope_id", "view", "year", "marks")),
    )


def test_draft_submitted_and_returned_values_never_reach_the_stored_progress(town):
    plan, kpi, clerk, planner = town["plan"], town["kpis"][0], town["clerk"], town["planner"]
    before = stored(plan)
    reported = enter(clerk, kpi, OPEN_YEAR, "149人")
    assert stored(plan) == before  # draft
    review.submit(clerk, [reported.pk])
    assert stored(plan) == before  # submitted
    review.return_values(planner, [reported.pk], "根拠資料を添付してください")
    assert stored(plan) == before  # returned
    assert not Actual.objects.filter(kpi=kpi, year=OPEN_YEAR).exists()
    review.submit(clerk, [reported.pk])
    review.approve(planner, [reported.pk])
    row = KpiYearProgress.objects.get(kpi=kpi, view="staff", year=OPEN_YEAR)
    assert row.actual == 149
    assert stored(plan) != before


def test_a_correction_stays_a_draft_until_approved_the_official_value_stays(town):
    kpi, clerk, planner = town["kpis"][0], town["clerk"], town["planner"]
    reported = enter(clerk, kpi, OPEN_YEAR, "140人")
    review.submit(clerk, [reported.pk])
    review.approve(planner, [reported.pk])
    enter(clerk, kpi, OPEN_YEAR, "999人")
    assert Actual.objects.get(kpi=kpi, year=OPEN_YEAR).raw == "140人"
    assert KpiYearProgress.objects.get(kpi=kpi, view="staff", year=OPEN_YEAR).actual == 140


# --- locked years -------------------------------------------------------------------------------


def locked_entry_refused(user, kpi, year: int) -> bool:
    """The entry preview says the year is locked, and the service refuses a change made for it
    anyway (a form posted before the year was published)."""
    result = preview(user, [Submission(kpi.pk, year, "1人", confirmed=True)])
    said = any("公表済み" in problem for problem in result.problems)
    open_change = preview(user, [Submission(kpi.pk, OPEN_YEAR + 1, "1人", confirmed=True)]).changes[0]
    with pytest.raises(review.ReviewRefused, match="公表済み"):
        review.report_changes(user, [dataclasses.replace(open_change, year=year, version=0)])
    return said


def test_a_published_year_is_locked_until_a_planner_reopens_it_with_a_reason(town):
    plan, kpi, clerk, planner = town["plan"], town["kpis"][0], town["clerk"], town["planner"]
    problem = review.locked_year_problem(plan.pk, PUBLISHED_YEAR)
    assert "R2年度" in problem and "公表済み" in problem
    assert review.locked_year_problem(plan.pk, OPEN_YEAR) == ""
    assert locked_entry_refused(clerk, kpi, PUBLISHED_YEAR)
    assert not ReportedActual.objects.filter(kpi=kpi, year=PUBLISHED_YEAR).exists()
    with pytest.raises(review.ReviewRefused, match="理由"):
        review.reopen_year(planner, plan, PUBLISHED_YEAR, " ")
    with pytest.raises(PermissionDenied):
        review.reopen_year(clerk, plan, PUBLISHED_YEAR, "誤記の訂正")
    with pytest.raises(review.ReviewRefused):
        review.reopen_year(planner, plan, OPEN_YEAR, "公表していない年度")
    review.reopen_year(planner, plan, PUBLISHED_YEAR, "県の確定値で訂正するため")
    assert review.locked_year_problem(plan.pk, PUBLISHED_YEAR) == ""
    reported = enter(clerk, kpi, PUBLISHED_YEAR, "111人")
    review.submit(clerk, [reported.pk])
    review.approve(planner, [reported.pk])
    assert Actual.objects.get(kpi=kpi, year=PUBLISHED_YEAR).raw == "111人"
    publication.publish_year(plan, PUBLISHED_YEAR, user=planner)  # publishing again closes the reopening
    assert YearReopening.objects.get(plan=plan, year=PUBLISHED_YEAR).closed_at is not None
    assert review.locked_year_problem(plan.pk, PUBLISHED_YEAR) != ""
    assert locked_entry_refused(clerk, kpi, PUBLISHED_YEAR)


def test_approval_refuses_a_value_of_a_year_published_meanwhile(town):
    plan, planner = town["plan"], town["planner"]
    reported = reported_in(town["kpis"][0], ReviewState.SUBMITTED, town["clerk"])
    PublishedYear.objects.create(plan=plan, year=OPEN_YEAR)
    with pytest.raises(review.ReviewRefused, match="公表済み"):
        review.approve(planner, [reported.pk])
    assert not Actual.objects.filter(kpi__plan=town["plan"], year=OPEN_YEAR).exists()


# --- a KPI continued into the next plan -----------------------------------------------------------


def test_a_continued_kpi_is_entered_once_and_official_in_both_plans(town):
    plan, kpi, clerk, planner = town["plan"], town["kpis"][0], town["clerk"], town["planner"]
    municipality = plan.municipality
    following = plan_with_kpis(1, slug="review-plan-next", municipality=municipality, years=())
    Plan.objects.filter(pk=following.pk).update(first_year=2024, last_year=2028)
    successor = Kpi.objects.get(plan=following)
    Kpi.objects.filter(pk=successor.pk).update(
        predecessor=kpi, predecessor_link=SuccessorLink.CONTINUED, baseline_year=2023, target_year=2028
    )
    inside = reported_in(kpi, ReviewState.DRAFT, clerk)
    ReportedActual.objects.filter(pk=inside.pk).update(year=2024)
    outside = reported_in(kpi, ReviewState.DRAFT, clerk)  # 2022: before the next plan
    review.submit(clerk, [inside.pk, outside.pk])
    review.approve(planner, [inside.pk, outside.pk])
    assert Actual.objects.get(kpi=successor, year=2024).raw == "130人"
    assert Actual.objects.get(kpi=kpi, year=2024).raw == "130人"
    assert not Actual.objects.filter(kpi=successor, year=OPEN_YEAR).exists()
    assert KpiYearProgress.objects.get(kpi=successor, view="staff", year=2024).actual == 130


def test_a_kpi_of_another_unit_is_not_continued(town):
    plan, kpi = town["plan"], town["kpis"][0]
    following = plan_with_kpis(1, slug="review-plan-other", municipality=plan.municipality, years=())
    successor = Kpi.objects.get(plan=following)
    Kpi.objects.filter(pk=successor.pk).update(predecessor=kpi, predecessor_link=SuccessorLink.CONTINUED, unit="件")
    reported = reported_in(kpi, ReviewState.SUBMITTED, town["clerk"])
    review.approve(town["planner"], [reported.pk])
    assert not Actual.objects.filter(kpi=successor).exclude(year__in=(2020, 2021)).exists()


# --- evidence -------------------------------------------------------------------------------------

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
ZIP = b"PK\x03\x04\x14\x00\x06\x00"


@pytest.mark.parametrize(
    ("name", "head", "size", "problem"),
    [
        ("根拠.pdf", PDF, 1000, ""),
        ("graph.PNG", PNG, 1000, ""),
        ("集計.xlsx", ZIP, 1000, ""),
        ("集計.csv", "年度,件数\nR6,214199\n".encode(), 30, ""),
        ("集計.csv", "年度,件数\n".encode("cp932"), 10, ""),
        ("偽物.pdf", ZIP, 1000, "形式ではありません"),  # a workbook renamed .pdf
        ("偽物.png", PDF, 1000, "形式ではありません"),
        ("偽物.csv", b"MZ\x90\x00\x03\x00\x00\x00", 8, "形式ではありません"),  # a program named .csv
        ("virus.exe", b"MZ\x90\x00", 4, "種類"),
        ("noextension", PDF, 1000, "種類"),
        ("page.html", b"<html>", 6, "種類"),
        ("empty.pdf", b"", 0, "空"),
        ("huge.pdf", PDF, 5 * 1024 * 1024 + 1, "大きすぎます"),
    ],
)
def test_evidence_files_are_checked_by_size_extension_and_first_bytes(name, head, size, problem):
    found = review.evidence_file_problem(name, size, head)
    assert (problem in found) if problem else found == ""


def test_evidence_is_stored_under_its_own_name_and_links_must_be_web_addresses(town, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    reported = reported_in(town["kpis"][0], ReviewState.DRAFT, town["clerk"])
    upload = SimpleUploadedFile("../../etc/根拠.pdf", PDF + b"rest", content_type="text/html")
    evidence = review.add_evidence(town["clerk"], reported, file=upload, description="県の統計")
    assert evidence.file_name == "根拠.pdf" and evidence.content_type == "application/pdf"
    stored_path = tmp_path / evidence.file.name
    assert stored_path.read_bytes() == PDF + b"rest"
    assert stored_path.is_relative_to(tmp_path / "evidence") and "根拠" not in evidence.file.name
    for bad in ("javascript:alert(1)", "ftp://example.jp/a", "not a url"):
        with pytest.raises(review.ReviewRefused, match="http"):
            review.add_evidence(town["clerk"], reported, url=bad)
    with pytest.raises(review.ReviewRefused, match="どちらか"):
        review.add_evidence(town["clerk"], reported, file=upload, url="https://example.jp/")
    review.add_evidence(town["clerk"], reported, url="https://www.pref.example.jp/toukei.html")
    assert Evidence.objects.filter(reported=reported).count() == 2
    with pytest.raises(review.ReviewRefused, match="形式"):
        review.add_evidence(town["clerk"], reported, file=SimpleUploadedFile("x.pdf", ZIP + b"..."))
    assert Evidence.objects.filter(reported=reported).count() == 2


def test_only_those_who_may_enter_the_kpi_add_evidence(town):
    MunicipalityFactory(name="よその市")
    outsider = make_staff("yoso-clerk", DEPARTMENT_STAFF, municipality="よその市")
    reported = reported_in(town["kpis"][0], ReviewState.DRAFT, town["clerk"])
    with pytest.raises(PermissionDenied):
        review.add_evidence(outsider, reported, url="https://example.jp/")


# --- data version ---------------------------------------------------------------------------------


def version(plan) -> int:
    return Plan.objects.get(pk=plan.pk).data_version


def test_every_write_that_changes_official_or_published_data_bumps_the_data_version(town):
    plan, clerk, planner = town["plan"], town["clerk"], town["planner"]
    reported = enter(clerk, town["kpis"][0], OPEN_YEAR, "131人")
    start = version(plan)
    review.submit(clerk, [reported.pk])
    assert version(plan) == start  # nothing official moved
    review.approve(planner, [reported.pk])
    approved = version(plan)
    assert approved > start and Plan.objects.get(pk=plan.pk).data_changed_at is not None
    publication.publish_year(plan, OPEN_YEAR, user=planner)
    published = version(plan)
    assert published > approved
    review.reopen_year(planner, plan, OPEN_YEAR, "訂正")
    reopened = version(plan)
    assert reopened > published
    publication.unpublish_year(plan, OPEN_YEAR, user=planner)
    assert version(plan) > reopened


# --- completeness before publishing ------------------------------------------------------------------


def test_completeness_counts_approved_pending_and_missing_per_department(town):
    plan, kpis, clerk, planner = town["plan"], town["kpis"], town["clerk"], town["planner"]
    approved = enter(clerk, kpis[0], OPEN_YEAR, "130人")
    review.submit(clerk, [approved.pk])
    review.approve(planner, [approved.pk])
    submitted = enter(clerk, kpis[1], OPEN_YEAR, "131人")
    review.submit(clerk, [submitted.pk])
    enter(clerk, kpis[2], OPEN_YEAR, "132人")  # a draft
    found = publication.completeness(plan, OPEN_YEAR)
    (department,) = found.departments
    assert (department.name, department.approved, department.pending, department.missing) == ("税務課", 1, 2, 1)
    assert [(gap.code, gap.reason) for gap in department.gaps] == [
        (kpis[1].code, "提出済み（未承認）"),
        (kpis[2].code, "下書き（未提出）"),
        (kpis[3].code, "未入力"),
    ]
    with pytest.raises(publication.GapsNotConfirmed, match="4件中1件"):
        publication.publish_checked(planner, plan, OPEN_YEAR)
    assert not PublishedYear.objects.filter(plan=plan, year=OPEN_YEAR).exists()
    publication.publish_checked(planner, plan, OPEN_YEAR, gaps_confirmed=True)
    assert PublishedYear.objects.filter(plan=plan, year=OPEN_YEAR).exists()
