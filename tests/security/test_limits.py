"""workbooks.limits: the checks on bytes, rows and text, and the problem summary; and the
caps at the doors (the admin form, the entry upload, the entry page, the import command)."""

import io
import itertools
import zipfile
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from openpyxl import Workbook

from plans import validation
from plans.models import Actual, Department, Kpi
from tests.logins import DEPARTMENT_STAFF, make_staff
from workbooks import limits
from workbooks import plan_import as imports
from workbooks.forms import PlanWorkbookForm
from workbooks.plan_export import plan_rows
from workbooks.plan_import import import_plan_workbook
from workbooks.plan_workbook import LIST_SEPARATORS, ImportRefused, write_workbook
from workbooks.safety import XLSX


def workbook_bytes(sheets=1) -> bytes:
    workbook = Workbook()
    for number in range(1, sheets):
        workbook.create_sheet(f"S{number}")
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def rezipped(content: bytes, **changes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            data = source.read(name)
            for old, new in changes.get(name.replace("/", "_").replace(".", "_"), []):
                data = data.replace(old, new)
            archive.writestr(name, data, compress_type=changes.get("compress_type", zipfile.ZIP_DEFLATED))
    return output.getvalue()


@pytest.mark.parametrize(
    ("size", "shown"),
    [(10 * 1024 * 1024, "10 MB"), (40 * 1024 * 1024, "40 MB"), (1536, "1.5 KB"), (12, "12 バイト")],
)
def test_format_size(size, shown):
    assert limits.format_size(size) == shown


@override_settings(UPLOAD_MAX_BYTES=10 * 1024 * 1024)
def test_size_problem_names_the_limit():
    assert limits.size_problem(0) == "ファイルが空です。"
    assert limits.size_problem(10 * 1024 * 1024) is None
    assert "上限 10 MB" in limits.size_problem(10 * 1024 * 1024 + 1)


def test_a_genuine_workbook_passes():
    assert limits.workbook_problem(workbook_bytes(sheets=30)) is None


@override_settings(UPLOAD_MAX_SHEETS=3)
def test_sheets_are_counted_in_the_workbook_part():
    assert limits.workbook_problem(workbook_bytes(sheets=3)) is None
    assert limits.workbook_problem(workbook_bytes(sheets=4)) == "シートが多すぎます（4枚、上限 3枚）。"


def test_a_doctype_in_any_part_is_refused():
    content = rezipped(
        workbook_bytes(), xl_workbook_xml=[(b"<workbook", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><workbook')]
    )
    assert "DOCTYPE" in limits.workbook_problem(content)


def test_compression_other_than_deflate_is_refused():
    # bzip2 and lzma members are unpacked in large chunks before zipfile trims them to their size
    content = rezipped(workbook_bytes(), compress_type=zipfile.ZIP_BZIP2)
    assert "対応していない圧縮形式" in limits.workbook_problem(content)


@override_settings(UPLOAD_MAX_ROWS=50)
def test_rows_are_counted_as_they_come_and_reading_stops_at_the_limit():
    consumed = itertools.count()

    def endless_rows():
        while True:
            next(consumed)
            yield (SimpleNamespace(data_type="n", value=1),)

    sheet = SimpleNamespace(iter_rows=endless_rows)
    with pytest.raises(limits.UploadRefused) as refused:
        for _row in limits.sheet_rows(sheet, "実績"):
            pass
    assert str(refused.value) == "シート「実績」: 行が多すぎます（上限 50行）。"
    assert next(consumed) == 51  # 51 rows were read, the 52nd never


@pytest.mark.parametrize(
    ("text", "limit", "problem"),
    [
        ("あ" * 200, 200, None),
        ("あ" * 201, 200, "文字数が多すぎます（201文字、上限 200文字）。"),
        ("備" * 10_001, None, "文字数が多すぎます（10,001文字、上限 10,000文字）。"),
        ("一行目\n二行目\tタブ\r", None, None),
        ("ヌル\x00文字", None, "制御文字が含まれています。文字だけを入力してください。"),
        ("ベル\x07", 200, "制御文字が含まれています。文字だけを入力してください。"),
        ("=1+1", None, None),  # text, not a formula: exports write it as text
    ],
)
def test_text_problem(text, limit, problem):
    assert validation.text_problem(text, limit=limit) == problem


@override_settings(PROBLEMS_SHOWN=3)
def test_long_problem_lists_are_summarised():
    assert validation.summarise_problems(["a", "b", "c"]) == ["a", "b", "c"]
    assert validation.summarise_problems(["a", "b", "c", "d", "e"]) == ["a", "b", "c", "ほか 2 件の問題があります。"]


def test_list_columns_split_as_the_importer_splits_them():
    assert LIST_SEPARATORS.pattern == imports.SPLIT.pattern


@pytest.mark.django_db
def test_field_limits_come_from_the_models():
    assert validation.field_limit(Actual, "raw") == 200
    assert validation.field_limit(Kpi, "name") == 300
    assert validation.field_limit(Actual, "note") == 10_000  # a TextField: UPLOAD_MAX_CELL_CHARS


@override_settings(UPLOAD_MAX_BYTES=1000)
def test_the_admin_form_refuses_a_file_over_the_limit_before_reading_it():
    upload = SimpleUploadedFile("plan.xlsx", b"x" * 1001, content_type=XLSX)
    form = PlanWorkbookForm(files={"workbook": upload})
    assert not form.is_valid()
    assert form.errors["workbook"] == ["ファイルが大きすぎます（1001 バイト、上限 1000 バイト）。"]


@override_settings(UPLOAD_MAX_BYTES=1000)
def test_the_import_command_refuses_a_file_over_the_limit(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"x" * 1001)
    with pytest.raises(CommandError, match="ファイルが大きすぎます"):
        call_command("import_plan", str(path))


@pytest.fixture
def shoko(seed, client):
    user = make_staff("shoko", DEPARTMENT_STAFF, departments=["商工観光課"])
    client.force_login(user)
    return user


def entry_post(client, **typed):
    department = Department.objects.get(municipality__name="小郡市", name="商工観光課")
    kpi = Kpi.objects.filter(department=department, plan__slug="ogori-strategy-3").order_by("pk").first()
    data = {"kpi": [str(kpi.pk)], f"version-{kpi.pk}": "0", **{f"{k}-{kpi.pk}": v for k, v in typed.items()}}
    actuals = list(Actual.objects.filter(kpi=kpi).values_list("year", "raw", "note"))
    response = client.post(f"/staff/entry/departments/{department.pk}/2025/", data)
    assert list(Actual.objects.filter(kpi=kpi).values_list("year", "raw", "note")) == actuals
    return response.content.decode()


@pytest.mark.django_db
def test_the_entry_page_refuses_a_value_longer_than_its_column(client, shoko):
    assert "値: 文字数が多すぎます（201文字、上限 200文字）。" in entry_post(client, value="1" * 201)


@pytest.mark.django_db
def test_the_entry_page_refuses_a_note_over_note_max_chars(client, shoko):
    assert "備考: 文字数が多すぎます（2,001文字、上限 2,000文字）。" in entry_post(client, value="1", note="備" * 2001)


@pytest.mark.django_db
@override_settings(PROBLEMS_SHOWN=2)
def test_the_entry_upload_summarises_a_long_problem_list(client, shoko):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "入力"
    sheet.append(["KPI番号", "指標名", "R7年度 実績値（入力）", "状態", "備考", "版"])
    for _ in range(5):
        sheet.append(["番号でない", "x", "1", "", "", 0])
    output = io.BytesIO()
    workbook.save(output)
    upload = SimpleUploadedFile("actuals.xlsx", output.getvalue(), content_type=XLSX)
    page = client.post("/staff/entry/upload/", {"workbook": upload}).content.decode()
    assert page.count("が読めません。") == 2
    assert "ほか 3 件の問題があります。" in page


def test_a_unit_read_from_an_over_long_target_is_a_problem_not_a_server_error(seed):
    rows = plan_rows("ogori-strategy-2")
    rows["kpis"][0].update(unit="", target="5" + "件" * 60)
    with pytest.raises(ImportRefused) as refused:
        import_plan_workbook(write_workbook(rows))
    assert any("単位" in str(problem) and "長すぎます" in str(problem) for problem in refused.value.problems)
    assert not Kpi.objects.filter(unit__startswith="件件").exists()
