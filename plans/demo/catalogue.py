"""What synthetic plans are made of: Japan's prefectures and how many municipalities each has,
plausible municipality names, goals, policy directions, departments and KPI templates written the
way the seed plans write them (units such as 人, 件, %, 千人, 百万円; increasing, decreasing,
maintain, cumulative and multi-year-total KPIs).

Plain data, no ORM. The municipalities the project knows (``plans.rules.municipalities``) keep
their real names and codes; the others get a plausible name and a valid six-digit code.
"""

from __future__ import annotations

from dataclasses import dataclass

# (JIS prefecture code, name, municipalities (市区町村, Tokyo's 23 special wards included)); 1,741 in all.
PREFECTURES = (
    ("01", "北海道", 179),
    ("02", "青森県", 40),
    ("03", "岩手県", 33),
    ("04", "宮城県", 35),
    ("05", "秋田県", 25),
    ("06", "山形県", 35),
    ("07", "福島県", 59),
    ("08", "茨城県", 44),
    ("09", "栃木県", 25),
    ("10", "群馬県", 35),
    ("11", "埼玉県", 63),
    ("12", "千葉県", 54),
    ("13", "東京都", 62),
    ("14", "神奈川県", 33),
    ("15", "新潟県", 30),
    ("16", "富山県", 15),
    ("17", "石川県", 19),
    ("18", "福井県", 17),
    ("19", "山梨県", 27),
    ("20", "長野県", 77),
    ("21", "岐阜県", 42),
    ("22", "静岡県", 35),
    ("23", "愛知県", 54),
    ("24", "三重県", 29),
    ("25", "滋賀県", 19),
    ("26", "京都府", 26),
    ("27", "大阪府", 43),
    ("28", "兵庫県", 41),
    ("29", "奈良県", 39),
    ("30", "和歌山県", 30),
    ("31", "鳥取県", 19),
    ("32", "島根県", 19),
    ("33", "岡山県", 27),
    ("34", "広島県", 23),
    ("35", "山口県", 19),
    ("36", "徳島県", 24),
    ("37", "香川県", 17),
    ("38", "愛媛県", 20),
    ("39", "高知県", 34),
    ("40", "福岡県", 60),
    ("41", "佐賀県", 20),
    ("42", "長崎県", 21),
    ("43", "熊本県", 45),
    ("44", "大分県", 18),
    ("45", "宮崎県", 26),
    ("46", "鹿児島県", 43),
    ("47", "沖縄県", 41),
)
NATIONAL_MUNICIPALITIES = sum(count for _code, _name, count in PREFECTURES)

# Kanji that place names are made of: two of them and a suffix make a plausible name (東川町).
NAME_HEADS = "東西南北上下中大小高長新本古石川山田野原森松竹桜岩浜島津沢宮坂岡谷江泉清白黒赤青金銀若富豊"
NAME_TAILS = "川山田野原森浜島津沢宮坂岡谷江泉崎瀬木林倉橋城里井戸尾根部見和賀"

DEPARTMENTS = (
    "総合政策課",
    "企画課",
    "子育て支援課",
    "商工観光課",
    "農林振興課",
    "健康推進課",
    "高齢者支援課",
    "学校教育課",
    "生涯学習課",
    "都市計画課",
    "環境政策課",
    "防災安全課",
    "移住定住推進課",
)

GOALS = (
    (
        "地方における安定した雇用を創出する",
        ("地域産業の競争力強化", "創業・起業の支援", "農林水産業の振興", "観光の振興"),
    ),
    (
        "地方への新しいひとの流れをつくる",
        ("移住・定住の促進", "シティプロモーションの推進", "関係人口の創出", "空き家の利活用"),
    ),
    (
        "若い世代の結婚・出産・子育ての希望をかなえる",
        ("結婚・出産の支援", "子育て環境の充実", "教育環境の充実", "仕事と子育ての両立"),
    ),
    (
        "時代に合った地域をつくり、安心なくらしを守る",
        ("健康づくりの推進", "地域防災力の強化", "公共交通の確保", "環境にやさしいまちづくり"),
    ),
    ("誰もが活躍できる地域社会をつくる", ("女性・高齢者の活躍推進", "多文化共生の推進", "デジタル化の推進")),
)
GOAL_KIND_LABELS = ("基本目標", "基本目標", "分野", "基本方針")
PLAN_TITLES = (
    "第{term}期 {name}まち・ひと・しごと創生総合戦略",
    "第{term}期 {name}デジタル田園都市構想総合戦略",
    "第{term}期 {name}地方創生総合戦略",
)


