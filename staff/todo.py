"""The staff home's to-do (入力状況): for each department, how many KPIs of the entry year are done.

A KPI counts for a year when its plan runs in that year (as on the entry page). Of those:

* entered: the year has a value, or staff answered 未把握 (not measured), or typed something
  that needs checking (要確認) — someone has answered;
* pending: 集計中 (being compiled) — to come back to;
* missing: no actual yet, or an empty one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from plans import access
from plans.choices import ActualStatus
from plans.services.actuals import EntryRow, entry_rows

# A row whose actual staff answered, even without a value (未把握) or with one unreadable.
ENTERED_STATUSES = (ActualStatus.MEASURED, ActualStatus.UNMEASURED, ActualStatus.UNPARSED)


@dataclass(frozen=True)
class DepartmentTodo:
    department_id: int
    owned: int = 0
    entered: int = 0
    pending: int = 0
    missing: int = 0


def tally_todo(rows: Iterable[EntryRow], department_of: dict[int, int | None]) -> dict[int, DepartmentTodo]:
    """Count each department's entry rows by what is left to do (the rule in the module docstring)."""
    counts: dict[int, dict[str, int]] = {}
    for row in rows:
        department_id = department_of.get(row.kpi.id)
        if department_id is None:
            continue
        tally = counts.setdefault(department_id, {"owned": 0, "entered": 0, "pending": 0, "missing": 0})
        tally["owned"] += 1
        if row.actual_status == ActualStatus.PENDING:
            tally["pending"] += 1
        elif row.actual_raw or row.actual_status in ENTERED_STATUSES:
            tally["entered"] += 1
        else:
            tally["missing"] += 1
    return {department_id: DepartmentTodo(department_id, **tally) for department_id, tally in counts.items()}


def entry_todo(user, year: int) -> dict[int, DepartmentTodo]:
    """The to-do of every department whose KPIs ``user`` may enter, for ``year`` (bounded queries:
    the KPIs' departments, then ``entry_rows``)."""
    department_of = dict(access.editable_kpis(user).values_list("pk", "department_id"))
    return tally_todo(entry_rows(user, year), department_of)
