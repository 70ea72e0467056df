"""Limits the database itself enforces, whatever door a row comes through.

SQLite does not enforce ``max_length`` and a ``TextField`` has none, so every free-text column has
a length check; every value column has bounds that every screen, export and spreadsheet can show
(``plans.rules.notation`` refuses the same at the door, with a message).
"""

from django.db.models import CheckConstraint, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

# The pure core owns the bound (values lie strictly between -VALUE_LIMIT and VALUE_LIMIT).
from plans.rules.notation import VALUE_LIMIT

LONG_TEXT_CHARS = 10_000  # any TextField; forms and importers cap lower where it suits


def length_checks(**limits: int) -> list[CheckConstraint]:
    """A check per text column: ``length_checks(raw=200)`` refuses a 201-character ``raw``."""
    return [
        CheckConstraint(condition=LessThanOrEqual(Length(name), limit), name=f"%(app_label)s_%(class)s_{name}_length")
        for name, limit in limits.items()
    ]


def value_bounds(*names: str) -> list[CheckConstraint]:
    """A check per value column: empty, or strictly between -10^15 and 10^15."""
    return [
        CheckConstraint(
            condition=Q(**{f"{name}__isnull": True})
            | (Q(**{f"{name}__gt": -VALUE_LIMIT}) & Q(**{f"{name}__lt": VALUE_LIMIT})),
            name=f"%(app_label)s_%(class)s_{name}_in_bounds",
        )
        for name in names
    ]
