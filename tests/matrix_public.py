"""Permission-matrix cases for the public list and open data (joined into MATRIX by test_permission_matrix)."""

from tests.matrix import Case, everyone
from tests.personas import World


def _published_round(world: World):
    """A round at the world's office in the decision stage with one granted measure (made once)."""
    from dekomp.decisions.tests.factories import decided
    from dekomp.needs.tests.factories import open_round
    from dekomp.schemes.models import Round, RoundStatus

    existing = Round.objects.filter(office=world.office, name="Matrise-publisert").first()
    if existing:
        return existing
    round = open_round(world.office, name="Matrise-publisert")
    round.status = RoundStatus.DECISION
    round.save()
    decided(world, 1, round=round)
    return round


def _round_args(world: World) -> list[object]:
    return [world.office.slug, _published_round(world).year]


# No login anywhere: everyone reads the list and its open data; nothing is posted.
CASES: dict[str, Case] = {
    "public:index": Case(lambda w: [], {"GET": everyone(200), "POST": everyone(405)}),
    "public:round": Case(_round_args, {"GET": everyone(200), "POST": everyone(405)}),
    "public:round_csv": Case(_round_args, {"GET": everyone(200), "POST": everyone(405)}),
    "public:round_json": Case(_round_args, {"GET": everyone(200), "POST": everyone(405)}),
}
