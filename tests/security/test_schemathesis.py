"""schemathesis 4 against the served schema, every check and every phase (coverage, fuzzing,
stateful), on real parts: daphne on the test's PostgreSQL database and Redis.

No check may fail. What the API refuses on purpose is written in the schema, and in
``schemathesis.toml`` beside this file for the few refusals a schema cannot state (each
explained there); no check is switched off. Bounded: 10 examples an operation, one seed
(``SCHEMATHESIS_SEED`` picks another, to look further by hand).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from api.services import token_create
from sops import services
from sops.models import SOP
from tests import factories
from tests.live_services import BIN, start_daphne

pytestmark = pytest.mark.integration
CONFIG = Path(__file__).with_name("schemathesis.toml")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def api_data(services_env, purge_queues, home_agency, other_agency, publisher, editor):
    """Something to find in each state: in force with a file, a draft, and a network SOP."""
    english = factories.language()
    factories.topic()
    first = services.sop_create(
        agency=home_agency,
        reference="BIO-1",
        title="Parcel",
        body="## Steps\n\nIsolate it.",
        language=english,
        by=editor,
        visibility=SOP.Visibility.PUBLIC,
    )
    services.attachment_add(
        version=first, by=editor, uploaded=SimpleUploadedFile("a.pdf", PDF, "application/pdf")
    )
    published = services.version_publish(version=first, by=publisher)
    services.version_start_revision(sop=published.sop, by=editor)
    _token, raw = token_create(by=publisher, name="schemathesis")
    return raw


def test_the_api_passes_every_schemathesis_check(api_data, services_env, tmp_path):
    env = {**services_env, "API_RATE_ANON": "100000/minute", "API_RATE_USER": "100000/minute"}
    with start_daphne(env, tmp_path / "daphne.log") as base_url:
        run = subprocess.run(
            [
                str(BIN / "schemathesis"),
                "--config-file",
                str(CONFIG),
                "run",
                f"{base_url}/api/schema/",
                "--url",
                base_url,
                "--checks",
                "all",
                "--phases",
                "examples,coverage,fuzzing,stateful",
                "--max-examples",
                "10",
                "--seed",
                os.environ.get("SCHEMATHESIS_SEED", "1"),
                "--workers",
                "2",
                "--generation-database",
                "none",
                "--no-color",
                "--header",
                f"Authorization: Bearer {api_data}",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=360,
        )
    report = run.stdout[-20000:] + run.stderr[-5000:]
    assert run.returncode == 0, report
    for phase in ("Coverage", "Fuzzing", "Stateful"):  # each ran and passed, none skipped
        assert f"✅ {phase}" in report, report
