"""The plan data model: data and constraints only; every rule lives in plans.services."""

from .access import PublishedYear, StaffProfile
from .geography import Department, Municipality
from .kpi import Actual, Kpi, OfficialRating, PrintedTally, YearlyTarget
from .plan import Goal, Package, Plan, PolicyDirection, RatingLabel
from .project import PackageListing, Project, ProjectBudget, ProjectReview

__all__ = [
    "Actual",
    "Department",
    "Goal",
    "Kpi",
    "Municipality",
    "OfficialRating",
    "Package",
    "PackageListing",
    "Plan",
    "PolicyDirection",
    "PrintedTally",
    "Project",
    "ProjectBudget",
    "ProjectReview",
    "PublishedYear",
    "RatingLabel",
    "StaffProfile",
    "YearlyTarget",
]
