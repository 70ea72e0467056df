"""Create or update a plan from workbook rows: all or nothing.

``validate_plan_rows`` (``validation``, ``kpi_validation``) reads every row, parsing values and
years through ``notation``, and collects every problem with its sheet, row, column and value (in
Japanese). Only when there is none, and ``check_may_import`` lets the user, does ``save_plan``
(``saving``) write, in one ``transaction.atomic()``, matching existing rows by their codes so
that ids, edit history and links from other plans survive an update. Writes are bulk: the
number of queries depends on the number of tables, not of rows.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from plans import access
from plans.models import Municipality, Plan
from workbooks.plan_import.checks import (
    SLUG,
    SPLIT,
    UNIT_MAX_CHARS,
    Checker,
    ParsedPlan,
    split_codes,
    split_list,
)
from workbooks.plan_import.saving import HISTORY_MODELS, ImportResult, save_plan
from workbooks.plan_import.validation import validate_plan_rows
from workbooks.plan_workbook import ImportRefused, read_workbook

__all__ = [
    "HISTORY_MODELS",
    "SLUG",
    "SPLIT",
    "UNIT_MAX_CHARS",
    "Checker",
    "ImportRefused",
    "ImportResult",
    "ParsedPlan",
    "check_may_import",
    "import_plan_rows",
    "import_plan_workbook",
    "save_plan",
    "split_codes",
    "split_list",
    "validate_plan_rows",
]


def check_may_import(parsed: ParsedPlan, user) -> None:
    """Planners import plans their municipality leads, keep them with it, and name only known
    municipalities; nobody else but superusers."""
    if user is None or user.is_superuser:
        return
    existing = Plan.objects.filter(slug=parsed.plan["slug"]).select_related("municipality").first()
    municipality = access.municipality_of(user)
    allowed = (
        access.PLANNER in access.roles_of(user)
        and municipality is not None
        and municipality.name == parsed.plan["municipality"]  # a plan stays with its lead
        and (existing is None or (access.can_change_plan(user, existing) and existing.municipality == municipality))
    )
    if not allowed:
        raise PermissionDenied("この計画を取り込む権限がありません（自分の自治体が策定する計画だけを取り込めます）。")
    unknown = sorted(parsed.municipality_names - set(Municipality.objects.values_list("name", flat=True)))
    if unknown:
        names = "、".join(unknown)
        raise PermissionDenied(
            f"登録されていない自治体があります（{names}）。自治体の登録はシステム管理者に依頼してください。"
        )


def import_plan_rows(rows: dict, *, user=None) -> ImportResult:
    """Validate workbook rows and, only if all are valid and the user may, write the plan."""
    parsed = validate_plan_rows(rows)
    check_may_import(parsed, user)
    return save_plan(parsed, user=user)


def import_plan_workbook(content: bytes, *, user=None) -> ImportResult:
    """Import a plan workbook (.xlsx bytes): all or nothing, every problem reported at once."""
    rows, problems = read_workbook(content)
    if problems:
        raise ImportRefused(problems)
    return import_plan_rows(rows, user=user)
