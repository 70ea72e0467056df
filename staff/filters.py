"""django-filter filtersets of the planners' dashboards.

Marks, outlooks and disagreements are computed values, not columns: the goal dashboard's
filterset filters the service layer's output (rows of ``KpiProgress``, see
``staff.tables.progress_rows``) in Python instead of a queryset.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from plans.choices import Mark, Outlook

GOAL_LEVEL = "goal"


def _with_symbol(choices):
    """`○ 達成（100％以上）`: the symbol staff read in the tables, then its meaning."""
    return [(value, format_lazy("{} {}", value, label)) for value, label in choices]


class ProgressRows(list):
    """A list of table rows that django-filter can hold in place of a queryset."""

    model = None

    def all(self):
        return ProgressRows(self)


class KpiProgressFilterSet(django_filters.FilterSet):
    """Direction, department, mark, outlook and disagreement, over the rows of a goal's KPIs."""

    policy_direction = django_filters.ChoiceFilter(
        label=_("Policy direction"), method="filter_direction", empty_label=_("All")
    )
    department = django_filters.ChoiceFilter(label=_("Department"), method="filter_department", empty_label=_("All"))
    mark = django_filters.MultipleChoiceFilter(
        label=_("Mark"), choices=_with_symbol(Mark.choices), method="filter_mark", widget=forms.CheckboxSelectMultiple
    )
    outlook = django_filters.MultipleChoiceFilter(
        label=_("Computed outlook"),
        choices=_with_symbol(Outlook.choices),
        method="filter_outlook",
        widget=forms.CheckboxSelectMultiple,
    )
    disagreement = django_filters.ChoiceFilter(
        label=_("Computed vs official"),
        choices=(("yes", _("Disagreements only")), ("no", _("Agreements only"))),
        method="filter_disagreement",
        empty_label=_("All"),
    )

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, directions=(), departments=()):
        super().__init__(data, ProgressRows(queryset or []), request=request, prefix=prefix)
        self.filters["policy_direction"].extra["choices"] = [
            (GOAL_LEVEL, _("Numerical targets of the goal")),
            *[(code, f"{code} {title}") for code, title in directions],
        ]
        self.filters["department"].extra["choices"] = [(name, name) for name in departments]

    def filter_queryset(self, queryset):
        rows = ProgressRows(queryset)
        for name, value in self.form.cleaned_data.items():
            rows = ProgressRows(self.filters[name].filter(rows, value))
        return rows

    @staticmethod
    def _keep(rows, test):
        return ProgressRows(row for row in rows if test(row["progress"]))

    def filter_direction(self, rows, _name, value):
        if value == GOAL_LEVEL:
            return self._keep(rows, lambda item: not item.kpi.direction_code)
        return self._keep(rows, lambda item: item.kpi.direction_code == value)

    def filter_department(self, rows, _name, value):
        return self._keep(rows, lambda item: item.kpi.department == value)

    def filter_mark(self, rows, _name, value):
        return self._keep(rows, lambda item: item.mark in value)

    def filter_outlook(self, rows, _name, value):
        return self._keep(rows, lambda item: item.outlook in value)

    def filter_disagreement(self, rows, _name, value):
        wanted = value == "yes"
        return self._keep(rows, lambda item: item.disagrees is wanted)
