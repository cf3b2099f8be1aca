"""Compare a search index copy with the database: missing, stale and extra documents."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from search import index

SHOWN = 20


class Command(BaseCommand):
    help = "Report documents missing, stale or extra in the search index; --fix repairs them."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="update, add and delete to match")
        parser.add_argument(
            "--index-dir",
            type=Path,
            help="the index copy to compare (default: this host's FRONTLINE_INDEX_DIR)",
        )

    def handle(self, *args, fix: bool, index_dir: Path | None, **options):
        report = index.check(fix=fix, path=index_dir)
        self.stdout.write(f"Index copy: {report.path}")
        if report.error:
            self.stdout.write(self.style.ERROR(f"Search index unusable: {report.error}"))
            if report.fixed:
                self.stdout.write(self.style.SUCCESS("Rebuilt it from the database."))
                return
            raise CommandError("Run `manage.py search_check --fix` or `search_rebuild`.")
        for label, keys in (
            ("missing", report.missing),
            ("stale", report.stale),
            ("extra", report.extra),
        ):
            shown = ", ".join(keys[:SHOWN]) + (" ..." if len(keys) > SHOWN else "")
            self.stdout.write(f"{label}: {len(keys)}" + (f" ({shown})" if keys else ""))
        if report.ok:
            self.stdout.write(self.style.SUCCESS("The search index matches the database."))
        elif report.fixed:
            self.stdout.write(self.style.SUCCESS("Fixed: the index now matches the database."))
        else:
            self.stdout.write(self.style.WARNING("Run with --fix to repair."))
