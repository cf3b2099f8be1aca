"""The CI scan's gate: the README's accepted findings parse, and anything else fails it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("security_scan", ROOT / "scripts/security_scan.py")
scan = importlib.util.module_from_spec(spec)
spec.loader.exec_module(scan)


def test_every_accepted_finding_has_a_reason_and_unknown_ones_are_new():
    accepted = scan.accepted_findings(ROOT / "README.md")
    assert ("Secure Flag cookie", "/") in accepted
    text = (ROOT / "README.md").read_text().split(f"### {scan.README_SECTION}")[1]
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith(("| category", "| ---")):
            assert len(line.split("|")[3].strip()) > 40, f"no reason given: {line}"
    report = {
        "vulnerabilities": {"Secure Flag cookie": [{"path": "/", "info": "csrftoken"}]},
        "anomalies": {"Internal Server Error": [{"path": "/sops/", "info": "500"}]},
    }
    found = scan.findings(report)
    new = [f for f in found if not scan.is_accepted(f[0], f[1], accepted)]
    assert new == [("Internal Server Error", "/sops/", "500")]


def test_the_scan_only_runs_modules_that_stay_on_this_host():
    modules = set(scan.MODULES.split(","))
    assert not modules & {"ssrf", "xxe", "log4shell", "takeover", "wapp", "nikto", "cms", "htp"}
    assert {"xss", "permanentxss", "sql", "csp", "http_headers"} <= modules