@dataclass(frozen=True)
class KpiTemplate:
    """A kind of KPI as plans write it: its name, unit, direction, the size of its values and their
    decimal places, and how it is counted (a running total (累計), or a total over five years)."""

    name: str
    unit: str
    direction: str  # increase, decrease or maintain
    baseline: float  # a typical baseline for a town of 50,000
    change: float  # the final target's change from the baseline, as a share of it
    places: int = 0
    cumulative: bool = False
    total_years: int | None = None
    grouped: bool = True  # thousands separators when written (16,507人)


KPI_TEMPLATES = (
    KpiTemplate("新規創業者数", "人", "increase", 25, 0.6),
    KpiTemplate("企業誘致件数(累計)", "件", "increase", 4, 2.0, cumulative=True),
    KpiTemplate("市内事業所の従業者数", "人", "increase", 21000, 0.05),
    KpiTemplate("製造品出荷額等", "百万円", "increase", 320000, 0.08),
    KpiTemplate("農業産出額", "千万円", "increase", 1500, 0.1),
    KpiTemplate("新規就農者数", "人", "increase", 8, 0.5),
    KpiTemplate("観光入込客数", "千人", "increase", 9000, 0.15),
    KpiTemplate("宿泊者数", "人", "increase", 150000, 0.2),
    KpiTemplate("ふるさと納税寄附額", "百万円", "increase", 800, 0.5, places=1),
    KpiTemplate("転入者数", "人", "increase", 1800, 0.08),
    KpiTemplate("転出超過数", "人", "decrease", 250, -0.6),
    KpiTemplate("人口の社会増(5年間の合計)", "人", "increase", 500, 0.5, total_years=5),
    KpiTemplate("移住相談件数", "件", "increase", 120, 0.5),
    KpiTemplate("空き家バンク成約件数(累計)", "件", "increase", 30, 1.5, cumulative=True),
    KpiTemplate("住みたいと思う市民の割合", "%", "increase", 75.4, 0.05, places=1),
    KpiTemplate("合計特殊出生率", "", "increase", 1.42, 0.08, places=2),
    KpiTemplate("出生数", "人", "maintain", 380, 0.0),
    KpiTemplate("婚姻件数", "件", "increase", 240, 0.1),
    KpiTemplate("待機児童数", "人", "decrease", 24, -1.0),
    KpiTemplate("子育てしやすいと感じる保護者の割合", "%", "increase", 63.0, 0.12, places=1),
    KpiTemplate("放課後児童クラブの定員", "人", "increase", 900, 0.15),
    KpiTemplate("全国学力・学習状況調査の平均正答率(全国比)", "%", "maintain", 100.0, 0.0, places=1),
    KpiTemplate("特定健康診査の受診率", "%", "increase", 38.5, 0.3, places=1),
    KpiTemplate("健康寿命(男性)", "歳", "increase", 79.6, 0.01, places=1),
    KpiTemplate("自主防災組織の組織率", "%", "increase", 82.0, 0.1, places=1),
    KpiTemplate("コミュニティバスの利用者数", "千人", "increase", 210, 0.1),
    KpiTemplate("1人1日当たりのごみ排出量", "g/人・日", "decrease", 870, -0.08),
    KpiTemplate("温室効果ガス排出量", "千t-CO2", "decrease", 540, -0.2),
    KpiTemplate("空き店舗率", "%", "decrease", 12.4, -0.3, places=1),
    KpiTemplate("審議会等における女性委員の割合", "%", "increase", 28.0, 0.3, places=1),
    KpiTemplate("シルバー人材センター会員数", "人", "maintain", 650, 0.0),
    KpiTemplate("オンライン申請が可能な手続の数", "件", "increase", 40, 2.0),
    KpiTemplate("市公式SNSのフォロワー数", "人", "increase", 5200, 1.0),
    KpiTemplate("地域おこし協力隊の定着率", "%", "increase", 55.0, 0.3, places=1),
)
