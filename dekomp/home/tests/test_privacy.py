"""Download my data (everything about me, nothing about others) and anonymisation (gone from every page, the audit
trail whole)."""

import json
import uuid

import pytest
from axes.models import AccessAttempt, AccessLog
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dekomp.accounts.models import OfficeMembership, OfficeRole, TwoFactorDevice, User
from dekomp.activity.models import Event
from dekomp.activity.services import record
from dekomp.assessment.models import Interest, MemberComment
from dekomp.core.models import OutboxMessage
from dekomp.home.privacy import EXPORT, user_anonymise, user_data_export
from dekomp.needs.models import NeedsReport, ReportPartner, Submission
from dekomp.reporting.models import Reminder


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _download(user: User) -> dict:
    response = _client(user).get(reverse("home:my_data_download"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="mine-data-')
    return json.loads(response.content)


@pytest.fixture
def owner_with_history(world):
    """The owner wrote a draft, submitted it, answered as nothing else; the co-owner wrote another report."""
    owner, co_owner = world.users["owner"], world.users["co_owner"]
    owner.phone = "+47 911 22 333"
    owner.save()
    report = world.report
    report.need = "Eierens behovstekst"
    report.save()
    Submission.objects.create(
        report=report,
        number=1,
        token=uuid.uuid4(),
        snapshot={"title": report.title},
        submitted_by=owner,
        submitted_at=timezone.now(),
    )
    record(actor=owner, verb="saved_content", target=report, changes={"need": ["", "Eierens behovstekst"]})
    other = NeedsReport.objects.create(
        round=world.round,
        scheme=report.scheme,
        owner=world.co_owner_org,
        number=2,
        title="Sarpsborgs hemmelige tiltak",
        created_by=co_owner,
    )
    record(actor=co_owner, verb="saved_content", target=other, changes={"need": ["", "Sarpsborgs private tekst"]})
    return world


def test_my_data_page_explains_and_links_the_download(world):
    response = _client(world.users["outsider"]).get(reverse("home:my_data"))
    content = response.content.decode()
    assert 'data-testid="included"' in content
    assert reverse("home:my_data_download") in content


def test_download_holds_my_profile_roles_and_what_i_did(owner_with_history):
    world = owner_with_history
    data = _download(world.users["owner"])
    assert data["profile"]["email"] == "owner@test.example"
    assert data["profile"]["phone"] == "+47 911 22 333"
    assert [m["organisation__name"] for m in data["organisation_memberships"]] == ["Fredrikstad kommune"]
    assert [r["reference"] for r in data["needs_reports_created_or_declared"]] == [world.report.reference]
    assert [s["report_reference"] for s in data["submissions"]] == [world.report.reference]
    assert [e["changes"] for e in data["activity"]] == [{"need": ["", "Eierens behovstekst"]}]
    assert "password" not in json.dumps(data)


def test_download_holds_nobody_elses_data(owner_with_history):
    text = json.dumps(_download(owner_with_history.users["owner"]), ensure_ascii=False)
    assert "Sarpsborgs private tekst" not in text
    assert "Sarpsborgs hemmelige tiltak" not in text
    assert "co_owner@test.example" not in text
    assert "kari@oslomet.example" not in text  # the partner's contact person is someone else


def test_download_of_a_contact_person_holds_their_mail_and_device_but_no_secret(world, partner_contact):
    data = user_data_export(user=partner_contact)
    assert [m["subject"] for m in data["emails_received"]] == ["Bekreft partnerskap"]
    assert [p["contact_name"] for p in data["partner_contact_for"]] == ["Petra Partnersen"]
    assert len(data["two_factor_device"]) == 1
    assert [(row["ip_address"], row["user_agent"]) for row in data["logins"]] == [("10.0.0.1", "Firefox")]
    assert len(data["login_lockout_counts"]) == 1
    assert "JBSWY3DPEHPK3PXP" not in json.dumps(data, cls=DjangoJSONEncoder)
    assert [e["comment"] for e in data["activity"]] == ["Vi er med", ""]
    assert user_data_export(user=world.users["owner"])["emails_received"] == []


def test_download_for_a_member_and_a_contact_person(world):
    member = world.users["wg_member"]
    MemberComment.objects.create(
        report=world.report, working_group=world.working_group, author=member, text="Godt forankret"
    )
    Interest.objects.create(user=member, organisation=world.union_org, description="Medlem av styret")
    ReportPartner.objects.filter(report=world.report).update(contact_email=member.email, contact_name="WG Kontakt")
    data = user_data_export(user=member)
    assert [c["text"] for c in data["member_comments"]] == ["Godt forankret"]
    assert [i["description"] for i in data["interests_declared"]] == ["Medlem av styret"]
    assert [p["contact_name"] for p in data["partner_contact_for"]] == ["WG Kontakt"]
    assert [m["working_group__name"] for m in data["working_group_memberships"]] == ["Arbeidsgruppe Østfold"]


def test_download_reads_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(len(EXPORT) + 2):
        user_data_export(user=world.users["owner"])


def test_every_foreign_key_to_a_user_is_in_the_download():
    """A new model that points at a person must be added to EXPORT (and to docs/privacy.md)."""
    covered = {(section.model, lookup) for section in EXPORT for lookup in section.lookups}
    user_model = get_user_model()
    missing = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            is_user_key = isinstance(field, models.ForeignKey) and field.related_model is user_model
            if is_user_key and (model, field.name) not in covered:
                missing.append(f"{model._meta.label}.{field.name}")
    assert not missing, f"Foreign keys to the user missing from the download: {missing}"


# ---------------------------------------------------------------------------------------------------- anonymise


@pytest.fixture
def partner_contact(world):
    """The partner persona is also the named contact person on the world's report, in a submitted version and in
    a reminder, and has acted (an event) on the report."""
    partner = world.users["partner"]
    partner.full_name = "Petra Partnersen"
    partner.save()
    link = ReportPartner.objects.get(report=world.report)
    link.contact_name, link.contact_email = "Petra Partnersen", partner.email
    link.save()
    Submission.objects.create(
        report=world.report,
        number=1,
        token=uuid.uuid4(),
        snapshot={"partners": [f"OsloMet: Petra Partnersen <{partner.email}> (bekreftet)"], "need": "Lesing"},
        submitted_by=world.users["owner"],
        submitted_at=timezone.now(),
    )
    Interest.objects.create(user=partner, organisation=world.union_org, description="Gift med lederen")
    OutboxMessage.objects.create(
        subject="Bekreft partnerskap",
        body=f"Hei Petra Partnersen ({partner.email}), bekreft at OsloMet er partner.",
        from_email="ikke-svar@dekomp.example",
        to=[partner.email, "post@oslomet.example"],
    )
    TwoFactorDevice.objects.create(user=partner, secret="JBSWY3DPEHPK3PXP")
    login = {"ip_address": "10.0.0.1", "user_agent": "Firefox", "http_accept": "*/*", "path_info": "/konto/logg-inn/"}
    AccessLog.objects.create(username=partner.email, **login)
    AccessAttempt.objects.create(
        username=partner.email, get_data="", post_data=f"username={partner.email}", failures_since_start=1, **login
    )
    record(actor=partner, verb="partner_confirmed", target=link, comment="Vi er med")
    record(actor=partner, verb="saved", target=world.report)
    return partner


def _reminder(world, emails):
    from dekomp.decisions.tests.factories import decided
    from dekomp.reporting.models import RecipientReport

    decision = decided(world, 1)[0]
    line = decision.lines.first()
    report = RecipientReport.objects.create(
        line=line, recipient=line.recipient, budget_year=line.budget_year, deadline=timezone.localdate()
    )
    return Reminder.objects.create(report=report, kind="forfalt", recipients=emails)


def test_anonymise_replaces_the_person_everywhere_and_keeps_the_trail(world, partner_contact):
    partner, admin = partner_contact, world.users["office_admin"]
    reminder = _reminder(world, [partner.email, "post@oslomet.example"])
    events_before = list(Event.objects.order_by("pk").values_list("pk", "actor_id", "verb", "changes", "comment"))
    old_email = partner.email

    user_anonymise(user=partner, by=admin)

    partner.refresh_from_db()
    assert partner.full_name == f"Anonymisert bruker #{partner.pk}"
    assert partner.email == f"anonymisert-{partner.pk}@invalid"
    assert not partner.is_active and not partner.has_usable_password()
    assert not partner.organisation_memberships.exists()
    link = ReportPartner.objects.get(report=world.report)
    assert (link.contact_name, link.contact_email) == (partner.full_name, partner.email)
    snapshot = Submission.objects.get(report=world.report).snapshot
    assert snapshot["partners"] == [f"OsloMet: {partner.full_name} <{partner.email}> (bekreftet)"]
    assert snapshot["need"] == "Lesing"
    assert Interest.objects.get(user=partner).description == ""
    message = OutboxMessage.objects.get()
    assert message.to == [partner.email, "post@oslomet.example"]
    assert message.body == f"Hei {partner.full_name} ({partner.email}), bekreft at OsloMet er partner."
    assert not TwoFactorDevice.objects.filter(user=partner).exists()
    assert list(AccessLog.objects.values_list("username", flat=True)) == [partner.email]
    assert not AccessAttempt.objects.exists()
    reminder.refresh_from_db()
    assert reminder.recipients == [partner.email, "post@oslomet.example"]
    # The audit trail: every earlier event as it was (same actor FK), and one more with counts only.
    events_after = list(Event.objects.order_by("pk").values_list("pk", "actor_id", "verb", "changes", "comment"))
    assert events_after[:-1] == events_before
    last = Event.objects.order_by("pk").last()
    assert (last.actor_id, last.verb, last.target_id) == (admin.pk, "user_anonymised", partner.pk)
    assert "Petra" not in json.dumps(last.changes) and old_email not in json.dumps(last.changes)
    assert last.changes["partner_contacts"] == 1 and last.changes["memberships_ended"] == 1


def test_the_anonymised_person_cannot_log_in_and_is_logged_out(world, partner_contact):
    client = _client(partner_contact)
    assert client.get(reverse("home:my_data")).status_code == 200
    user_anonymise(user=partner_contact, by=world.users["office_admin"])
    assert client.get(reverse("home:my_data")).status_code == 302  # the open session has ended
    assert not Client().login(email="partner@test.example", password="pw")
    assert not Client().login(email=f"anonymisert-{partner_contact.pk}@invalid", password="pw")


def test_pages_show_the_anonymous_name_not_the_person(world, partner_contact):
    user_anonymise(user=partner_contact, by=world.users["office_admin"])
    admin, caseworker = _client(world.users["office_admin"]), _client(world.users["caseworker"])
    pages = [
        caseworker.get(reverse("needs:detail", args=[world.report.pk])),
        admin.get(reverse("activity:user", args=[partner_contact.pk])),
        admin.get(reverse("activity:report", args=[world.report.pk])),
    ]
    for response in pages:
        content = response.content.decode()
        assert response.status_code == 200
        assert "Petra" not in content and "partner@test.example" not in content
        assert f"Anonymisert bruker #{partner_contact.pk}" in content


def test_anonymise_refuses_oneself_others_and_the_only_admin(world):
    admin = world.users["office_admin"]
    with pytest.raises(PermissionDenied):
        user_anonymise(user=admin, by=admin)
    with pytest.raises(PermissionDenied):
        user_anonymise(user=world.users["other_caseworker"], by=admin)
    with pytest.raises(PermissionDenied):
        user_anonymise(user=world.users["owner"], by=world.users["caseworker"])
    events = Event.objects.count()
    root = User.objects.create_superuser(email="root@test.example", password="pw", full_name="Root")
    with pytest.raises(ValidationError) as error:
        user_anonymise(user=admin, by=root)  # the office's only admin
    assert world.office.name in " ".join(error.value.messages)
    assert Event.objects.count() == events
    assert User.objects.get(pk=admin.pk).full_name == "office_admin"


def test_anonymise_twice_is_refused(world, partner_contact):
    user_anonymise(user=partner_contact, by=world.users["office_admin"])
    root = User.objects.create_superuser(email="root@test.example", password="pw", full_name="Root")
    with pytest.raises(ValidationError):
        user_anonymise(user=partner_contact, by=root)


# ---------------------------------------------------------------------------------------------------- the pages


def test_confirmation_page_then_post_anonymises(world, partner_contact):
    client = _client(world.users["office_admin"])
    url = reverse("home:anonymise", args=[partner_contact.pk])
    page = client.get(url).content.decode()
    assert "Petra Partnersen" in page and f"Anonymisert bruker #{partner_contact.pk}" in page
    unconfirmed = client.post(url, {})
    assert unconfirmed.status_code == 200
    assert "Kryss av for at du forstår" in unconfirmed.content.decode()
    assert User.objects.get(pk=partner_contact.pk).full_name == "Petra Partnersen"
    response = client.post(url, {"confirm": "on"}, follow=True)
    assert response.redirect_chain[0][0] == reverse("home:index")
    assert f"Anonymisert bruker #{partner_contact.pk}" in response.content.decode()
    assert User.objects.get(pk=partner_contact.pk).full_name == f"Anonymisert bruker #{partner_contact.pk}"


def test_confirmation_page_shows_why_the_only_admin_cannot_be_anonymised(world):
    """The outsider becomes an admin here; office_admin is also the only admin of the other office."""
    subject = world.users["office_admin"]
    OfficeMembership.objects.create(user=world.users["outsider"], office=world.office, role=OfficeRole.ADMIN)
    OfficeMembership.objects.create(user=subject, office=world.other_office, role=OfficeRole.ADMIN)
    client = _client(world.users["outsider"])
    url = reverse("home:anonymise", args=[subject.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="problems"' in page and world.other_office.name in page
    assert 'name="confirm"' not in page
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 200
    assert world.other_office.name in response.content.decode()
    assert User.objects.get(pk=subject.pk).full_name == "office_admin"


def test_admin_action_asks_then_anonymises(world, partner_contact):
    root = User.objects.create_superuser(email="root@test.example", password="pw", full_name="Root")
    client = _client(root)
    url = reverse("admin:accounts_user_changelist")
    data = {"action": "anonymise_users", "_selected_action": [partner_contact.pk]}
    confirm = client.post(url, data)
    assert confirm.status_code == 200 and "Petra Partnersen" in confirm.content.decode()
    assert User.objects.get(pk=partner_contact.pk).full_name == "Petra Partnersen"
    client.post(url, {**data, "post": "yes"})
    assert User.objects.get(pk=partner_contact.pk).full_name == f"Anonymisert bruker #{partner_contact.pk}"


def test_admin_action_for_an_office_admin_skips_people_outside_their_offices(world):
    client = _client(world.users["office_admin"])
    url = reverse("admin:accounts_user_changelist")
    owner, other = world.users["owner"], world.users["other_caseworker"]
    client.post(url, {"action": "anonymise_users", "_selected_action": [owner.pk, other.pk], "post": "yes"})
    assert User.objects.get(pk=owner.pk).full_name == f"Anonymisert bruker #{owner.pk}"
    assert User.objects.get(pk=other.pk).full_name == "other_caseworker"
