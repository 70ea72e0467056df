"""Numbers in URLs and forms, read strictly: ASCII digits within what the database holds.

``str.isdigit`` accepts "²" and "١", which ``int`` then refuses (a 500), and a 30-digit id
overflows the database's integer; these return None instead.
"""

import re

from plans.rules.years import MAX_YEAR, MIN_YEAR

_DIGITS = re.compile(r"[0-9]{1,18}")
_YEAR = re.compile(r"[0-9]{4}")


def id_param(text) -> int | None:
    """A database id typed or posted: 1 to 18 ASCII digits, else None."""
    return int(text) if isinstance(text, str) and _DIGITS.fullmatch(text) else None


def year_param(value) -> int | None:
    """A Western year in a URL or a query string: four ASCII digits (or the int a URL converter
    gave) within the years the product holds (``MIN_YEAR``–``MAX_YEAR``), else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _YEAR.fullmatch(value):
        return None
    year = int(value)
    return year if MIN_YEAR <= year <= MAX_YEAR else None
