"""Page weight and Lighthouse scores of the main pages, first and repeat visit.

Prints figures, asserts nothing. Starts ``make run`` (the embedded default, demo data)
on a port of its own in a temporary ``FRONTLINE_VAR_DIR`` (or measures ``--url``), signs
in as the demo ``member`` and runs Lighthouse 12 (npm ``lighthouse@12.2.3``, installed
into a cache directory on first use) with Debian's Chromium, mobile preset (Lighthouse's
default: a mid-range phone on slow 4G, simulated), on the home page, an SOP page, search
results and the expert directory.

    .venv/bin/python bench/pages.py                       # starts make run on a free port
    .venv/bin/python bench/pages.py --url http://127.0.0.1:8000 --runs 3

First visit: an empty cache. Repeat visit: Lighthouse again in the same browser without
clearing its cache (``--disable-storage-reset``), as a person opening the page again.
Weights are the bytes transferred (Lighthouse's ``total-byte-weight``), headers included.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

import common  # noqa: E402  (bench/common.py)

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))  # after bench/: its common.py, and the root's tests package
from tests import http_client  # noqa: E402  (the standard library only)

LIGHTHOUSE = "lighthouse@12.2.3"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "frontline-lighthouse"
CHROMIUM = os.environ.get("FRONTLINE_CHROMIUM", "/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices")
USER, PASSWORD = "member", "frontline-demo"


def lighthouse_bin() -> Path:
    binary = CACHE / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        print(f"installing {LIGHTHOUSE} into {CACHE} ...", flush=True)
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--silent", "--no-save", "--prefix", str(CACHE), LIGHTHOUSE],
            check=True,
        )
    return binary


def start_make_run(port: int, var_dir: Path, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(FRONTLINE_VAR_DIR=str(var_dir), LOG_LEVEL="WARNING")
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    common.wait_for_port("127.0.0.1", port, 600, process)
    return process


def sign_in(base: str) -> str:
    """The Cookie header of a signed-in demo member (to find the pages to measure)."""
    try:
        return http_client.sign_in(base, USER, PASSWORD)
    except RuntimeError as exc:
        raise SystemExit(f"could not sign in as {USER}: {exc}") from None


def put_cookies(port: int, base: str, cookie: str) -> None:
    """Give the browser the session in its own cookie jar: Chromium replaces an extra
    Cookie header with the jar's as soon as a page has set any cookie there."""
    from playwright.sync_api import sync_playwright

    host = urllib.parse.urlsplit(base).hostname
    with sync_playwright() as pw:
        browser = pw.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
        browser.contexts[0].add_cookies(
            [
                {"name": k, "value": v, "domain": host, "path": "/"}
                for k, v in (part.split("=", 1) for part in cookie.split("; "))
            ]
        )


def pages(base: str, cookie: str) -> dict[str, str]:
    request = urllib.request.Request(f"{base}/sops/", headers={"Cookie": cookie})
    listing = urllib.request.urlopen(request).read().decode()
    sop = re.search(r'href="(/sops/\d+/[^"]*)"', listing).group(1)
    return {
        "home": "/",
        "SOP page": sop,
        "search results": "/search/?q=decontamination",
        "expert directory": "/experts/",
    }


