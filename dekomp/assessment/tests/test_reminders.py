"""The working groups' ranking deadline: each seat e-mailed once in the week before it, in the person's language,
with a link to the ranking, and the days left on the group's home until the ranking is sent."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dekomp.accounts.models import User
from dekomp.activity.models import Event, Notice
from dekomp.assessment import services
from dekomp.assessment.models import Ranking, RankingStatus
from dekomp.assessment.tests.factories import checked_reports
from dekomp.schemes.models import RoundStatus

pytestmark = pytest.mark.django_db

SITE = "https://dekomp.example"
TODAY = date(2027, 3, 1)


@pytest.fixture(autouse=True)
def _site_and_tasks(settings):
    settings.DEKOMP_SITE_URL = SITE
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def in_ranking(world, deadline: date):
    round, _reports = checked_reports(world, 2)
    round.status = RoundStatus.ASSESSMENT
    round.working_group_deadline = deadline
    round.save()
    return round


def run(today: date, capture) -> int:
    with capture(execute=True):
        return services.ranking_reminders_send(today=today)


def test_each_seat_is_reminded_once_in_the_week_before_the_deadline(world, django_capture_on_commit_callbacks):
    round = in_ranking(world, TODAY + timedelta(days=7))
    User.objects.filter(pk=world.users["wg_member"].pk).update(language="nn")
    assert run(TODAY - timedelta(days=1), django_capture_on_commit_callbacks) == 0  # eight days before: not yet
    assert run(TODAY, django_capture_on_commit_callbacks) == 2
    by_person = {message.to[0]: message for message in mail.outbox}
    assert set(by_person) == {"wg_member@test.example", "recused_member@test.example"}
    nynorsk, bokmal = by_person["wg_member@test.example"], by_person["recused_member@test.example"]
    assert nynorsk.extra_headers["Content-Language"] == "nn"
    assert nynorsk.subject == "Arbeidsgruppe Østfold: fristen for prioriteringa i Prioriteringsrunde er om 7 dagar"
    assert "Gruppa har 2 behovsmeldingar å prioritere" in nynorsk.body
    assert bokmal.subject == "Arbeidsgruppe Østfold: fristen for prioriteringen i Prioriteringsrunde er om 7 dager"
    assert "8. mars 2027" in bokmal.body
    board = f"{SITE}{reverse('assessment:board', args=[round.pk, world.working_group.pk])}"
    assert board in nynorsk.body and board in bokmal.body
    # The following days and the deadline day itself send nothing more: once per person.
    for later in (1, 3, 7):
        assert run(TODAY + timedelta(days=later), django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 2
    assert Notice.objects.filter(kind=services.RANKING_REMINDER).count() == 2
    assert Event.objects.filter(verb="reminded_ranking_deadline").count() == 2


def test_english_is_written_in_english(world, django_capture_on_commit_callbacks):
    in_ranking(world, TODAY)
    User.objects.filter(pk=world.users["wg_member"].pk).update(language="en")
    run(TODAY, django_capture_on_commit_callbacks)
    message = next(m for m in mail.outbox if m.to == ["wg_member@test.example"])
    assert message.subject == "Arbeidsgruppe Østfold: the ranking in Prioriteringsrunde is due today"


def test_a_sent_ranking_a_passed_deadline_and_the_other_office_are_not_reminded(
    world, django_capture_on_commit_callbacks
):
    round = in_ranking(world, TODAY + timedelta(days=2))
    ranking = services.ranking_sync(round=round, working_group=world.working_group)
    Ranking.objects.filter(pk=ranking.pk).update(status=RankingStatus.SUBMITTED)
    assert run(TODAY, django_capture_on_commit_callbacks) == 0
    Ranking.objects.filter(pk=ranking.pk).update(status=RankingStatus.DRAFT)
    assert run(TODAY + timedelta(days=3), django_capture_on_commit_callbacks) == 0  # the deadline has passed
    assert mail.outbox == []


def test_the_home_shows_the_days_left_until_the_ranking_is_sent(world):
    today = timezone.localdate()
    round = in_ranking(world, today + timedelta(days=3))
    client = Client()
    client.force_login(world.users["wg_member"])
    url = reverse("home:working_group", args=[world.working_group.pk])
    assert "Prioriteringsrunde: 3 dager igjen til fristen for prioriteringen" in client.get(url).content.decode()
    round.working_group_deadline = today
    round.save()
    assert "Prioriteringsrunde: fristen for prioriteringen er i dag." in client.get(url).content.decode()
    round.working_group_deadline = today + timedelta(days=30)
    round.save()
    assert "igjen til fristen for prioriteringen" not in client.get(url).content.decode()
    round.working_group_deadline = today + timedelta(days=1)
    round.save()
    ranking = services.ranking_sync(round=round, working_group=world.working_group)
    Ranking.objects.filter(pk=ranking.pk).update(status=RankingStatus.SUBMITTED)
    body = client.get(url).content.decode()
    assert "til fristen for prioriteringen" not in body
    assert "Prioriteringen i Prioriteringsrunde er sendt til forumet." in body
