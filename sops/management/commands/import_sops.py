"""``manage.py import_sops PATH --agency CODE [--as USERNAME]``: the logic is in sops.importing."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from frontline.errors import NotAllowed
from network.models import Agency, Membership
from sops.importing import records_import, records_read
from sops.models import SOP
from sops.permissions import can_publish_sop

HELP = """Publish an agency's existing procedures, from a folder of Markdown files or a
JSON-lines file, through the same workflow as the pages (same permissions, versions and
events). A new reference becomes version 1.0; a changed text or title becomes a new
version with the record's summary ("Imported revision" if none); changed topics,
visibility, countries or partners alone are applied without a new version; an unchanged
record is left alone. A bad record is reported with its file or line and skipped.

Markdown (every *.md file under PATH, in name order): front matter between two --- lines,

    ---
    reference: BCP-BIO-001        (default: the file name without .md)
    title: Suspected biological substance at a crossing point
                                  (default: a first body line "# Title", then dropped)
    language: en                  (a language code known to the platform)
    topics: [detection-sampling, cat-b]   (topic slugs; a list or comma-separated)
    summary: What changed         (optional: the change summary)
    ---
    the procedure in Markdown ...

JSON lines (one object a line): {"reference", "title", "body", "language", "topics": [...],
"summary"?}. Both formats also take the optional keys change_kind (editorial, minor,
major; minor by default), visibility (public, network, agency), countries (ISO codes),
partners (agency codes that may see an agency-only SOP), effective_date and review_due
(YYYY-MM-DD)."""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        from argparse import RawDescriptionHelpFormatter

        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser):
        parser.add_argument("path", help="a folder of Markdown files or a .jsonl file")
        parser.add_argument("--agency", required=True, help="code of the owning agency")
        parser.add_argument(
            "--as",
            dest="username",
            help="the publisher to act as (default: the agency's first approved publisher, "
            "or its first admin if it has no publisher)",
        )

    def handle(self, *args, path, agency, username, verbosity=1, **options):
        try:
            owner = Agency.objects.get(code=agency)
        except Agency.DoesNotExist:
            raise CommandError(f"No agency with code {agency!r}.") from None
        user = self._acting_user(owner, username)
        try:
            records = records_read(path)
        except FileNotFoundError:
            raise CommandError(f"{path} is neither a folder nor a file.") from None
        if not records:
            raise CommandError(f"No records found in {path}.")
        self.stdout.write(
            f"Importing {len(records)} record(s) into {owner.code} as {user.get_username()}"
        )

        def progress(done, total, source, outcome):
            if verbosity >= 1:
                self.stdout.write(f"[{done:>{len(str(total))}}/{total}] {outcome:<9} {source}")

        try:
            result = records_import(agency=owner, records=records, by=user, progress=progress)
        except NotAllowed as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            "Done: " + ", ".join(f"{n} {name}" for name, n in result.counts().items())
        )
        for skipped in result.skipped:
            self.stdout.write(f"  skipped {skipped.source}: {skipped.reason}")

    def _acting_user(self, agency: Agency, username: str | None):
        if username:
            user = get_user_model().objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"No active user {username!r}.")
            if not can_publish_sop(user, SOP(agency=agency)):
                raise CommandError(f"{username} is not a publisher of {agency.code}.")
            return user
        approved = Membership.objects.filter(
            agency=agency, status=Membership.Status.APPROVED, expert__user__is_active=True
        ).select_related("expert__user")
        # Publishers publish; an admin only when the agency has no publisher.
        membership = (
            approved.filter(role=Membership.Role.PUBLISHER).order_by("pk").first()
            or approved.filter(role=Membership.Role.ADMIN).order_by("pk").first()
        )
        if membership is None:
            raise CommandError(
                f"{agency.code} has no approved publisher or admin: name one with --as USERNAME."
            )
        return membership.expert.user
