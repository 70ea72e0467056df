"""Reads that scale out, end to end: a primary and a streaming replica (Debian's PostgreSQL,
pg_basebackup -R) on 127.0.0.1, and the app configured with DATABASE_REPLICA_URLS. Public pages
are read from the replica, the staff pages, logged-in visitors and writes use the primary, and a
write on the primary shows on the public page once the replica has replayed it.

The requests run in a process of their own (tests/deploy/replica_scenario.py), whose settings name
the two clusters; this suite's own database settings stay as they are."""

import json
import subprocess
import sys

import pytest

from tests.deploy.clusters import (
    ROOT,
    Cluster,
    app_environment,
    load_small_plan,
    manage,
    needs_postgresql,
    wait_for,
)

pytestmark = needs_postgresql

SLUG = "replicated-plan"


@pytest.fixture
def primary_and_replica():
    """A migrated primary holding a small published plan, and its streaming replica."""
    primary, replica = Cluster("primary"), Cluster("replica")
    try:
        primary.init().start().createdb()
        manage("migrate", "--noinput", "-v0", DATABASE_URL=primary.url())
        load_small_plan(primary.url(), SLUG)
        replica.replica_of(primary).start()
        yield primary, replica
    finally:
        replica.stop()
        primary.stop()


def test_public_pages_read_the_replica_and_staff_and_writes_the_primary(primary_and_replica):
    primary, replica = primary_and_replica
    assert replica.sql("SELECT pg_is_in_recovery()") == "t"
    wait_for(
        lambda: primary.sql("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") == "1",
        timeout=30,
        message="the replica never started streaming from the primary",
    )

    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "deploy" / "replica_scenario.py"), SLUG],
        cwd=ROOT,
        env=app_environment(
            DATABASE_URL=primary.url(),
            DATABASE_REPLICA_URLS=replica.url(),
            CACHE_URL="dummy://",  # every request renders: the page shows what its database holds
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    old, new = seen["old_title"], seen["new_title"]
    assert seen["replicas"] == ["replica_1"]

    # An anonymous visitor's plan page: every query on the replica, none on the primary.
    public = seen["public"]
    assert public["status"] == 200 and public["shows"] == [old]
    assert public["replica_queries"] > 0 and public["primary_queries"] == 0
    # A planner's dashboard, and the public page while logged in: the primary only.
    for page in ("dashboard", "public_logged_in"):
        assert seen[page]["status"] == 200, page
        assert seen[page]["primary_queries"] > 0 and seen[page]["replica_queries"] == 0, page
    # A write goes to the primary.
    assert seen["write"]["primary_queries"] == 1 and seen["write"]["replica_queries"] == 0

    # Replay paused: the visitor is served the replica's data (the old title), the planner the
    # primary's (the new one).
    assert seen["public_paused"]["shows"] == [old] and seen["public_paused"]["primary_queries"] == 0
    assert seen["public_logged_in_paused"]["shows"] == [new]
    # Replay resumed: once the replica has replayed the primary's WAL, the visitor sees the write.
    assert seen["public_replayed"]["shows"] == [new]
    assert seen["public_replayed"]["replica_queries"] > 0 and seen["public_replayed"]["primary_queries"] == 0
