"""Decision letters (vedtaksbrev): their content, the PDF, sending them, the owner's acceptance of the terms.

The letter is written in the owner's written standard (``Organisation.malform``, bokmål or nynorsk). Its fixed legal
text lives in two explicit templates, ``decisions/letter_pdf_nb.html`` and ``decisions/letter_pdf_nn.html``, and not
in the translation catalogue: a letter is a legal document and its wording must not depend on a catalogue being
complete. Dates are written out here with the month names of both standards (they are the same words).

PDF: WeasyPrint with ``pdf_variant="pdf/a-3u"`` (PDF/A-3, ISO 19005-3, level U: every glyph maps to Unicode, fonts
embedded, an sRGB output intent and XMP metadata) **and** ``pdf_tags=True``, so the file also carries a structure
tree (headings, paragraphs, the amounts table with its header cells) and the document language for screen readers.
PDF/A-3u was chosen over PDF/UA-1 (which the receipt uses) because a decision letter is archived for many years
(arkivloven); tagging keeps it as accessible as the receipt. The fonts are the self-hosted Inter files.
"""

import calendar
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import partial

from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from weasyprint import HTML

from dekomp.accounts.models import User
from dekomp.activity.models import Event
from dekomp.activity.services import record
from dekomp.needs.models import CoOwner
from dekomp.organisations.models import Malform, Organisation
from dekomp.organisations.selectors import organisation_addresses
from dekomp.schemes.models import Round

from .appeals import appeal_deadline, appeal_rows
from .models import DECISION_TRANSITIONS, Decision, DecisionBatch, DecisionLine, DecisionStatus, Outcome
from .permissions import can_accept_decision, can_decide, can_handle_appeal

PDF_VARIANT = "pdf/a-3u"
LANGUAGES = (Malform.BOKMAL, Malform.NYNORSK)
# The same words in bokmål and nynorsk; written out here so a letter never depends on a translation catalogue.
MONTHS = {
    Malform.BOKMAL: (
        "januar",
        "februar",
        "mars",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "desember",
    ),
}
MONTHS[Malform.NYNORSK] = MONTHS[Malform.BOKMAL]
# "Statsforvalteren i …" in the office's registered name is "Statsforvaltaren i …" in nynorsk.
OFFICE_TITLE = {Malform.BOKMAL: "Statsforvalteren", Malform.NYNORSK: "Statsforvaltaren"}


def format_date(value: date | datetime | None, language: str = Malform.BOKMAL) -> str:
    """A date as the letter writes it, ``3. juni 2027`` (a time is first turned into the Oslo date)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return f"{value.day}. {MONTHS[language][value.month - 1]} {value.year}"


def reporting_deadline(round: Round, budget_year: int) -> date:
    """When the report for one budget year is due: the round's date, the same date a year later for each later
    budget year; 15 January after the budget year when the round sets no date."""
    if round.reporting_deadline is None:
        return date(budget_year + 1, 1, 15)
    base = round.reporting_deadline
    year = base.year + (budget_year - round.first_budget_year)
    day = min(base.day, calendar.monthrange(year, base.month)[1])  # 29 February in a year that has none
    return date(year, base.month, day)


def letter_language(decision: Decision) -> str:
    """The owner's written standard; the letter (and its e-mail) is written in it."""
    malform = decision.report.owner.malform
    return malform if malform in LANGUAGES else Malform.BOKMAL


def letter_filename(decision: Decision) -> str:
    """The letter's file name, e.g. ``vedtaksbrev-V2027-0042.pdf``."""
    return f"vedtaksbrev-{decision.reference}.pdf"


def decisions_for_letters() -> QuerySet[Decision]:
    """Decisions with everything a letter, the acceptance page and the letter panel read (a fixed few queries)."""
    return Decision.objects.select_related(
        "report__round__office",
        "report__scheme",
        "report__owner",
        "batch__recommendation__forum",
        "decided_by",
        "accepted_by",
    ).prefetch_related(
        Prefetch("lines", queryset=DecisionLine.objects.select_related("recipient").order_by("budget_year", "pk")),
        Prefetch("report__co_owner_links", queryset=CoOwner.objects.select_related("organisation")),
    )


