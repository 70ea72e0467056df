"""Forms of the accounts pages: only the fields an administrator may set (no superuser, staff or
group fields: a POST that adds them is ignored, and the service would refuse them anyway)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from plans import access
from plans.models import Department, Municipality

ROLE_CHOICES = [
    (role, role) for role in (access.DEPARTMENT_STAFF, access.PLANNER, access.ADMINISTRATOR, access.COMMITTEE_MEMBER)
]


class DepartmentsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name


class AccountForm(forms.Form):
    """Role and departments of a login of ``municipality``."""

    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)
    departments = DepartmentsField(
        label=_("Departments"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("Department staff enter the actuals of the KPIs of these departments."),
    )

    def __init__(self, *args, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.order_by("municipality__code", "name")
        if municipality is not None:
            departments = departments.filter(municipality=municipality)
        self.fields["departments"].queryset = departments


class InviteForm(AccountForm):
    """E-mail, name, role and departments of a new login, in one form. With ``ask_municipality``
    (a superuser, who has no municipality of its own) the form asks for the municipality too."""

    email = forms.EmailField(label=_("E-mail address"), max_length=150)
    name = forms.CharField(label=_("Name"), max_length=150)
    field_order = ["email", "name", "municipality", "role", "departments"]

    def __init__(self, *args, municipality=None, ask_municipality=False, **kwargs):
        super().__init__(*args, municipality=municipality, **kwargs)
        if ask_municipality:
            self.fields["municipality"] = forms.ModelChoiceField(
                label=_("Municipality"), queryset=Municipality.objects.order_by("code", "id")
            )
            self.order_fields(self.field_order)
