"""What the site's navigation shows a login: only the staff pages its roles may open."""

from django.utils.functional import SimpleLazyObject

from plans import access


def staff_navigation(request) -> dict:
    """``staff_nav.planner`` / ``.administrator`` / ``.department`` for the menu; no query for a
    visitor who is not logged in, one (the roles) for a login, and only when a template asks."""

    def roles():
        user = getattr(request, "user", None)
        found = access.roles_of(user) if user is not None else set()
        return {
            "any": bool(found),
            "planner": access.PLANNER in found,
            "administrator": access.ADMINISTRATOR in found,
            "department": access.DEPARTMENT_STAFF in found,
            "committee": access.COMMITTEE_MEMBER in found,
        }

    return {"staff_nav": SimpleLazyObject(roles)}
