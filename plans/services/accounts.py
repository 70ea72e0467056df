"""Staff logins (アカウント): who may create, change, deactivate and invite them, and how.

Every write to a staff login goes through this module, each in ``transaction.atomic()``; the
accounts pages, the invitation and the ``create_staff`` command call it, and the views check the
same reach again before they call it. The rules:

* only an administrator (システム管理者) or a superuser manages logins; an administrator reaches
  only the logins of its own municipality (``StaffProfile.municipality``) and never a superuser;
* a login made or changed here has exactly one of the roles (担当課職員, 企画担当,
  システム管理者, 外部委員) as its role group, ``is_staff`` on (the staff dashboards ask for it) and
  ``is_superuser`` off. Nothing here accepts ``is_superuser``, ``is_staff`` or any other group:
  only the superuser sets those, in the Django admin;
* departments (担当課) must belong to the login's municipality;
* an administrator cannot deactivate itself or take away its own administrator role, so that
  a municipality is never left without one by mistake.

Every refusal is ``AccountRefused`` with a message in Japanese.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from plans import access
from plans.models import Department, StaffProfile

ROLE_KEYS = {
    "department": access.DEPARTMENT_STAFF,
    "planner": access.PLANNER,
    "admin": access.ADMINISTRATOR,
    "committee": access.COMMITTEE_MEMBER,
}


class AccountRefused(PermissionDenied):
    """A change to a login that the rules refuse; ``str()`` is the message for the user."""


def _require_manager(actor) -> None:
    if actor is not None and not access.can_manage_users(actor):
        raise AccountRefused(_("Only an administrator may manage logins."))


def manageable_users(actor) -> QuerySet:
    """The logins ``actor`` may see and change: staff of its municipality, never a superuser.

    A superuser reaches every login that is not a superuser; anyone else but an administrator
    with a municipality reaches none.
    """
    users = get_user_model().objects.filter(is_superuser=False, staff_profile__isnull=False)
    if actor.is_superuser:
        return users
    municipality = access.municipality_of(actor)
    if not access.can_manage_users(actor) or municipality is None:
        return users.none()
    return users.filter(staff_profile__municipality=municipality)


def _check_reach(actor, user) -> None:
    """Refuse a login outside ``actor``'s reach (another municipality, or a superuser)."""
    if actor is None:
        return
    _require_manager(actor)
    if not manageable_users(actor).filter(pk=user.pk).exists():
        raise AccountRefused(_("You may not change this login."))


def _check_municipality(actor, municipality) -> None:
    if actor is None or actor.is_superuser:
        return
    if municipality is None or access.municipality_of(actor) != municipality:
        raise AccountRefused(_("You may only manage the logins of your own municipality."))


def _role_group(role: str) -> Group:
    if role not in access.ROLES:
        raise AccountRefused(_("Unknown role: {role}").format(role=role))
    group, _created = Group.objects.get_or_create(name=role)
    return group


def _departments(municipality, departments: Iterable) -> list:
    """The departments, each checked to belong to ``municipality`` (by object or id)."""
    ids = {getattr(department, "pk", department) for department in departments}
    found = list(Department.objects.filter(pk__in=ids, municipality=municipality))
    if len(found) != len(ids):
        raise AccountRefused(_("Departments must belong to {municipality}.").format(municipality=municipality.name))
    return found


def role_of(user) -> str:
    """The role shown for a login: the highest of its role groups (administrator first)."""
    names = {group.name for group in user.groups.all()}
    for role in (access.ADMINISTRATOR, access.PLANNER, access.DEPARTMENT_STAFF, access.COMMITTEE_MEMBER):
        if role in names:
            return role
    return ""


