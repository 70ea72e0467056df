"""Bulk inserts of plain rows for the demo generator: ``COPY`` on PostgreSQL, ``bulk_create``
elsewhere; primary keys reserved beforehand so that rows can point at rows not yet written.

A row gives only the columns the generator chooses; every other column gets its field's default
(``COPY`` bypasses the model, and Django keeps defaults in Python, not in the database).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models
from django.utils import timezone

from plans.services.progress import copy_rows

BATCH = 5000


class Table:
    """A model's table and the columns the generator fills, in the order of its row tuples."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]):
        self.model = model
        self.columns = tuple(columns)
        rest = [
            field
            for field in model._meta.concrete_fields
            if field.attname not in self.columns and not field.primary_key
        ]
        self.rest_columns = tuple(field.column for field in rest)
        self.rest_values = tuple(_default(field) for field in rest)

    def insert(self, rows: list[tuple]) -> None:
        if not rows:
            return
        if connection.vendor == "postgresql":
            rest = self.rest_values
            copy_rows(self.model._meta.db_table, self.columns + self.rest_columns, (row + rest for row in rows))
            return
        self.model.objects.bulk_create(
            (self.model(**dict(zip(self.columns, row, strict=True))) for row in rows), batch_size=BATCH
        )


def _default(field: models.Field):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    return field.get_default()


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` primary keys nobody else gets: from the table's sequence on PostgreSQL; on SQLite
    (one writer at a time, inside the caller's transaction) the ones after the largest."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))
