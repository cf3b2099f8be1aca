"""Generate the Python client of a served schema with openapi-python-client, in its own venv.

``python generate.py SCHEMA_URL OUT_DIR``: makes ``var/api-client-venv`` once (pinned in
requirements.txt beside this file; made again when that file changes), fetches the schema,
generates the package ``frontline_client`` into OUT_DIR and prints the venv's python, which
has what the generated code imports (httpx, attrs, python-dateutil).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import urllib.request
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
VENV = ROOT / "var" / "api-client-venv"
REQUIREMENTS = HERE / "requirements.txt"


def client_venv() -> Path:
    """The generator's venv, made (or remade) when the pinned requirements changed."""
    stamp = VENV / ".requirements-sha256"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != wanted:
        venv.EnvBuilder(clear=True, with_pip=True).create(VENV)
        subprocess.run(
            [str(VENV / "bin" / "pip"), "install", "-q", "-r", str(REQUIREMENTS)], check=True
        )
        stamp.write_text(wanted)
    return VENV / "bin"


def generate(schema_url: str, out_dir: Path) -> Path:
    bin_dir = client_venv()
    out_dir.mkdir(parents=True, exist_ok=True)
    schema = out_dir / "schema.json"
    with urllib.request.urlopen(f"{schema_url}?format=json", timeout=30) as response:
        schema.write_bytes(response.read())
    package = out_dir / "frontline_client"
    subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(schema),
            "--config",
            str(HERE / "config.yaml"),
            "--meta",
            "none",
            "--output-path",
            str(package),
            "--overwrite",
            "--fail-on-warning",
        ],
        check=True,
    )
    return bin_dir / "python"


if __name__ == "__main__":
    print(generate(sys.argv[1], Path(sys.argv[2])))