def create_staff(
    *,
    actor,
    username: str,
    municipality,
    role: str,
    departments: Iterable = (),
    email: str = "",
    name: str = "",
    password: str | None = None,
):
    """Create a staff login with one role, a municipality and its departments.

    ``actor`` is the administrator doing it (``None`` for the ``create_staff`` command, run by
    whoever runs the server). Without ``password`` the login has no usable password until its
    owner sets one through the invitation link.
    """
    _require_manager(actor)
    _check_municipality(actor, municipality)
    username, email = username.strip(), email.strip().lower()
    if not username:
        raise AccountRefused(_("Enter a user name."))
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise AccountRefused(_("Enter a valid e-mail address.")) from error
    user_model = get_user_model()
    with transaction.atomic():
        group = _role_group(role)
        chosen = _departments(municipality, departments)
        taken = Q(username__iexact=username)
        if email:
            taken |= Q(email__iexact=email)
        clash = user_model.objects.filter(taken).select_related("staff_profile").first()
        if clash is not None:
            profile = getattr(clash, "staff_profile", None)
            if profile is not None and profile.municipality_id == municipality.pk:
                raise AccountRefused(_("A login with this user name or e-mail address already exists."))
            # Not among this municipality's logins: say no more, or an administrator could learn
            # who has a login in another municipality.
            raise AccountRefused(_("This user name or e-mail address cannot be used. Choose another."))
        user = user_model(username=username, email=email, last_name=name.strip(), is_staff=True, is_superuser=False)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        user.groups.add(group)
        profile = StaffProfile.objects.create(user=user, municipality=municipality)
        profile.departments.set(chosen)
    return user


def update_staff(*, actor, user, role: str, departments: Iterable = ()) -> None:
    """Change a login's role and departments (departments of its own municipality).

    The other groups a superuser may have given it stay; only the role group changes.
    """
    _check_reach(actor, user)
    with transaction.atomic():
        group = _role_group(role)
        if actor is not None and actor.pk == user.pk and role != access.ADMINISTRATOR:
            raise AccountRefused(
                _("You cannot take away your own administrator role. Ask another administrator to do it.")
            )
        profile = user.staff_profile
        chosen = _departments(profile.municipality, departments)
        user.groups.remove(*Group.objects.filter(name__in=access.ROLES).exclude(pk=group.pk))
        user.groups.add(group)
        profile.departments.set(chosen)
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])


def set_active(*, actor, user, active: bool) -> None:
    """Deactivate a login (it can no longer log in; its history stays) or reactivate it."""
    _check_reach(actor, user)
    if not active and actor is not None and actor.pk == user.pk:
        raise AccountRefused(_("You cannot deactivate your own login."))
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])


def password_set_path(user) -> str:
    """The path of the page where ``user`` sets a password (valid until a password is set)."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("staff:password-set", kwargs={"uidb64": uidb64, "token": default_token_generator.make_token(user)})


def send_invitation(*, actor, user, site_url: str) -> None:
    """Mail ``user`` the link to set its password, in Japanese (the site's language).

    ``site_url`` is the scheme and host the link starts with, e.g. ``https://kpi.example.jp``.
    Only a login that has not set a password yet can be invited again; after that its owner uses
    「パスワードを忘れた場合」.
    """
    _check_reach(actor, user)
    if not user.email:
        raise AccountRefused(_("This login has no e-mail address."))
    if not user.is_active:
        raise AccountRefused(_("This login is deactivated. Reactivate it first."))
    if user.has_usable_password():
        raise AccountRefused(_("This login has already set its password; its owner can reset it from the login page."))
    context = {
        "user": user,
        "inviter": (actor.get_full_name() or actor.get_username()) if actor is not None else "",
        "municipality": user.staff_profile.municipality,
        "role": role_of(user),
        "link": site_url.rstrip("/") + password_set_path(user),
        "login_link": site_url.rstrip("/") + reverse("staff:login"),
        "username": user.get_username(),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("staff/email/invitation_subject.txt", context).strip()
        body = render_to_string("staff/email/invitation.txt", context)
    send_mail(subject, body, None, [user.email])


def invite(*, actor, email: str, name: str, role: str, departments: Iterable, site_url: str, municipality=None):
    """Create a login for ``email`` (its user name) without a password and mail it the link.

    The login is created first, in its own transaction; if the mail cannot be sent the login
    stays and the invitation can be sent again from the accounts page.
    """
    _require_manager(actor)
    if municipality is None:
        municipality = access.municipality_of(actor)
    user = create_staff(
        actor=actor,
        username=email.strip().lower(),
        email=email,
        name=name,
        municipality=municipality,
        role=role,
        departments=departments,
    )
    send_invitation(actor=actor, user=user, site_url=site_url)
    return user
