"""Fuzzing the two readers: random cell contents (text, numbers, formulas, long text within and past
the caps, control characters, dates) written into a genuine entry workbook and a genuine plan
workbook. The reader and importer either accept or refuse with problems (``ImportRefused``);
never another exception, and nothing is written when they refuse."""

import datetime
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from plans.models import Department
from plans.services.actuals import preview
from tests.logins import DEPARTMENT_STAFF, make_staff
from tests.security.test_bad_inputs import database_state
from workbooks import schema
from workbooks.entry_workbook import INPUT_SUFFIX, SHEET, read_entry_workbook
from workbooks.plan_export import plan_rows
from workbooks.plan_import import import_plan_workbook
from workbooks.plan_workbook import ImportRefused, write_workbook

pytestmark = pytest.mark.django_db
ENTRY_COLUMNS = ["value", "状態", "備考", "指標名", "KPI番号", "版"]
PLAN_COLUMNS = [(sheet.title, column.header) for sheet in schema.TABLE_SHEETS for column in sheet.columns]
FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def escaped(text: str) -> str:
    """Characters openpyxl will not write, as the ``_xHHHH_`` escapes a file may carry instead."""
    return ILLEGAL_CHARACTERS_RE.sub(lambda match: f"_x{ord(match.group()):04X}_", text)


cell_values = st.one_of(
    st.text(max_size=60).map(escaped),
    st.sampled_from(["=SUM(A1:A2)", "=cmd|' /C calc'!A0", '=HYPERLINK("http://x.example","x")', "+1", "@A1", "-"]),
    st.sampled_from([199, 200, 201, 300, 301, 2000, 2001, 9999, 10_000, 10_001]).map(lambda n: "あ" * n),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=datetime.date(1000, 1, 1), max_value=datetime.date(9999, 12, 31)),
    st.sampled_from(["_x0000_", "_x0007_ベル", "１２３人", "△5", "集計中", "R元年度", "99999", "1e30"]),
    st.none(),
)


def saved(workbook) -> bytes:
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@pytest.fixture
def shoko(seed, client):
    user = make_staff("shoko", DEPARTMENT_STAFF, departments=["商工観光課"])
    client.force_login(user)
    return user


@pytest.fixture
def entry_workbook(client, shoko) -> bytes:
    department = Department.objects.get(municipality__name="小郡市", name="商工観光課")
    response = client.get(f"/staff/entry/departments/{department.pk}/2025/workbook.xlsx")
    assert response.status_code == 200
    return response.content


@FUZZ
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(ENTRY_COLUMNS), st.integers(2, 6), cell_values),
        min_size=1,
        max_size=4,
    )
)
def test_entry_reader_accepts_or_lists_problems_and_never_writes(shoko, entry_workbook, edits):
    workbook = load_workbook(io.BytesIO(entry_workbook))
    sheet = workbook[SHEET]
    headers = {cell.value: cell.column for cell in sheet[1]}
    headers["value"] = next(column for header, column in headers.items() if str(header).endswith(INPUT_SUFFIX))
    for header, row, value in edits:
        sheet.cell(row=row, column=headers[header], value=value)
    before = database_state()

    _year, submissions, problems = read_entry_workbook(saved(workbook))
    if not problems:
        result = preview(shoko, submissions)
        assert all(isinstance(problem, str) and problem for problem in result.problems)
    assert all(isinstance(problem, str) and problem for problem in problems)
    assert database_state() == before


@pytest.fixture
def plan_workbook(seed) -> bytes:
    return write_workbook(plan_rows("ogori-strategy-3"))


@FUZZ
@given(
    edits=st.lists(
        st.tuples(
            st.sampled_from(PLAN_COLUMNS),
            st.integers(2, 5),
            cell_values,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_plan_importer_accepts_or_refuses_and_never_writes_when_refusing(plan_workbook, edits):
    workbook = load_workbook(io.BytesIO(plan_workbook))
    for (title, header), row, value in edits:
        sheet = workbook[title]
        column = next(cell.column for cell in sheet[1] if cell.value == header)
        sheet.cell(row=row, column=column, value=value)
    content = saved(workbook)
    before = database_state()

    try:
        import_plan_workbook(content)  # an accepted import may change the plan; each example compares its own before
    except ImportRefused as refused:
        assert refused.problems and all(str(problem) for problem in refused.problems)
        assert database_state() == before
