"""Entering yearly actuals: what a department enters, checking it, and saving it safely.

The same three steps serve the entry page and the Excel upload:

1. ``entry_rows`` lists the KPIs a login may enter for a year, with the year's target, the
   current actual and its version (bounded queries);
2. ``preview`` checks submitted values (read in the KPI's unit by ``check_entry`` as staff write
   them: `1,234人`, `１２３`, `△5`, `18万件`, `集計中`) against what may be changed and the years
   that are locked, and returns every change with the mark the new value earns and the warnings
   the person must confirm, or every problem;
3. ``apply`` writes the changes as the department's drafts (``plans.services.review``) in one
   transaction with bulk operations, refusing all of them when any value was changed by someone
   else since it was read (optimistic check on ``ReportedActual.version``). Nothing official moves
   until a planner approves. Edit history records who and when (django-simple-history).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from plans import access, validation
from plans.choices import ActualStatus, ReviewState, SuccessorLink
from plans.models import Actual, OfficialRating, ReportedActual, YearlyTarget
from plans.rules import notation
from plans.rules.progress import KpiValues, mark_for_value, year_target_for
from plans.selectors.base import target_revisions
from plans.selectors.progress import kpi_values
from plans.services import review
from plans.services.entry_checks import check_kpi_entry, previous_from_actuals, previous_values
from plans.services.review import ConcurrentChange  # noqa: F401 (where callers import it from)


@dataclass(frozen=True)
class EntryRow:
    """One KPI on the entry page or in the entry workbook, for one year."""

    kpi: KpiValues
    plan_title: str
    plan_slug: str
    year: int
    target: Decimal | None
    target_stated: bool
    actual_raw: str
    actual_status: str
    actual_note: str
    version: int  # 0 when the year has no actual yet
    mark: str
    history: dict[int, str]  # earlier years' actuals as written
    in_plan: bool  # the year lies within the years the KPI's actuals may have
    review_state: str = ""  # the reported value's review state; "" when the department wrote none
    warnings: tuple[str, ...] = ()  # what check_entry says of the current value, to confirm
    also_in: str = ""  # the earlier plan a continued KPI is entered for too (listed once)

    @property
    def last_actuals(self) -> list[tuple[int, str]]:
        """The last three official actuals before the year, newest first, as written."""
        return sorted(((y, raw) for y, raw in self.history.items() if y < self.year and raw), reverse=True)[:3]

    @property
    def review(self):
        """The review state as a choice (word and css_class), or None."""
        return ReviewState(self.review_state) if self.review_state else None


@dataclass(frozen=True)
class Submission:
    """A value submitted for a KPI and year, as typed, with where it came from."""

    kpi_id: int
    year: int
    text: str
    status: str = ""  # "", 集計中 or 未把握 (or the internal pending / unmeasured)
    note: str = ""
    version: int = 0
    where: str = ""  # e.g. "シート「入力」 5行目" for messages
    name: str = ""  # the KPI name the workbook showed, to catch a changed identity
    confirmed: bool = False  # the person ticked 「確認しました」 for the value's warnings


@dataclass(frozen=True)
class Change:
    kpi_id: int
    kpi_name: str
    unit: str
    year: int
    old_raw: str
    old_status: str
    new_raw: str
    new_value: Decimal | None
    new_status: str
    is_preliminary: bool
    survey_year: int | None
    cumulative_to_year: int | None
    note: str
    old_note: str
    version: int
    mark: str
    warnings: tuple[str, ...] = ()  # check_entry's warnings: saved only once confirmed
    warnings_confirmed: bool = False
    conversion: str = ""  # 「781,000人 → 781千人」 when the value was typed in another multiple

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.warnings) and not self.warnings_confirmed

    @property
    def key(self) -> str:
        """The change's name in a form (the confirm page's 「確認しました」 boxes)."""
        return f"{self.kpi_id}-{self.year}"

    def as_dict(self) -> dict:
        data = self.__dict__.copy()
        data["new_value"] = None if self.new_value is None else str(self.new_value)
        data["warnings"] = list(self.warnings)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Change:
        return cls(
            **{
                **data,
                "new_value": None if data["new_value"] is None else Decimal(data["new_value"]),
                "warnings": tuple(data.get("warnings", ())),
            }
        )

    def confirmed(self) -> Change:
        return replace(self, warnings_confirmed=True)


@dataclass
class Preview:
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def unconfirmed(self) -> list[Change]:
        """Changes with warnings the person has not confirmed: nothing may be saved until they are."""
        return [change for change in self.changes if change.needs_confirmation]


def default_entry_year(today=None) -> int:
    """Each spring staff enter the fiscal year that just ended: the fiscal year before today's."""
    today = today or timezone.localdate()
    fiscal = today.year if today.month >= 4 else today.year - 1
    return fiscal - 1


def _year_span(kpi, plan) -> tuple[int, int]:
    low = min(year for year in (plan.first_year, kpi.baseline_year) if year)
    high = max(year for year in (plan.last_year, kpi.target_year) if year)
    return low, high


