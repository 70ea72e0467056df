"""The review chain: what a department reports becomes official only when a planner approves it.

``report_changes`` writes a department's values as drafts (``ReportedActual``); nothing official
moves. ``submit`` hands drafts (or returned values) to the planners with the department's
self-assessment; ``return_values`` sends them back with a comment; ``approve`` writes the official
``Actual`` (the only value progress, tallies, reports and public pages count) and the stored
progress in the same transaction. Every move writes a ``ReviewStep``; a move the chain does not
allow is refused whole (``ReviewRefused``, in Japanese).

A published year is locked (``locked_year_problem``): no door writes its values until a planner
reopens it with a reason (``reopen_year``); publishing it again closes the reopening.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from plans import access
from plans.choices import ReviewState, SuccessorLink
from plans.models import Actual, Evidence, Kpi, PublishedYear, ReportedActual, ReviewStep, YearReopening
from plans.models.review import EVIDENCE_URL_CHARS
from plans.rules.years import format_era_year
from plans.services import actuals, progress, versions

# The fields a reported value carries over to the official actual when approved.
VALUE_FIELDS = ("value", "raw", "status", "is_preliminary", "survey_year", "cumulative_to_year", "note")


class ConcurrentChange(Exception):
    """Someone else saved one of these values after it was read; nothing was saved."""

    def __init__(self, names: list[str]):
        self.names = names
        super().__init__(
            "ほかの人が先に保存した実績があるため、保存しませんでした（"
            + "、".join(names)
            + "）。最新の値を読み込み直してから入力してください。"
        )


class ReviewRefused(Exception):
    """A review move the chain does not allow (wrong state, missing comment, locked year);
    nothing was saved. The message is Japanese and meant for the person who asked."""


def locked_years(pairs) -> dict[tuple[int, int], str]:
    """For (plan id, year) pairs, the ones locked with the reason why (two queries at most).

    A year is locked once published, until a planner reopens it (``YearReopening`` open)."""
    pairs = set(pairs)
    if not pairs:
        return {}
    plan_ids = {plan_id for plan_id, _year in pairs}
    years = {year for _plan_id, year in pairs}
    published = set(PublishedYear.objects.filter(plan_id__in=plan_ids, year__in=years).values_list("plan_id", "year"))
    published &= pairs
    if not published:
        return {}
    reopened = set(
        YearReopening.objects.filter(
            plan_id__in={plan_id for plan_id, _year in published},
            year__in={year for _plan_id, year in published},
            closed_at__isnull=True,
        ).values_list("plan_id", "year")
    )
    return {
        pair: (
            f"{format_era_year(pair[1])}の数値は公表済みのため変更できません。"
            "修正するには企画担当が理由を添えて年度を再開してください。"
        )
        for pair in sorted(published - reopened)
    }


def locked_year_problem(plan_id: int, year: int) -> str:
    """Why no value of ``year`` of the plan may be written now (it is published and not
    reopened), or "" when it may: the one rule of every door that writes values (entry page and
    its preview, workbook, admin, review)."""
    return locked_years({(plan_id, year)}).get((plan_id, year), "")


def _refuse_locked(pairs) -> None:
    locked = locked_years(pairs)
    if locked:
        raise ReviewRefused(next(iter(locked.values())))


def report_changes(user, changes) -> int:
    """Write a department's values as drafts in one transaction; refuse them all if any value was
    saved by someone else since it was read (``ReportedActual.version``).

    Queries do not grow with the number of changes: one locking read, one bulk insert, one bulk
    update (each with its history rows) and one insert of review steps.
    """
    if not changes:
        return 0
    with transaction.atomic():
        allowed = dict(
            access.editable_kpis(user).filter(pk__in={c.kpi_id for c in changes}).values_list("pk", "plan_id")
        )
        refused = [change.kpi_name for change in changes if change.kpi_id not in allowed]
        if refused:
            raise PermissionDenied("権限のないKPIが含まれています: " + "、".join(refused))
        _refuse_locked({(allowed[c.kpi_id], c.year) for c in changes})
        current = {
            (reported.kpi_id, reported.year): reported
            for reported in ReportedActual.objects.select_for_update().filter(
                kpi_id__in={c.kpi_id for c in changes}, year__in={c.year for c in changes}
            )
        }
        stale = [
            change.kpi_name
            for change in changes
            if (current[(change.kpi_id, change.year)].version if (change.kpi_id, change.year) in current else 0)
            != change.version
        ]
        if stale:
            raise ConcurrentChange(stale)
        now = timezone.now()
        to_create, to_update = [], []
        for change in changes:
            fields = {
                "value": change.new_value,
                "raw": change.new_raw,
                "status": change.new_status,
                "is_preliminary": change.is_preliminary,
                "survey_year": change.survey_year,
                "cumulative_to_year": change.cumulative_to_year,
                "note": change.note,
                "warnings": list(getattr(change, "warnings", ()) or ()),
                "warnings_confirmed": bool(getattr(change, "warnings_confirmed", False)),
                "state": ReviewState.DRAFT,
                "updated_by": user,
            }
            reported = current.get((change.kpi_id, change.year))
            if reported is None:
                to_create.append(
                    ReportedActual(kpi_id=change.kpi_id, year=change.year, version=1, updated_at=now, **fields)
                )
            else:
                for name, value in fields.items():
                    setattr(reported, name, value)
                reported.version += 1
                reported.updated_at = now
                to_update.append(reported)
        if to_create:
            bulk_create_with_history(to_create, ReportedActual, batch_size=500, default_user=user, default_date=now)
        if to_update:
            bulk_update_with_history(
                to_update,
                ReportedActual,
                [*VALUE_FIELDS, "warnings", "warnings_confirmed", "state", "updated_by", "version", "updated_at"],
                batch_size=500,
                default_user=user,
                default_date=now,
            )
        saved = {
            (reported.kpi_id, reported.year): reported
            for reported in ReportedActual.objects.filter(
                kpi_id__in={c.kpi_id for c in changes}, year__in={c.year for c in changes}
            ).only("id", "kpi_id", "year", "raw")
        }
        ReviewStep.objects.bulk_create(
            [
                ReviewStep(reported=saved[(c.kpi_id, c.year)], state=ReviewState.DRAFT, raw=c.new_raw, by=user)
                for c in changes
            ]
        )
    return len(changes)


# Who may move a value from which states to which (the planner may also approve a value they
# entered themselves without submitting it first: see ``approve``).
SUBMITTABLE = frozenset({ReviewState.DRAFT, ReviewState.RETURNED})
RETURNABLE = frozenset({ReviewState.SUBMITTED})
APPROVABLE = frozenset({ReviewState.SUBMITTED})
OWN_APPROVABLE = frozenset({ReviewState.DRAFT, ReviewState.RETURNED, ReviewState.SUBMITTED})


def _locked_rows(reported_ids) -> list[ReportedActual]:
    ids = list(reported_ids)
    if not ids:
        raise ReviewRefused("対象の実績が選ばれていません。")
    rows = list(
        ReportedActual.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("kpi__plan")
        .order_by("pk")
    )
    if len(rows) != len(set(ids)):
        raise ReviewRefused("選ばれた実績の一部が見つかりません。画面を読み込み直してください。")
    return rows


def _refuse_state(rows, allowed, action: str) -> None:
    wrong = [row for row in rows if row.state not in allowed]
    if wrong:
        raise ReviewRefused(
            f"{action}できない状態の実績が含まれています（"
            + "、".join(f"{row.kpi.name} {format_era_year(row.year)}：{ReviewState(row.state).label}" for row in wrong)
            + "）。"
        )


def _steps(rows, state: str, user, comment: str = "") -> None:
    ReviewStep.objects.bulk_create(
        [ReviewStep(reported=row, state=state, raw=row.raw, comment=comment, by=user) for row in rows]
    )


def submit(user, reported_ids, achieved_text: str = "", shortfall_text: str = "", next_steps_text: str = "") -> int:
    """The department hands its drafts (or returned values) to the planners, with its
    self-assessment (達成できたこと / 達成できなかったこと / 今後の方向性); all or nothing."""
    with transaction.atomic():
        rows = _locked_rows(reported_ids)
        allowed = set(
            access.editable_kpis(user).filter(pk__in={row.kpi_id for row in rows}).values_list("pk", flat=True)
        )
        if any(row.kpi_id not in allowed for row in rows):
            raise PermissionDenied("権限のないKPIの実績が含まれています。")
        _refuse_state(rows, SUBMITTABLE, "提出")
        _refuse_locked({(row.kpi.plan_id, row.year) for row in rows})
        now = timezone.now()
        for row in rows:
            row.state = ReviewState.SUBMITTED
            row.submitted_at = now
            row.achieved_text = achieved_text.strip()
            row.shortfall_text = shortfall_text.strip()
            row.next_steps_text = next_steps_text.strip()
            row.version += 1
        bulk_update_with_history(
            rows,
            ReportedActual,
            ["state", "submitted_at", "achieved_text", "shortfall_text", "next_steps_text", "version"],
            default_user=user,
            default_date=now,
        )
        _steps(rows, ReviewState.SUBMITTED, user)
    return len(rows)


def _refuse_unless_planner(user, plans, action: str) -> None:
    for plan in set(plans):
        if not access.can_change_plan(user, plan):
            raise PermissionDenied(f"この計画の実績を{action}する権限がありません。")


def return_values(user, reported_ids, comment: str) -> int:
    """A planner sends submitted values back to the department with a comment (required, kept in
    the value's history); the department corrects and submits again."""
    comment = (comment or "").strip()
    if not comment:
        raise ReviewRefused("差し戻す理由（コメント）を入力してください。")
    with transaction.atomic():
        rows = _locked_rows(reported_ids)
        _refuse_unless_planner(user, {row.kpi.plan for row in rows}, "差し戻")
        _refuse_state(rows, RETURNABLE, "差し戻し")
        now = timezone.now()
        for row in rows:
            row.state = ReviewState.RETURNED
            row.reviewed_at = now
            row.reviewed_by = user
            row.version += 1
        bulk_update_with_history(
            rows,
            ReportedActual,
            ["state", "reviewed_at", "reviewed_by", "version"],
            default_user=user,
            default_date=now,
        )
        _steps(rows, ReviewState.RETURNED, user, comment)
    return len(rows)


def continued_neighbours(kpis) -> dict[int, list[Kpi]]:
    """For each KPI, the KPIs it continues or is continued by, same unit (one query)."""
    kpis = list(kpis)
    ids = {kpi.pk for kpi in kpis}
    predecessor_ids = {
        kpi.predecessor_id for kpi in kpis if kpi.predecessor_id and kpi.predecessor_link == SuccessorLink.CONTINUED
    }
    neighbours = list(
        Kpi.objects.filter(
            Q(pk__in=predecessor_ids) | Q(predecessor_id__in=ids, predecessor_link=SuccessorLink.CONTINUED)
        ).select_related("plan")
    )
    linked = {kpi.pk: [] for kpi in kpis}
    for kpi in kpis:
        for other in neighbours:
            if other.pk == kpi.pk or other.unit != kpi.unit:
                continue
            if (other.pk == kpi.predecessor_id and other.pk in predecessor_ids) or other.predecessor_id == kpi.pk:
                linked[kpi.pk].append(other)
    return linked


def approve(user, reported_ids, *, comment: str = "") -> int:
    """Approve reported values: each becomes the official actual of its KPI-year (created or
    updated, with history), and the stored progress follows, in one transaction.

    Only submitted values are approved, except that a planner may approve a value they entered
    themselves (the planner is then both the reporter and the reviewer). A KPI continued into the
    next plan gets the same official actual in the other plan when the year lies within it. The
    years written must not be locked (published and not reopened)."""
    with transaction.atomic():
        reported = _locked_rows(reported_ids)
        _refuse_unless_planner(user, {item.kpi.plan for item in reported}, "承認")
        wrong = [
            item
            for item in reported
            if item.state not in APPROVABLE and not (item.state in OWN_APPROVABLE and item.updated_by_id == user.pk)
        ]
        _refuse_state(wrong, (), "承認")
        neighbours = continued_neighbours([item.kpi for item in reported])
        writes = []  # (kpi, reported) — the official actuals to write
        for item in reported:
            writes.append((item.kpi, item))
            for other in neighbours[item.kpi_id]:
                if not actuals.year_outside_plan(other, item.year):
                    writes.append((other, item))
        _refuse_unless_planner(user, {kpi.plan for kpi, _item in writes}, "承認")
        _refuse_locked({(kpi.plan_id, item.year) for kpi, item in writes})
        official = {
            (actual.kpi_id, actual.year): actual
            for actual in Actual.objects.select_for_update().filter(
                kpi_id__in={kpi.pk for kpi, _item in writes}, year__in={item.year for item in reported}
            )
        }
        now = timezone.now()
        to_create, to_update = [], []
        for kpi, item in writes:
            fields = {name: getattr(item, name) for name in VALUE_FIELDS}
            actual = official.get((kpi.pk, item.year))
            if actual is None:
                actual = Actual(kpi_id=kpi.pk, year=item.year, version=1, updated_at=now, **fields)
                official[(kpi.pk, item.year)] = actual
                to_create.append(actual)
            else:
                for name, value in fields.items():
                    setattr(actual, name, value)
                actual.version += 1
                actual.updated_at = now
                to_update.append(actual)
        for item in reported:
            item.state = ReviewState.APPROVED
            item.reviewed_at = now
            item.reviewed_by = user
            item.version += 1
        if to_create:
            bulk_create_with_history(to_create, Actual, batch_size=500, default_user=user, default_date=now)
        if to_update:
            bulk_update_with_history(
                to_update, Actual, [*VALUE_FIELDS, "version", "updated_at"], batch_size=500, default_user=user
            )
        bulk_update_with_history(
            reported,
            ReportedActual,
            ["state", "reviewed_at", "reviewed_by", "version"],
            batch_size=500,
            default_user=user,
            default_date=now,
        )
        _steps(reported, ReviewState.APPROVED, user, comment.strip())
        progress.recompute_kpis({kpi.pk for kpi, _item in writes})
    return len(reported)


# --- reopening a published year ------------------------------------------------------------------


def reopen_year(user, plan, year: int, reason: str) -> YearReopening:
    """A planner reopens a published year for corrections; the reason is required and stays
    visible (publication page, public plan page) until the year is published again."""
    if not access.can_change_plan(user, plan):
        raise PermissionDenied("この計画の年度を再開する権限がありません。")
    reason = (reason or "").strip()
    if not reason:
        raise ReviewRefused("再開する理由を入力してください。")
    with transaction.atomic():
        if not PublishedYear.objects.filter(plan=plan, year=year).exists():
            raise ReviewRefused(f"{format_era_year(year)}は公表されていないため、再開の必要はありません。")
        if YearReopening.objects.select_for_update().filter(plan=plan, year=year, closed_at__isnull=True).exists():
            raise ReviewRefused(f"{format_era_year(year)}はすでに修正のため再開されています。")
        reopening = YearReopening.objects.create(plan=plan, year=year, reason=reason, reopened_by=user)
        versions.bump_plans({plan.pk})
    return reopening


def close_reopenings(plan_id: int, year: int) -> int:
    """Publishing a year again closes its reopening (the year is locked again)."""
    return YearReopening.objects.filter(plan_id=plan_id, year=year, closed_at__isnull=True).update(
        closed_at=timezone.now()
    )


# --- evidence ------------------------------------------------------------------------------------

# What the first bytes of a file of each extension must be; text files must read as text.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "xlsx": (b"PK\x03\x04",),
    "docx": (b"PK\x03\x04",),
}
TEXT_EXTENSIONS = frozenset({"csv", "txt"})
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv",
    "txt": "text/plain",
}
SNIFF_BYTES = 4096


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "cp932"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError as error:
            if error.start >= len(head) - 4:  # a character cut at the end of the sniffed bytes
                return True
            continue
        return True
    return False


