"""Staff logins with a role, a municipality and departments, for tests."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from plans import access
from plans.models import Department, Municipality, StaffProfile


def make_staff(username, role, municipality="小郡市", departments=()):
    """A staff login with ``role`` working for ``municipality`` and its ``departments``."""
    user = get_user_model().objects.create_user(username, f"{username}@example.jp", "a-strong-password-123")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=role))
    town = Municipality.objects.get(name=municipality)
    profile = StaffProfile.objects.create(user=user, municipality=town)
    profile.departments.set(Department.objects.filter(municipality=town, name__in=departments))
    return user


DEPARTMENT_STAFF, PLANNER, ADMINISTRATOR = access.DEPARTMENT_STAFF, access.PLANNER, access.ADMINISTRATOR
