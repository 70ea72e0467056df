"""What the plan importer's validation shares: the parsed plan, the problem collector, list splitting."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from plans.choices import ActualStatus
from plans.models import Kpi
from plans.rules import notation
from workbooks import schema
from workbooks.plan_workbook import Problem

SPLIT = schema.LIST_SEPARATORS  # 「、」, commas, line breaks; never 「・」 (保育所・幼稚園課 is one name)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

UNIT_MAX_CHARS = Kpi._meta.get_field("unit").max_length


split_list = schema.split_list


def split_codes(text: str) -> list[str]:
    """Direction codes: `①、⑫`, `1(1), 2(4)`; also `①⑫` written without a separator."""
    parts = [part.strip() for part in re.split(r"[、,，\s]+", text or "") if part.strip()]
    codes = []
    for part in parts:
        if all("①" <= character <= "⑳" for character in part):
            codes += list(part)
        else:
            codes.append(part)
    return codes


@dataclass
class ParsedPlan:
    """Everything a valid workbook says, as model field values keyed by their codes."""

    plan: dict
    partners: list[str]
    predecessor_slug: str
    scale: list[dict] = field(default_factory=list)
    goals: dict[int, dict] = field(default_factory=dict)
    directions: dict[str, dict] = field(default_factory=dict)
    packages: dict[int, dict] = field(default_factory=dict)
    projects: dict[str, dict] = field(default_factory=dict)
    listings: dict[tuple[int, str], dict] = field(default_factory=dict)
    budgets: dict[tuple[str, int], dict] = field(default_factory=dict)
    reviews: dict[tuple[str, int], dict] = field(default_factory=dict)
    kpis: dict[str, dict] = field(default_factory=dict)
    yearly_targets: dict[tuple[str, int], dict] = field(default_factory=dict)
    actuals: dict[tuple[str, int], dict] = field(default_factory=dict)
    ratings: dict[tuple[str, str, int], dict] = field(default_factory=dict)
    tallies: list[dict] = field(default_factory=list)
    municipality_names: set[str] = field(default_factory=set)
    department_names: set[str] = field(default_factory=set)


class Checker:
    """Collects problems while reading rows, so that all of them are reported at once."""

    def __init__(self):
        self.problems: list[Problem] = []

    def fail(self, sheet: schema.Sheet, row: dict | None, key: str, message: str) -> None:
        column = sheet.column(key).header if key else ""
        value = (row or {}).get(key, "") if key else ""
        self.problems.append(Problem(sheet.title, (row or {}).get("_row"), column, value, message))

    def required(self, sheet, row, key) -> str:
        value = (row.get(key) or "").strip()
        if not value:
            self.fail(sheet, row, key, "必須の値が空です。")
        return value

    def integer(self, sheet, row, key) -> int | None:
        text = self.required(sheet, row, key)
        if not text:
            return None
        normalized = notation.normalize_text(text)
        if not normalized.isdigit():
            self.fail(sheet, row, key, "整数を入力してください。")
            return None
        return int(normalized)

    def year(self, sheet, row, key, *, required=True) -> int | None:
        text = (row.get(key) or "").strip()
        if not text:
            if required:
                self.fail(sheet, row, key, "年度が空です。")
            return None
        try:
            return notation.parse_year(text)
        except ValueError as error:
            self.fail(sheet, row, key, str(error))
            return None

    def word(self, sheet, row, key, words: dict[str, str], *, default: str | None = None) -> str | None:
        text = (row.get(key) or "").strip()
        if not text and default is not None:
            return default
        if text in words:
            return words[text]
        if text in words.values():
            return text
        self.fail(sheet, row, key, f"次のどれかを入力してください: {' / '.join(word for word in words if word)}")
        return None

    def yes(self, row, key) -> bool:
        return (row.get(key) or "").strip() in schema.YES_WORDS

    def value(self, sheet, row, key, *, keep_unreadable: bool, target: bool = False) -> notation.ParsedValue | None:
        """A value as written; unreadable text is an error unless the row keeps it for attention.

        A target may be written in words (`全国平均以上`: no value, at least; notation.parse_target).
        """
        text = row.get(key) or ""
        try:
            return notation.parse_target(text) if target else notation.parse_value(text)
        except ValueError as error:
            if keep_unreadable:
                return notation.ParsedValue(raw=text, value=None, status=ActualStatus.UNPARSED)
            self.fail(sheet, row, key, f"{error} 読めない値を残す場合は「要確認」を指定してください。")
            return None

    def unique(self, sheet, row, key, seen: set, identity) -> bool:
        if identity in seen:
            self.fail(sheet, row, key, "同じものが2回以上あります。")
            return False
        seen.add(identity)
        return True