def lighthouse(binary: Path, url: str, port: int, out: Path, *, repeat: bool):
    args = [
        str(binary),
        url,
        f"--port={port}",
        "--output=json",
        f"--output-path={out}",
        "--only-categories=" + ",".join(CATEGORIES),
        "--quiet",
    ]
    if repeat:
        args.append("--disable-storage-reset")
    subprocess.run(args, check=True)
    report = json.loads(out.read_text())
    if report.get("runtimeError"):
        raise SystemExit(f"{url}: {report['runtimeError']['message']}")
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    failed = sorted(
        audit_id
        for c in CATEGORIES[1:]
        for ref in report["categories"][c]["auditRefs"]
        if ref["weight"]
        and (audit_id := ref["id"])
        and (report["audits"][audit_id].get("score") is not None)
        and report["audits"][audit_id]["score"] < 1
    )
    audits = report["audits"]
    requested = [r["url"] for r in audits["network-requests"]["details"]["items"]]
    if not any("notifications" in u for u in requested):  # its script is for members only
        raise SystemExit(f"{url}: measured signed out, not as {USER}")
    return {
        **scores,
        "bytes": audits["total-byte-weight"]["numericValue"],
        "fcp": audits["first-contentful-paint"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "failed": failed,
    }


def measure(binary: Path, base: str, cookie: str, runs: int, work: Path, only: str) -> dict:
    results: dict[str, dict[str, list]] = {}
    for name, path in pages(base, cookie).items():
        if only and only not in name:
            continue
        for run in range(runs):
            port = common.free_port()
            profile = work / f"profile-{port}"
            chrome = subprocess.Popen(
                [
                    CHROMIUM,
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    f"--remote-debugging-port={port}",
                    f"--user-data-dir={profile}",
                    "about:blank",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                common.wait_for_port("127.0.0.1", port, 30)
                put_cookies(port, base, cookie)
                for visit in ("first", "repeat"):
                    out = work / f"{name.replace(' ', '-')}-{run}-{visit}.json"
                    figures = lighthouse(binary, base + path, port, out, repeat=visit == "repeat")
                    entry = results.setdefault(name, {}).setdefault(visit, [])
                    entry.append(figures)
            finally:
                chrome.terminate()
                chrome.wait(timeout=10)
                shutil.rmtree(profile, ignore_errors=True)
        results[name]["path"] = path
    return results


def report(results: dict, runs: int) -> None:
    print(f"\nLighthouse 12.2.3, mobile preset, median of {runs} run(s) per page and visit")
    print(
        f"{'page':<18} {'visit':<7} {'perf':>4} {'a11y':>4} {'best':>4} "
        f"{'KB sent':>8} {'FCP ms':>7} {'LCP ms':>7} {'TBT ms':>6} {'CLS':>5}  not passed"
    )
    for name, visits in results.items():
        for visit in ("first", "repeat"):
            rows = visits[visit]

            def median(key, rows=rows):
                return statistics.median(r[key] for r in rows)

            failed = sorted({a for r in rows for a in r["failed"]})
            print(
                f"{name:<18} {visit:<7} {median('performance'):>4.0f} "
                f"{median('accessibility'):>4.0f} {median('best-practices'):>4.0f} "
                f"{median('bytes') / 1024:>8.1f} {median('fcp'):>7.0f} {median('lcp'):>7.0f} "
                f"{median('tbt'):>6.0f} {median('cls'):>5.2f}  " + (", ".join(failed) or "-")
            )
    print("\npages: " + ", ".join(f"{n} {v['path']}" for n, v in results.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="measure this running server instead of make run")
    parser.add_argument("--port", type=int, help="port for make run (default: a free one)")
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page and visit")
    parser.add_argument("--only", help="measure only the pages whose names contain this")
    args = parser.parse_args()
    binary = lighthouse_bin()
    with tempfile.TemporaryDirectory(prefix="frontline-pages-") as tmp:
        work = Path(tmp)
        server = None
        base = args.url
        if not base:
            args.port = args.port or common.free_port()
            print(f"starting make run on port {args.port} (log: {work / 'run.log'}) ...")
            server = start_make_run(args.port, work / "var", work / "run.log")
            base = f"http://127.0.0.1:{args.port}"
        try:
            cookie = sign_in(base)
            results = measure(binary, base, cookie, args.runs, work, args.only or "")
        finally:
            if server is not None:
                os.killpg(server.pid, 15)
                server.wait(timeout=30)
        report(results, args.runs)


if __name__ == "__main__":
    sys.exit(main())
