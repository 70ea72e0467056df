"""The plan workbook: regenerated from the sources, round trips, and refuses broken files whole."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from plans.models import Actual, Department, Kpi, Municipality, Plan, Project
from workbooks import transcription
from workbooks.plan_export import plan_document, plan_rows
from workbooks.plan_import import import_plan_workbook, split_list
from workbooks.plan_workbook import ImportRefused, comparable, read_workbook, write_workbook
from workbooks.seeds import SOURCES_DIR, WORKBOOKS_DIR, in_dependency_order, transcribed_rows

SLUGS = sorted(transcription.transcription_files(SOURCES_DIR))


def test_there_are_six_transcribed_plans():
    assert SLUGS == [
        "kurume-strategy-1",
        "kurume-strategy-2",
        "kurume-vision-3",
        "ogori-strategy-2",
        "ogori-strategy-3",
        "ukiha-renaissance-2",
    ]


@pytest.mark.parametrize("slug", SLUGS)
def test_every_printed_string_of_the_transcription_is_in_the_source(slug):
    data = transcription.load(transcription.transcription_files(SOURCES_DIR)[slug])
    assert transcription.check(data, SOURCES_DIR) == []


@pytest.mark.parametrize("slug", SLUGS)
def test_committed_workbook_equals_one_regenerated_from_the_source(slug):
    committed, problems = read_workbook((WORKBOOKS_DIR / f"{slug}.xlsx").read_bytes())
    assert problems == []
    assert comparable(committed) == comparable(transcribed_rows()[slug])


def test_the_workbook_explains_itself_in_japanese():
    workbook = load_workbook(WORKBOOKS_DIR / "kurume-strategy-1.xlsx", read_only=True)
    assert workbook.sheetnames[0] == "説明"
    text = " ".join(str(cell) for row in workbook["説明"].iter_rows(values_only=True) for cell in row if cell)
    assert "全件一括" in text
    assert {"計画", "基本目標", "施策の方向性", "事業", "KPI", "年度目標", "実績", "評価", "事業評価"} <= set(
        workbook.sheetnames
    )


def test_export_import_into_an_empty_database_export_gives_the_same_content(seed):
    slugs = in_dependency_order({slug: plan_rows(slug) for slug in SLUGS})
    workbooks = {slug: write_workbook(plan_rows(slug)) for slug in slugs}
    documents = {slug: plan_document(slug) for slug in slugs}
    Plan.objects.all().delete()
    Municipality.objects.all().delete()  # and their departments: the database holds no plan data now
    assert not Kpi.objects.exists() and not Department.objects.exists()
    for slug in slugs:
        import_plan_workbook(workbooks[slug])
    for slug in slugs:
        again, problems = read_workbook(write_workbook(plan_rows(slug)))
        first, _problems = read_workbook(workbooks[slug])
        assert problems == []
        assert comparable(again) == comparable(first)
        assert _without_ids(plan_document(slug)) == _without_ids(documents[slug])


def _without_ids(document: dict) -> dict:
    return {**document, "kpis": [{key: value for key, value in kpi.items() if key != "id"} for kpi in document["kpis"]]}


def test_export_plan_json_command_prints_the_document(seed, capsys):
    call_command("export_plan", "kurume-strategy-1", "--format", "json")
    document = json.loads(capsys.readouterr().out)
    assert document["slug"] == "kurume-strategy-1"
    assert document["counts"] == {"goals": 5, "directions": 12, "projects": 16, "kpis": 8, "actuals": 19}
    kpi = next(kpi for kpi in document["kpis"] if kpi["name"].startswith("基準年を上回る"))
    assert kpi["baseline"] == {"year": 2014, "year_assumed": False, "value": 16507, "raw": "16,507人"}
    assert kpi["target"]["raw"] == "16,507人以上"
    assert [(a["year"], a["value"], a["mark"]) for a in kpi["actuals"]] == [
        (2015, 16639, "○"),
        (2016, 17375, "○"),
        (2017, 17861, "○"),
    ]
    assert kpi["official_rating"] == "A"
    assert {"id", "name", "unit", "direction", "level", "baseline", "target", "actuals", "outlook"} <= set(kpi)


def test_repeat_listing_is_not_counted_twice(seed):
    document = plan_document("kurume-strategy-2")
    assert document["counts"]["projects"] == 41
    assert len(document["projects"]) == 41


def test_export_and_import_commands_round_trip(seed, tmp_path):
    target = tmp_path / "plan.xlsx"
    call_command("export_plan", "ukiha-renaissance-2", "--output", str(target))
    call_command("import_plan", str(target))
    assert Plan.objects.get(slug="ukiha-renaissance-2").projects.count() == 99


# --- broken workbooks are refused whole, with every problem listed ----------------------------------


def broken(rows_change) -> bytes:
    rows = plan_rows("kurume-strategy-1")
    rows_change(rows)
    return write_workbook(rows)


def snapshot():
    return (
        Plan.objects.count(),
        Kpi.objects.count(),
        Actual.objects.count(),
        sorted(Actual.objects.values_list("raw", flat=True)),
    )


def refused(content: bytes) -> list:
    before = snapshot()
    with pytest.raises(ImportRefused) as error:
        import_plan_workbook(content)
    assert snapshot() == before
    return [str(problem) for problem in error.value.problems]


def test_a_file_that_is_not_a_workbook_is_refused(seed):
    problems = refused(b"not an excel file")
    assert "Excel" in problems[0]


def test_wrong_sheet_is_refused(seed):
    rows = plan_rows("kurume-strategy-1")
    content = write_workbook(rows)
    workbook = load_workbook(io.BytesIO(content))
    workbook["実績"].title = "実績値"
    output = io.BytesIO()
    workbook.save(output)
    problems = refused(output.getvalue())
    assert any("シート「実績」" in problem and "シートがありません" in problem for problem in problems)


def test_missing_column_is_refused(seed):
    workbook = load_workbook(io.BytesIO(write_workbook(plan_rows("kurume-strategy-1"))))
    workbook["KPI"].delete_cols(4)  # 指標名
    output = io.BytesIO()
    workbook.save(output)
    problems = refused(output.getvalue())
    assert any("「指標名」列" in problem and "必須の列がありません" in problem for problem in problems)


def test_text_in_a_number_cell_is_refused_with_sheet_row_column_and_value(seed):
    def change(rows):
        rows["actuals"][0]["value"] = "たくさん"

    problems = refused(broken(change))
    assert any("シート「実績」 2行目「実績値」列" in p and "たくさん" in p for p in problems)


def test_unknown_direction_code_is_refused(seed):
    def change(rows):
        rows["projects"][0]["directions"] = "⑳"

    problems = refused(broken(change))
    assert any("施策の方向性「⑳」がありません" in problem for problem in problems)


def test_duplicate_kpi_is_refused(seed):
    def change(rows):
        rows["kpis"].append(dict(rows["kpis"][0]))

    problems = refused(broken(change))
    assert any("シート「KPI」" in problem and "2回以上" in problem for problem in problems)


def test_year_outside_the_plan_is_refused(seed):
    def change(rows):
        rows["actuals"][0]["year"] = "R9年度"

    problems = refused(broken(change))
    assert any("計画の期間外" in problem and "R9年度" in problem for problem in problems)


def test_every_problem_is_listed_at_once(seed):
    def change(rows):
        rows["actuals"][0]["value"] = "たくさん"
        rows["actuals"][1]["year"] = "R9年度"
        rows["projects"][0]["directions"] = "⑳"
        rows["kpis"].append(dict(rows["kpis"][0]))
        rows["goals"][0]["title"] = ""

    assert len(refused(broken(change))) == 5


def test_a_valid_update_changes_values_in_place(seed):
    kpi_id = Kpi.objects.get(plan__slug="kurume-strategy-1", code="G1-1").pk

    def change(rows):
        rows["actuals"].append({"kpi": "G1-1", "year": "H30年度", "value": "18,001人", "status": "", "note": ""})

    import_plan_workbook(broken(change))
    assert Kpi.objects.get(plan__slug="kurume-strategy-1", code="G1-1").pk == kpi_id
    assert Actual.objects.get(kpi_id=kpi_id, year=2018).value == 18001


# --- lists of names: 「、」, commas and line breaks separate them, 「・」 belongs to a name ----------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("保育所・幼稚園課", ["保育所・幼稚園課"]),
        ("保育所・幼稚園課、人権・同和教育課", ["保育所・幼稚園課", "人権・同和教育課"]),
        ("計画・準備係\n食育・健康対策係", ["計画・準備係", "食育・健康対策係"]),
        ("計画・準備係\r\n食育・健康対策係\n", ["計画・準備係", "食育・健康対策係"]),
        ("久留米市、大川市", ["久留米市", "大川市"]),  # workbooks written before: 「、」
        ("久留米市,大川市，小郡市", ["久留米市", "大川市", "小郡市"]),  # typed with commas
        (" 商工政策課 、、 ", ["商工政策課"]),
        ("", []),
    ],
)
def test_split_list_never_cuts_a_name_at_nakaguro(text, names):
    assert split_list(text) == names


def test_transcription_writes_lists_with_the_separator_the_importer_splits_at():
    rows = transcribed_rows()["ukiha-renaissance-2"]
    project = next(row for row in rows["projects"] if row["sections"].startswith("食育・健康対策係、"))
    assert split_list(project["sections"]) == ["食育・健康対策係", "スポーツ文化振興係"]
    ogori = transcribed_rows()["ogori-strategy-2"]
    project = next(row for row in ogori["projects"] if row["code"] == "3(3)-①")
    assert "保育所・幼稚園課" in split_list(project["departments"])
    assert "人権・同和教育課" in split_list(project["departments"])


def test_imported_departments_one_per_line_with_nakaguro_are_whole(seed):
    def change(rows):
        rows["projects"][0]["departments"] = "保育所・幼稚園課\n人権・同和教育課"
        rows["projects"][0]["sections"] = "計画・準備係、食育・健康対策係"

    import_plan_workbook(broken(change))
    code = plan_rows("kurume-strategy-1")["projects"][0]["code"]
    project = Project.objects.get(plan__slug="kurume-strategy-1", code=code)
    assert set(project.departments.values_list("name", flat=True)) == {"保育所・幼稚園課", "人権・同和教育課"}
    assert {department.municipality.name for department in project.departments.all()} == {"久留米市"}
    assert project.sections == "計画・準備係、食育・健康対策係"
    assert not Department.objects.filter(name__in=["保育所", "幼稚園課", "人権", "同和教育課"]).exists()


def test_sources_are_kept_in_the_project():
    assert {path.name for path in Path(SOURCES_DIR).glob("*.txt")} >= {
        "000_bc0f0e2b981c7043.txt",
        "001_533db3c8a438273c.txt",
        "002_0ec4b977fa1907c6.txt",
        "003_74bc9d9ecc966527.txt",
        "004_3f2307181fb9a99b.txt",
    }
