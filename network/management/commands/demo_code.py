"""Print the current second-factor code of a demo account (``staff``, ``admin``).

Only for the demo's public authenticator key and only with DEBUG on: it can never show
the code of a real person's device.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from network.demo import DEMO_TOTP_KEY


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo account whose key is the demo key."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default="staff")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("demo_code works only with DEBUG=1 (a development machine).")
        device = TOTPDevice.objects.filter(
            user__username=username, confirmed=True, key=DEMO_TOTP_KEY
        ).first()
        if device is None:
            raise CommandError(f"{username} has no demo authenticator (run seed_demo).")
        code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
        self.stdout.write(f"{code:0{device.digits}d}")
