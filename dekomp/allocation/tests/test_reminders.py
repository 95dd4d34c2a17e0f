"""The forum's meeting: each seat e-mailed once in the week before it, in the person's language, with a link to
the forum's workspace, and the days left on the forum's home; the daily command sends both kinds of reminder."""

from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dekomp.accounts.models import User
from dekomp.activity.models import Notice
from dekomp.allocation import services
from dekomp.assessment.tests.factories import checked_reports
from dekomp.schemes.models import RoundStatus

pytestmark = pytest.mark.django_db

SITE = "https://dekomp.example"
TODAY = date(2027, 3, 1)


@pytest.fixture(autouse=True)
def _site_and_tasks(settings):
    settings.DEKOMP_SITE_URL = SITE
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def meeting_at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def in_recommendation(world, meeting: datetime, deadline: date | None = None):
    round, _reports = checked_reports(world, 2)
    round.status = RoundStatus.RECOMMENDATION
    round.forum_meeting = meeting
    round.working_group_deadline = deadline
    round.save()
    return round


def run(today: date, capture) -> int:
    with capture(execute=True):
        return services.meeting_reminders_send(today=today)


def test_each_seat_is_reminded_once_in_the_week_before_the_meeting(world, django_capture_on_commit_callbacks):
    round = in_recommendation(world, meeting_at(TODAY + timedelta(days=2)))
    User.objects.filter(pk=world.users["forum_member"].pk).update(language="nn")
    assert run(TODAY - timedelta(days=6), django_capture_on_commit_callbacks) == 0  # eight days before: not yet
    assert run(TODAY, django_capture_on_commit_callbacks) == 2
    by_person = {message.to[0]: message for message in mail.outbox}
    assert set(by_person) == {"forum_member@test.example", "secretariat@test.example"}
    nynorsk, bokmal = by_person["forum_member@test.example"], by_person["secretariat@test.example"]
    assert nynorsk.extra_headers["Content-Language"] == "nn"
    assert nynorsk.subject == "Samarbeidsforum A: møtet om Prioriteringsrunde er om 2 dagar"
    assert "Prioriteringane frå arbeidsgruppene" in nynorsk.body
    assert bokmal.subject == "Samarbeidsforum A: møtet om Prioriteringsrunde er om 2 dager"
    assert "3. mars 2027 10:00" in bokmal.body
    workspace = f"{SITE}{reverse('allocation:workspace', args=[world.forum.pk, round.pk])}"
    assert workspace in nynorsk.body and workspace in bokmal.body
    assert run(TODAY + timedelta(days=1), django_capture_on_commit_callbacks) == 0
    assert run(TODAY + timedelta(days=2), django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 2
    assert Notice.objects.filter(kind=services.MEETING_REMINDER).count() == 2


def test_a_past_meeting_and_a_finished_round_are_not_reminded(world, django_capture_on_commit_callbacks):
    round = in_recommendation(world, meeting_at(TODAY - timedelta(days=1)))
    assert run(TODAY, django_capture_on_commit_callbacks) == 0
    round.forum_meeting = meeting_at(TODAY + timedelta(days=1))
    round.status = RoundStatus.DECISION
    round.save()
    assert run(TODAY, django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_the_command_sends_both_kinds_once(world, django_capture_on_commit_callbacks):
    round = in_recommendation(world, meeting_at(TODAY + timedelta(days=3)), deadline=TODAY + timedelta(days=1))
    round.status = RoundStatus.ASSESSMENT
    round.save()
    printed = []
    for _run in range(2):
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_deadline_reminders", "--today", TODAY.isoformat(), stdout=out)
        printed.append(out.getvalue().strip())
    assert printed == [
        "Sent 2 ranking deadline reminders and 2 forum meeting reminders for 2027-03-01.",
        "Sent 0 ranking deadline reminders and 0 forum meeting reminders for 2027-03-01.",
    ]
    assert len(mail.outbox) == 4  # two working-group seats, two forum seats, each once


def test_the_forum_home_shows_the_days_left_to_the_meeting(world):
    today = timezone.localdate()
    round = in_recommendation(world, meeting_at(today + timedelta(days=4)))
    client = Client()
    client.force_login(world.users["forum_member"])
    url = reverse("home:forum", args=[world.forum.pk])
    assert "Prioriteringsrunde: 4 dager igjen til møtet i forumet" in client.get(url).content.decode()
    round.forum_meeting = meeting_at(today, 23)
    round.save()
    assert "Prioriteringsrunde: forumet har møte i dag" in client.get(url).content.decode()
    round.forum_meeting = meeting_at(today + timedelta(days=20))
    round.save()
    body = client.get(url).content.decode()
    assert "til møtet i forumet" not in body and "Prioriteringsrunde: neste møte i forumet er" in body
