"""AnyOf: ``column = ANY(array)`` on PostgreSQL, ``IN`` elsewhere; the same rows as ``__in``."""

import pytest
from django.db.models import F

from plans.models import Kpi
from plans.models.lookups import AnyOf
from tests.factories import plan_with_kpis

pytestmark = pytest.mark.django_db


def test_any_of_finds_the_rows_in_finds():
    plan = plan_with_kpis(6)
    ids = list(Kpi.objects.filter(plan=plan).order_by("pk").values_list("pk", flat=True))
    chosen = [ids[0], ids[3], ids[5], 10**9]  # an id of no row finds nothing more
    found = Kpi.objects.filter(AnyOf(F("id"), chosen)).order_by("pk")
    assert list(found.values_list("pk", flat=True)) == [ids[0], ids[3], ids[5]]
    assert list(found) == list(Kpi.objects.filter(pk__in=chosen).order_by("pk"))


def test_any_of_nothing_finds_nothing_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert list(Kpi.objects.filter(AnyOf(F("id"), []))) == []
