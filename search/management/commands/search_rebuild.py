"""Rebuild the search index from the database, in chunks, with a progress bar."""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from search import index


class Command(BaseCommand):
    help = "Rebuild the whole search index from the database (the live index stays usable)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk", type=int, default=index.COMMIT_EVERY, help="documents per commit"
        )
        parser.add_argument("--quiet-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--procs",
            type=int,
            default=min(2, os.cpu_count() or 1),
            help="processes analysing documents (default: up to 2, one per core)",
        )

    def handle(self, *args, chunk: int, quiet_progress: bool, procs: int, **options):
        started = time.monotonic()
        try:
            index.open_index()
        except index.IndexUnavailable as exc:
            self.stdout.write(f"Current index: {exc}")
        bar = None if quiet_progress else self._bar
        try:
            count = index.rebuild(chunk=chunk, progress=bar, procs=procs)
        except index.IndexUnavailable as exc:
            raise CommandError(f"Rebuild failed, the live index is unchanged: {exc}") from exc
        if bar:
            self.stdout.write("")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {count} documents into {index.index_dir()} in {elapsed:.1f} s; "
                f"peak memory {peak_memory_mb():.0f} MB"
                + (
                    f", {children_peak_mb():.0f} MB in the largest analysing process."
                    if procs > 1
                    else "."
                )
            )
        )

    def _bar(self, done: int, total: int) -> None:
        total = max(total, done, 1)
        width = 30
        filled = int(width * done / total)
        line = f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        self.stdout.write(line, ending="")
        self.stdout.flush()


def peak_memory_mb() -> float:
    """This process's own peak resident memory.

    Linux's VmHWM belongs to the running program only; ``ru_maxrss`` would also count the
    parent's memory that a freshly spawned child briefly shares before it execs, which
    made a rebuild started from a large process look as large as its parent.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_mb() -> float:
    """The largest peak resident memory of this process's finished children (each also
    counts the pages it shares with this process, so adding the two overstates)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
