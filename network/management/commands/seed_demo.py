"""Load the demo data: deterministic, and safe to run again."""

from django.core.management.base import BaseCommand

from capacity.demo import seed_capacity
from network.demo import DEMO_PASSWORD, seed_network
from sops.demo import seed_sops
from sops.demo_compliance import seed_compliance
from training.demo import seed_training


class Command(BaseCommand):
    help = "Create or refresh the demo network (and, as apps add them, demo procedures)."

    def handle(self, *args, **options):
        counts = seed_network()
        self.stdout.write("Demo network: " + ", ".join(f"{n} {name}" for name, n in counts.items()))
        sop_counts = seed_sops()
        self.stdout.write(
            "Demo procedures: " + ", ".join(f"{n} {name}" for name, n in sop_counts.items())
        )
        compliance = seed_compliance()
        self.stdout.write(
            "Demo compliance: " + ", ".join(f"{n} {name}" for name, n in compliance.items())
        )
        capacity = seed_capacity()
        self.stdout.write(
            "Demo capacities: " + ", ".join(f"{n} {name}" for name, n in capacity.items())
        )
        training = seed_training()
        self.stdout.write(
            "Demo trainings and exercises: "
            + ", ".join(f"{n} {name}" for name, n in training.items())
        )
        self.stdout.write(
            f"Demo accounts (password '{DEMO_PASSWORD}'): staff, admin, publisher, editor, "
            "member, outsider, applicant; staff and admin also need the code printed by "
            "`manage.py demo_code staff` (or `admin`)"
        )
