"""The first search of a freshly started web process: prints figures, asserts nothing.

    .venv/bin/python bench/search.py --sops 20000 --experts 10000 --workdir DIR   # once
    .venv/bin/python bench/first_search.py --workdir DIR

Starts daphne (``frontline.asgi``, as ``make run`` does) on the database and index a
``bench/search.py`` run left in DIR, and times its first search page (``GET
/search/?q=...`` as an anonymous visitor), then a second and third search (a process
that has answered before: the floor). Each start is done with the warm-up at start
turned off (``FRONTLINE_SEARCH_WARM=0``: the peer, what the first search cost before)
and on, alternating, ``--rounds`` times each. With the warm-up on, the first search is
sent once the process logs that its warm-up is done (how long that took after the port
opened is printed: the warm-up now runs before daphne listens, so about 0); with it off,
after the same wait, so both processes were idle alike; and, in the "at once" column, a
start where the search is sent the moment the port accepts. "port open s" is how long
the start took until the port accepted, the warm-up included.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
QUESTIONS = (
    "how to decontaminate a laboratory after a spill",
    "sample transport to the reference laboratory",
    "protective equipment for border staff",
)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--workdir", required=True, help="what bench/search.py left (DB and index)")
    p.add_argument("--database-url", default="", help="default: the workdir's SQLite file")
    p.add_argument("--rounds", type=int, default=3)
    return p.parse_args()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        assert response.status == 200, response.status
    return (time.perf_counter() - start) * 1000


WARMED = "search warmed up"


def one_start(env: dict, warm: bool, log_path: Path, wait: float | None) -> dict:
    """``wait``: None = search at once; a number = seconds after the port opens (with
    the warm-up on: until it is done, at least that)."""
    port = free_port()
    env = {**env, "FRONTLINE_SEARCH_WARM": "1" if warm else "0"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "frontline.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.perf_counter() - started > 120:
                    raise RuntimeError(f"daphne did not start:\n{log_path.read_text()}") from None
                time.sleep(0.05)
        listening = time.perf_counter() - started
        warmed = 0.0
        if wait is not None:
            deadline = time.perf_counter() + 120
            while warm and WARMED not in log_path.read_text() and time.perf_counter() < deadline:
                time.sleep(0.05)
            warmed = time.perf_counter() - started - listening
            time.sleep(max(0.0, wait - warmed))
        base = f"http://127.0.0.1:{port}/search/?q="
        times = [get(base + urllib.parse.quote(q)) for q in QUESTIONS]
        return {"listening": listening, "warmed": warmed, "first": times[0], "later": times[1:]}
    finally:
        process.terminate()
        process.wait(timeout=30)


def main():
    args = parse_args()
    workdir = Path(args.workdir)
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="frontline.settings",
        DATABASE_URL=args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}",
        FRONTLINE_INDEX_DIR=str(workdir / "index"),
        FRONTLINE_VAR_DIR=str(workdir),
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    logs = Path(tempfile.mkdtemp(prefix="frontline-first-search-"))
    runs: dict[bool, list[dict]] = {False: [], True: []}
    at_once: dict[bool, list[dict]] = {False: [], True: []}
    for n in range(args.rounds):
        on = one_start(env, True, logs / f"daphne-{n}-on.log", wait=0.0)
        runs[True].append(on)
        runs[False].append(one_start(env, False, logs / f"daphne-{n}-off.log", on["warmed"]))
        for warm in (False, True):
            at_once[warm].append(one_start(env, warm, logs / f"daphne-{n}-{warm}-now.log", None))
    print(f"first search of a fresh daphne process, ms ({args.rounds} starts each; logs {logs})")
    print(
        f"{'warm-up at start':<18}{'port open s':>12}{'warm-up s':>10}{'first':>9}{'max':>9}"
        f"{'later':>9}{'at once':>9}"
    )
    for warm, found in runs.items():
        firsts = [r["first"] for r in found]
        later = [t for r in found for t in r["later"]]
        now = [r["first"] for r in at_once[warm]]
        print(
            f"{'on' if warm else 'off (peer)':<18}"
            f"{statistics.median(r['listening'] for r in found):>12.2f}"
            f"{statistics.median(r['warmed'] for r in found) if warm else 0.0:>10.2f}"
            f"{statistics.median(firsts):>9.1f}{max(firsts):>9.1f}"
            f"{statistics.median(later):>9.1f}{statistics.median(now):>9.1f}"
        )
    print(
        "\nfirst = GET /search/?q=<question> as an anonymous visitor, after the warm-up "
        "(on) or the same idle wait (off); median of the starts, max beside it; later = "
        "the next two questions (a process that has searched before); at once = the first "
        "search sent the moment the port accepts. Page render, database and search included."
    )


if __name__ == "__main__":
    main()