# ------------------------------------------------------------------------------------------------- the content


@dataclass
class AmountRow:
    """One recipient's granted amounts, one per budget year of the letter, and its total."""

    recipient: Organisation
    amounts: list[Decimal]
    total: Decimal


@dataclass
class YearAmount:
    year: int
    amount: Decimal


@dataclass
class Deadline:
    year: int
    due: date
    text: str


@dataclass
class Letter:
    """Everything a decision letter states, computed once for the PDF, the acceptance page and the tests."""

    decision: Decision
    language: str
    date: date
    date_text: str
    office_name: str
    owner: Organisation
    copies: list[Organisation]
    scheme_name: str
    years: list[int]
    rows: list[AmountRow]
    year_totals: list[Decimal]
    total: Decimal
    requested: Decimal
    recommended: Decimal
    forum_name: str
    recommended_at_text: str
    submitted_at_text: str
    decided_by_name: str
    egenandel_percent: str = ""
    egenandel: list[YearAmount] = field(default_factory=list)
    egenandel_total: Decimal = Decimal(0)
    deadlines: list[Deadline] = field(default_factory=list)

    @property
    def report(self):
        return self.decision.report

    @property
    def is_rejected(self) -> bool:
        return self.decision.outcome == Outcome.REJECTED

    @property
    def is_partly(self) -> bool:
        return self.decision.outcome == Outcome.PARTLY

    @property
    def has_egenandel(self) -> bool:
        return bool(self.egenandel) and not self.is_rejected

    @property
    def differs_from_recommendation(self) -> bool:
        """Shown with its reason when the decision does not follow the forum's recommendation (rule 8)."""
        return bool(self.decision.deviation_reason.strip()) or any(
            line.amount != line.recommended for line in self.decision.lines.all()
        )

    @property
    def years_text(self) -> str:
        if not self.years:
            return ""
        return str(self.years[0]) if len(self.years) == 1 else f"{self.years[0]}–{self.years[-1]}"


def letter_data(decision: Decision, *, language: str | None = None, sent_at: datetime | None = None) -> Letter:
    """The letter's content: addressee, copies, facts, the amounts per recipient and year, and the conditions."""
    language = language or letter_language(decision)
    sent_at = sent_at or decision.letter_sent_at or timezone.now()
    report = decision.report
    round, scheme, owner = report.round, report.scheme, report.owner
    lines = list(decision.lines.all())
    years = sorted({line.budget_year for line in lines})
    by_recipient: dict[int, dict[int, Decimal]] = defaultdict(dict)
    recipients: dict[int, Organisation] = {}
    for line in lines:
        recipients[line.recipient_id] = line.recipient
        by_recipient[line.recipient_id][line.budget_year] = (
            by_recipient[line.recipient_id].get(line.budget_year, Decimal(0)) + line.amount
        )
    # The owner first, then the partners by name.
    order = sorted(recipients.values(), key=lambda org: (org.pk != owner.pk, org.name))
    rows = [
        AmountRow(
            recipient=org,
            amounts=[by_recipient[org.pk].get(year, Decimal(0)) for year in years],
            total=sum(by_recipient[org.pk].values(), Decimal(0)),
        )
        for org in order
    ]
    year_totals = [sum((row.amounts[i] for row in rows), Decimal(0)) for i in range(len(years))]
    copies = [org for org in order if org.pk != owner.pk]
    for link in report.co_owner_links.all():
        if link.organisation_id != owner.pk and link.organisation_id not in recipients:
            copies.append(link.organisation)
    recommendation = decision.batch.recommendation
    with translation.override(language):
        scheme_name, egenandel_percent = scheme.label, scheme.egenandel_percent
    letter = Letter(
        decision=decision,
        language=language,
        date=timezone.localdate(sent_at),
        date_text=format_date(sent_at, language),
        office_name=round.office.name.replace(OFFICE_TITLE[Malform.BOKMAL], OFFICE_TITLE[language], 1),
        owner=owner,
        copies=copies,
        scheme_name=scheme_name,
        years=years,
        rows=rows,
        year_totals=year_totals,
        total=sum(year_totals, Decimal(0)),
        requested=sum((line.requested for line in lines), Decimal(0)),
        recommended=sum((line.recommended for line in lines), Decimal(0)),
        forum_name=recommendation.forum.name,
        recommended_at_text=format_date(recommendation.approved_at, language),
        submitted_at_text=format_date(report.submitted_at, language),
        decided_by_name=decision.decided_by.full_name if decision.decided_by else "",
    )
    if decision.outcome != Outcome.REJECTED:
        if scheme.has_egenandel:
            # The same rule the decision was checked by: the scheme's share of what is granted, per year.
            letter.egenandel_percent = egenandel_percent
            letter.egenandel = [
                YearAmount(year, scheme.required_egenandel(total))
                for year, total in zip(years, year_totals, strict=True)
                if total > 0
            ]
            letter.egenandel_total = sum((item.amount for item in letter.egenandel), Decimal(0))
        letter.deadlines = [
            Deadline(year, due, format_date(due, language))
            for year, total in zip(years, year_totals, strict=True)
            if total > 0
            for due in [reporting_deadline(round, year)]
        ]
    return letter


