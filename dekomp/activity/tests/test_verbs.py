"""History lines read as sentences: the actor's name, then the verb's label ("Per Partner bekreftet partnerskapet")."""

import pytest
from django.utils import translation

from dekomp.activity.verbs import VERBS, verb_label

# The past-tense verbs the labels start with. A label that starts with anything else ("partneren bekreftet", "rapport
# forventet") does not read after a name; add a verb here only when the new label does.
PAST_TENSE = {
    "aksepterte", "anonymiserte", "avgjorde", "avslo", "ba", "bekreftet", "eksporterte", "endret", "fattet", "fjernet",
    "flyttet", "forberedte", "frigav", "godkjente", "kjørte", "kommenterte", "krevde", "la", "laget", "lagret",
    "lastet", "markerte", "meldte", "minnet", "oppga", "opprettet", "overførte", "registrerte", "returnerte", "satte",
    "sendte", "stemte", "trakk", "vedtok", "vurderte", "åpnet",
}  # fmt: skip


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_every_label_starts_with_a_verb_in_the_past_tense(verb):
    with translation.override("nb"):
        assert verb_label(verb).split()[0] in PAST_TENSE, f"{verb}: «{verb_label(verb)}» does not follow a name"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nb", "bekreftet partnerskapet"), ("nn", "stadfesta partnarskapet"), ("en", "confirmed the partnership")],
)
def test_a_partners_confirmation_reads_as_a_sentence(language, expected):
    with translation.override(language):
        assert f"Per Partner {verb_label('partner_confirmed')}" == f"Per Partner {expected}"
