"""Remove a user's authenticator device (a lost phone): they set up a new one at their next login."""

from django.core.management.base import BaseCommand, CommandError

from dekomp.accounts.models import User
from dekomp.accounts.services import two_factor_reset


class Command(BaseCommand):
    help = "Reset a user's two-factor login (TOTP): they set up their authenticator app again at the next login."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")

    def handle(self, *args: object, **options: object) -> None:
        try:
            user = User.objects.get(email=str(options["email"]).strip().lower())
        except User.DoesNotExist:
            raise CommandError(f"No user with the e-mail address {options['email']}.") from None
        if two_factor_reset(user=user, by=None):
            self.stdout.write(f"Two-factor login reset for {user.email}: they set it up again at the next login.")
        else:
            self.stdout.write(f"{user.email} had no two-factor device.")
