"""Everything under tests/integration/ is an integration test (fixtures: tests/live_services.py)."""

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)