def letter_html(decision: Decision, *, language: str | None = None, sent_at: datetime | None = None) -> str:
    """The HTML the PDF is made from, in the owner's written standard (also what the tests read)."""
    letter = letter_data(decision, language=language, sent_at=sent_at)
    with translation.override(letter.language):
        return render_to_string(f"decisions/letter_pdf_{letter.language}.html", {"letter": letter})


def letter_pdf(decision: Decision, *, language: str | None = None, sent_at: datetime | None = None) -> bytes:
    """The decision letter as a tagged PDF/A-3u with the self-hosted fonts."""
    font_css = finders.find("vendor/inter/400.css")
    base_url = str(font_css).rsplit("/", 1)[0] if font_css else None
    html = letter_html(decision, language=language, sent_at=sent_at)
    return HTML(string=html, base_url=base_url).write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)


def letter_recipients(decision: Decision) -> list[str]:
    """Who gets the letter by e-mail: the owner's address and its submitters, and every other party's address."""
    report = decision.report
    addresses = set(organisation_addresses([report.owner])[report.owner_id])
    addresses |= {line.recipient.email for line in decision.lines.all()}
    addresses |= {link.organisation.email for link in report.co_owner_links.all()}
    return sorted(addresses - {""})


# ----------------------------------------------------------------------------------------------------- services


def letters_send(
    *,
    by: User,
    token: uuid.UUID,
    batch: DecisionBatch | None = None,
    decisions: "QuerySet[Decision] | list[Decision] | None" = None,
) -> list[Decision]:
    """Make and store the letter of every decided decision given (or of the batch), mark it sent and e-mail it.

    Decisions whose letter is already sent are skipped; the same token twice (a double click) sends nothing more
    and returns the decisions the first call sent.
    """
    if batch is None and decisions is None:
        raise ValueError("letters_send needs a batch or decisions")
    stored: list = []  # files written so far, removed again if the transaction does not commit
    try:
        return _letters_send(by=by, token=token, batch=batch, decisions=decisions, stored=stored)
    except BaseException:
        for file in stored:
            file.storage.delete(file.name)
        raise


