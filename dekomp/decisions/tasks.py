"""Background work for decisions: e-mailing the decision letter (through the e-mail outbox), in the owner's written
standard."""

from django_tasks import task

from dekomp.activity import notify

# The kinds of background job (dekomp.activity.jobs) the decisions stage starts.
LETTERS_JOB = "decisions.letters"
DECIDE_JOB = "decisions.decide"


@task()
def send_decision_letter(decision_id: int) -> None:
    """E-mail the stored letter (PDF attached) to the owner, its submitters and the other parties, with a link to
    the page where the owner accepts the terms (or, for a rejection, to the decision).

    Subject and body come from ``decisions/email/letter_{nb,nn}.txt``, written out in both standards rather than
    translated, like the letter itself.
    """
    from .letters import decisions_for_letters, format_date, letter_data, letter_filename, letter_recipients

    decision = decisions_for_letters().get(pk=decision_id)
    if not decision.letter:
        return
    language = decision.letter_language or "nb"
    letter = letter_data(decision, language=language)
    context = {
        "decision": decision,
        "letter": letter,
        "sent_text": format_date(decision.letter_sent_at, language),
        "accept_url": notify.url("decisions:accept", decision.pk),
        "decision_url": notify.url("decisions:detail", decision.pk),
    }
    with decision.letter.open("rb") as pdf:
        attachment = (letter_filename(decision), pdf.read(), "application/pdf")
    # Kept in the outbox until the mail server takes it; one message per letter, however often the task runs.
    sent = decision.letter_sent_at.isoformat() if decision.letter_sent_at else decision.letter.name
    notify.send(
        template="decisions/email/letter",
        language=language,
        to=letter_recipients(decision),
        context=context,
        key=f"decisions.letter:{decision.pk}:{sent}",
        attachments=[attachment],
    )


@task()
def send_letters_job(job_id: int) -> int:
    """Make and send the letters of a round's decided decisions one by one, reporting progress on the job.

    Each letter is its own short transaction: a failure is recorded with the decision's reference and the rest go
    on; a letter already sent (by an earlier run) is skipped, so a retry never sends one twice.
    """
    import uuid

    from dekomp.activity.jobs import job_finish, job_item_done, job_item_failed, job_running
    from dekomp.activity.models import Job
    from dekomp.schemes.models import Round

    from .letters import letter_send_one, letters_pending

    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished:
        return job.done
    round = Round.objects.get(pk=job.parameters["round"])
    pending = list(letters_pending(round).select_related("report__round", "report__owner"))
    job_running(job, total=len(pending))
    for decision in pending:
        try:
            letter_send_one(by=job.created_by, decision_id=decision.pk, token=uuid.UUID(str(job.token)))
        except Exception as error:
            label = f"{decision.reference} {decision.report.owner.name}"
            job_item_failed(job, label=label, error=str(error) or error.__class__.__name__)
        else:
            job_item_done(job)
    return job_finish(job).done


@task()
def decide_batch_job(job_id: int) -> int:
    """Make a batch's decisions (all or none) off the request path; the problems, if any, are the job's failures."""
    from django.core.exceptions import ValidationError

    from dekomp.activity.jobs import job_finish, job_item_done, job_item_failed, job_running
    from dekomp.activity.models import Job

    from .models import DecisionBatch
    from .services import decisions_decide

    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished:
        return job.done
    batch = DecisionBatch.objects.get(pk=job.parameters["batch"])
    job_running(job)
    try:
        decisions = decisions_decide(by=job.created_by, batch=batch, token=job.token)
    except ValidationError as error:
        for message in error.messages:
            job_item_failed(job, label=batch.round.name, error=message)
        return job_finish(job).done
    job_item_done(job, len(decisions))
    return job_finish(job).done
