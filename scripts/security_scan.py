"""A bounded wapiti scan of Frontline, signed in as the demo member; fails on any finding
that the README's "Accepted scanner findings" table does not list.

What it does, all on this machine:
1. wapiti3 in its own venv (``.venv-wapiti``: its dependencies clash with the project's);
2. a fresh PostgreSQL database (``SCAN_DATABASE_URL``) with the demo data and index;
3. daphne on a free loopback port (the ``make run`` configuration, tasks in-process);
4. a session cookie from signing in as ``member`` through the real login form;
5. wapiti with modules that only talk to the target, a time limit, ``--no-bugreport``
   and its callback endpoint pointed at a closed loopback port;
6. every vulnerability and anomaly in the JSON report compared with the README.

    .venv/bin/python scripts/security_scan.py [--max-scan-time 150] [--keep-report DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.http_client import sign_in  # noqa: E402  (the standard library only)

BIN = Path(sys.executable).parent
WAPITI_VENV = Path(os.environ.get("WAPITI_VENV", ROOT / ".venv-wapiti"))
WAPITI_VERSION = "3.2.3"
DB_URL = os.environ.get("SCAN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/frontline_scan")
# Modules that send requests to the target only. Left out: ssrf, xxe, log4shell and
# takeover (they call outside endpoints), wapp, htp, nikto and cms (they download
# databases), buster, brute_login_form, timesql and backup (long brute force).
MODULES = (
    "xss,permanentxss,sql,exec,file,redirect,crlf,csp,http_headers,cookieflags,"
    "csrf,methods,upload,htaccess,shellshock,ldap"
)
# Signing out would end the scan's session; the admin is staff-only (the member gets
# the login page); static files and the WebSocket are not forms.
EXCLUDE = ["/accounts/logout/*", "/admin/*", "/static/*", "/ws/*", "/i18n/*"]
README_SECTION = "Accepted scanner findings"
MIN_CRAWLED = 50


def log(message: str) -> None:
    print(f"[security-scan] {message}", flush=True)


def ensure_wapiti() -> Path:
    wapiti = WAPITI_VENV / "bin" / "wapiti"
    if wapiti.exists():
        return wapiti
    log(f"installing wapiti3 {WAPITI_VERSION} into {WAPITI_VENV}")
    subprocess.run([sys.executable, "-m", "venv", str(WAPITI_VENV)], check=True)
    subprocess.run(
        [str(WAPITI_VENV / "bin" / "pip"), "install", "-q", f"wapiti3=={WAPITI_VERSION}"],
        check=True,
    )
    return wapiti


def fresh_database(env: dict) -> None:
    import psycopg

    parsed = urllib.parse.urlparse(DB_URL)
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    # One process for the three commands: Django starts once.
    setup = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('migrate', interactive=False, verbosity=0); "
        "call_command('seed_demo'); call_command('search_rebuild')"
    )
    done = subprocess.run(
        [str(BIN / "python"), "-c", setup],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "frontline.settings"},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"setting up the scan's database failed:\n{done.stderr[-4000:]}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_daphne(env: dict, log_path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "frontline.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"daphne did not start:\n{log_path.read_text()}") from None
            time.sleep(0.2)


def accepted_findings(readme: Path) -> list[tuple[str, str]]:
    """(category, path) pairs from the README table; ``*`` in a path matches anything."""
    text = readme.read_text()
    match = re.search(rf"^#+ {README_SECTION}\n(.*?)(?=^#+ |\Z)", text, re.M | re.S)
    if not match:
        raise RuntimeError(f"README.md has no section '{README_SECTION}'")
    rows = []
    for line in match.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0] and not set(cells[0]) <= {"-", " "}:
            if cells[0].lower() == "category":
                continue
            rows.append((cells[0].strip("`"), cells[1].strip("`")))
    return rows


def is_accepted(category: str, path: str, accepted: list[tuple[str, str]]) -> bool:
    for acc_category, acc_path in accepted:
        pattern = "^" + re.escape(acc_path).replace(r"\*", ".*") + "$"
        if acc_category.lower() == category.lower() and re.match(pattern, path):
            return True
    return False


def findings(report: dict) -> list[tuple[str, str, str]]:
    """(category, path, info) for every vulnerability and anomaly the report lists."""
    found = []
    for section in ("vulnerabilities", "anomalies"):
        for category, entries in (report.get(section) or {}).items():
            for entry in entries:
                found.append((category, entry.get("path", ""), entry.get("info", "")))
    return found


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-scan-time", type=int, default=110)
    parser.add_argument("--max-attack-time", type=int, default=10)
    parser.add_argument("--keep-report", type=Path)
    args = parser.parse_args()
    started = time.monotonic()
    wapiti = ensure_wapiti()
    work = Path(tempfile.mkdtemp(prefix="frontline-scan-"))
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        DATABASE_URL=DB_URL,
        FRONTLINE_VAR_DIR=str(work / "var"),
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="1",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    log("fresh database with the demo data")
    fresh_database(env)
    log(f"set up in {time.monotonic() - started:.0f} s")
    daphne, base_url = start_daphne(env, work / "daphne.log")
    try:
        cookie = sign_in(base_url, "member", "frontline-demo")
        log(f"signed in as member; scanning {base_url} (at most {args.max_scan_time} s)")
        report_path = work / "report.json"
        command = [
            str(wapiti),
            "-u",
            f"{base_url}/",
            "--scope",
            "folder",
            "-m",
            MODULES,
            "-C",
            cookie,
            "--max-scan-time",
            str(args.max_scan_time),
            "--max-attack-time",
            str(args.max_attack_time),
            # A bounded crawl: the demo has 700 pages, most of them alike (one per
            # agency, expert, country); two levels and a few links per page reach
            # every kind of page and form.
            "-d",
            "2",
            "--max-links-per-page",
            "12",
            "--max-files-per-dir",
            "4",
            "--max-parameters",
            "6",
            "--tasks",
            "4",
            "-t",
            "10",
            "--endpoint",
            "http://127.0.0.1:9/",
            "--no-bugreport",
            "--flush-session",
            "--store-session",
            str(work / "session"),
            "--store-config",
            str(work / "config"),
            "-f",
            "json",
            "-o",
            str(report_path),
            "-v",
            "1",
        ]
        for pattern in EXCLUDE:
            command += ["-x", f"{base_url}{pattern}"]
        scan = subprocess.run(command, cwd=work, env={**os.environ, "HOME": str(work)})
        if scan.returncode != 0 or not report_path.exists():
            log(f"wapiti failed (exit {scan.returncode})")
            return 1
    finally:
        daphne.terminate()
        daphne.wait(timeout=20)
    report = json.loads(report_path.read_text())
    if args.keep_report:
        args.keep_report.mkdir(parents=True, exist_ok=True)
        shutil.copy(report_path, args.keep_report / "wapiti-report.json")
    accepted = accepted_findings(ROOT / "README.md")
    found = findings(report)
    new = [f for f in found if not is_accepted(f[0], f[1], accepted)]
    crawled = report.get("infos", {}).get("crawled_pages_nbr", 0)
    log(
        f"{crawled} pages crawled, {len(found)} findings, {len(found) - len(new)} accepted, "
        f"{len(new)} new, in {time.monotonic() - started:.0f} s"
    )
    for category, path, info in new:
        log(f"NEW: {category} at {path}: {info}")
    shutil.rmtree(work, ignore_errors=True)
    if crawled < MIN_CRAWLED:  # a scan that reached nothing proves nothing
        log(f"only {crawled} pages crawled (at least {MIN_CRAWLED} expected): failing")
        return 1
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
