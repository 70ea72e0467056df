"""deploy/backup.sh and deploy/restore.sh against throwaway clusters: a plan backed up from one
server and restored into a fresh one comes back equal, table by table (row counts and a checksum of
every row), with its evidence files; old backups beyond BACKUP_KEEP are removed."""

import subprocess
from pathlib import Path

import pytest

from tests.deploy.clusters import ROOT, Cluster, app_environment, load_small_plan, manage, needs_postgresql

pytestmark = needs_postgresql

# Every table of the app, then a row count and an md5 of all its rows in a fixed order.
TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
KEY_TABLES = ("plans_plan", "plans_kpi", "plans_actual", "plans_kpiyearprogress", "plans_progresstally")


@pytest.fixture
def clusters():
    """Start clusters through ``clusters(name)``; every one is stopped and removed afterwards."""
    started = []

    def start(name: str) -> Cluster:
        cluster = Cluster(name)
        started.append(cluster)
        cluster.init().start().createdb()
        return cluster

    yield start
    for cluster in started:
        cluster.stop()


def table_fingerprints(cluster: Cluster) -> dict[str, tuple[int, str]]:
    """Each table's row count and the md5 of its rows as text, sorted."""
    tables = cluster.sql(TABLES).splitlines()
    query = " UNION ALL ".join(
        f"SELECT '{table}', count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {table} t"
        for table in tables
    )
    rows = (line.split("|") for line in cluster.sql(query).splitlines())
    return {table: (int(count), checksum) for table, count, checksum in rows}


def run_script(script: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(ROOT / "deploy" / script), *args],
        env=app_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"{script} failed:\n{result.stdout}\n{result.stderr}"
    return result


def test_a_backup_restored_into_a_fresh_cluster_equals_the_original(clusters, tmp_path):
    source = clusters("backup-source")
    manage("migrate", "--noinput", "-v0", DATABASE_URL=source.url())
    load_small_plan(source.url(), "backed-up-plan")
    media = tmp_path / "media"
    (media / "evidence" / "2021").mkdir(parents=True)
    (media / "evidence" / "2021" / "根拠資料.txt").write_text("住民基本台帳 2021年3月末", encoding="utf-8")

    backups = tmp_path / "backups"
    backups.mkdir()
    old = ["kpi_tracker-20200101T000000Z.dump", "kpi_tracker-20200102T000000Z.dump"]
    for name in old:  # two earlier backups: with BACKUP_KEEP=2 the older one goes
        (backups / name).write_bytes(b"an earlier backup")
    result = run_script(
        "backup.sh",
        DATABASE_URL=source.url(),
        BACKUP_DIR=str(backups),
        BACKUP_KEEP="2",
        MEDIA_ROOT=str(media),
        PG_BIN=str(source.bin),
    )
    dump = Path(result.stdout.strip().splitlines()[-1])
    assert dump.parent == backups and dump.stat().st_size > 0
    assert sorted(path.name for path in backups.glob("*.dump")) == [old[1], dump.name]
    assert not list(backups.glob("*.partial"))

    target = clusters("restore-target")
    restored_media = tmp_path / "restored-media"
    run_script(
        "restore.sh",
        str(dump),
        "--yes",
        DATABASE_URL=target.url(),
        MEDIA_ROOT=str(restored_media),
        PG_BIN=str(target.bin),
    )

    original, restored = table_fingerprints(source), table_fingerprints(target)
    assert all(original[table][0] > 0 for table in KEY_TABLES), original  # the plan is really there
    assert restored == original
    evidence = restored_media / "evidence" / "2021" / "根拠資料.txt"
    assert evidence.read_text(encoding="utf-8") == "住民基本台帳 2021年3月末"


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    not_a_dump = tmp_path / "kpi_tracker-20260101T000000Z.dump"
    not_a_dump.write_text("not an archive")
    result = subprocess.run(
        [str(ROOT / "deploy" / "restore.sh"), str(not_a_dump), "--yes"],
        env=app_environment(DATABASE_URL="postgres://kpi@127.0.0.1:9/none"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "not a pg_dump archive" in result.stderr