def year_outside_plan(kpi, year: int) -> str:
    """Why ``year`` can hold no actual of ``kpi`` (outside its plan and its baseline and target
    years), or "" when it can: the one rule of the entry page, the workbook and the admin."""
    low, high = _year_span(kpi, kpi.plan)
    if low <= year <= high:
        return ""
    return (
        f"{notation.format_year(year)}は計画の期間外です（{notation.format_year(low)}〜{notation.format_year(high)}）。"
    )


def entry_kpis(user, *, department_id: int | None = None, plan_id: int | None = None):
    """The KPIs a login may enter, optionally for one department or plan, with their values."""
    kpis = access.editable_kpis(user).select_related(
        "plan", "department", "goal", "policy_direction__goal", "package", "project"
    )
    if department_id is not None:
        kpis = kpis.filter(department_id=department_id)
    if plan_id is not None:
        kpis = kpis.filter(plan_id=plan_id)
    return kpis.prefetch_related(
        Prefetch("yearly_targets", queryset=YearlyTarget.objects.order_by("year")),
        Prefetch("actuals", queryset=Actual.objects.order_by("year")),
        Prefetch("reported_actuals", queryset=ReportedActual.objects.order_by("year")),
        Prefetch("official_ratings", queryset=OfficialRating.objects.none()),
        target_revisions(),
    ).order_by("plan__slug", "order", "id")


def entry_rows(user, year: int, *, department_id: int | None = None, plan_id: int | None = None) -> list[EntryRow]:
    """The KPIs to enter for ``year``, each with what helps entering it (unit, target, last
    actuals, review state, the current value's warnings).

    A KPI continued into the next plan (``predecessor_link`` continued) is listed once for a
    year: the newest plan's KPI, labelled with the earlier plan too (``also_in``); the approved
    value is written to both (``plans.services.review``).
    """
    kpis = [kpi for kpi in entry_kpis(user, department_id=department_id, plan_id=plan_id) if _runs_in(kpi, year)]
    listed = {kpi.pk: kpi for kpi in kpis}
    continued_by = {
        kpi.predecessor_id: kpi
        for kpi in kpis
        if kpi.predecessor_id in listed and kpi.predecessor_link == SuccessorLink.CONTINUED
    }
    rows = []
    for kpi in kpis:
        if kpi.pk in continued_by:
            continue  # entered once, under the next plan's KPI
        values = kpi_values(kpi)
        earlier = [listed[kpi.predecessor_id]] if kpi.predecessor_id in continued_by else []
        # A continued KPI carries the earlier plan's values: its last actuals, and the year's value
        # when only the earlier KPI has one (its plan's last year is the next plan's baseline year).
        actuals = {actual.year: actual for other in [*earlier, kpi] for actual in other.actuals.all()}
        own_reported = {item.year: item for item in kpi.reported_actuals.all()}.get(year)
        reported = own_reported or next(
            (item for other in earlier for item in other.reported_actuals.all() if item.year == year), None
        )
        current = reported or actuals.get(year)  # what the department last wrote, else the official value
        target = year_target_for(values, year)
        rows.append(
            EntryRow(
                kpi=values,
                plan_title=kpi.plan.title,
                plan_slug=kpi.plan.slug,
                year=year,
                target=target.value,
                target_stated=target.stated,
                actual_raw=current.raw if current else "",
                actual_status=current.status if current else "",
                actual_note=current.note if current else "",
                version=own_reported.version if own_reported else 0,
                review_state=reported.state if reported else "",
                mark=mark_for_value(values, year, current.value if current else None),
                history={y: actual.raw for y, actual in actuals.items() if y != year},
                in_plan=True,
                warnings=_current_warnings(kpi, year, current, actuals.values()),
                also_in="・".join(other.plan.title for other in earlier),
            )
        )
    return rows


def _runs_in(kpi, year: int) -> bool:
    low, high = _year_span(kpi, kpi.plan)
    return low <= year <= high


def _current_warnings(kpi, year: int, current, actuals) -> tuple[str, ...]:
    """What check_entry says of the value already written (from the prefetched actuals: no query)."""
    if current is None or current.value is None:
        return ()
    previous = previous_from_actuals(actuals, year)
    return tuple(check_kpi_entry(kpi, year, current.raw, previous=previous).warnings)


def submission_text_problem(submission: Submission) -> str | None:
    """Rule: the value fits ``Actual.raw`` and the note ``NOTE_MAX_CHARS``, without control characters."""
    for label, text, limit in (
        ("値", submission.text, Actual._meta.get_field("raw").max_length),
        ("備考", submission.note, settings.NOTE_MAX_CHARS),
    ):
        problem = validation.text_problem(text, limit=limit)
        if problem:
            return f"{label}: {problem}"
    return None


