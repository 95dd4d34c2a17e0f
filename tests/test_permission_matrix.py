"""Every view × method × persona, with the expected answer; generated from the URL configuration.

A new view without an entry in MATRIX fails ``test_every_view_is_in_the_matrix``. The number of cases run is
printed at the end of the test session.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.matrix import OFFICE_STAFF, Case, everyone, logged_in, only
from tests.matrix_activity import CASES as ACTIVITY
from tests.matrix_decisions import CASES as DECISIONS
from tests.matrix_payouts import CASES as PAYOUTS
from tests.matrix_privacy import CASES as PRIVACY
from tests.matrix_public import CASES as PUBLIC
from tests.matrix_reporting import CASES as REPORTING
from tests.personas import PERSONA_NAMES, World

# What the run saw, for the summary and bench/results/permissions.*: a leak is a 2xx where the matrix expects a
# refusal (403, 302 to login, 405); any other difference is a mismatch. Both fail the test; the counts say how many.
CASES_RUN = {"count": 0, "views": 0, "leaks": 0, "mismatches": 0}


def _draft(world: World):
    """A draft by the owner with OsloMet as partner, Sarpsborg as co-owner and one attachment (made once)."""
    from django.core.files.base import ContentFile

    from dekomp.needs.models import Attachment, CoOwner, NeedsReport, ReportPartner

    existing = NeedsReport.objects.filter(round=world.round, title="Matrise-utkast").first()
    if existing:
        return existing
    report = NeedsReport.objects.create(
        round=world.round,
        scheme=world.report.scheme,
        owner=world.owner_org,
        number=900,
        title="Matrise-utkast",
        created_by=world.users["owner"],
    )
    ReportPartner.objects.create(
        report=report, organisation=world.partner_org, contact_name="P", contact_email="p@x.example"
    )
    CoOwner.objects.create(report=report, organisation=world.co_owner_org)
    attachment = Attachment(
        report=report,
        original_name="plan.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=world.users["owner"],
    )
    attachment.file.save("plan.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    return report


def _submitted(world: World):
    """The world's submitted report, with its first submission."""
    import uuid

    from django.utils import timezone

    from dekomp.needs.models import Submission

    Submission.objects.get_or_create(
        report=world.report,
        number=1,
        defaults={
            "token": uuid.uuid4(),
            "snapshot": {"title": world.report.title, "total": "500000"},
            "submitted_by": world.users["owner"],
            "submitted_at": timezone.now(),
        },
    )
    return world.report


def _ranking(world: World):
    """The working group's ranking in the world's round: two checked reports, Fredrikstad's first (made once)."""
    from dekomp.assessment.models import Ranking
    from dekomp.assessment.services import ranking_sync
    from dekomp.assessment.tests.factories import checked_reports

    existing = Ranking.objects.filter(round=world.round, working_group=world.working_group).first()
    if existing:
        return existing
    checked_reports(world, count=2, round=world.round)
    return ranking_sync(round=world.round, working_group=world.working_group)


def _fredrikstad_report(world: World):
    """The ranked report owned by Fredrikstad: wg_member may rank it, recused_member (Fredrikstad) may not."""
    return _ranking(world).entries.get(report__owner=world.owner_org).report


def _led_ranking(world: World):
    """The ranking, with wg_member made the group's leader (only the leader submits)."""
    from dekomp.accounts.models import BodyRole, WorkingGroupMembership

    WorkingGroupMembership.objects.filter(user=world.users["wg_member"]).update(role=BodyRole.LEADER)
    return _ranking(world)


def _submitted_ranking(world: World):
    """The ranking, sent to the forum (only the office reopens it)."""
    from dekomp.assessment.models import RankingStatus

    ranking = _ranking(world)
    ranking.status = RankingStatus.SUBMITTED
    ranking.save()
    return ranking


def _recommendation(world: World):
    """The world's report checked, equal DeKomp envelopes and a proposal in the forum's draft (made once)."""
    from dekomp.allocation import services
    from dekomp.allocation.models import Recommendation
    from dekomp.needs.models import NeedsReport, Status

    existing = Recommendation.objects.filter(round=world.round).first()
    if existing:
        return existing
    NeedsReport.objects.filter(pk=world.report.pk).update(status=Status.CHECKED)
    caseworker, scheme = world.users["caseworker"], world.report.scheme
    services.envelopes_set(by=caseworker, round=world.round, scheme=scheme, kind="like", method="largest_remainder")
    services.allocation_propose(by=caseworker, round=world.round, scheme=scheme, mode="rank_order")
    return services.draft_recommendation(round=world.round)


