"""Past one host: each host's index copy, written by its own search worker, receives
every index update over the broadcast, and catches up on what it missed while down."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from network import services as network_services
from network.models import Membership
from search import index
from sops import services
from tests import factories
from tests.live_services import Worker
from tests.waiting import wait_for


def _copy_matches_database(path) -> bool:
    report = index.check(path=path)
    return report.ok


def _keys(path) -> dict[str, str]:
    return index.fingerprints(index.open_index(path))


@pytest.fixture
def hosts(services_env, purge_queues, settings, tmp_path):
    """Two hosts' search workers (each with its own index directory) and one outbox worker."""
    settings.FRONTLINE_SEARCH_BROADCAST = True
    services_env["FRONTLINE_SEARCH_BROADCAST"] = "1"
    workers = {}
    for name in ("host-a", "host-b"):
        (tmp_path / name).mkdir()
        env = dict(services_env, FRONTLINE_INDEX_DIR=str(tmp_path / name / "index"))
        workers[name] = Worker(env, tmp_path / name, "search_broadcast", name=name)
    (tmp_path / "outbox").mkdir()
    workers["outbox"] = Worker(services_env, tmp_path / "outbox", "celery", name="outbox")
    yield workers
    for worker in workers.values():
        worker.stop()


def test_every_host_copy_gets_every_update_and_catches_up_after_a_restart(
    hosts, tmp_path, publisher, home_agency
):
    copies = {name: tmp_path / name / "index" for name in ("host-a", "host-b")}
    before = factories.published_sop(publisher, home_agency, "Sampling a powder", "Gloves.")
    admin = factories.expert(agency=home_agency, role=Membership.Role.ADMIN).user
    for name in copies:  # a new host has no copy: its worker builds one from the database
        hosts[name].start()
    hosts["outbox"].start()
    for name, path in copies.items():
        wait_for(lambda path=path: path.exists() and _copy_matches_database(path), what=name)

    # Updates made while both listen: a publication, an approved expert, a withdrawal.
    later = factories.published_sop(publisher, home_agency, "Decontaminating a van", "Bleach.")
    applicant = factories.expert(agency=home_agency, status=Membership.Status.PENDING)
    network_services.membership_approve(membership=applicant.memberships.get(), by=admin)
    services.version_withdraw(version=before.current_version, by=publisher, reason="Replaced.")
    wanted = {f"sop:{later.pk}", f"expert:{applicant.pk}"}
    for name, path in copies.items():
        wait_for(
            lambda path=path: wanted <= set(_keys(path)) and _copy_matches_database(path),
            timeout=30,
            what=f"{name} to receive every broadcast update",
        )
    assert f"sop:{before.pk}" not in _keys(copies["host-a"])
    assert _keys(copies["host-a"]) == _keys(copies["host-b"])

    # Host B is down while a procedure is published: Redis delivers a fanout only to
    # those listening, so B misses it, and search_check on B's copy says so.
    hosts["host-b"].stop()
    missed = factories.published_sop(publisher, home_agency, "Screening passengers", "Cameras.")
    wait_for(lambda: f"sop:{missed.pk}" in _keys(copies["host-a"]), timeout=30, what="host A")
    out = io.StringIO()
    call_command("search_check", "--index-dir", str(copies["host-b"]), stdout=out)
    assert f"missing: 1 (sop:{missed.pk})" in out.getvalue()
    assert "stale: 0" in out.getvalue() and "extra: 0" in out.getvalue()

    hosts["host-b"].start()  # on start it compares its copy with the database
    wait_for(
        lambda: _copy_matches_database(copies["host-b"]), timeout=30, what="host B to catch up"
    )
    assert _keys(copies["host-a"]) == _keys(copies["host-b"])
    assert "reconciled with the database" in hosts["host-b"].log()
    # Each copy was written by its own host's worker, never by the outbox worker.
    assert "Task search.tasks.index_documents[" in hosts["host-a"].log()
    assert "Task search.tasks.index_documents[" not in hosts["outbox"].log()
