"""Who may see and change what: the four staff roles and their reach.

Roles are Django groups, created by ``ensure_roles`` after every migrate:

* department staff (担当課職員) see and enter actuals, notes and project reviews of the KPIs and
  projects of their own departments only;
* planners (企画担当) change everything in the plans their municipality leads (structure,
  targets, official ratings, publication), and in a regional plan led by another municipality
  only the rows of their own municipality's departments; they alone read the dashboards and
  the report of the plans they may see;
* administrators (システム管理者) manage the logins of their municipality (on the accounts pages,
  ``services.accounts``), municipalities and departments;
* committee members (外部委員, of the external committee: 外部検証会議, 審議会) read the staff pages
  of their municipality's own plans (dashboards, the report, KPI pages, the committee page) and
  write the committee's comments on them; nothing else (no entry, review, publication or admin
  write: their group has no permission, and ``editable_kpis`` and ``led_plans`` give them none).

A login's municipality and departments come from its ``StaffProfile``. Superusers reach all.
Every view, admin page, upload and export asks these functions; none decides on its own.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q, QuerySet

from plans.models import Department, Kpi, Plan, Project, StaffProfile

DEPARTMENT_STAFF = "担当課職員"
PLANNER = "企画担当"
ADMINISTRATOR = "システム管理者"
COMMITTEE_MEMBER = "外部委員"
ROLES = (DEPARTMENT_STAFF, PLANNER, ADMINISTRATOR, COMMITTEE_MEMBER)

_PLAN_MODELS = (
    "plan",
    "goal",
    "policydirection",
    "package",
    "project",
    "packagelisting",
    "projectbudget",
    "projectreview",
    "kpi",
    "yearlytarget",
    "actual",
    "officialrating",
    "ratinglabel",
    "printedtally",
    "publishedyear",
)
ROLE_PERMISSIONS = {
    # Department staff see their own departments' KPIs, actuals, projects and reviews only (the
    # admin scopes each of these to their departments); a plan's structure is on its public pages.
    # They read official actuals in the admin but report values on the entry page only: a value
    # becomes official when a planner approves it (services.review), never by an admin edit.
    DEPARTMENT_STAFF: ["plans.view_kpi", "plans.view_project", "plans.view_actual"]
    + [f"plans.{action}_projectreview" for action in ("view", "add", "change")],
    PLANNER: [f"plans.{action}_{model}" for model in _PLAN_MODELS for action in ("view", "add", "change", "delete")]
    + ["plans.view_department", "plans.view_municipality"],
    ADMINISTRATOR: [
        f"{app}.{action}_{model}"
        # Not auth.user, auth.group or plans.staffprofile: logins are managed on the accounts
        # pages (services.accounts), scoped to the administrator's municipality; the Django
        # admin's user form could set is_superuser and reach every municipality.
        for app, model in (
            ("plans", "municipality"),
            ("plans", "department"),
        )
        for action in ("view", "add", "change", "delete")
    ],
    # Committee members read the staff pages (whose views ask the functions below) and write
    # comments through services.committee; the admin gives them nothing.
    COMMITTEE_MEMBER: [],
}


def ensure_roles(**_kwargs) -> None:
    """Create the role groups with their permissions (idempotent; a post_migrate receiver)."""
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = Q(pk__in=[])  # not Q(): a role without permissions must get none, not all
        for name in codenames:
            app_label, codename = name.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))


def roles_of(user) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set(ROLES)
    return set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))


def _profile(user):
    return StaffProfile.objects.filter(user=user).select_related("municipality").first()


def municipality_of(user):
    profile = _profile(user)
    return profile.municipality if profile else None


def department_ids_of(user) -> list[int]:
    return list(
        StaffProfile.departments.through.objects.filter(staffprofile__user=user).values_list("department_id", flat=True)
    )


def _reach(user) -> tuple[int | None, list[int], list[int]]:
    """The login's municipality id, department ids and the ids of the plans its municipality
    leads or is a partner of, in one query (a row per combination: a few departments × a few
    plans). The plan ids are given to the KPI queries as a list, a condition on ``plans_kpi``
    itself: PostgreSQL reads the municipality's KPIs through the plan index however many tables
    the query joins (past ``join_collapse_limit`` a subquery would be joined last, after a scan
    of every KPI of the nation)."""
    rows = list(
        StaffProfile.objects.filter(user=user).values_list(
            "municipality_id", "departments", "municipality__lead_plans", "municipality__partner_plans"
        )
    )
    municipality_id = rows[0][0] if rows else None
    department_ids = {department for _town, department, _led, _partner in rows if department is not None}
    plan_ids = {plan for _town, _department, *plans in rows for plan in plans if plan is not None}
    return municipality_id, sorted(department_ids), sorted(plan_ids)


def _plan_ids_of(municipality_id: int) -> QuerySet:
    """The ids of the plans a municipality leads or is a partner of, as a subquery: a UNION of two
    index reads (plans by municipality, partners by municipality), instead of an OR across the
    partners join (which no index serves) and a DISTINCT."""
    led = Plan.objects.filter(municipality_id=municipality_id).order_by().values("pk")
    partnered = Plan.partners.through.objects.filter(municipality_id=municipality_id).order_by().values("plan_id")
    return led.union(partnered)


def visible_plans(user) -> QuerySet:
    """Plans a staff login may open: its municipality's own and those it is a partner of."""
    if user.is_superuser:
        return Plan.objects.all()
    if not roles_of(user):
        return Plan.objects.none()
    municipality = municipality_of(user)
    if municipality is None:
        return Plan.objects.none()
    # By id rather than an OR across the partners join: no DISTINCT, and index reads only.
    return Plan.objects.filter(pk__in=_plan_ids_of(municipality.pk))


