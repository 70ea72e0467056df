"""Text as plans write it, made comparable: the first step of reading a value or a year.

Pure, no ORM. NFKC turns full-width digits, commas and brackets into ASCII; `△`/`▲` before a
number is a minus sign (DOMAIN.md, "Numbers as the documents write them").
"""

from __future__ import annotations

import re
import unicodedata

_MINUS_SIGNS = re.compile(r"[△▲▼−－]\s*(?=\d)")


def normalize_text(text: str) -> str:
    """NFKC (full-width digits, commas and brackets to ASCII), `△ ▲` before a digit to minus."""
    text = unicodedata.normalize("NFKC", text).replace("〜", "~").replace("～", "~")
    text = text.replace("【", "(").replace("】", ")").replace("［", "(").replace("］", ")")
    text = _MINUS_SIGNS.sub("-", text)
    return re.sub(r"\s+", " ", text).strip()


_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(ord("ァ"), ord("ヶ") + 1)}
_SPACES = {ord(" "), ord("\t"), ord("\n"), ord("\r"), ord("\u3000")}
SEARCH_TEXT_CHARS = 400


def fold_for_search(text: str) -> str:
    """NFKC, case fold, katakana to hiragana (spaces kept): how search reads a query's words."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_KATAKANA_TO_HIRAGANA)


def search_key(text: str) -> str:
    """What search compares, the way Japanese readers type: NFKC (full- and half-width alike),
    case folded, katakana as hiragana, no spaces. ``search_key("ｺﾄﾞﾓ 1") == "こども1"``.

    ``Kpi.search_text`` keeps the key of each KPI's name, so that the database can match a query's
    keys with an index (pg_trgm on PostgreSQL)."""
    return "".join(character for character in fold_for_search(text) if ord(character) not in _SPACES)
