import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def seeded_db(django_db_setup, django_db_blocker):
    """The six seed plans, loaded once for the whole session (tests must not change them)."""
    with django_db_blocker.unblock():
        call_command("load_seed_plans", verbosity=0)
    return True


@pytest.fixture
def seed(seeded_db, db):
    return seeded_db