@transaction.atomic
def _letters_send(*, by: User, token: uuid.UUID, batch, decisions, stored: list) -> list[Decision]:
    earlier = list(
        Event.objects.filter(verb="letter_sent", changes__token=str(token)).values_list("target_id", flat=True)
    )
    if earlier:
        return list(decisions_for_letters().filter(pk__in=earlier))
    ids = list(batch.decisions.values_list("pk", flat=True)) if batch is not None else [d.pk for d in decisions]
    locked_ids = list(Decision.objects.select_for_update(of=("self",)).filter(pk__in=ids).values_list("pk", flat=True))
    chosen = list(decisions_for_letters().filter(pk__in=locked_ids).order_by("batch", "number"))
    for round in {decision.report.round for decision in chosen}:
        if not can_decide(by, round):
            raise PermissionDenied(_("Bare Statsforvalterens saksbehandlere sender vedtaksbrev."))
    now = timezone.now()
    sent = []
    for decision in chosen:
        if DecisionStatus.SENT not in DECISION_TRANSITIONS[decision.status]:
            continue  # already sent (or accepted), or not yet decided
        language = letter_language(decision)
        pdf = letter_pdf(decision, language=language, sent_at=now)
        _store_letter(by=by, decision=decision, pdf=pdf, language=language, sent_at=now, token=token, stored=stored)
        sent.append(decision)
    return sent


def _store_letter(
    *, by: User, decision: Decision, pdf: bytes, language: str, sent_at: datetime, token: uuid.UUID, stored: list
) -> None:
    """Keep the made letter, mark the decision sent, record it and e-mail the letter once the transaction commits."""
    from .tasks import send_decision_letter

    decision.letter.save(letter_filename(decision), ContentFile(pdf), save=False)
    stored.append(decision.letter)
    decision.letter_language = language
    decision.letter_sent_at = sent_at
    decision.status = DecisionStatus.SENT
    decision.version += 1
    decision.save(update_fields=["letter", "letter_language", "letter_sent_at", "status", "version", "updated_at"])
    record(
        actor=by,
        verb="letter_sent",
        target=decision,
        changes={
            "status": [DecisionStatus.DECIDED, DecisionStatus.SENT],
            "language": language,
            "file": decision.letter.name,
            "token": str(token),
        },
    )
    transaction.on_commit(partial(send_decision_letter.enqueue, decision.pk))


def letter_send_one(*, by: User, decision_id: int, token: uuid.UUID) -> bool:
    """Make and send one decision's letter, as the worker does for a whole round, item by item.

    The PDF is made before the short transaction that stores it; a decision whose letter another run has sent in
    the meantime is left alone (False), so a letter is never sent twice, however often the work is retried.
    """
    decision = decisions_for_letters().get(pk=decision_id)
    if not can_decide(by, decision.report.round):
        raise PermissionDenied(_("Bare Statsforvalterens saksbehandlere sender vedtaksbrev."))
    if DecisionStatus.SENT not in DECISION_TRANSITIONS[decision.status]:
        return False
    language = letter_language(decision)
    now = timezone.now()
    pdf = letter_pdf(decision, language=language, sent_at=now)
    stored: list = []
    try:
        with transaction.atomic():
            locked = Decision.objects.select_for_update(of=("self",)).get(pk=decision_id)
            if DecisionStatus.SENT not in DECISION_TRANSITIONS[locked.status]:
                return False
            decision.status, decision.version = locked.status, locked.version
            _store_letter(by=by, decision=decision, pdf=pdf, language=language, sent_at=now, token=token, stored=stored)
    except BaseException:
        for file in stored:
            file.storage.delete(file.name)
        raise
    return True


def letters_pending(round: Round) -> "QuerySet[Decision]":
    """The round's decided decisions whose letter is not sent yet, in the order the letters go out."""
    return Decision.objects.filter(batch__round=round, status=DecisionStatus.DECIDED).order_by("batch", "number")


