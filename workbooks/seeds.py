"""The seed plans: transcriptions in fixtures/sources/ -> workbooks in fixtures/plans/ -> database."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from plans.services.publication import publish_printed_years
from workbooks import transcription
from workbooks.plan_import import ImportResult, import_plan_rows
from workbooks.plan_workbook import ImportRefused, read_workbook, write_workbook

SOURCES_DIR = Path(settings.BASE_DIR) / "fixtures" / "sources"
WORKBOOKS_DIR = Path(settings.BASE_DIR) / "fixtures" / "plans"


def transcribed_rows(sources: Path = SOURCES_DIR) -> dict[str, dict]:
    """{slug: workbook rows} built from every transcription."""
    return {
        slug: transcription.to_rows(transcription.load(paths))
        for slug, paths in transcription.transcription_files(sources).items()
    }


def build_seed_workbooks(sources: Path = SOURCES_DIR, target: Path = WORKBOOKS_DIR) -> list[Path]:
    """Write one plan workbook per transcription; returns the files written."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for slug, rows in transcribed_rows(sources).items():
        path = target / f"{slug}.xlsx"
        path.write_bytes(write_workbook(rows))
        written.append(path)
    return written


def in_dependency_order(plans: dict[str, dict]) -> list[str]:
    """Slugs ordered so that a plan comes after its predecessor."""
    ordered: list[str] = []

    def visit(slug: str, trail: tuple[str, ...] = ()) -> None:
        if slug in ordered or slug not in plans:
            return
        if slug in trail:
            raise ValueError(f"前期計画が循環しています: {' → '.join((*trail, slug))}")
        visit(plans[slug]["plan"].get("predecessor", ""), (*trail, slug))
        ordered.append(slug)

    for slug in sorted(plans):
        visit(slug)
    return ordered


def load_seed_plans(directory: Path = WORKBOOKS_DIR) -> dict[str, ImportResult]:
    """Import every workbook in ``directory``, predecessors first; idempotent."""
    plans = {}
    for path in sorted(directory.glob("*.xlsx")):
        rows, problems = read_workbook(path.read_bytes())
        if problems:
            raise ImportRefused(problems)
        plans[rows["plan"]["slug"]] = rows
    results = {slug: import_plan_rows(plans[slug]) for slug in in_dependency_order(plans)}
    for result in results.values():
        publish_printed_years(result.plan)  # the documents themselves are public
    return results
