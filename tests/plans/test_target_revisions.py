"""Target revisions (KPI見直し): each year is judged on the target in force that year.

The pure rule (``plans.rules.progress.in_force``) without a database; then ``revise_target``:
who may revise, how the new value is read, every version kept, and the stored progress of the
years a revision covers moving, and only those; the query count of ``kpis_with_values`` grows by
the one prefetch of the revisions.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans import selectors
from plans.models import KpiYearProgress, Plan, ProgressView, TargetRevision
from plans.rules import rating
from plans.rules.progress import BASELINE, TARGET, Revision, evaluate_kpi, in_force, kpi_series, year_target_for
from plans.selectors.progress import kpi_values
from plans.services.targets import RevisionRefused, revise_target
from tests.factories import MunicipalityFactory, plan_with_kpis
from tests.kpis import worked_case
from tests.logins import DEPARTMENT_STAFF, PLANNER, make_staff

D = Decimal
REVISED_ON = datetime.date(2022, 3, 25)

# --- the pure rule ----------------------------------------------------------------------------

# 住みたいと思う市民の割合 (baseline 75.4% in 2014, target 80.0% in 2019): the target was 78.0%
# until a revision raised it to 80.0% from 2017 on.
RAISED_FROM_2017 = Revision(TARGET, 2017, D("78.0"), 2019)


@pytest.mark.parametrize(
    ("revisions", "year", "target", "target_year", "baseline", "baseline_year"),
    [
        # No revision: the KPI's own values every year.
        ((), 2016, D("80.0"), 2019, D("75.4"), 2014),
        # A year before the revision took effect keeps the value it replaced; from then on the new.
        ((RAISED_FROM_2017,), 2016, D("78.0"), 2019, D("75.4"), 2014),
        ((RAISED_FROM_2017,), 2017, D("80.0"), 2019, D("75.4"), 2014),
        ((RAISED_FROM_2017,), 2019, D("80.0"), 2019, D("75.4"), 2014),
        # Two revisions: each year takes the old values of the earliest revision after it.
        ((RAISED_FROM_2017, Revision(TARGET, 2015, D("60.0"), 2018)), 2014, D("60.0"), 2018, D("75.4"), 2014),
        ((RAISED_FROM_2017, Revision(TARGET, 2015, D("60.0"), 2018)), 2016, D("78.0"), 2019, D("75.4"), 2014),
        ((Revision(TARGET, 2015, D("60.0"), 2018), RAISED_FROM_2017), 2016, D("78.0"), 2019, D("75.4"), 2014),
        # Two from the same year: the one made first replaced the version in force before.
        ((RAISED_FROM_2017, Revision(TARGET, 2017, D("79.0"), 2019)), 2016, D("78.0"), 2019, D("75.4"), 2014),
        # A baseline revision changes the baseline only, and only before it took effect.
        ((Revision(BASELINE, 2018, D("74.0"), 2013),), 2017, D("80.0"), 2019, D("74.0"), 2013),
        ((Revision(BASELINE, 2018, D("74.0"), 2013),), 2018, D("80.0"), 2019, D("75.4"), 2014),
    ],
)
def test_the_values_in_force_in_a_year(revisions, year, target, target_year, baseline, baseline_year):
    values = in_force(worked_case(revisions=revisions), year)
    assert (values.target, values.target_year, values.baseline, values.baseline_year) == (
        target,
        target_year,
        baseline,
        baseline_year,
    )
    assert values.revisions == ()


def test_a_maintain_kpi_without_a_written_target_targets_the_baseline_in_force():
    kpi = worked_case(
        direction=rating.MAINTAIN,
        target=D("75.4"),
        target_follows_baseline=True,
        revisions=(Revision(BASELINE, 2018, D("70.0"), 2014),),
    )
    assert in_force(kpi, 2017).target == D("70.0")
    assert in_force(kpi, 2018).target == D("75.4")


def test_a_revised_target_changes_the_marks_of_the_years_it_covers_and_only_those():
    """2016 and 2018 have the same actual, 77.0%. In 2018 it is judged against the line to 80.0%
    (×) before and after the revision; in 2016, against the line to the 78.0% then in force, it
    exceeds the year's target (○) where the line to 80.0% made it △."""
    before = worked_case(stated_targets={}, actuals={2016: D("77.0"), 2018: D("77.0")})
    revised = worked_case(stated_targets={}, actuals={2016: D("77.0"), 2018: D("77.0")}, revisions=(RAISED_FROM_2017,))
    assert [evaluate_kpi(before, year=year).mark for year in (2016, 2018)] == ["△", "×"]
    assert [evaluate_kpi(revised, year=year).mark for year in (2016, 2018)] == ["○", "×"]
    # The target line: 2015 and 2016 on the line to 78.0%, 2017 on on the line to 80.0%.
    assert year_target_for(revised, 2016).value == D("75.4") + (D("78.0") - D("75.4")) * 2 / 5
    assert year_target_for(revised, 2017).value == year_target_for(before, 2017).value
    assert [row.mark for row in kpi_series(revised)] == ["-", "○", "-", "×", "-"]
    # What is returned still names the KPI as given, with its revisions.
    assert evaluate_kpi(revised, year=2016).kpi is revised


