"""The schemes, themes and activity types every installation starts with (from the regulation and the seeds)."""

from decimal import Decimal

SCHEMES = [
    {
        "code": "dekomp",
        "short_name": "DeKomp",
        "name": "Desentralisert ordning for kompetanseutvikling i skolen",
        "name_nn": "Desentralisert ordning for kompetanseutvikling i skulen",
        "name_en": "Decentralised scheme for competence development in schools",
        "egenandel_share": Decimal("0.300"),
        "is_partner_required": True,
        "eligible_owner_kinds": ["kommune", "fylkeskommune", "privat_skoleeier"],
        "unit_kinds": ["grunnskole", "videregaende"],
        "coordinator_share_cap": Decimal("0.100"),
    },
    {
        "code": "rekomp",
        "short_name": "ReKomp",
        "name": "Regional ordning for kompetanseutvikling i barnehagen",
        "name_nn": "Regional ordning for kompetanseutvikling i barnehagen",
        "name_en": "Regional scheme for competence development in kindergartens",
        "egenandel_share": Decimal("0"),
        "is_partner_required": True,
        "eligible_owner_kinds": ["kommune", "privat_barnehageeier"],
        "unit_kinds": ["barnehage"],
        "coordinator_share_cap": Decimal("0.100"),
    },
    {
        "code": "kompetanseloftet",
        "short_name": "Kompetanseløftet",
        "name": "Kompetanseløftet for spesialpedagogikk og inkluderende praksis",
        "name_nn": "Kompetanseløftet for spesialpedagogikk og inkluderande praksis",
        "name_en": "Competence boost for special needs education and inclusive practice",
        "egenandel_share": Decimal("0"),
        "is_partner_required": True,
        "eligible_owner_kinds": [
            "kommune",
            "fylkeskommune",
            "privat_skoleeier",
            "privat_barnehageeier",
        ],
        "unit_kinds": ["grunnskole", "videregaende", "barnehage"],
        "coordinator_share_cap": Decimal("0.100"),
    },
]

THEMES = [
    (
        "fagfornyelsen",
        "Implementering av fagfornyelsen",
        "Implementering av fagfornyinga",
        "Implementing the new curriculum",
    ),
    ("grunnleggende-ferdigheter", "Grunnleggende ferdigheter", "Grunnleggjande dugleikar", "Basic skills"),
    ("begynneropplaering", "Begynneropplæring", "Byrjaropplæring", "Early years teaching"),
    (
        "mangfold",
        "Mangfold, inkludering og flerspråklighet",
        "Mangfald, inkludering og fleirspråklegheit",
        "Diversity, inclusion and multilingualism",
    ),
    (
        "kritisk-tenkning",
        "Kritisk tenkning i et elevaktivt klasserom",
        "Kritisk tenking i eit elevaktivt klasserom",
        "Critical thinking in a pupil-active classroom",
    ),
    ("ikt", "Pedagogisk bruk av IKT", "Pedagogisk bruk av IKT", "Pedagogical use of ICT"),
    ("estetiske", "Estetiske læringsprosesser", "Estetiske læringsprosessar", "Aesthetic learning processes"),
    ("elevmedvirkning", "Elevmedvirkning", "Elevmedverknad", "Pupil participation"),
    ("skapende", "Skapende praksiser", "Skapande praksisar", "Creative practices"),
    ("norsk-andresprak", "Norsk som andrespråk", "Norsk som andrespråk", "Norwegian as a second language"),
    ("nyutdannede", "Veiledning av nyutdannede", "Rettleiing av nyutdanna", "Mentoring of newly qualified teachers"),
    (
        "laeringsmiljo",
        "Læringsmiljø og inkluderende fellesskap",
        "Læringsmiljø og inkluderande fellesskap",
        "Learning environment and inclusive communities",
    ),
]

ACTIVITY_TYPES = [
    (
        "samlinger",
        "Samlinger med faglig innlegg, verksted, veiledning og mellomarbeid",
        "Samlingar med fagleg innlegg, verkstad, rettleiing og mellomarbeid",
        "Gatherings with lectures, workshops, guidance and work between sessions",
    ),
    (
        "laerende-nettverk",
        "Lærende nettverk og profesjonelle læringsfellesskap",
        "Lærande nettverk og profesjonelle læringsfellesskap",
        "Learning networks and professional learning communities",
    ),
    (
        "prosessveiledning",
        "Prosessarbeid og prosessveiledning",
        "Prosessarbeid og prosessrettleiing",
        "Process work and process guidance",
    ),
    (
        "kartlegging",
        "Kartlegging, analyse og evaluering",
        "Kartlegging, analyse og evaluering",
        "Joint mapping, analysis and evaluation",
    ),
    (
        "forskning-egen-praksis",
        "Systematisk læring og forskning på egen praksis",
        "Systematisk læring og forsking på eigen praksis",
        "Systematic research on one's own practice",
    ),
    (
        "tverrprofesjonelt",
        "Tverrprofesjonelt samarbeid",
        "Tverrprofesjonelt samarbeid",
        "Cross-professional collaboration",
    ),
    (
        "langsiktige-planer",
        "Langsiktige planer for utviklingsarbeid",
        "Langsiktige planar for utviklingsarbeid",
        "Long-term development plans",
    ),
]


def load_defaults(scheme_model, theme_model, activity_type_model) -> None:
    """Create or update the default schemes, themes and activity types (a migration passes its models)."""
    for data in SCHEMES:
        scheme_model.objects.update_or_create(code=data["code"], defaults=data)
    for position, (code, name, name_nn, name_en) in enumerate(THEMES):
        theme_model.objects.update_or_create(
            code=code, defaults={"name": name, "name_nn": name_nn, "name_en": name_en, "position": position}
        )
    for position, (code, name, name_nn, name_en) in enumerate(ACTIVITY_TYPES):
        activity_type_model.objects.update_or_create(
            code=code, defaults={"name": name, "name_nn": name_nn, "name_en": name_en, "position": position}
        )
