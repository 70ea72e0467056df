"""The plan data model: data and constraints only; every rule lives in plans.services."""

from plans.models.access import PublishedYear, StaffProfile
from plans.models.geography import Department, Municipality
from plans.models.kpi import Actual, Kpi, OfficialRating, PrintedTally, YearlyTarget
from plans.models.plan import Goal, Package, Plan, PolicyDirection, RatingLabel
from plans.models.progress import KpiYearProgress, ProgressTally, ProgressView
from plans.models.project import PackageListing, Project, ProjectBudget, ProjectReview

__all__ = [
    "Actual",
    "Department",
    "Goal",
    "Kpi",
    "KpiYearProgress",
    "Municipality",
    "OfficialRating",
    "Package",
    "PackageListing",
    "Plan",
    "PolicyDirection",
    "PrintedTally",
    "ProgressTally",
    "ProgressView",
    "Project",
    "ProjectBudget",
    "ProjectReview",
    "PublishedYear",
    "RatingLabel",
    "StaffProfile",
    "YearlyTarget",
]