def evidence_file_problem(name: str, size: int, head: bytes) -> str:
    """Why a file may not be kept as evidence (size, extension, or content that is not what the
    extension says), or "" when it may: a pure check of the name, the size and the first bytes."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = tuple(settings.EVIDENCE_EXTENSIONS)
    if extension not in allowed:
        return "添付できるファイルの種類は " + "、".join(allowed) + " です。"
    if size <= 0:
        return "ファイルが空です。"
    if size > settings.EVIDENCE_MAX_BYTES:
        return f"ファイルが大きすぎます（上限 {settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}MB）。"
    ok = _looks_like_text(head) if extension in TEXT_EXTENSIONS else head.startswith(SIGNATURES.get(extension, ()))
    if not ok:
        return f"ファイルの中身が拡張子「.{extension}」の形式ではありません。"
    return ""


def add_evidence(user, reported, *, file=None, url: str = "", description: str = "") -> Evidence:
    """Attach a file (capped in size and type, its first bytes checked) or a link to a reported
    value. Whoever may enter the KPI's values (its department, its planners) may add evidence;
    files are stored under MEDIA_ROOT and served only through the staff view that checks who
    asks (never a public media URL)."""
    if not access.can_edit_kpi(user, reported.kpi):
        raise PermissionDenied("このKPIに根拠資料を添付する権限がありません。")
    problem = locked_year_problem(reported.kpi.plan_id, reported.year)
    if problem:
        raise ReviewRefused(problem)
    url = (url or "").strip()
    description = (description or "").strip()[:200]
    if bool(file) == bool(url):
        raise ReviewRefused("ファイルかリンクのどちらか一方を指定してください。")
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as error:
            raise ReviewRefused("リンクは http:// または https:// で始まるURLを入力してください。") from error
        if len(url) > EVIDENCE_URL_CHARS:
            raise ReviewRefused(f"リンクが長すぎます（{EVIDENCE_URL_CHARS}文字まで）。")
        return Evidence.objects.create(reported=reported, url=url, description=description, added_by=user)
    name = Path(file.name or "").name[:200]
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    problem = evidence_file_problem(name, file.size, head)
    if problem:
        raise ReviewRefused(problem)
    extension = name.rsplit(".", 1)[-1].lower()
    evidence = Evidence(
        reported=reported,
        file_name=name,
        content_type=CONTENT_TYPES[extension],
        size=file.size,
        description=description,
        added_by=user,
    )
    # A name of our own: the person's file name is kept for display only, never as a path.
    evidence.file.save(f"{uuid.uuid4().hex}.{extension}", File(file), save=False)
    evidence.save()
    return evidence