def decision_accept(*, by: User, decision: Decision) -> Decision:
    """The owner accepts the terms of a decision whose letter has been sent; a second acceptance is refused."""
    with transaction.atomic():
        locked = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("report__owner", "report__round", "accepted_by")
            .get(pk=decision.pk)
        )
        if not can_accept_decision(by, locked):
            raise PermissionDenied(
                _("Bare innsendere for %(owner)s kan akseptere vilkårene.") % {"owner": locked.report.owner.name}
            )
        if locked.status == DecisionStatus.ACCEPTED:
            raise ValidationError(
                _("Vilkårene er allerede akseptert (%(date)s).")
                % {"date": date_format(timezone.localtime(locked.accepted_at), "DATE_FORMAT")},
                code="already_accepted",
            )
        if locked.outcome == Outcome.REJECTED:
            raise ValidationError(_("Et avslag har ingen vilkår å akseptere."), code="rejected")
        if DecisionStatus.ACCEPTED not in DECISION_TRANSITIONS[locked.status]:
            raise ValidationError(
                _("Vilkårene kan aksepteres når vedtaksbrevet er sendt. Vedtaket har status «%(status)s».")
                % {"status": locked.get_status_display()},
                code="not_sent",
            )
        before = locked.status
        locked.status = DecisionStatus.ACCEPTED
        locked.accepted_at = timezone.now()
        locked.accepted_by = by
        locked.version += 1
        locked.save(update_fields=["status", "accepted_at", "accepted_by", "version", "updated_at"])
        record(actor=by, verb="terms_accepted", target=locked, changes={"status": [before, locked.status]})
    decision.refresh_from_db()
    return decision


# --------------------------------------------------------------------------------------------------- the homes


@dataclass
class HomeLetter:
    """A sent decision as an organisation's home shows it: what was granted, its share, whether it must accept."""

    decision: Decision
    total: Decimal
    own: Decimal
    is_owner: bool
    must_accept: bool
    can_accept: bool


def letters_for_organisation(organisation: Organisation, *, user: User | None = None) -> list[HomeLetter]:
    """Sent and accepted decisions where the organisation is owner, co-owner or recipient, newest letter first.

    ``must_accept`` says the owner has terms still to accept; ``can_accept`` that ``user`` may do it. Two queries.
    """
    decisions = (
        Decision.objects.filter(status__in=(DecisionStatus.SENT, DecisionStatus.ACCEPTED))
        .filter(
            Q(report__owner=organisation)
            | Q(pk__in=DecisionLine.objects.filter(recipient=organisation).values("decision"))
            | Q(report__in=CoOwner.objects.filter(organisation=organisation).values("report"))
        )
        .select_related("report__scheme", "report__round", "report__owner", "accepted_by")
        .prefetch_related("lines")
        .order_by("-letter_sent_at", "-pk")
    )
    rows = []
    for decision in decisions:
        lines = list(decision.lines.all())
        is_owner = decision.report.owner_id == organisation.pk
        must_accept = is_owner and decision.status == DecisionStatus.SENT and decision.outcome != Outcome.REJECTED
        rows.append(
            HomeLetter(
                decision=decision,
                total=sum((line.amount for line in lines), Decimal(0)),
                own=sum((line.amount for line in lines if line.recipient_id == organisation.pk), Decimal(0)),
                is_owner=is_owner,
                must_accept=must_accept,
                can_accept=must_accept and user is not None and can_accept_decision(user, decision),
            )
        )
    return rows


# ------------------------------------------------------------------------------------------- the decision page


@dataclass
class LetterPanel:
    """The letter panel on the decision page: the letter, whether terms wait for this user, the office's appeals."""

    decision: Decision
    has_letter: bool
    must_accept: bool
    can_accept: bool
    can_handle_appeals: bool
    appeal_deadline: date | None
    appeals: list


def letter_panel_for(decision: Decision, user: User) -> LetterPanel:
    """The panel for one decision and one viewer (the office sees the appeals, the owner's submitters accept)."""
    must_accept = decision.status == DecisionStatus.SENT and decision.outcome != Outcome.REJECTED
    handles = can_handle_appeal(user, decision)
    return LetterPanel(
        decision=decision,
        has_letter=bool(decision.letter),
        must_accept=must_accept,
        can_accept=must_accept and can_accept_decision(user, decision),
        can_handle_appeals=handles,
        appeal_deadline=appeal_deadline(decision),
        appeals=appeal_rows(decision) if handles else [],
    )
