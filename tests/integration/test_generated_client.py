"""A Python client generated from the served schema by openapi-python-client runs the
README's API workflow on real parts: daphne, a Celery worker, PostgreSQL and Redis.

Tokens are made on the token page, as the README says; everything after that goes through
the generated code, so a schema that generated clients cannot import or use fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from search.reader import drop_reader
from sops.models import SOP, AgencyPolicy
from tests.factories import PASSWORD, language
from tests.http_client import signed_in_system

HERE = Path(__file__).resolve().parent / "api_client"


@pytest.fixture
def private_index(settings, tmp_path):
    settings.FRONTLINE_INDEX_DIR = tmp_path / "index"
    drop_reader()
    yield
    drop_reader()


def test_generated_client_runs_the_readme_workflow(
    private_index, daphne_server, running_worker, publisher, outsider, settings, tmp_path
):
    # The server process hashes with Django's defaults, not the tests' fast MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    for user in (publisher, outsider):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    language()
    # One system account drafts and publishes here, so its agency has turned four eyes
    # off (the server process runs with the project default: on).
    AgencyPolicy.objects.create(agency=publisher.expert.memberships.get().agency, four_eyes=False)
    tokens = [signed_in_system(daphne_server, u, PASSWORD).token for u in ("publisher", "outsider")]

    generated = subprocess.run(
        [sys.executable, str(HERE / "generate.py"), f"{daphne_server}/api/schema/", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert generated.returncode == 0, generated.stdout[-5000:] + generated.stderr[-5000:]
    client_python = generated.stdout.strip().splitlines()[-1]

    run = subprocess.run(
        [client_python, str(HERE / "workflow.py"), daphne_server, *tokens, "home-agency"],
        capture_output=True,
        text=True,
        timeout=180,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, (
        run.stdout[-5000:] + run.stderr[-5000:] + running_worker.log()[-3000:]
    )
    seen = json.loads(run.stdout.strip().splitlines()[-1])

    assert seen["modules"] > 50  # every generated module imported
    sop = SOP.objects.get(pk=seen["sop"])
    assert seen["etag_changed"] and seen["stale_status"] == 412
    assert seen["submitted"] == "in_review"
    assert seen["published"] == ["published", "2.0"]
    assert sop.current_version.number == "2.0" and "quarantine" in sop.current_version.body
    assert seen["listed"] == ["GEN-001"]
    assert seen["notified"] == 1
    assert seen["found"] == [sop.pk]
