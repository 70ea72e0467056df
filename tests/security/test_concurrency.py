"""Two saves of one actual at once (finding 7): the second meets the version check and gets the
conflict message; neither gets "database is locked" (SQLite) or a lost update (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from plans import access
from plans.models import Actual, Department, Kpi, ReportedActual
from plans.services.actuals import ConcurrentChange, Submission, apply, preview
from tests.factories import ActualFactory, KpiFactory
from tests.logins import DEPARTMENT_STAFF, make_staff


class Rendezvous:
    """Each save, once inside its write transaction and having read, waits a moment for the other
    one to get there too: with SQLite's deferred transactions both would, and then one of them
    would fail with "database is locked"; with immediate ones the second waits at BEGIN."""

    def __init__(self, parties: int = 2, patience: float = 1.5):
        self.parties, self.patience, self.arrived = parties, patience, 0
        self.condition = threading.Condition()

    def wait(self) -> None:
        with self.condition:
            self.arrived += 1
            self.condition.notify_all()
            self.condition.wait_for(lambda: self.arrived >= self.parties, timeout=self.patience)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_one_actual_give_one_save_and_one_conflict(monkeypatch):
    kpi = KpiFactory()
    actual = ActualFactory(kpi=kpi, year=kpi.plan.first_year + 1)
    reported = ReportedActual.objects.create(kpi=kpi, year=actual.year, value=actual.value, raw=actual.raw, version=1)
    department = Department.objects.create(municipality=kpi.plan.municipality, name="商工観光課")
    Kpi.objects.filter(pk=kpi.pk).update(department=department)
    user = make_staff("shoko", DEPARTMENT_STAFF, municipality=kpi.plan.municipality.name, departments=["商工観光課"])
    both_read = threading.Barrier(2, timeout=30)
    inside = Rendezvous()
    editable_kpis = access.editable_kpis

    def editable_kpis_then_wait(who):
        kpis = editable_kpis(who)
        if connection.in_atomic_block:  # in apply(): read, then meet the other save
            list(kpis[:1])
            inside.wait()
        return kpis

    monkeypatch.setattr(access, "editable_kpis", editable_kpis_then_wait)
    outcomes: dict[str, str] = {}

    def save(text: str) -> None:
        try:
            changes = preview(user, [Submission(kpi_id=kpi.pk, year=actual.year, text=text, version=reported.version)])
            assert changes.problems == []
            both_read.wait()  # both forms were read at the same version
            apply(user, changes.changes)
            outcomes[text] = "saved"
        except ConcurrentChange:
            outcomes[text] = "conflict"
        except Exception as error:  # e.g. OperationalError: database is locked
            outcomes[text] = f"error: {error!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(text,)) for text in ("111人", "222人")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == ["conflict", "saved"], outcomes
    saved = ReportedActual.objects.get(pk=reported.pk)
    winner = next(text for text, outcome in outcomes.items() if outcome == "saved")
    assert (saved.raw, saved.version) == (winner, reported.version + 1)
    official = Actual.objects.get(pk=actual.pk)  # a department's save is a draft: nothing official moved
    assert (official.raw, official.version) == (actual.raw, actual.version)
