"""``create_staff``: a staff login of each role, and each refusal as a CommandError."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from plans import access

pytestmark = pytest.mark.django_db
PASSWORD = "a-strong-password-123"
OGORI = "402168"


def create(username, *args, password=PASSWORD):
    out = StringIO()
    call_command("create_staff", username, "--password", password, *args, stdout=out)
    return get_user_model().objects.get(username=username), out.getvalue()


@pytest.mark.parametrize(
    ("role", "group"),
    [("department", access.DEPARTMENT_STAFF), ("planner", access.PLANNER), ("admin", access.ADMINISTRATOR)],
)
def test_each_role_makes_a_staff_login_of_the_municipality(seed, role, group):
    user, out = create("someone", "--municipality", OGORI, "--role", role, "--email", "Someone@Example.jp")
    assert access.roles_of(user) == {group}
    assert (user.is_staff, user.is_superuser, user.is_active) == (True, False, True)
    assert user.check_password(PASSWORD)
    assert user.email == "someone@example.jp"
    assert user.staff_profile.municipality.name == "小郡市"
    assert group in out


def test_department_staff_get_their_departments_and_may_enter_their_kpis(seed):
    user, _out = create(
        "shoko", "--municipality", OGORI, "--role", "department", "--department", "商工観光課", "--department", "健康課"
    )
    assert set(user.staff_profile.departments.values_list("name", flat=True)) == {"商工観光課", "健康課"}
    assert set(access.editable_kpis(user).values_list("department__name", flat=True)) == {"商工観光課", "健康課"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--municipality", "999999", "--role", "planner"], "団体コード「999999」"),
        (["--municipality", OGORI, "--role", "mayor"], "役割「mayor」"),
        (["--municipality", OGORI, "--role", "department", "--department", "うきは市の課"], "うきは市の課"),
        (["--municipality", OGORI, "--role", "department", "--department", "存在しない課"], "存在しない課"),
    ],
)
def test_an_unknown_code_role_or_department_is_refused(seed, args, message):
    with pytest.raises(CommandError, match=message):
        create("someone", *args)
    assert not get_user_model().objects.filter(username="someone").exists()


def test_a_taken_user_name_is_refused(seed):
    create("someone", "--municipality", OGORI, "--role", "planner")
    with pytest.raises(CommandError, match="すでにあります"):
        create("SomeOne", "--municipality", OGORI, "--role", "admin")
    assert get_user_model().objects.filter(username__iexact="someone").count() == 1


def test_a_weak_password_is_refused(seed):
    with pytest.raises(CommandError, match="パスワード"):
        create("someone", "--municipality", OGORI, "--role", "planner", password="12345")
    assert not get_user_model().objects.filter(username="someone").exists()


def test_the_municipality_and_role_are_required(seed):
    with pytest.raises(CommandError):
        call_command("create_staff", "someone", "--password", PASSWORD, "--role", "planner")
