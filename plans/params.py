"""Numbers in URLs and forms, read strictly: ASCII digits within what the database holds.

``str.isdigit`` accepts "²" and "١", which ``int`` then refuses (a 500), and a 30-digit id
overflows the database's integer; these return None instead.
"""

import re

_DIGITS = re.compile(r"[0-9]{1,18}")
_YEAR = re.compile(r"[0-9]{4}")


def id_param(text) -> int | None:
    """A database id typed or posted: 1 to 18 ASCII digits, else None."""
    return int(text) if isinstance(text, str) and _DIGITS.fullmatch(text) else None


def year_param(text) -> int | None:
    """A Western year in a query string: four ASCII digits, else None."""
    return int(text) if isinstance(text, str) and _YEAR.fullmatch(text) else None
