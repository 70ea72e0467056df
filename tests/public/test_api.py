"""The open data API (/api/v1/): the plan list, the plan document, KPI search, caching and ETags."""

import json

import pytest
from django.core.cache import cache
from django.core.management import call_command

from public.api import PlanDocument
from tests.workbooks.seed_expectations import EXPECTED_COUNTS
from workbooks.plan_export import plan_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    """Open data is cached by data version; rolled-back tests can repeat a version with other data."""
    cache.clear()


def test_plan_list_has_exactly_the_fields_of_the_issue(client, seed):
    response = client.get("/api/v1/plans/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["count", "page", "pages", "per_page", "plans"]
    assert (body["count"], body["page"], body["pages"], body["per_page"]) == (6, 1, 1, 50)
    assert [plan["slug"] for plan in body["plans"]] == [
        "kurume-strategy-1",
        "kurume-strategy-2",
        "kurume-vision-3",
        "ogori-strategy-2",
        "ogori-strategy-3",
        "ukiha-renaissance-2",
    ]
    for plan in body["plans"]:
        assert set(plan) == {"slug", "title", "municipality", "first_year", "last_year", "counts"}
        assert set(plan["counts"]) == {"goals", "directions", "projects", "kpis", "actuals"}
        assert isinstance(plan["first_year"], int) and isinstance(plan["last_year"], int)
    first = body["plans"][0]
    assert (first["title"], first["municipality"], first["first_year"], first["last_year"]) == (
        "第1期 久留米市地方創生総合戦略",
        "久留米市",
        2015,
        2019,
    )


@pytest.mark.parametrize("slug", list(EXPECTED_COUNTS))
def test_the_api_counts_of_each_seed_plan_equal_its_document(client, seed, slug):
    listed = {plan["slug"]: plan["counts"] for plan in client.get("/api/v1/plans/").json()["plans"]}[slug]
    document = client.get(f"/api/v1/plans/{slug}/").json()
    assert listed == document["counts"] == plan_document(slug)["counts"]
    expected = EXPECTED_COUNTS[slug]
    assert listed == {key: expected[key] for key in ("goals", "directions", "projects", "kpis", "actuals")}


@pytest.mark.parametrize("slug", list(EXPECTED_COUNTS))
def test_the_plan_document_is_the_one_export_plan_writes(client, seed, slug, capsys):
    call_command("export_plan", slug, "--format", "json")
    exported = json.loads(capsys.readouterr().out)
    served = client.get(f"/api/v1/plans/{slug}/").json()
    assert served == exported  # every year of the seed plans is published
    PlanDocument.model_validate(served)


def test_document_values_are_numbers_or_null_with_the_raw_text_beside(client, seed):
    document = client.get("/api/v1/plans/kurume-strategy-1/").json()
    kpi = next(item for item in document["kpis"] if item["name"] == "住みたいと思う市民の割合")
    assert kpi["baseline"] == {"year": 2014, "year_assumed": False, "value": 75.4, "raw": "75.4%"}
    actual = next(item for item in kpi["actuals"] if item["year"] == 2016)
    assert actual["value"] == 76.4 and actual["raw"].endswith("76.4%") and actual["mark"] == "×"
    pending = [item for kpi in document["kpis"] for item in kpi["actuals"] if item["status"] == "pending"]
    assert pending and all(item["value"] is None for item in pending)


def test_unknown_plan_is_a_json_404(client, seed):
    response = client.get("/api/v1/plans/nowhere/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such plan."}


def test_responses_carry_an_etag_and_cache_headers_and_answer_304(client, seed):
    first = client.get("/api/v1/plans/ogori-strategy-2/")
    etag = first["ETag"]
    assert etag.startswith('"') and len(etag) > 10
    assert (
        "public" in first["Cache-Control"]
        and "max-age=0" in first["Cache-Control"]
        and "must-revalidate" in first["Cache-Control"]
    )
    again = client.get("/api/v1/plans/ogori-strategy-2/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert client.get("/api/v1/plans/ogori-strategy-2/", HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_cached_responses_cost_no_query(client, seed, django_assert_num_queries):
    client.get("/api/v1/plans/ogori-strategy-2/")
    with django_assert_num_queries(0):  # the document and its data version come from the cache
        response = client.get("/api/v1/plans/ogori-strategy-2/")
    assert response.status_code == 200


def test_the_cache_follows_the_data(client, seed):
    from plans.models import Plan, PublishedYear
    from plans.services import publication

    before = client.get("/api/v1/plans/ogori-strategy-2/")
    plan = Plan.objects.get(slug="ogori-strategy-2")
    publication.unpublish_year(plan, 2023)
    after = client.get("/api/v1/plans/ogori-strategy-2/")
    assert after["ETag"] != before["ETag"]
    assert all(actual["year"] != 2023 for kpi in after.json()["kpis"] for actual in kpi["actuals"])
    assert after.json()["evaluation_year"] == 2022
    assert client.get("/api/v1/plans/ogori-strategy-2/", HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200
    assert not PublishedYear.objects.filter(plan=plan, year=2023).exists()


def test_kpi_search_endpoint_matches_full_width_and_parts_of_names(client, seed):
    response = client.get("/api/v1/kpis/", {"q": "子育て"})
    names = [result["name"] for result in response.json()["results"]]
    assert "子育てしやすいと思う市民の割合" in names
    half = client.get("/api/v1/kpis/", {"q": "ＭＩＣＥ"}).json()["results"]
    assert [result["name"] for result in half] == ["MICE 開催支援件数"]
    assert half[0]["url"] == f"/plans/{half[0]['plan']}/kpis/{half[0]['code']}/"
    assert client.get("/api/v1/kpis/", {"q": ""}).status_code == 422


def test_the_openapi_document_describes_the_endpoints(client, seed):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/plans/", "/api/v1/plans/{slug}/", "/api/v1/kpis/"} <= set(document["paths"])
    plan_list = document["paths"]["/api/v1/plans/"]["get"]
    assert {parameter["name"] for parameter in plan_list["parameters"]} == {"page", "prefecture", "q"}
    assert "CC BY 4.0" in document["info"]["description"]


def test_the_api_reference_uses_our_own_static_files(client, seed):
    page = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in page.lower() and "https://" not in page
    assert "/static/ninja/swagger-ui-bundle.js" in page
