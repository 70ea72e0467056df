"""Numbers within bounds: the parser refuses what no screen, export or column can hold, and the
database refuses it too, whatever door a row comes through (finding 2: one oversized number took
the site down; finding 3: `=cmd|' /C calc'!A0` was accepted as the value 0)."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.db import DataError, IntegrityError, models, transaction
from hypothesis import given
from hypothesis import strategies as st

from plans.models import Actual, Kpi, YearlyTarget
from plans.models.limits import LONG_TEXT_CHARS, VALUE_LIMIT
from plans.rules.notation import LARGEST_VALUE, parse_value
from tests.factories import KpiFactory


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("999,999,999,999,999", Decimal("999999999999999")),
        ("-999,999,999,999,999人", Decimal("-999999999999999")),
        ("123,456,789,012.345", Decimal("123456789012.345")),  # 15 significant digits
        ("0.000001", Decimal("0.000001")),
        ("+1,520人", Decimal("1520")),  # a signed increment as the documents print it
        ("△69人", Decimal("-69")),
        (Decimal("999999999999999"), Decimal("999999999999999")),
        (0.1 + 0.2, Decimal("0.3")),  # a spreadsheet's float: 15 significant digits
    ],
)
def test_values_within_bounds_are_read(text, value):
    assert parse_value(text).value == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,000,000,000,000,000", "大きすぎます"),
        ("1234567890123456789", "大きすぎます"),  # 19 integer digits: took the site down
        ("1234567890123456789012345", "大きすぎます"),  # 25 digits
        ("-1,000,000,000,000,000", "大きすぎます"),
        ("1234567890.1234567", "桁が多すぎます"),  # 17 significant digits
        ("0.1234567", "小数点以下の桁が多すぎます"),
        ("1e30", "指数表記"),
        ("1.5E+3", "指数表記"),
        ("=cmd|' /C calc'!A0", "数式"),
        ('=HYPERLINK("http://example.com","x")', "数式"),
        ("=1+1", "数式"),
        ("@SUM(A1:A2)", "数式"),
        ("+SUM(A1)", "数式"),
        ("-=1", "数式"),
        ("＝１", "数式"),  # full-width
        ("\t5", "数式"),
        ("\r5", "数式"),
        (Decimal("1E+15"), "大きすぎます"),
        (Decimal("NaN"), "読めません"),
        (1e30, "大きすぎます"),
        (float("inf"), "読めません"),
        (10**15, "大きすぎます"),
    ],
)
def test_values_out_of_bounds_and_formulas_are_refused_with_a_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_value(text)


def test_the_message_quotes_a_long_text_shortened():
    with pytest.raises(ValueError) as error:
        parse_value("=" + "x" * 100_000)
    assert len(str(error.value)) < 120


@given(st.text(max_size=60))
def test_any_text_is_refused_or_read_within_bounds(text):
    try:
        parsed = parse_value(text)
    except ValueError:
        return
    if parsed.value is not None:
        assert abs(parsed.value) < VALUE_LIMIT
        assert len(parsed.value.normalize().as_tuple().digits) <= 15
        assert not text.lstrip().startswith(("=", "@"))


@given(st.decimals(allow_nan=True, allow_infinity=True) | st.floats() | st.integers())
def test_any_number_is_refused_or_read_within_bounds(number):
    try:
        parsed = parse_value(number)
    except ValueError:
        return
    assert abs(parsed.value) < VALUE_LIMIT


# --- the database -------------------------------------------------------------------------------


def refuses(create) -> None:
    # A check constraint raises IntegrityError; PostgreSQL's varchar(n) refuses first, with DataError.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        create()


@pytest.mark.django_db
@pytest.mark.parametrize("value", [VALUE_LIMIT, -VALUE_LIMIT, Decimal("123456789012345678")])
def test_the_database_refuses_values_out_of_bounds(value):
    kpi = KpiFactory()
    refuses(lambda: Actual.objects.create(kpi=kpi, year=2021, value=value, status="measured"))
    refuses(lambda: YearlyTarget.objects.create(kpi=kpi, year=2021, value=value))
    refuses(lambda: Kpi.objects.filter(pk=kpi.pk).update(target_value=value))
    refuses(lambda: Kpi.objects.filter(pk=kpi.pk).update(baseline_value=value))


@pytest.mark.django_db
def test_the_database_keeps_the_largest_value_allowed():
    kpi = KpiFactory()
    Actual.objects.create(kpi=kpi, year=2021, value=LARGEST_VALUE, status="measured", raw="999,999,999,999,999")
    Actual.objects.create(kpi=kpi, year=2022, value=-LARGEST_VALUE, status="measured", raw="-999,999,999,999,999")
    assert sorted(Actual.objects.filter(kpi=kpi).values_list("value", flat=True)) == [-LARGEST_VALUE, LARGEST_VALUE]


@pytest.mark.django_db
def test_the_database_refuses_text_longer_than_its_column_on_every_engine():
    """Finding 5: a 244-character raw value was stored in a 200-character column on SQLite."""
    kpi = KpiFactory()
    refuses(lambda: Actual.objects.create(kpi=kpi, year=2021, value=1, status="measured", raw="1" + "人" * 243))
    refuses(lambda: Actual.objects.create(kpi=kpi, year=2022, value=1, status="measured", note="x" * 10_001))
    refuses(lambda: Kpi.objects.filter(pk=kpi.pk).update(name="名" * 301))
    Actual.objects.create(kpi=kpi, year=2023, value=1, status="measured", raw="1" + "人" * 199, note="x" * 10_000)


def test_every_text_and_value_column_has_a_database_check():
    """A column added tomorrow without its check fails here."""
    missing = []
    for model in apps.get_app_config("plans").get_models():
        if model.__name__.startswith("Historical"):
            continue
        names = {
            constraint.name % {"app_label": "plans", "class": model.__name__.lower()}
            for constraint in model._meta.constraints
        }
        for field in model._meta.concrete_fields:
            prefix = f"plans_{model.__name__.lower()}_{field.name}"
            a_ratio = (model.__name__, field.name) == ("KpiYearProgress", "rate")  # computed, not a value
            if isinstance(field, models.DecimalField) and not a_ratio and f"{prefix}_in_bounds" not in names:
                missing.append(f"{model.__name__}.{field.name} (bounds)")
            is_free_text = isinstance(field, models.TextField | models.CharField) and not field.choices
            checked_otherwise = model.__name__ == "Municipality" and field.name == "code"  # six digits
            if is_free_text and not checked_otherwise and f"{prefix}_length" not in names:
                missing.append(f"{model.__name__}.{field.name} (length)")
    assert missing == []


def test_text_column_checks_match_the_field_lengths():
    for model in (Actual, Kpi, YearlyTarget):
        for constraint in model._meta.constraints:
            if not constraint.name.endswith("_length"):
                continue
            length, limit = constraint.condition.lhs, constraint.condition.rhs
            field = model._meta.get_field(length.source_expressions[0].name)
            assert limit == (field.max_length if isinstance(field, models.CharField) else LONG_TEXT_CHARS)
