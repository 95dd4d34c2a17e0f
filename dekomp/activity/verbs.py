"""Readable labels for the verbs services record, as the log pages show them; an unknown verb shows as its code.

Each label follows the actor's name in a history line ("Per Partner bekreftet partnerskapet"), so it starts with a
verb in the past tense (tested in dekomp/activity/tests/test_verbs.py).
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

VERBS: dict[str, Promise] = {
    # Needs reports
    "created": _("opprettet"),
    "copied": _("opprettet som kopi"),
    "saved_basics": _("lagret tiltak og eiere"),
    "saved_units": _("lagret enheter og målgrupper"),
    "saved_partners": _("lagret partnere"),
    "saved_content": _("lagret behov, mål og innhold"),
    "saved_anchoring": _("lagret forankring"),
    "saved_budget": _("lagret periode og budsjett"),
    "attachment_added": _("la til vedlegg"),
    "attachment_removed": _("fjernet vedlegg"),
    "partner_confirmed": _("bekreftet partnerskapet"),
    "partner_declined": _("avslo å være partner"),
    "co_owner_confirmed": _("bekreftet medeierskapet"),
    "co_owner_declined": _("avslo å være medeier"),
    "submitted": _("sendte inn"),
    "resubmitted": _("sendte inn på nytt"),
    "returned": _("returnerte for endringer"),
    "checked": _("godkjente formell kontroll"),
    "withdrawn": _("trakk behovsmeldingen"),
    # Rounds
    "round_status": _("endret rundens status"),
    "deadline_reopened": _("åpnet fristen igjen for en eier"),
    # Working groups
    "ranking_moved": _("flyttet en behovsmelding i prioriteringen"),
    "ranking_ordered": _("lagret rekkefølgen"),
    "ranking_assessed": _("vurderte beløp"),
    "ranking_submitted": _("sendte prioriteringen til forumet"),
    "ranking_reopened": _("åpnet prioriteringen igjen"),
    "reminded_ranking_deadline": _("minnet arbeidsgruppen på fristen for prioriteringen"),
    "member_commented": _("kommenterte"),
    "reassigned": _("flyttet til en annen arbeidsgruppe"),
    "interest_declared": _("oppga en tilknytning"),
    "recusal_declared": _("meldte seg inhabil"),
    # Allocation
    "envelopes_set": _("satte regionenes rammer"),
    "allocation_proposed": _("kjørte fordelingen"),
    "recommendation_changed": _("endret innstillingen"),
    "recommendation_approved": _("vedtok innstillingen"),
    "recommendation_new_version": _("laget en ny versjon av innstillingen"),
    "meeting_recorded": _("registrerte et møte"),
    "reminded_forum_meeting": _("minnet forumet på møtet"),
    "voted": _("stemte"),
    "plan_uploaded": _("lastet opp langsiktig plan"),
    # Decisions
    "decision_prepared": _("forberedte vedtaket fra innstillingen"),
    "decisions_prepared": _("forberedte vedtakene"),
    "decision_changed": _("endret vedtaket"),
    "decision_decided": _("fattet vedtaket"),
    "decisions_decided": _("fattet vedtakene"),
    "letter_sent": _("sendte vedtaksbrevet"),
    "terms_accepted": _("aksepterte vilkårene"),
    "change_requested": _("ba om endring"),
    "change_request_created": _("opprettet en endringssøknad"),
    "appeal_registered": _("registrerte en klage"),
    "appeal_forwarded": _("sendte klagen videre"),
    "appeal_decided": _("avgjorde klagen"),
    # Payouts
    "payout_batch_created": _("laget bunken"),
    "payout_released": _("frigav en utbetaling"),
    "payout_removed": _("fjernet en utbetaling fra bunken"),
    "payout_batch_exported": _("eksporterte bunken"),
    "payout_batch_paid": _("markerte bunken som utbetalt"),
    "bank_account_set": _("endret kontonummer"),
    # Recipients' reports
    "expected": _("opprettet en forventet rapport"),
    "saved": _("lagret"),
    "approved": _("godkjente"),
    "more_requested": _("ba om mer informasjon"),
    "settled_tilbakebetaling": _("krevde tilbakebetaling"),
    "settled_overforing": _("overførte ubrukte midler til neste år"),
    "carried_in": _("overførte ubrukte midler fra året før hit"),
    "reminded_for_frist": _("sendte påminnelse før fristen"),
    "reminded_forfalt": _("sendte påminnelse om passert frist"),
    # Personal data
    "user_anonymised": _("anonymiserte en bruker"),
}


def verb_label(verb: str) -> str:
    """The verb's label in the current language, or the verb itself when it has none."""
    label = VERBS.get(verb)
    return str(label) if label is not None else verb


# Keys services put in ``changes`` that are not fields of the target itself (the target's own fields are labelled
# with their verbose names).
FIELD_LABELS: dict[str, Promise] = {
    "report": _("behovsmelding"),
    "round": _("runde"),
    "deadline": _("frist"),
    "organisation": _("virksomhet"),
    "owner": _("eier"),
    "working_group": _("arbeidsgruppe"),
    "submission": _("innsending"),
    "copied_from": _("kopiert fra"),
    "position": _("plass"),
    "order": _("rekkefølge"),
    "amounts": _("beløp"),
    "recipients": _("mottakere"),
    "decisions": _("vedtak"),
    "meeting": _("møte"),
    "user": _("mottaker"),
    "forum": _("forum"),
    "scheme": _("ordning"),
    "appeal": _("klage"),
    "recommendation": _("innstilling"),
    "file": _("fil"),
    "language": _("språk"),
    "token": _("engangsnøkkel"),
    "version": _("versjon"),
    "first": _("første eksport"),
    "format": _("filformat"),
    "held": _("holdt tilbake"),
    "held_moved_out": _("holdt tilbake og tatt ut av bunken"),
    "payouts": _("utbetalinger"),
    "total": _("sum"),
    "units_reached": _("enheter tiltaket nådde"),
    "kind": _("fordelingsnøkkel"),
    "method": _("fordelingsmetode"),
    "mode": _("beregningsmåte"),
    "run": _("beregning"),
    "solver_version": _("versjon av beregningen"),
    "source": _("datakilde"),
    "source_year": _("år for tallene"),
}

# Readable values for codes services put in ``changes`` that are not choices of a field of the target, keyed by the
# change's key. Later stages add theirs in their AppConfig.ready() (activity may not import them).
VALUE_LABELS: dict[str, dict[str, Promise]] = {}


def register_value_labels(key: str, choices) -> None:
    """Show the codes of ``choices`` (value, label pairs) under the change key ``key`` by their labels."""
    VALUE_LABELS.setdefault(key, {}).update(dict(choices))