def _forum_meeting(world: World):
    """A meeting on the recommendation with the forum member and the secretariat present (made once)."""
    from django.utils import timezone

    from dekomp.allocation.models import Meeting
    from dekomp.allocation.services import meeting_record

    _recommendation(world)
    existing = Meeting.objects.filter(forum=world.forum, round=world.round).first()
    if existing:
        return existing
    present = [world.users["forum_member"], world.users["secretariat"]]
    return meeting_record(
        by=world.users["secretariat"],
        forum=world.forum,
        round=world.round,
        held_at=timezone.now(),
        present=present,
        is_consensus=False,
        minutes="",
    )


def _plan(world: World):
    """The forum's long-term plan for the round (made once)."""
    from django.core.files.base import ContentFile

    from dekomp.allocation.models import LongTermPlan

    existing = LongTermPlan.objects.filter(forum=world.forum, round=world.round).first()
    if existing:
        return existing
    plan = LongTermPlan(
        forum=world.forum, round=world.round, original_name="plan.pdf", uploaded_by=world.users["secretariat"]
    )
    plan.file.save("plan.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    return plan


REPORT_VIEWERS = ("owner", "partner", *OFFICE_STAFF)
DRAFT_VIEWERS = ("owner", "co_owner", "partner", *OFFICE_STAFF)


MATRIX: dict[str, Case] = {
    "home:index": Case(lambda w: [], {"GET": logged_in(302) | {"outsider": 200}, "POST": logged_in(405)}),
    "home:owner": Case(lambda w: [w.owner_org.pk], {"GET": only("owner"), "POST": logged_in(405)}),
    "home:partner": Case(lambda w: [w.partner_org.pk], {"GET": only("partner"), "POST": logged_in(405)}),
    "home:working_group": Case(
        lambda w: [w.working_group.pk],
        {"GET": only("wg_member", "recused_member", *OFFICE_STAFF), "POST": logged_in(405)},
    ),
    "home:forum": Case(lambda w: [w.forum.pk], {"GET": only("forum_member", *OFFICE_STAFF), "POST": logged_in(405)}),
    "home:office": Case(lambda w: [w.office.slug], {"GET": only(*OFFICE_STAFF), "POST": logged_in(405)}),
    "home:national": Case(lambda w: [], {"GET": only("national_reader"), "POST": logged_in(405)}),
    "organisations:list": Case(lambda w: [w.office.slug], {"GET": only(*OFFICE_STAFF), "POST": logged_in(405)}),
    "organisations:detail": Case(
        lambda w: [w.owner_org.pk], {"GET": only("owner", "national_reader", *OFFICE_STAFF), "POST": logged_in(405)}
    ),
    "schemes:round_list": Case(lambda w: [w.office.slug], {"GET": only(*OFFICE_STAFF), "POST": logged_in(405)}),
    "schemes:round_detail": Case(lambda w: [w.round.pk], {"GET": only(*OFFICE_STAFF), "POST": logged_in(405)}),
    # Only office admins move a round (the confirmation page, then the move); with no status chosen they are sent
    # back to the round's page with an error message.
    "schemes:round_transition": Case(
        lambda w: [w.round.pk], {"GET": only("office_admin", ok=302), "POST": only("office_admin", ok=302)}
    ),
    # An empty form is shown again with its errors.
    "schemes:reopen": Case(lambda w: [w.round.pk], {"GET": logged_in(405), "POST": only(*OFFICE_STAFF)}),
    # Nothing ticked: back to the list with an error message.
    "needs:create": Case(lambda w: [w.owner_org.pk], {"GET": only("owner"), "POST": only("owner")}),
    "needs:detail": Case(lambda w: [_draft(w).pk], {"GET": only(*DRAFT_VIEWERS), "POST": logged_in(405)}),
    "needs:edit": Case(lambda w: [_draft(w).pk, "grunnlag"], {"GET": only("owner"), "POST": only("owner")}),
    "needs:submit": Case(lambda w: [_draft(w).pk], {"GET": only("owner"), "POST": only("owner")}),
    "needs:receipt": Case(lambda w: [_submitted(w).pk, 1], {"GET": only(*REPORT_VIEWERS), "POST": logged_in(405)}),
    "needs:receipt_pdf": Case(lambda w: [_submitted(w).pk, 1], {"GET": only(*REPORT_VIEWERS), "POST": logged_in(405)}),
    "needs:versions": Case(lambda w: [_submitted(w).pk], {"GET": only(*REPORT_VIEWERS), "POST": logged_in(405)}),
    "needs:withdraw": Case(lambda w: [_draft(w).pk], {"GET": logged_in(405), "POST": only("owner", ok=302)}),
    "needs:copy": Case(lambda w: [_submitted(w).pk], {"GET": logged_in(405), "POST": only("owner", ok=302)}),
    "needs:attachment": Case(
        lambda w: [_draft(w).pk, _draft(w).attachments.get().pk], {"GET": only(*DRAFT_VIEWERS), "POST": logged_in(405)}
    ),
    "needs:attachment_delete": Case(
        lambda w: [_draft(w).pk, _draft(w).attachments.get().pk], {"GET": logged_in(405), "POST": only("owner", ok=302)}
    ),
    "needs:partner_answer": Case(
        lambda w: [_draft(w).partner_links.get().pk], {"GET": logged_in(405), "POST": only("partner", ok=302)}
    ),
    "needs:co_owner_answer": Case(
        lambda w: [_draft(w).co_owner_links.get().pk], {"GET": logged_in(405), "POST": only("co_owner", ok=302)}
    ),
    "needs:round_list": Case(lambda w: [w.round.pk], {"GET": only(*OFFICE_STAFF), "POST": only(*OFFICE_STAFF, ok=302)}),
    # Starts the worker's export job (no token posted: back to the overview with a message).
    "needs:export": Case(lambda w: [w.round.pk, "xlsx"], {"GET": logged_in(405), "POST": only(*OFFICE_STAFF, ok=302)}),
    "needs:check": Case(lambda w: [w.report.pk], {"GET": logged_in(405), "POST": only(*OFFICE_STAFF, ok=302)}),
    "needs:return": Case(lambda w: [w.report.pk], {"GET": logged_in(405), "POST": only(*OFFICE_STAFF, ok=302)}),
    "assessment:board": Case(
        lambda w: [w.round.pk, w.working_group.pk],
        {"GET": only("wg_member", "recused_member", *OFFICE_STAFF), "POST": logged_in(405)},
    ),
    # Posts with no data: the ranking's members get the board back with a message; nobody else may rank.
    "assessment:move": Case(
        lambda w: [_ranking(w).pk], {"GET": logged_in(405), "POST": only("wg_member", "recused_member", ok=302)}
    ),
    "assessment:order": Case(
        lambda w: [_ranking(w).pk], {"GET": logged_in(405), "POST": only("wg_member", "recused_member", ok=302)}
    ),
    # The board comes back with the errors in place; recused_member speaks for Fredrikstad and is refused.
    "assessment:entry": Case(
        lambda w: [_ranking(w).pk, _fredrikstad_report(w).pk], {"GET": logged_in(405), "POST": only("wg_member")}
    ),
    "assessment:comment": Case(
        lambda w: [w.working_group.pk, _fredrikstad_report(w).pk], {"GET": logged_in(405), "POST": only("wg_member")}
    ),
    "assessment:submit": Case(
        lambda w: [_led_ranking(w).pk], {"GET": logged_in(405), "POST": only("wg_member", ok=302)}
    ),
    # No reason given: the board comes back with the error.
    "assessment:reopen": Case(
        lambda w: [_submitted_ranking(w).pk], {"GET": logged_in(405), "POST": only(*OFFICE_STAFF)}
    ),
    "assessment:reassign": Case(
        lambda w: [_fredrikstad_report(w).pk], {"GET": logged_in(405), "POST": only(*OFFICE_STAFF)}
    ),
    # Everyone declares their own interests; an empty form comes back with its errors.
    "assessment:interests": Case(lambda w: [], {"GET": logged_in(200), "POST": logged_in(200)}),
    # Allocation: the office sets envelopes and runs the solver; empty posts come back with the form's errors.
    "allocation:envelopes": Case(
        lambda w: [w.round.pk, w.report.scheme_id], {"GET": only(*OFFICE_STAFF), "POST": only(*OFFICE_STAFF)}
    ),
    "allocation:propose": Case(
        lambda w: [w.round.pk, w.report.scheme_id], {"GET": logged_in(405), "POST": only(*OFFICE_STAFF)}
    ),
    "allocation:workspace": Case(
        lambda w: [w.forum.pk, _recommendation(w).round_id],
        {"GET": only("forum_member", *OFFICE_STAFF), "POST": logged_in(405)},
    ),
    # Members and the secretariat change amounts; the secretariat (and the leader) keep the minutes.
    "allocation:line": Case(
        lambda w: [_recommendation(w).pk, w.report.pk],
        {"GET": logged_in(405), "POST": only("forum_member", "secretariat")},
    ),
    "allocation:meeting": Case(
        lambda w: [w.forum.pk, w.round.pk], {"GET": logged_in(405), "POST": only("secretariat")}
    ),
    # Only members vote: the secretariat and the office are refused by the service, whatever they post.
    "allocation:vote": Case(lambda w: [_forum_meeting(w).pk], {"GET": logged_in(405), "POST": only("forum_member")}),
    "allocation:approve": Case(lambda w: [_recommendation(w).pk], {"GET": logged_in(405), "POST": only("secretariat")}),
    "allocation:new_version": Case(
        lambda w: [_recommendation(w).pk], {"GET": logged_in(405), "POST": only("secretariat", ok=302)}
    ),
    # Starts the worker's PDF job (no token posted: back to the workspace with a message).
    "allocation:pdf": Case(
        lambda w: [_recommendation(w).pk], {"GET": logged_in(405), "POST": only("forum_member", *OFFICE_STAFF, ok=302)}
    ),
    "allocation:xlsx": Case(
        lambda w: [_recommendation(w).pk], {"GET": only("forum_member", *OFFICE_STAFF), "POST": logged_in(405)}
    ),
    "allocation:plan_upload": Case(
        lambda w: [w.forum.pk, w.round.pk], {"GET": logged_in(405), "POST": only("secretariat")}
    ),
    "allocation:plan": Case(
        lambda w: [_plan(w).pk], {"GET": only("forum_member", *OFFICE_STAFF), "POST": logged_in(405)}
    ),
    "accounts:login": Case(
        lambda w: [], {"GET": logged_in(302) | {"anonymous": 200}, "POST": logged_in(302) | {"anonymous": 200}}
    ),
    "accounts:logout": Case(lambda w: [], {"GET": everyone(405), "POST": everyone(302)}),
    # The code pages send anyone already past the second factor (or not needing one) on, anonymous to the login
    # page; dekomp/accounts/tests/test_security.py tests them with real password logins.
    "accounts:two_factor_verify": Case(lambda w: [], {"GET": everyone(302), "POST": everyone(302)}),
    "accounts:two_factor_setup": Case(lambda w: [], {"GET": everyone(302), "POST": everyone(302)}),
    "accounts:password_reset": Case(lambda w: [], {"GET": everyone(200), "POST": everyone(200)}),
    "accounts:password_reset_done": Case(lambda w: [], {"GET": everyone(200), "POST": everyone(405)}),
    "accounts:password_reset_confirm": Case(
        lambda w: ["MQ", "invalid-token"], {"GET": everyone(200), "POST": everyone(200)}
    ),
    "accounts:password_reset_complete": Case(lambda w: [], {"GET": everyone(200), "POST": everyone(405)}),
    "set_language": Case(lambda w: [], {"GET": everyone(405), "POST": everyone(302)}),
    "healthz": Case(lambda w: [], {"GET": everyone(200), "POST": everyone(405)}),
    "javascript-catalog": Case(lambda w: [], {"GET": everyone(200), "POST": everyone(405)}),
}
MATRIX |= DECISIONS | PAYOUTS | REPORTING | PUBLIC | ACTIVITY
MATRIX |= PRIVACY


def view_names(patterns=None, namespace: str = "") -> set[str]:
    """Every named URL pattern outside the Django admin (tested on its own below)."""
    names: set[str] = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= view_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_view_is_in_the_matrix():
    missing = view_names() - set(MATRIX)
    stale = set(MATRIX) - view_names()
    assert not missing, f"Views without an entry in the permission matrix: {sorted(missing)}"
    assert not stale, f"Matrix entries for views that no longer exist: {sorted(stale)}"


def _client_for(world: World, persona: str) -> Client:
    client = Client()
    user = world.users[persona]
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_permission_matrix(world, url_name):
    case = MATRIX[url_name]
    url = reverse(url_name, args=case.args(world))
    wrong = []
    for method, expectations in case.methods.items():
        assert set(expectations) == set(PERSONA_NAMES), f"{url_name} {method}: every persona needs an expectation"
        for persona, expected in expectations.items():
            response = getattr(_client_for(world, persona), method.lower())(url)
            CASES_RUN["count"] += 1
            if response.status_code != expected:
                is_leak = 200 <= response.status_code < 300 and not 200 <= expected < 300
                CASES_RUN["leaks" if is_leak else "mismatches"] += 1
                wrong.append(f"{method} {url} as {persona}: {response.status_code}, expected {expected}")
            if (
                expected == 302
                and persona == "anonymous"
                and method == "GET"
                and url_name.startswith(("home:", "organisations:"))
            ):
                assert response["Location"].startswith(reverse("accounts:login"))
    CASES_RUN["views"] += 1
    assert not wrong, "\n".join(wrong)


def test_other_office_sees_nothing_of_this_office(world):
    """A caseworker of office B gets 403 on every page of office A, also when guessing ids."""
    client = _client_for(world, "other_caseworker")
    for url in [
        reverse("home:office", args=[world.office.slug]),
        reverse("home:working_group", args=[world.working_group.pk]),
        reverse("home:forum", args=[world.forum.pk]),
        reverse("organisations:list", args=[world.office.slug]),
        reverse("organisations:detail", args=[world.owner_org.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    assert client.get(reverse("home:office", args=[world.other_office.slug])).status_code == 200
    assert client.get(reverse("home:working_group", args=[world.other_working_group.pk])).status_code == 200


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_admin_is_for_office_admins_only(world, persona):
    response = _client_for(world, persona).get(reverse("admin:index"))
    CASES_RUN["count"] += 1
    if persona == "office_admin":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_office_admin_sees_only_own_office_in_admin(world):
    client = _client_for(world, "office_admin")
    response = client.get(reverse("admin:organisations_organisation_changelist"))
    assert response.status_code == 200
    names = {org.name for org in response.context["cl"].result_list}
    assert {"Fredrikstad kommune", "Sarpsborg kommune"} <= names
    assert "Bergen kommune" not in names
    other = client.get(reverse("admin:organisations_organisation_change", args=[world.other_owner_org.pk]))
    assert other.status_code == 302  # "does not exist" in this admin's scope: redirected to the index


def test_office_admin_cannot_widen_their_office_or_reach_another(world):
    from dekomp.organisations.models import County

    client = _client_for(world, "office_admin")
    change_office = reverse("admin:organisations_office_change", args=[world.office.pk])
    all_counties = list(County.objects.values_list("pk", flat=True))
    client.post(change_office, {"slug": world.office.slug, "name": world.office.name, "counties": all_counties})
    world.office.refresh_from_db()
    assert world.office.counties.count() == 4
    add_region = client.get(reverse("admin:organisations_region_add"))
    office_choices = {str(o) for o in add_region.context["adminform"].form.fields["office"].queryset}
    assert office_choices == {world.office.name}
    add_forum = client.post(
        reverse("admin:organisations_forum_add"), {"office": world.other_office.pk, "name": "Snike-forum"}
    )
    assert add_forum.status_code == 200  # the form refuses the other office as a choice
    assert not world.other_office.forums.filter(name="Snike-forum").exists()


def test_office_admin_gives_roles_at_own_office_only(world):
    client = _client_for(world, "office_admin")
    response = client.get(reverse("admin:accounts_user_change", args=[world.users["outsider"].pk]))
    assert response.status_code == 302  # the outsider has no role in this office: out of scope
    response = client.get(reverse("admin:accounts_user_change", args=[world.users["caseworker"].pk]))
    assert response.status_code == 200
    inline_forms = {type(f.formset).__name__: f for f in response.context["inline_admin_formsets"]}
    office_formset = next(f for name, f in inline_forms.items() if "Office" in name)
    assert {str(o) for o in office_formset.formset.empty_form.fields["office"].queryset} == {world.office.name}


def test_admin_login_is_the_normal_login(world):
    response = Client().get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
