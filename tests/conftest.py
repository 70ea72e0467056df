from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command

BROWSER_TESTS = Path(__file__).parent / "browser"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Browser tests (``tests/browser/``, marked ``browser``) run last, after every other hook has
    ordered the tests (pytest-django puts transactional tests after the others): their live server
    needs a transactional database, which is emptied after each of them, and the other tests share
    seed plans loaded once per session. A test elsewhere that names Playwright's ``page`` fixture
    (even as a parameter) would be a browser test in the middle of the others: refused."""
    for item in items:
        if BROWSER_TESTS in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
        elif "page" in getattr(item, "fixturenames", ()):
            raise pytest.UsageError(f"{item.nodeid}: only tests/browser/ may name Playwright's `page` fixture")
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def seeded_db(django_db_setup, django_db_blocker):
    """The six seed plans, loaded once for the whole session (tests must not change them)."""
    with django_db_blocker.unblock():
        call_command("load_seed_plans", verbosity=0)
    return True


@pytest.fixture
def seed(seeded_db, db):
    return seeded_db


@pytest.fixture(autouse=True)
def fresh_cache():
    """Public pages are cached by data version (public.caching); a rolled-back test can leave a
    version behind with other data, so every test starts with an empty cache."""
    cache.clear()
