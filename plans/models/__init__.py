"""The plan data model: data and constraints only; every rule lives in plans.services."""

from plans.models.access import PublishedYear, StaffProfile
from plans.models.cycle import (
    CommitteeComment,
    DataCall,
    DataCallDepartment,
    GoalEvaluation,
    ReminderSent,
    YearReopening,
)
from plans.models.geography import Department, Municipality
from plans.models.kpi import Actual, Kpi, OfficialRating, PrintedTally, YearlyTarget
from plans.models.plan import Goal, Package, Plan, PolicyDirection, RatingLabel
from plans.models.progress import KpiYearProgress, ProgressTally, ProgressView
from plans.models.project import PackageListing, Project, ProjectBudget, ProjectReview
from plans.models.review import Evidence, ReportedActual, ReviewStep, TargetRevision

__all__ = [
    "Actual",
    "CommitteeComment",
    "DataCall",
    "DataCallDepartment",
    "Department",
    "Evidence",
    "Goal",
    "GoalEvaluation",
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
    "ReminderSent",
    "ReportedActual",
    "ReviewStep",
    "StaffProfile",
    "TargetRevision",
    "YearReopening",
    "YearlyTarget",
]
