"""plans/choices.py is the one place for each mark's, outlook's and status's label, word and colour."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from plans import charts
from plans.choices import OUTLOOK_PALETTE, TONES, ActualStatus, Mark, Outlook
from plans.rules import notation, rating
from plans.templatetags import kpi_format
from staff.overview import Counts, bars_for

ROOT = Path(__file__).resolve().parents[2]
SITE_CSS = ROOT / "static" / "css" / "site.css"


@pytest.mark.parametrize(
    ("choice", "ja_word", "en_word", "ja_label", "css_class"),
    [
        (Mark.ACHIEVED, "達成", "Achieved", "達成（100％以上）", "ok"),
        (Mark.ROUGHLY, "概ね達成", "Roughly achieved", "概ね達成（70％以上100％未満）", "warn"),
        (Mark.NOT_ACHIEVED, "未達成", "Not achieved", "未達成（70％未満）", "bad"),
        (Mark.NONE, "判断困難", "Cannot be judged yet", "判断困難", "none"),
        (Outlook.A, "目標達成済み", "Target met", "既に目標を達成", "ok"),
        (Outlook.B, "達成の見込み", "On track", "目標達成の見込み", "fair"),
        (Outlook.C, "努力を要する", "Effort needed", "70％以上100％未満の見込み", "warn"),
        (Outlook.D, "厳しい状況", "Difficult", "0％超70％未満の見込み", "poor"),
        (Outlook.E, "進捗なし・後退", "No progress", "進捗なし、または後退", "bad"),
        (Outlook.NONE, "実績値なし", "No actual yet", "実績値なし", "none"),
        (ActualStatus.MEASURED, "把握済み", "Measured", "把握済み", "ok"),
        (ActualStatus.PENDING, "集計中", "Being compiled", "集計中", "warn"),
        (ActualStatus.UNMEASURED, "未把握", "Not measured", "未把握", "none"),
        (ActualStatus.BLANK, "空欄", "Blank", "記載なし", "none"),
        (ActualStatus.UNPARSED, "要確認", "Unreadable", "要確認（読み取れない値）", "bad"),
    ],
)
def test_every_choice_has_its_word_label_and_class_in_ja_and_en(choice, ja_word, en_word, ja_label, css_class):
    with translation.override("ja"):
        assert (str(choice.word), str(choice.label)) == (ja_word, ja_label)
    with translation.override("en"):
        assert str(choice.word) == en_word
        assert str(choice.label)  # an English label (the msgid)
    assert choice.css_class == css_class
    assert choice.colour == next(tone.colour for tone in TONES if tone.css_class == css_class)


def test_the_choices_cover_exactly_the_values_the_rules_and_the_parser_use():
    assert tuple(Mark.values) == rating.MARKS
    assert tuple(Outlook.values) == rating.OUTLOOKS
    assert {notation.MEASURED, notation.PENDING, notation.UNMEASURED, notation.BLANK} <= set(ActualStatus.values)


def _contrast_on_white(colour: str) -> float:
    def channel(value: int) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(int(colour[index : index + 2], 16)) for index in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


@pytest.mark.parametrize("tone", TONES, ids=lambda tone: tone.css_class)
def test_every_colour_is_readable_as_text_on_white(tone):
    assert re.fullmatch(r"#[0-9a-f]{6}", tone.colour)
    assert _contrast_on_white(tone.colour) >= 4.5


def _css_variables() -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", SITE_CSS.read_text(encoding="utf-8")))


@pytest.mark.parametrize("tone", TONES, ids=lambda tone: tone.css_class)
def test_site_css_keeps_each_tone_equal_to_choices(tone):
    css = SITE_CSS.read_text(encoding="utf-8")
    assert _css_variables()[tone.css_class].lower() == tone.colour
    # the bars of the public tallies fill with the same colour, by the same name
    assert f".bar-{tone.css_class} {{ fill: var(--{tone.css_class}); }}" in css


@pytest.mark.parametrize(("prefix", "choices"), [("mark", Mark), ("outlook", Outlook)])
def test_site_css_colours_every_class_the_choices_name(prefix, choices):
    css = SITE_CSS.read_text(encoding="utf-8")
    for member in choices:
        assert f".{prefix}-{member.css_class} {{ color: var(--{member.css_class}); }}" in css


def test_one_colour_per_mark_in_the_charts_the_overview_and_the_css():
    chart = charts._stacked_bars(["G1"], [{mark: 1 for mark in Mark.values}], horizontal=True)
    in_chart = {trace["name"].split()[0]: trace["marker"]["color"] for trace in chart}
    bars = bars_for(Counts(4, {mark: 1 for mark in Mark.values}, {}), ())
    in_overview = {segment.label: colour for segment, colour in bars.marks}
    css = _css_variables()
    in_css = {mark.value: css[kpi_format.mark_class(mark.value)] for mark in Mark}
    assert in_chart == in_overview == in_css == {mark.value: mark.colour for mark in Mark}
    assert len(set(in_chart.values())) == len(Mark)  # no two marks share a colour


def test_outlook_palette_runs_best_to_worst_with_a_colour_per_grade():
    assert tuple(Outlook(grade).colour for grade in "ABCDE") == OUTLOOK_PALETTE
    assert len(set(OUTLOOK_PALETTE)) == 5


@pytest.mark.parametrize(
    ("value", "word", "css_class"),
    [("○", "達成", "ok"), ("-", "判断困難", "none"), ("", "", "none"), ("—", "", "none")],
)
def test_template_filters_read_the_choices(value, word, css_class):
    with translation.override("ja"):
        assert kpi_format.mark_word(value) == word
    assert kpi_format.mark_class(value) == css_class


# --- no copies elsewhere ---------------------------------------------------------------------

HEX = r"#[0-9a-fA-F]{3,8}\b"
MARK_OR_OUTLOOK_KEY = r"""["'](?:[○△×-]|[A-E])["']"""
COPY_PATTERNS = {
    "a mark or outlook keyed to a hex colour": re.compile(MARK_OR_OUTLOOK_KEY + r"\s*:\s*[\"']" + HEX),
    "a MARK_/OUTLOOK_ name holding hex colours": re.compile(r"\b\w*(?:MARK|OUTLOOK)\w*\s*=\s*[^\n]*" + HEX),
    "a mark keyed to a word": re.compile(r"""["'][○△×-]["']\s*:\s*["'](?:達成|概ね達成|未達成|判断困難)"""),
    "the word of no mark": re.compile(r"判断困難|Not yet judged"),
    "a tone's class keyed to a mark": re.compile(
        MARK_OR_OUTLOOK_KEY + r"""\s*:\s*["'](?:mark-)?(?:ok|warn|bad|none)["']"""
    ),
}


def _python_modules():
    for app in ("plans", "workbooks", "public", "staff", "kpi_tracker"):
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts and path != ROOT / "plans" / "choices.py":
                yield path


def test_no_module_outside_choices_defines_a_mark_colour_class_or_word():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {what}"
        for path in _python_modules()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for what, pattern in COPY_PATTERNS.items()
        if pattern.search(line)
    ]
    assert found == []


def test_no_template_spells_out_a_mark_or_outlook_word():
    words = re.compile(r"""\{% translate "(?:Achieved|Roughly achieved|Not achieved|Not yet judged|Target met)" %\}""")
    found = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if words.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
