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


def search_key(*parts: str) -> str:
    """What search compares: the parts NFKC-normalised, lower case, one space between words
    (``Ｋｐｉ　子育て`` and ``kpi 子育て`` match alike). Kept in ``Kpi.search_text``."""
    joined = " ".join(part for part in parts if part)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", joined)).strip().lower()[:400]
