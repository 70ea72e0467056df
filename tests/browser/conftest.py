"""Browser tests: Playwright drives Debian's chromium (Playwright cannot download browsers here)."""

import os

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

# Playwright's sync API runs an event loop in the test thread; Django allows ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ja-JP", "timezone_id": "Asia/Tokyo"}


@pytest.fixture
def seeded_server(transactional_db, live_server):
    """A live server with the six seed plans (loaded again for each test: the database is emptied after it)."""
    call_command("load_seed_plans", verbosity=0)
    return live_server


@pytest.fixture
def make_staff(transactional_db):
    """Create a staff login with a role, municipality and departments (see tests/logins.py)."""
    from tests.logins import make_staff

    return make_staff
