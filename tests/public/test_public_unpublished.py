"""Unpublished data appears nowhere: not in public pages, downloads, the API or its search.

An actual (with a unique raw text and note) is entered for a year the planner has not
published, and a project review for another unpublished year; every public URL is fetched and
searched for them. Publishing the year then makes the actual appear, so the check is not empty.
"""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from plans.models import Actual, Goal, Kpi, Plan, Project, ProjectReview
from plans.services import publication

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    """Open data is cached by data version; rolled-back tests can repeat a version with other data."""
    cache.clear()


SECRET_RAW = "98,765.4321%（下書き非公開ZQX）"
SECRET_NOTE = "下書きメモ非公開ZQX"
SECRET_REVIEW = "非公開の事業評価ZQX"
SECRETS = ("ZQX", "98765", "98,765")


def public_urls(plan: Plan, kpi: Kpi) -> list[str]:
    urls = [
        "/",
        reverse("plans:legend"),
        reverse("plans:opendata"),
        reverse("plans:search") + "?q=" + kpi.name[:4],
        plan.get_absolute_url(),
        reverse("plans:downloads", args=[plan.slug]),
        reverse("plans:download-csv", args=[plan.slug]),
        reverse("plans:download-json", args=[plan.slug]),
        "/api/v1/plans/",
        f"/api/v1/plans/{plan.slug}/",
        "/api/v1/kpis/?q=" + kpi.name[:4],
        "/api/v1/openapi.json",
    ]
    urls += [goal.get_absolute_url() for goal in Goal.objects.filter(plan=plan)]
    urls += [reverse("plans:kpi-detail", args=[plan.slug, code]) for code in plan.kpis.values_list("code", flat=True)]
    return urls


def workbook_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml"))


def everything_public(client, plan, kpi) -> str:
    texts = []
    for url in public_urls(plan, kpi):
        response = client.get(url)
        assert response.status_code == 200, url
        texts.append(response.content.decode("utf-8-sig"))
    for other in Plan.objects.exclude(pk=plan.pk):
        texts.append(client.get(reverse("plans:download-csv", args=[other.slug])).content.decode("utf-8-sig"))
    xlsx = client.get(reverse("plans:download-xlsx", args=[plan.slug]))
    texts.append(workbook_text(xlsx.content))
    return "\n".join(texts)


def test_unpublished_actuals_and_reviews_appear_nowhere_public(client, seed):
    plan = Plan.objects.get(slug="kurume-strategy-1")
    assert publication.published_years(plan.pk) == [2015, 2016, 2017]
    kpi = Kpi.objects.get(plan=plan, name="子育てしやすいと思う市民の割合")
    counts_before = client.get("/api/v1/plans/").json()
    Actual.objects.create(
        kpi=kpi, year=2018, value=Decimal("98765.4321"), raw=SECRET_RAW, note=SECRET_NOTE, status="measured"
    )
    ukiha = Plan.objects.get(slug="ukiha-renaissance-2")
    ProjectReview.objects.create(
        project=Project.objects.filter(plan=ukiha).first(), year=2022, done=SECRET_REVIEW, summary=SECRET_REVIEW
    )

    public = everything_public(client, plan, kpi)
    public += workbook_text(client.get(reverse("plans:download-xlsx", args=[ukiha.slug])).content)
    for secret in SECRETS:
        assert secret not in public
    assert "76.4" in public  # published actuals are there
    assert client.get("/api/v1/plans/").json() == counts_before
    assert client.get(f"/api/v1/plans/{plan.slug}/").json()["evaluation_year"] == 2017
    assert client.get(plan.get_absolute_url(), {"year": 2018}).status_code == 404

    # The same pages show it once the planner publishes the year: the check above can see it.
    publication.publish_year(plan, 2018)
    published = everything_public(client, plan, kpi)
    assert SECRET_RAW in published and SECRET_NOTE in published
    assert client.get(f"/api/v1/plans/{plan.slug}/").json()["evaluation_year"] == 2018
    assert SECRET_REVIEW not in workbook_text(client.get(reverse("plans:download-xlsx", args=[ukiha.slug])).content)
