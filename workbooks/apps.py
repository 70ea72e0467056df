from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbooksConfig(AppConfig):
    """Plan and entry workbooks (Excel) and the plan document (JSON), in and out."""

    name = "workbooks"
    verbose_name = _("Workbooks")
