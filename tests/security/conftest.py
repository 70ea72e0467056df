"""Security tests (``make security``): every test here is marked ``security``."""

import pytest


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/tests/security/" in str(item.fspath):
            item.add_marker(pytest.mark.security)
