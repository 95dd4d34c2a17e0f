"""Background work shared by the apps: sending what waits in the e-mail outbox."""

from django_tasks import task

from .outbox import send_pending


@task()
def send_outbox() -> int:
    """One pass over the outbox (``manage.py send_outbox`` does the same); returns how many were sent."""
    return send_pending().sent
