"""Background work for decisions: e-mailing the decision letter (through the e-mail outbox), in the owner's written
standard."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from dekomp.core import outbox


@task()
def send_decision_letter(decision_id: int) -> None:
    """E-mail the stored letter (PDF attached) to the owner, its submitters and the other parties.

    Subject and body come from ``decisions/email/letter_{nb,nn}.txt``, written out in both standards rather than
    translated, like the letter itself.
    """
    from .letters import decisions_for_letters, format_date, letter_data, letter_filename, letter_recipients

    decision = decisions_for_letters().get(pk=decision_id)
    if not decision.letter:
        return
    language = decision.letter_language or "nb"
    letter = letter_data(decision, language=language)
    context = {"decision": decision, "letter": letter, "sent_text": format_date(decision.letter_sent_at, language)}
    with translation.override(language):
        subject = render_to_string(f"decisions/email/letter_subject_{language}.txt", context).strip()
        body = render_to_string(f"decisions/email/letter_{language}.txt", context)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, letter_recipients(decision))
    with decision.letter.open("rb") as pdf:
        message.attach(letter_filename(decision), pdf.read(), "application/pdf")
    # Kept in the outbox until the mail server takes it; one message per letter, however often the task runs.
    sent = decision.letter_sent_at.isoformat() if decision.letter_sent_at else decision.letter.name
    outbox.send(message, key=f"decisions.letter:{decision.pk}:{sent}")


@task()
def send_round_letters(round_id: int, user_id: int, token: str) -> int:
    """Make and send the letters of a large round off the request path (the same service, the same token)."""
    import uuid

    from dekomp.accounts.models import User

    from .letters import letters_send
    from .models import Decision, DecisionStatus

    pending = list(Decision.objects.filter(batch__round_id=round_id, status=DecisionStatus.DECIDED))
    sent = letters_send(by=User.objects.get(pk=user_id), decisions=pending, token=uuid.UUID(token))
    return len(sent)
