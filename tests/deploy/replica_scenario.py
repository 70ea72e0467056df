"""Run by tests/deploy/test_replica.py in its own process, with DATABASE_URL naming the primary and
DATABASE_REPLICA_URLS the replica: requests through Django's test client (the whole middleware
stack, the router included), and what each read where, printed as JSON for the test to check.

    python tests/deploy/replica_scenario.py PLAN_SLUG

Steps: the replica catches up; an anonymous visitor reads the plan page (from the replica); a
planner reads the staff dashboard and the public page (from the primary); replay on the replica
is paused and the plan's title changed on the primary — the visitor still sees the old title, the
planner the new one; replay resumes, and once the replica has replayed the primary's WAL the
visitor sees the new title too.
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpi_tracker.settings")

import django

django.setup()

from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from plans.models import Plan  # noqa: E402
from tests.logins import PLANNER, make_staff  # noqa: E402

PRIMARY, REPLICA = "default", "replica_1"
NEW_TITLE = "レプリカ検証後の計画名"
CATCH_UP_SECONDS = 30


def scalar(alias: str, query: str, params=()):
    with connections[alias].cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()[0]


def wait_until_replayed() -> float:
    """Seconds until the replica has replayed everything the primary has written so far."""
    started = time.monotonic()
    target = scalar(PRIMARY, "SELECT pg_current_wal_lsn()::text")
    while not scalar(REPLICA, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]):
        if time.monotonic() - started > CATCH_UP_SECONDS:
            raise SystemExit(f"the replica did not replay up to {target} in {CATCH_UP_SECONDS} s")
        time.sleep(0.05)
    return round(time.monotonic() - started, 3)


def fetch(client: Client, url: str, looked_for: list[str]) -> dict:
    """Status, queries on each alias, and which of ``looked_for`` the page shows."""
    with CaptureQueriesContext(connections[PRIMARY]) as primary, CaptureQueriesContext(connections[REPLICA]) as replica:
        response = client.get(url)
    text = response.content.decode()
    return {
        "status": response.status_code,
        "primary_queries": len(primary.captured_queries),
        "replica_queries": len(replica.captured_queries),
        "shows": [words for words in looked_for if words in text],
    }


def main(slug: str) -> dict:
    setup_test_environment()  # the test client's host, "testserver", is allowed
    plan = Plan.objects.get(slug=slug)
    old_title = plan.title
    planner = make_staff("replica-planner", PLANNER, municipality=plan.municipality.name)
    public_page = reverse("plans:plan-detail", args=[slug])
    dashboard = reverse("dashboard:plan", args=[slug])
    titles = [old_title, NEW_TITLE]
    visitor, staff = Client(), Client()
    staff.force_login(planner)

    seen = {"replicas": sorted(alias for alias in connections.settings if alias != PRIMARY)}
    seen["caught_up_s"] = wait_until_replayed()
    seen["public"] = fetch(visitor, public_page, titles)
    seen["dashboard"] = fetch(staff, dashboard, titles)
    seen["public_logged_in"] = fetch(staff, public_page, titles)

    scalar(REPLICA, "SELECT pg_wal_replay_pause()")
    with CaptureQueriesContext(connections[PRIMARY]) as primary, CaptureQueriesContext(connections[REPLICA]) as replica:
        Plan.objects.filter(pk=plan.pk).update(title=NEW_TITLE)
    seen["write"] = {"primary_queries": len(primary.captured_queries), "replica_queries": len(replica.captured_queries)}
    seen["public_paused"] = fetch(visitor, public_page, titles)
    seen["public_logged_in_paused"] = fetch(staff, public_page, titles)

    scalar(REPLICA, "SELECT pg_wal_replay_resume()")
    seen["replayed_s"] = wait_until_replayed()
    seen["public_replayed"] = fetch(visitor, public_page, titles)
    seen["old_title"], seen["new_title"] = old_title, NEW_TITLE
    return seen


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1]), ensure_ascii=False))
