"""E-mail notifications: a subject and body written in the recipient's målform, sent through the e-mail outbox.

The one path every notification takes. A service records what happened with ``record()`` and, once its transaction
has committed (``transaction.on_commit``), queues its app's task; the task finds the addresses (one selector per
kind of recipient) and calls ``send()`` here, which renders the templates and hands the message to
``dekomp.core.outbox`` under a key, so a task run twice sends it once.

Templates are ``<app>/email/<name>_<language>.txt`` and ``<app>/email/<name>_subject_<language>.txt``, written out
in bokmål and nynorsk (and in English where people who chose English get it). For a language without its own file,
``<name>.txt`` translated through the catalogue is used if there is one, else the bokmål file.

``claim()`` keeps the record that one person got a notice of one kind about one object, for the daily runs that
must never send a reminder twice.
"""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation

from dekomp.accounts.models import User
from dekomp.core import outbox
from dekomp.core.models import OutboxMessage

from .models import Notice

LANGUAGES = ("nb", "nn", "en")
FALLBACK = "nb"
# "Statsforvalteren i …" in an office's registered name is "Statsforvaltaren i …" in nynorsk.
OFFICE_TITLE = {"nb": "Statsforvalteren", "nn": "Statsforvaltaren"}


def absolute_url(path: str) -> str:
    """The page's address as an e-mail needs it (read outside the site): ``DEKOMP_SITE_URL`` and the path."""
    return f"{settings.DEKOMP_SITE_URL.rstrip('/')}{path}"


def url(name: str, *args: object) -> str:
    """``reverse(name, args)`` made absolute."""
    return absolute_url(reverse(name, args=list(args)))


def language_of(recipient: object) -> str:
    """The målform to write in: an organisation's ``malform``, a person's ``language``; bokmål when neither is set."""
    value = getattr(recipient, "malform", "") or getattr(recipient, "language", "") or ""
    return value if value in LANGUAGES else FALLBACK


def office_name(office: object, language: str) -> str:
    """The office's name as an e-mail in ``language`` writes it."""
    name = str(getattr(office, "name", office))
    return name.replace(OFFICE_TITLE[FALLBACK], OFFICE_TITLE.get(language, OFFICE_TITLE[FALLBACK]), 1)


def _template(template: str, part: str, language: str):
    """The template for ``part`` ("" for the body, "_subject") and the language it is written in."""
    candidates = [(f"{template}{part}_{language}.txt", language), (f"{template}{part}.txt", language)]
    if language != FALLBACK:
        candidates.append((f"{template}{part}_{FALLBACK}.txt", FALLBACK))
    for name, written_in in candidates:
        try:
            return get_template(name), written_in
        except TemplateDoesNotExist:
            continue
    raise TemplateDoesNotExist(f"{template}{part}_{language}.txt")


def render(*, template: str, language: str, context: dict) -> tuple[str, str, str]:
    """Subject (one line), body and the language they are written in."""
    subject_template, written_in = _template(template, "_subject", language)
    body_template, _written = _template(template, "", language)
    # Dates, amounts and any catalogue text follow the language the e-mail is written in.
    with translation.override(written_in):
        subject = " ".join(subject_template.render(context).split())
        body = body_template.render(context)
    return subject, body, written_in


def send(
    *,
    template: str,
    language: str,
    to: Iterable[str],
    context: dict,
    key: str,
    attachments: Iterable[tuple[str, bytes, str]] = (),
) -> OutboxMessage | None:
    """Render ``template`` in ``language`` and put it in the outbox under ``key``; None when there is no address."""
    recipients = sorted(set(to) - {""})
    if not recipients:
        return None
    subject, body, written_in = render(template=template, language=language, context=context)
    message = EmailMessage(
        subject, body, settings.DEFAULT_FROM_EMAIL, recipients, headers={"Content-Language": written_in}
    )
    for attachment in attachments:
        message.attach(*attachment)
    return outbox.send(message, key=key)


def claim(*, kind: str, user: User, target: models.Model) -> Notice | None:
    """Record that ``user`` gets the ``kind`` notice about ``target``; None if it is recorded already (sent before).

    Call it inside the transaction that queues the e-mail: the unique row is what stops a second run.
    """
    try:
        with transaction.atomic():
            return Notice.objects.create(
                kind=kind, user=user, target_type=ContentType.objects.get_for_model(target), target_id=target.pk
            )
    except IntegrityError:
        return None


def claimed(*, kind: str, target: models.Model) -> set[int]:
    """The users who already got the ``kind`` notice about ``target``."""
    return set(
        Notice.objects.filter(
            kind=kind, target_type=ContentType.objects.get_for_model(target), target_id=target.pk
        ).values_list("user_id", flat=True)
    )