def test_a_stated_yearly_target_wins_over_the_line_in_every_year():
    revised = worked_case(revisions=(RAISED_FROM_2017,))
    assert year_target_for(revised, 2016).value == D("77.0")


# --- revise_target ----------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


def _plan_and_planner():
    town = MunicipalityFactory(name="見直し市")
    plan = plan_with_kpis(2, municipality=town, years=(2020, 2021, 2022, 2023), department="企画課")
    return plan, make_staff("minaoshi-planner", PLANNER, "見直し市")


def _stored(kpi_id, view=ProgressView.STAFF):
    return {
        row.year: (row.target, row.mark)
        for row in KpiYearProgress.objects.filter(kpi_id=kpi_id, view=view).order_by("year")
    }


@pytestmark_db
def test_a_revised_target_moves_the_stored_progress_of_the_years_it_covers_only():
    plan, planner = _plan_and_planner()
    kpi = plan.kpis.get(code="K0")
    other = plan.kpis.get(code="K1")
    before, other_before = _stored(kpi.pk), _stored(other.pk)
    version = Plan.objects.get(pk=plan.pk).data_version

    revision = revise_target(planner, kpi, TARGET, "110人", 2022, REVISED_ON, "国の目標変更に合わせて見直し")

    after = _stored(kpi.pk)
    changed = sorted(year for year in after if after[year] != before[year])
    assert changed == [2022, 2023, 2024]  # from the year it took effect on
    assert after[2022][0] < before[2022][0]  # a lower target line
    assert after[2024][0] == D("110")
    assert {year: after[year] for year in (2020, 2021)} == {year: before[year] for year in (2020, 2021)}
    assert _stored(other.pk) == other_before  # another KPI of the plan does not move
    kpi.refresh_from_db()
    assert (kpi.target_value, kpi.target_raw, kpi.target_year) == (D("110"), "110人", 2024)
    assert (revision.old_value, revision.old_raw, revision.old_year) == (D("150"), "150人", 2024)
    assert (revision.new_value, revision.new_raw, revision.new_year) == (D("110"), "110人", 2024)
    assert revision.revised_by == planner and revision.reason == "国の目標変更に合わせて見直し"
    assert Plan.objects.get(pk=plan.pk).data_version == version + 1


@pytestmark_db
def test_the_stored_progress_equals_the_rules_with_the_revisions():
    """What is stored after two revisions is what the rules say of the KPI with them."""
    plan, planner = _plan_and_planner()
    kpi = plan.kpis.get(code="K0")
    revise_target(planner, kpi, TARGET, "200人", 2021, REVISED_ON, "上方修正")
    revise_target(planner, kpi, BASELINE, "90人", 2023, REVISED_ON, "統計の訂正")
    values = kpi_values(selectors.kpis_with_values(plan.pk).get(pk=kpi.pk))
    assert [revision.field for revision in values.revisions] == [TARGET, BASELINE]
    stored = _stored(kpi.pk)
    for year, (target, mark) in stored.items():
        expected = evaluate_kpi(values, year=year)
        assert mark == expected.mark, year
        assert target == (
            None if expected.year_target.value is None else expected.year_target.value.quantize(D("0.000001"))
        )
    assert TargetRevision.objects.filter(kpi=kpi).count() == 2  # every version kept


@pytestmark_db
@pytest.mark.parametrize(
    ("text", "expected_value", "expected_raw"),
    [
        ("1,200人", D("1200"), "1,200人"),
        ("1200", D("1200"), "1200"),
        ("１２００人以上", D("1200"), "１２００人以上"),
    ],
)
def test_the_new_value_is_read_in_the_kpi_unit(text, expected_value, expected_raw):
    plan, planner = _plan_and_planner()
    kpi = plan.kpis.get(code="K0")
    revision = revise_target(planner, kpi, TARGET, text, 2022, REVISED_ON, "見直し")
    assert (revision.new_value, revision.new_raw) == (expected_value, expected_raw)


