"""Egenandel is one rule (``Scheme.required_egenandel``) at every stage: at 100 001 kr the budget step, the submission,
the decision, the letter, the acceptance page and the recipient's report all ask for 30 001 kr, and none takes 30 000.

30 % of 100 001 kr is 30 000,30 kr: half-even rounding gives 30 000, rounding up gives 30 001. A stage that kept its
own copy of the rule with another rounding lets 30 000 through (or asks for another number), and fails here.
"""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dekomp.assessment.tests.factories import checked_reports
from dekomp.decisions import letters
from dekomp.decisions import services as decisions
from dekomp.decisions.models import DecisionStatus
from dekomp.decisions.tests.factories import approved_recommendation
from dekomp.needs import services as needs
from dekomp.needs.models import BudgetLine, OwnContribution
from dekomp.needs.tests.factories import complete_draft, open_round
from dekomp.reporting import services as reporting
from dekomp.reporting.forms import ReportForm
from dekomp.reporting.models import RecipientReport, ReportStatus
from dekomp.reporting.tests.factories import filled
from dekomp.schemes.models import Scheme

pytestmark = pytest.mark.django_db

AMOUNT = Decimal(100_001)
REQUIRED = Decimal(30_001)
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path


def kr(amount: Decimal) -> str:
    return f"{amount:,.0f}".replace(",", NBSP) + f"{NBSP}kr"


def codes(error: ValidationError) -> list[str]:
    return [e.code for e in error.error_list]


def test_the_one_rule_says_30_001_kr_for_100_001_kr():
    assert Scheme(egenandel_share=Decimal("0.300")).required_egenandel(AMOUNT) == REQUIRED


def test_the_needs_report_asks_the_same_on_the_budget_step_and_on_submission(world):
    draft = complete_draft(world, open_round(world.office), years=1)

    def save(egenandel: Decimal):
        return needs.needs_report_save_budget(
            by=world.users["owner"],
            report=draft,
            expected_version=draft.version,
            years=1,
            lines=[
                needs.BudgetInput(2027, world.owner_org.pk, Decimal(60_001)),
                needs.BudgetInput(2027, world.partner_org.pk, Decimal(40_000)),
            ],
            contributions={2027: egenandel},
            egenandel_form="penger",
        )

    with pytest.raises(ValidationError) as caught:
        save(REQUIRED - 1)
    assert [e.code for e in caught.value.error_dict["egenandel_2027"]] == ["egenandel_too_low"]
    assert f"minst {kr(REQUIRED)}" in caught.value.messages[0]
    draft = save(REQUIRED)
    assert not [p for p in needs.submission_problems(draft) if p.code == "egenandel_too_low"]
    # Saved below the rule some other way (before the step checked it): the submission asks for the same 30 001.
    OwnContribution.objects.filter(report=draft, budget_year=2027).update(amount=REQUIRED - 1)
    problems = [p for p in needs.submission_problems(draft) if p.code == "egenandel_too_low"]
    assert len(problems) == 1 and f"minst {kr(REQUIRED)}" in problems[0].message


def test_deciding_the_letter_and_the_report_ask_the_same(world, client):
    round, (report,) = checked_reports(world, 1, open_round(world.office, name="Vedtaksrunde"))
    # The owner asks 100 001 in each of the two years, and brings 30 000: 30 % rounded half-even, 1 kr short.
    BudgetLine.objects.filter(report=report, recipient=world.partner_org).delete()
    BudgetLine.objects.filter(report=report).update(amount=AMOUNT)
    for year in (2027, 2028):
        OwnContribution.objects.create(report=report, budget_year=year, amount=REQUIRED - 1)
    caseworker = world.users["caseworker"]
    recommendation = approved_recommendation(world, [report], round)
    batch = decisions.decisions_prepare(by=caseworker, recommendation=recommendation, token=uuid.uuid4())
    with pytest.raises(ValidationError) as caught:
        decisions.decisions_decide(by=caseworker, batch=batch, token=uuid.uuid4())
    assert codes(caught.value) == ["egenandel_too_low", "egenandel_too_low"]
    assert f"minst {kr(REQUIRED)}" in caught.value.messages[0]
    OwnContribution.objects.filter(report=report).update(amount=REQUIRED)
    (decision,) = decisions.decisions_decide(by=caseworker, batch=batch, token=uuid.uuid4())
    assert decision.status == DecisionStatus.DECIDED

    # The letter asks for what the decision was checked against, per year, of the amount granted.
    decision = letters.decisions_for_letters().get(pk=decision.pk)
    letter = letters.letter_data(decision, language="nb")
    assert [(item.year, item.amount) for item in letter.egenandel] == [(2027, REQUIRED), (2028, REQUIRED)]
    html = letters.letter_html(decision, language="nb")
    assert f"minst 30 prosent av beløpet som er innvilget: minst {kr(REQUIRED)} for 2027, {kr(REQUIRED)} for 2028" in (
        html
    )
    assert "der den må være minst 30 prosent av det som er brukt av tilskuddet" in html
    # So does the owner's acceptance page, once the letter is out.
    letters.letters_send(by=caseworker, batch=batch, token=uuid.uuid4())
    client.force_login(world.users["owner"])
    page = client.get(reverse("decisions:accept", args=[decision.pk])).content.decode()
    assert f"prosent av beløpet som er innvilget, til sammen minst {kr(2 * REQUIRED)}" in page

    # The owner's report: all 100 001 used, so 30 001 documented at least — and the form says so.
    recipient_report = RecipientReport.objects.get(line__decision=decision, budget_year=2027)
    owner = world.users["owner"]
    with pytest.raises(ValidationError) as caught:
        reporting.report_submit(
            by=owner,
            report=recipient_report,
            version=recipient_report.version,
            data=filled(world, used=AMOUNT, egenandel_documented=REQUIRED - 1),
        )
    assert [e.code for e in caught.value.error_dict["egenandel_documented"]] == ["egenandel_too_low"]
    assert f"minst {kr(REQUIRED)} av {kr(AMOUNT)}" in caught.value.messages[0]
    saved = reporting.report_save(
        by=owner, report=recipient_report, version=recipient_report.version, data=filled(world, used=AMOUNT)
    )
    saved = RecipientReport.objects.select_related("line__decision__report__scheme", "recipient").get(pk=saved.pk)
    assert reporting.egenandel_required(saved, AMOUNT) == REQUIRED
    help_text = str(ReportForm(report=saved).fields["egenandel_documented"].help_text)
    assert "av brukt beløp" in help_text and f"For {kr(AMOUNT)} brukt er det minst {kr(REQUIRED)}." in help_text
    done = reporting.report_submit(
        by=owner,
        report=saved,
        version=saved.version,
        data=filled(world, used=AMOUNT, egenandel_documented=REQUIRED),
    )
    assert done.status == ReportStatus.SUBMITTED
