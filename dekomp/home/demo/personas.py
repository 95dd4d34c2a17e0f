"""The demo users, one per persona; the README's table of logins is this list."""

from dataclasses import dataclass

DEMO_PASSWORD = "demo"  # noqa: S105 - the published password of the demo users
# The published TOTP secret of the demo's office staff (they log in with a code after the password): add it to an
# authenticator app, or compute the code with `python -c "import pyotp; print(pyotp.TOTP('<secret>').now())"`.
DEMO_TOTP_SECRET = "DEKOMPDEMOTOTPSECRETFORSTAFF2345"  # noqa: S105 - published, like the password
DEMO_OFFICE_SLUG = "ostfold-buskerud-oslo-og-akershus"
OTHER_OFFICE_SLUG = "vestland"


@dataclass(frozen=True)
class Persona:
    """A demo login: who it is, what it does, and the home it lands on (``home`` is a URL name)."""

    email: str
    full_name: str
    description: str
    home: str
    language: str = "nb"


PERSONAS = [
    Persona(
        "eier@demo.no",
        "Eva Eiersen",
        "Innsender for Fredrikstad kommune (skoleeier og barnehageeier)",
        "home:owner",
    ),
    Persona(
        "medeier@demo.no",
        "Morten Medeier",
        "Innsender for Sarpsborg kommune (medeier i nettverk)",
        "home:owner",
    ),
    Persona(
        "eier.nynorsk@demo.no",
        "Nils Nynorsk",
        "Innsendar for Ål kommune (målform nynorsk)",
        "home:owner",
        language="nn",
    ),
    Persona("privat@demo.no", "Pia Privat", "Innsender for en privat barnehageeier", "home:owner"),
    Persona("partner@demo.no", "Per Partner", "Kontaktperson ved OsloMet (UH-partner)", "home:partner"),
    Persona(
        "partner.hio@demo.no",
        "Hanne Høgskole",
        "Kontaktperson ved Høgskolen i Østfold (UH-partner)",
        "home:partner",
    ),
    Persona(
        "arbeidsgruppe@demo.no",
        "Arne Arbeidsgruppe",
        "Medlem av arbeidsgruppe Østfold (for Halden kommune)",
        "home:working_group",
    ),
    Persona(
        "arbeidsgruppeleder@demo.no",
        "Lise Leder",
        "Leder av arbeidsgruppe Østfold (for Fredrikstad kommune)",
        "home:working_group",
    ),
    Persona("forum@demo.no", "Frida Forum", "Medlem av samarbeidsforumet (for Utdanningsforbundet)", "home:forum"),
    Persona("forumleder@demo.no", "Fredrik Forumleder", "Leder av samarbeidsforumet (for KS)", "home:forum"),
    Persona(
        "sekretariat@demo.no",
        "Siri Sekretariat",
        "Statsforvalteren: sekretariat for forumet og saksbehandler",
        "home:office",
    ),
    Persona("saksbehandler@demo.no", "Sara Saksbehandler", "Saksbehandler hos Statsforvalteren", "home:office"),
    Persona("embetsadmin@demo.no", "Espen Embetsadmin", "Embetsadministrator hos Statsforvalteren", "home:office"),
    Persona(
        "saksbehandler.vestland@demo.no",
        "Vera Vestland",
        "Saksbehandler hos Statsforvalteren i Vestland (et annet embete)",
        "home:office",
    ),
    Persona("udir@demo.no", "Ulrik Udir", "Nasjonal leser (Utdanningsdirektoratet)", "home:national"),
]

# The other four working groups' leaders (Østfold's is a persona above): each region ranks only when its leader sends
# the ranking, so these log in too. Every other demo user in a seat also has the password ``demo``.
REGION_SLUGS = {
    "Østfold": "ostfold",
    "Buskerud": "buskerud",
    "Oslo": "oslo",
    "Romerike og Hadeland": "romerike",
    "Follo og Vestområdet": "follo",
}
WORKING_GROUP_LEADERS = {
    region: f"ag.{slug}.leder@demo.no" for region, slug in REGION_SLUGS.items() if region != "Østfold"
}