def led_plans(user) -> QuerySet:
    """Plans whose structure the user may change: planners of the lead municipality."""
    if user.is_superuser:
        return Plan.objects.all()
    if PLANNER not in roles_of(user) or (municipality := municipality_of(user)) is None:
        return Plan.objects.none()
    return Plan.objects.filter(municipality=municipality)


def _editable_condition(roles: set[str], municipality_id: int | None, department_ids: list[int], departments: str) -> Q:
    """Which rows (KPIs or projects) of the login's municipality's plans it may change.

    Within those plans (lead or partner) a planner's rule "every row of the plans its
    municipality leads, and its own municipality's departments' rows in a partner plan" is "the
    plan is led by its municipality or the row's department is of its municipality"."""
    condition = Q(pk__in=[])
    if PLANNER in roles and municipality_id is not None:
        condition |= Q(plan__municipality_id=municipality_id) | Q(
            **{f"{departments}__municipality_id": municipality_id}
        )
    if DEPARTMENT_STAFF in roles and department_ids:
        condition |= Q(**{f"{departments}__in": department_ids})
    return condition


def _editable(user, queryset: QuerySet, departments: str) -> QuerySet:
    """Rows of ``queryset`` the user may change; ``departments`` is the lookup to their departments.

    Filtered by the municipality's plans first (``_reach``), then by role and department:
    a department's rows lie in the plans its municipality leads or is a partner of (planners
    assign only those: ``assignable_departments``). A login without a municipality keeps only
    its departments' rows (read through the department index)."""
    if user.is_superuser:
        return queryset
    roles = roles_of(user)
    if not roles & {PLANNER, DEPARTMENT_STAFF}:
        return queryset.none()
    municipality_id, department_ids, plan_ids = _reach(user)
    condition = _editable_condition(roles, municipality_id, department_ids, departments)
    if municipality_id is not None:
        queryset = queryset.filter(plan_id__in=plan_ids)
    queryset = queryset.filter(condition)
    # A project has several departments: the join may repeat it. A KPI has one (no DISTINCT,
    # which would sort every column of the municipality's KPIs).
    return queryset.distinct() if departments == "departments" else queryset


