"""Print the demo logins (shown by `make run` before the server starts)."""

from django.core.management.base import BaseCommand

from dekomp.home.demo.personas import DEMO_PASSWORD, DEMO_TOTP_SECRET, PERSONAS, WORKING_GROUP_LEADERS


class Command(BaseCommand):
    help = "Print the demo users, what each one is, and the shared password."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args: object, **options: object) -> None:
        width = max(len(email) for email in [*(p.email for p in PERSONAS), *WORKING_GROUP_LEADERS.values()])
        self.stdout.write(self.style.MIGRATE_HEADING(f"Demo logins (password for all: {DEMO_PASSWORD})"))
        for persona in PERSONAS:
            self.stdout.write(f"  {persona.email.ljust(width)}  {persona.description}")
        self.stdout.write("The other working groups' leaders (they send their region's ranking):")
        for region, email in WORKING_GROUP_LEADERS.items():
            self.stdout.write(f"  {email.ljust(width)}  Leader of working group {region}")
        self.stdout.write("Everyone else in a seat (working groups, the forum) and every contact person logs in too.")
        self.stdout.write(
            f"Office staff (home:office) then give a code: add the TOTP secret {DEMO_TOTP_SECRET} to an authenticator "
            "app, or run: .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('" + DEMO_TOTP_SECRET + "').now())\""
        )
        self.stdout.write(f"Open http://{options['host']}:{options['port']} and log in as one of them.")