@pytestmark_db
def test_a_multiplier_of_the_base_unit_converts_into_the_kpi_unit():
    plan, planner = _plan_and_planner()
    kpi = plan.kpis.get(code="K0")
    kpi.unit = "千人"
    kpi.save()
    revision = revise_target(planner, kpi, TARGET, "781,000人", 2022, REVISED_ON, "見直し")
    assert revision.new_value == D("781")


@pytestmark_db
@pytest.mark.parametrize(
    ("field", "text", "year", "revised_on", "reason", "message"),
    [
        (TARGET, "150%", 2022, REVISED_ON, "理由", "種類が違います"),
        (TARGET, "=SUM(A1)", 2022, REVISED_ON, "理由", "数式"),
        (TARGET, "全国平均以上", 2022, REVISED_ON, "理由", "数値として読めません"),
        (TARGET, "", 2022, REVISED_ON, "理由", "数値で入力"),
        (TARGET, "120人", 2022, REVISED_ON, "  ", "理由を入力"),
        (TARGET, "120人", 2022, None, "理由", "日付を入力"),
        (TARGET, "120人", 1500, REVISED_ON, "理由", "適用開始年度"),
        ("unit", "120人", 2022, REVISED_ON, "理由", "目標値"),
    ],
)
def test_a_revision_is_refused_with_a_reason(field, text, year, revised_on, reason, message):
    plan, planner = _plan_and_planner()
    kpi = plan.kpis.get(code="K0")
    before = _stored(kpi.pk)
    with pytest.raises(RevisionRefused) as refused:
        revise_target(planner, kpi, field, text, year, revised_on, reason)
    assert any(message in text for text in refused.value.messages), refused.value.messages
    kpi.refresh_from_db()
    assert kpi.target_value == D("150")
    assert not TargetRevision.objects.exists()
    assert _stored(kpi.pk) == before


@pytestmark_db
def test_a_revision_cannot_start_before_the_previous_one_of_the_same_field():
    plan, planner = _plan_and_planner()
    kpi = plan.kpis.get(code="K0")
    revise_target(planner, kpi, TARGET, "130人", 2022, REVISED_ON, "一度目")
    with pytest.raises(RevisionRefused, match="前回の見直し"):
        revise_target(planner, kpi, TARGET, "140人", 2021, REVISED_ON, "二度目")
    revise_target(planner, kpi, BASELINE, "90人", 2021, REVISED_ON, "基準値は別の履歴")
    revise_target(planner, kpi, TARGET, "140人", 2022, REVISED_ON, "同じ年度からは可")
    assert TargetRevision.objects.filter(kpi=kpi).count() == 3


@pytestmark_db
@pytest.mark.parametrize("who", ["department", "other planner", "committee"])
def test_only_a_planner_of_the_plan_revises(who):
    plan, _planner = _plan_and_planner()
    MunicipalityFactory(name="よその市")
    user = {
        "department": lambda: make_staff("minaoshi-clerk", DEPARTMENT_STAFF, "見直し市", ["企画課"]),
        "other planner": lambda: make_staff("yoso-planner", PLANNER, "よその市"),
        "committee": lambda: make_staff("minaoshi-iin", "外部委員", "見直し市"),
    }[who]()
    kpi = plan.kpis.get(code="K0")
    with pytest.raises(RevisionRefused, match="権限"):
        revise_target(user, kpi, TARGET, "120人", 2022, REVISED_ON, "見直し")
    assert not TargetRevision.objects.exists()


@pytestmark_db
def test_kpis_with_values_adds_one_query_for_the_revisions_whatever_their_number():
    def count(plan):
        with CaptureQueriesContext(connection) as context:
            for kpi in selectors.kpis_with_values(plan.pk):
                kpi_values(kpi)
        return len(context.captured_queries)

    small, large = plan_with_kpis(3), plan_with_kpis(30)
    _planner = make_staff("count-planner", PLANNER, large.municipality.name)
    for kpi in large.kpis.all()[:10]:
        revise_target(_planner, kpi, TARGET, "160人", 2022, REVISED_ON, "見直し")
    # KPIs (with attachments and department), yearly targets, actuals, ratings, revisions
    assert count(small) == count(large) == 5
