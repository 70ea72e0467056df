"""The Django admin of the plans app: importing the modules registers their admins.

``scoping`` holds what every admin here shares (staff see only the rows ``plans.access`` gives
them); ``plans``, ``kpis`` and ``geography`` register the admins by subject.
"""

from plans.admin import geography, kpis, plans, scoping  # noqa: F401  (registers the admins)
from plans.admin.plans import PlanAdmin
from plans.admin.scoping import MunicipalityScopedAdmin, PlanScopedAdmin, ScopedRawIdWidget, scoped_choices

__all__ = ["MunicipalityScopedAdmin", "PlanAdmin", "PlanScopedAdmin", "ScopedRawIdWidget", "scoped_choices"]
