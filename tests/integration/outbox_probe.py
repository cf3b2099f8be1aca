"""A handler the worker loads with ``--include``: it appends a line per run to a file.

The outbox tests count the lines to prove a handler ran exactly once.
"""

import os
from pathlib import Path

from events.registry import register


def record(event) -> None:
    path = Path(os.environ["OUTBOX_PROBE_FILE"])
    with path.open("a") as f:
        f.write(f"{event.pk}\n")


register("expert.joined", record)
