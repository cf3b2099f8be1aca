"""The deployed web service (frontline/supervisord-web.conf, docker-compose.yml's web):
supervisord binds one socket and runs several daphne processes on it; each answers from the
same database, and SIGTERM (``docker stop``) stops them all."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from sops.models import SOP
from tests.live_services import BIN, ROOT, free_port

CONF = ROOT / "frontline" / "supervisord-web.conf"


def _daphne_children(pid: int) -> set[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return {
        int(c)
        for c in children
        if b"daphne" in Path(f"/proc/{c}/cmdline").read_bytes()  # not yet exec'd: python
    }


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_web_service_runs_its_daphne_processes_on_one_socket(services_env, tmp_path, make_sop):
    sop = make_sop(visibility=SOP.Visibility.PUBLIC).sop
    port = free_port()
    env = {
        **services_env,
        "WEB_LISTEN": f"127.0.0.1:{port}",
        "WEB_PROCESSES": "2",
        "PATH": f"{BIN}{os.pathsep}{services_env.get('PATH', '')}",  # daphne, as in the image
    }
    log = tmp_path / "supervisord.log"
    supervisor = subprocess.Popen(
        [str(BIN / "supervisord"), "-c", str(CONF)],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while len(daphnes := _daphne_children(supervisor.pid)) < 2:
            assert supervisor.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        assert len(daphnes) == 2
        # The socket is supervisord's; whichever process accepts, the page is the same one.
        for _ in range(6):
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}{sop.get_absolute_url()}", timeout=60
            ) as response:
                assert response.status == 200
                assert sop.title in response.read().decode()
    finally:
        supervisor.send_signal(signal.SIGTERM)
        code = supervisor.wait(timeout=30)
    assert code == 0, log.read_text()
    assert not [pid for pid in daphnes if _alive(pid)], "a daphne process outlived supervisord"