def preview(user, submissions: Iterable[Submission]) -> Preview:
    """Check every submission; the changes to make, or every problem (nothing is written)."""
    submissions = list(submissions)
    result = Preview()
    ids = {submission.kpi_id for submission in submissions}
    allowed = {kpi.pk: kpi for kpi in entry_kpis(user).filter(pk__in=ids)}
    years = {s.year for s in submissions}
    official = {
        (actual.kpi_id, actual.year): actual for actual in Actual.objects.filter(kpi_id__in=ids, year__in=years)
    }
    reported = {
        (item.kpi_id, item.year): item for item in ReportedActual.objects.filter(kpi_id__in=ids, year__in=years)
    }
    previous = {year: previous_values(allowed.values(), year) for year in years}
    locked = review.locked_years({(kpi.plan_id, s.year) for s in submissions if (kpi := allowed.get(s.kpi_id))})
    seen = set()
    for submission in submissions:
        where = f"{submission.where}: " if submission.where else ""
        kpi = allowed.get(submission.kpi_id)
        if kpi is None:
            result.problems.append(
                f"{where}このKPIの実績を入力する権限がありません（担当課の外、または存在しないKPI）。"
            )
            continue
        if submission.name and submission.name != kpi.name:
            result.problems.append(
                f"{where}KPIが変わっています（ダウンロード時「{kpi.name}」→ ファイル「{submission.name}」）。"
                "KPIの列は書き換えないでください。"
            )
            continue
        text_problem = submission_text_problem(submission)
        if text_problem:
            result.problems.append(f"{where}{kpi.name}: {text_problem}")
            continue
        if problem := year_outside_plan(kpi, submission.year):
            result.problems.append(f"{where}{problem}")
            continue
        if problem := locked.get((kpi.plan_id, submission.year)):
            result.problems.append(f"{where}{kpi.name}: {problem}")
            continue
        if (submission.kpi_id, submission.year) in seen:
            result.problems.append(f"{where}同じKPI・年度が2回あります。")
            continue
        seen.add((submission.kpi_id, submission.year))
        checked = check_kpi_entry(
            kpi,
            submission.year,
            submission.text,
            status=submission.status,
            previous=previous[submission.year].get(kpi.pk),
        )
        if checked.errors:
            result.problems += [f"{where}{kpi.name}: {error}" for error in checked.errors]
            continue
        key = (submission.kpi_id, submission.year)
        current = reported.get(key) or official.get(key)  # what is there now, to compare with
        old_raw = current.raw if current else ""
        old_status = current.status if current else ""
        new_raw = checked.raw  # the value in the KPI's unit (`180,000件` for `18万件`), or the text as typed
        new_status = checked.status if (new_raw or checked.status != ActualStatus.BLANK) else ActualStatus.BLANK
        if current is None and not new_raw and new_status == ActualStatus.BLANK and not submission.note:
            result.unchanged += 1
            continue
        if current is not None and (old_raw, old_status, current.note) == (new_raw, new_status, submission.note):
            result.unchanged += 1
            continue
        current_version = reported[key].version if key in reported else 0
        if submission.version != current_version:
            result.problems.append(
                f"{where}{kpi.name}: ほかの人が先に保存しています（現在の値「{old_raw or '空欄'}」）。"
                "最新の値を読み込み直してください。"
            )
            continue
        result.changes.append(
            Change(
                kpi_id=kpi.pk,
                kpi_name=kpi.name,
                unit=kpi.unit,
                year=submission.year,
                old_raw=old_raw,
                old_status=old_status,
                new_raw=new_raw,
                new_value=checked.value,
                new_status=new_status,
                is_preliminary=checked.parsed.preliminary,
                survey_year=checked.parsed.survey_year,
                cumulative_to_year=checked.parsed.cumulative_to_year,
                note=submission.note,
                old_note=current.note if current else "",
                version=current_version,
                mark=mark_for_value(kpi_values(kpi), submission.year, checked.value),
                warnings=tuple(checked.warnings),
                warnings_confirmed=bool(checked.warnings) and submission.confirmed,
                conversion=checked.conversion,
            )
        )
    return result


class UnconfirmedWarnings(Exception):
    """Some values have warnings the person has not confirmed; nothing was saved."""

    def __init__(self, changes: list[Change]):
        self.changes = changes
        super().__init__(
            "確認が必要な値があるため、保存しませんでした（"
            + "、".join(change.kpi_name for change in changes)
            + "）。警告を読み、正しければ「確認しました」にチェックしてください。"
        )


def apply(user, changes: list[Change]) -> int:
    """Write the changes as the department's drafts (``plans.services.review``): nothing official
    moves until a planner approves them. All or nothing, with the optimistic version check; a
    value with warnings is written only once the person confirmed them."""
    if unconfirmed := [change for change in changes if change.needs_confirmation]:
        raise UnconfirmedWarnings(unconfirmed)
    return review.report_changes(user, changes)


# What the history and the admin show for an actual without a value (集計中, 未把握, 空欄, 要確認).
STATUS_LABELS = tuple((status.value, status.word) for status in ActualStatus if status != ActualStatus.MEASURED)
