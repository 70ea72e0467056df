"""The plan workbook: its sheets and columns, with the Japanese headers staff see.

One definition serves the reader, the writer and the instructions sheet, so the three cannot
drift apart. Keys are English; headers and help are Japanese, as the workbook is for staff.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plans.choices import ActualStatus


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    help: str = ""
    required: bool = False
    example: str = ""
    width: int = 14


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    help: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


INSTRUCTIONS_TITLE = "説明"

# A list of names (municipalities, departments, sections) is written with 「、」 or one name per
# line; commas are read too. 「・」 and 「/」 belong to names (保育所・幼稚園課, 計画・準備係).
LIST_SEPARATOR = "、"
LIST_SEPARATORS = re.compile(r"[、,，\r\n]")
LIST_HELP = "「、」区切りか1行に1つ（「・」は名前の一部）"


def split_list(text: str) -> list[str]:
    """The names of a list cell, in order: split at 「、」, commas and line breaks, never at 「・」."""
    return [item.strip() for item in LIST_SEPARATORS.split(text or "") if item.strip()]


PLAN = Sheet(
    "plan",
    "計画",
    "計画の基本情報。A列の項目ごとにB列へ値を書きます。",
    (
        Column("slug", "スラッグ", "URLに使う英数字の識別子（例: kurume-strategy-2）", True, "kurume-strategy-2"),
        Column("title", "計画名", "印刷されたとおりの計画名", True, "第2期 久留米市地方創生総合戦略"),
        Column("kind", "種類", "総合戦略 / 連携中枢都市圏ビジョン / その他", True, "総合戦略"),
        Column("municipality", "策定自治体", "中心となる自治体名", True, "久留米市"),
        Column("partners", "連携自治体", "連携する自治体名を「、」で区切って", False, "大川市、小郡市"),
        Column("first_year", "計画開始年度", "R2年度、2020 など", True, "R2年度"),
        Column("last_year", "計画終了年度", "R7年度、2025 など", True, "R7年度"),
        Column("revised", "改訂", "改訂の表記（例: R5.12）", False, "R5.12"),
        Column("predecessor", "前期計画", "前期計画のスラッグ（第2期→第3期の引継ぎ）", False, "kurume-strategy-1"),
        Column("report_year", "評価対象年度", "この資料が評価する年度", False, "R5年度"),
        Column("source", "出典", "元資料", False),
        Column("note", "備考", "", False),
    ),
)

RATING_SCALE = Sheet(
    "rating_scale",
    "評価尺度",
    "計画独自の評価（見込み）の区分と、標準の A〜E との対応。",
    (
        Column("label", "評価", "計画が使う評価の表記", True, "A"),
        Column("meaning", "意味", "評価の意味", False, "目標を達成できる見込み"),
        Column("canonical", "標準評価", "対応する標準評価 A〜E を「,」区切りで", True, "A,B"),
    ),
)

GOALS = Sheet(
    "goals",
    "基本目標",
    "基本目標（分野・基本方針）。",
    (
        Column("number", "番号", "1, 2, 3 …", True, "1", 8),
        Column("kind_label", "区分", "基本目標 / 分野 / 基本方針", False, "基本目標"),
        Column("title", "名称", "", True, "安定した雇用を創出する", 40),
        Column("basic_direction", "基本的方向", "", False, "", 60),
        Column("aim", "ねらい", "", False, "", 40),
    ),
)

DIRECTIONS = Sheet(
    "directions",
    "施策の方向性",
    "施策の方向性（施策の基本的方向・施策大項目）。コードは印刷されたとおり。",
    (
        Column("code", "コード", "①、1(1)、2-1 など。計画の中で重複しないこと", True, "①", 10),
        Column("goal", "基本目標番号", "属する基本目標の番号", True, "1", 10),
        Column("title", "名称", "", True, "", 40),
        Column("summary", "概要", "", False, "", 60),
        Column("group", "小区分", "分野の中の区分（あれば）", False, ""),
    ),
)

PACKAGES = Sheet(
    "packages",
    "政策パッケージ",
    "政策パッケージ（事業の別の束ね方）。",
    (
        Column("number", "番号", "", True, "1", 8),
        Column("title", "名称", "", True, "", 40),
        Column("summary", "概要", "", False, "", 60),
    ),
)

PROJECTS = Sheet(
    "projects",
    "事業",
    "事業（連携事業・具体的な事業・具体的な施策）。",
    (
        Column("code", "事業コード", "計画の中で重複しない番号・記号", True, "1", 10),
        Column("title", "事業名", "", True, "", 40),
        Column("group", "小見出し", "事業がまとめられている見出し（あれば）", False, ""),
        Column("directions", "施策の方向性コード", "複数は「、」区切り", False, "①、⑫"),
        Column("purpose", "目的と概要", "", False, "", 60),
        Column("main_actions", "主な取組", "", False, "", 40),
        Column("lead_role", "中心市の役割", "役割分担（中心市）", False, "", 30),
        Column("partner_role", "連携市町の役割", "役割分担（連携市町）", False, "", 30),
        Column("municipalities", "関係市町", LIST_HELP, False, "久留米市、大川市", 30),
        Column("departments", "担当課", LIST_HELP, False, "商工政策課"),
        Column("sections", "係", LIST_HELP, False, ""),
        Column("note", "備考", "", False, "", 30),
    ),
)

LISTINGS = Sheet(
    "listings",
    "パッケージ掲載",
    "政策パッケージへの事業の掲載。再掲は同じ事業の2度目の掲載です。",
    (
        Column("package", "パッケージ番号", "", True, "1", 10),
        Column("project", "事業コード", "", True, "1-(1)", 10),
        Column("repeat", "再掲", "再掲なら ○", False, "○", 8),
    ),
)

BUDGETS = Sheet(
    "budgets",
    "事業費",
    "事業ごとの各年度予算額（書かれている年度のみ）。",
    (
        Column("project", "事業コード", "", True, "1", 10),
        Column("year", "年度", "", True, "R8年度", 10),
        Column("amount", "金額", "書かれたとおり（例: 1,200千円）", True, "1,200千円"),
    ),
)

REVIEWS = Sheet(
    "reviews",
    "事業評価",
    "事業ごと・年度ごとの実施状況と評価。",
    (
        Column("project", "事業コード", "", True, "1", 10),
        Column("year", "年度", "", True, "R3年度", 10),
        Column("carried_out", "実施", "○（実施）/ ×（未実施）", False, "○", 8),
        Column("done", "取組内容", "具体的な取組内容（又は取り組まない理由）", False, "", 50),
        Column("summary", "総括", "", False, "", 50),
        Column("rating", "評価", "計画独自の評価（A〜E など）", False, "A", 8),
    ),
)

KPIS = Sheet(
    "kpis",
    "KPI",
    "KPI・数値目標。値は書かれたとおりに（16,507人以上、△69人、R元年度）。",
    (
        Column("code", "KPIコード", "計画の中で重複しない記号", True, "1(1)-1", 10),
        Column("level", "対象区分", "計画 / 基本目標 / 施策の方向性 / パッケージ / 事業", True, "施策の方向性"),
        Column("of", "対象コード", "基本目標番号・施策の方向性コード・パッケージ番号・事業コード", False, "1(1)", 10),
        Column("name", "指標名", "印刷されたとおり", True, "新規就農者数", 40),
        Column("unit", "単位", "書かれたとおり（人、万人、%）", False, "人", 8),
        Column("direction", "方向", "増加 / 減少 / 維持", True, "増加", 8),
        Column("cumulative", "累計", "累計値なら ○", False, "", 6),
        Column("year_kind", "年の区分", "年度 / 年", False, "年度", 8),
        Column("numerical_target", "数値目標", "基本目標の数値目標なら ○", False, "", 8),
        Column("department", "担当課", "", False, "農業振興課"),
        Column(
            "baseline_year",
            "基準年",
            "空欄で基準値があれば、計画開始の前年度を基準年とみなします（推定と表示）",
            False,
            "H30年度",
            10,
        ),
        Column("baseline", "基準値", "", False, "19人"),
        Column("baseline_note", "基準値の注記", "", False, ""),
        Column("target_year", "目標年", "", False, "R6年度", 10),
        Column("target", "目標値", "", False, "49人"),
        Column("target_note", "目標値の注記", "", False, ""),
        Column(
            "total_years",
            "合計年数",
            "基準値・目標値が複数年の合計なら、その年数（例: R2〜R6の合計なら 5）。実績は各年の値",
            False,
            "",
            8,
        ),
        Column("predecessor", "前期KPIコード", "前期計画で対応するKPIのコード", False, ""),
        Column("link", "引継ぎ区分", "継続 / 移動 / 置換", False, ""),
        Column("link_label", "引継ぎの表記", "例: 2(4)から移動", False, ""),
        Column("next_plan", "次期の扱い", "次期計画で削除されたなら 削除", False, ""),
        Column("next_plan_label", "次期の表記", "例: 削除、削減", False, ""),
        Column("keep_unreadable", "要確認", "読めない値をそのまま残すなら ○", False, "", 8),
        Column("note", "備考", "", False, "", 30),
    ),
)

YEARLY_TARGETS = Sheet(
    "yearly_targets",
    "年度目標",
    "計画が年度ごとに定める目標値。",
    (
        Column("kpi", "KPIコード", "", True, "G1-1", 10),
        Column("year", "年度", "", True, "H27年度", 10),
        Column("value", "目標値", "", True, "16,507人以上"),
    ),
)

ACTUALS = Sheet(
    "actuals",
    "実績",
    "年度ごとの実績値。集計中・未把握は状態の列で選べます。",
    (
        Column("kpi", "KPIコード", "", True, "G1-1", 10),
        Column("year", "年度", "", True, "H27年度", 10),
        Column("value", "実績値", "書かれたとおり（(速報値) 81.7%、△69人）", False, "16,639人"),
        Column("status", "状態", "空欄（値から判断）/ 集計中 / 未把握 / 記載なし / 要確認", False, ""),
        Column("note", "備考", "", False, "", 30),
    ),
)

RATINGS = Sheet(
    "ratings",
    "評価",
    "計画が印刷した評価（年度の進捗度 ○△×、見込み A/B/C など）。",
    (
        Column("kpi", "KPIコード", "", True, "G1-1", 10),
        Column("kind", "種類", "進捗度 / 見込み", True, "見込み", 8),
        Column("year", "年度", "", True, "H29年度", 10),
        Column("label", "評価", "印刷されたとおり", True, "A", 8),
        Column("as_of", "時点", "例: R6.4現在", False, ""),
    ),
)

TALLIES = Sheet(
    "tallies",
    "集計",
    "計画が印刷した施策の方向性ごとの集計（印刷されたとおり）。",
    (
        Column("scope", "対象区分", "計画 / 基本目標 / 施策の方向性", True, "施策の方向性"),
        Column("of", "対象コード", "", False, "①", 10),
        Column("year", "年度", "", True, "H29年度", 10),
        Column("kpi_count", "KPI数", "", True, "12", 8),
        Column("marks", "進捗度", "例: ○ 7 △ 2 × 2 - 1", False, "○ 7 △ 2 × 2 - 1", 20),
        Column("outlooks", "達成見込み", "例: A 9 B 3", False, "A 9 B 3", 16),
    ),
)

TABLE_SHEETS = (
    RATING_SCALE,
    GOALS,
    DIRECTIONS,
    PACKAGES,
    PROJECTS,
    LISTINGS,
    BUDGETS,
    REVIEWS,
    KPIS,
    YEARLY_TARGETS,
    ACTUALS,
    RATINGS,
    TALLIES,
)
ALL_SHEETS = (PLAN, *TABLE_SHEETS)

# Words staff write in the workbook, and what they stand for.
KIND_WORDS = {"総合戦略": "strategy", "連携中枢都市圏ビジョン": "vision", "その他": "other"}
LEVEL_WORDS = {
    "計画": "plan",
    "基本目標": "goal",
    "施策の方向性": "direction",
    "パッケージ": "package",
    "事業": "project",
}
DIRECTION_WORDS = {"増加": "increase", "減少": "decrease", "維持": "maintain"}
YEAR_KIND_WORDS = {"年度": "fiscal", "年": "calendar"}
LINK_WORDS = {"継続": "continued", "移動": "moved", "置換": "replaced"}
RATING_KIND_WORDS = {"進捗度": "mark", "見込み": "outlook"}
STATUS_WORDS = {
    "": "",
    "測定済": ActualStatus.MEASURED,
    "集計中": ActualStatus.PENDING,
    "未把握": ActualStatus.UNMEASURED,
    "記載なし": ActualStatus.BLANK,
    "要確認": ActualStatus.UNPARSED,
}
SCOPE_WORDS = {"計画": "plan", "基本目標": "goal", "施策の方向性": "direction"}
YES_WORDS = {"○", "〇", "◯", "o", "O", "yes", "true", "1", "はい"}


def word_for(words: dict[str, str], value: str) -> str:
    """The workbook word for an internal value (reverse of the dictionaries above)."""
    return next((word for word, key in words.items() if key == value and word), value)