def editable_kpis(user) -> QuerySet:
    """KPIs whose actuals the user may enter (see the module docstring for the rule)."""
    return _editable(user, Kpi.objects.all(), "department")


def editable_projects(user) -> QuerySet:
    """Projects whose reviews the user may write."""
    return _editable(user, Project.objects.all(), "departments")


def assignable_departments(user) -> QuerySet:
    """Departments a planner may make responsible for its plans' KPIs and projects: those of the
    municipalities of the plans it leads (lead and partners), never another plan's."""
    if user.is_superuser:
        return Department.objects.all()
    led = led_plans(user)
    return Department.objects.filter(
        Q(municipality__lead_plans__in=led) | Q(municipality__partner_plans__in=led)
    ).distinct()


def reads_dashboards(user) -> bool:
    """Dashboards and the report are the planners' (企画担当) views of a plan, read also by the
    committee members (外部委員) of its municipality. Not a permission to change anything: a
    write asks ``can_change_plan`` (planners) or ``can_comment`` (committee members)."""
    return bool(roles_of(user) & {PLANNER, COMMITTEE_MEMBER})


def reviews_and_publishes(user) -> bool:
    """The review queue, approvals and publication are the planners' alone (committee members
    read dashboards but decide nothing); ``can_change_plan`` checks each plan again."""
    return PLANNER in roles_of(user)


def is_committee_member(user) -> bool:
    return COMMITTEE_MEMBER in roles_of(user)


def committee_plans(user) -> QuerySet:
    """Plans a committee member reads and comments on: its municipality's own (lead) plans."""
    if user.is_superuser:
        return Plan.objects.all()
    if not is_committee_member(user) or (municipality := municipality_of(user)) is None:
        return Plan.objects.none()
    return Plan.objects.filter(municipality=municipality)


def dashboard_plans(user) -> QuerySet:
    """Plans whose dashboards and report the user may read: for planners the plans they may see,
    for committee members their municipality's own plans."""
    if user.is_superuser:
        return Plan.objects.all()
    roles = roles_of(user)
    # One set or the other, not an OR of subqueries (a scan of every plan of the nation): a
    # planner's visible plans include its municipality's own, which are the committee's.
    if PLANNER in roles:
        return visible_plans(user)
    if COMMITTEE_MEMBER in roles:
        return committee_plans(user)
    return Plan.objects.none()


def readable_kpis(user) -> QuerySet:
    """KPIs whose values (unpublished ones included) the user may read: their own departments',
    and for planners and committee members every KPI of the plans whose dashboards they read.

    Built like ``editable_kpis``: the municipality's plans first, then the role's rule, so that
    no OR of subqueries makes PostgreSQL test every KPI of the nation."""
    if user.is_superuser:
        return Kpi.objects.all()
    roles = roles_of(user)
    if not roles:
        return Kpi.objects.none()
    municipality_id, department_ids, plan_ids = _reach(user)
    readable = _editable_condition(roles, municipality_id, department_ids, "department")
    kpis = Kpi.objects.all()
    if municipality_id is not None:
        kpis = kpis.filter(plan_id__in=plan_ids)
        if PLANNER in roles:
            readable = Q()  # dashboard_plans: every plan the planner sees, the municipality's all
        elif COMMITTEE_MEMBER in roles:
            readable |= Q(plan__municipality_id=municipality_id)  # committee_plans: the lead plans
    return kpis.filter(readable)


def can_edit_kpi(user, kpi) -> bool:
    return editable_kpis(user).filter(pk=kpi.pk).exists()


def can_change_plan(user, plan) -> bool:
    """Structure, targets, official ratings, publication and whole-plan workbooks."""
    return led_plans(user).filter(pk=plan.pk).exists()


def can_comment(user, plan) -> bool:
    """The committee's comments on a plan's goals: its committee members (superusers too)."""
    return committee_plans(user).filter(pk=plan.pk).exists()


def can_manage_users(user) -> bool:
    return ADMINISTRATOR in roles_of(user)
