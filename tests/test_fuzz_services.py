"""Bad input everywhere: property-based fuzzing (hypothesis) of every service, of a handful of forms over HTTP, of
the upload checks and of the exports.

Every public service (``<entity>_<verb>`` with keyword-only arguments in ``dekomp/*/services.py``,
``dekomp/decisions/letters.py`` and ``dekomp/decisions/appeals.py``) has an entry in ``FUZZ``: how to build the world
it works on and a strategy for its arguments. A new service without an entry fails
``test_every_service_has_a_fuzz_strategy``.

Each example runs in a savepoint that is rolled back, so examples are independent. A call must either succeed and
leave the database consistent (``full_clean()`` passes on what it returned and touched, and the invariants below
hold), or refuse with ``ValidationError`` / ``PermissionDenied`` and leave nothing half-written (no table's row count
and none of the objects passed in changed). Anything else (IntegrityError, TypeError, KeyError, DataError,
InvalidOperation, DoesNotExist…) is a server error and fails the test.

What the strategies give: text with unicode, control characters, very long text, HTML/script payloads, SQL-ish and
format-string text; numbers negative, zero and huge; Decimals with decimals; None where optional; dates far in the
past and future; ids of objects that do not exist (in id lists and id-keyed amounts); stale and negative versions;
objects of the wrong office; every persona as the actor.

Two kinds of input reach the services only through Django forms, which refuse them first, and are left out of the
service strategies (the HTTP fuzzing below sends them): the NUL character (forms.CharField's
ProhibitNullCharactersValidator; PostgreSQL cannot store it) and NaN/infinite decimals (forms.DecimalField). Model
arguments are always saved rows: the views load them with get_object_or_404 before any service is called.

The outcomes per service are written to ``bench/results/fuzz.json`` and ``fuzz.md`` (per database) when the whole
module has run.
"""

import inspect
import io
import json
import os
import uuid
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Model, Sum
from django.test import Client
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.personas import World

SERVICE_MODULES = [
    "dekomp.accounts.services",
    "dekomp.activity.services",
    "dekomp.organisations.services",
    "dekomp.schemes.services",
    "dekomp.needs.services",
    "dekomp.assessment.services",
    "dekomp.allocation.services",
    "dekomp.decisions.services",
    "dekomp.decisions.letters",
    "dekomp.decisions.appeals",
    "dekomp.payouts.services",
    "dekomp.reporting.services",
]
OUR_APPS = {
    "accounts",
    "activity",
    "organisations",
    "schemes",
    "needs",
    "assessment",
    "allocation",
    "decisions",
    "payouts",
    "reporting",
}
RESULTS = Path(__file__).resolve().parent.parent / "bench" / "results"
OUTCOMES = ("ok", "ValidationError", "PermissionDenied", "server error")
STATS: dict[str, Counter] = defaultdict(Counter)
ERRORS: dict[str, list[str]] = defaultdict(list)
HTTP_STATS: dict[str, Counter] = defaultdict(Counter)


def discover_services() -> dict[str, Callable]:
    """Every public function defined in the service modules whose parameters are all keyword-only."""
    import importlib

    found = {}
    for module_name in SERVICE_MODULES:
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module_name or name.startswith("_"):
                continue
            parameters = list(inspect.signature(function).parameters.values())
            if parameters and all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters):
                found[name] = function
    return found


# ------------------------------------------------------------------------------------------------- strategies

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ 7*7 }}",
    "{% debug %}",
    "'; DROP TABLE needs_needsreport; --",
    "' OR '1'='1",
    "%s %(name)s {0} %",
    '=HYPERLINK("http://evil.example","x")',
    "\u202eevil\u200b\ufeff",
    "Bjørnøya – ÆØÅ æøå ǅ ß ﬁ",
    "🙂👍🏽",
    "   ",
    "\t\r\n\x0b\x0c",
    "",
    "a@b",
    "../../etc/passwd",
]
# No NUL: forms refuse it before a service sees it (see the module docstring).
ALPHABET = st.characters(codec="utf-8", exclude_characters="\x00")
TEXT = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(ALPHABET, max_size=40),
    st.builds(lambda s, n: s * n, st.text(ALPHABET, min_size=1, max_size=8), st.integers(30, 3000)),
)
INTS = st.one_of(
    st.integers(-1000, 5000),
    st.integers(-(10**12), 10**12),
    st.sampled_from([0, -1, 1, 2**15, 2**31, 2**63 - 1, -(2**63)]),
)
DECIMALS = st.one_of(
    st.decimals(min_value=-(10**15), max_value=10**15, allow_nan=False, allow_infinity=False, places=0),
    st.decimals(min_value=-(10**6), max_value=10**7, allow_nan=False, allow_infinity=False, places=2),
    st.sampled_from([Decimal(0), Decimal("-0.01"), Decimal("0.5"), Decimal("1E+20"), Decimal("99999999999.999")]),
)
DATES = st.one_of(
    st.dates(),
    st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    st.dates(date.today() - timedelta(days=40), date.today()),
    st.sampled_from([date.min, date.max]),
)
DATETIMES = st.one_of(
    st.datetimes(timezones=st.just(UTC)),
    st.datetimes(datetime(2020, 1, 1), datetime(2035, 1, 1), timezones=st.just(UTC)),
)
TOKENS = st.uuids()
GHOST = 2_000_000_000  # an id no row has


def maybe(strategy):
    return st.one_of(st.none(), strategy)


def one_of_or_text(values):
    """A valid choice most of the time, else any text."""
    return st.one_of(st.sampled_from(list(values)), TEXT)


def version(obj) -> st.SearchStrategy:
    """The current version (as loaded when the test set up), or a stale, negative or huge one."""
    return st.one_of(st.just(obj.version), st.just(obj.version), INTS)


def objects(*items) -> st.SearchStrategy:
    """One of the rows, loaded afresh for each example (as a view loads it): a call in an earlier, rolled-back
    example may have changed or deleted the Python object."""
    refs = [(type(item), item.pk) for item in items if item is not None]
    return st.sampled_from(refs).map(lambda ref: ref[0].objects.get(pk=ref[1]))


def actors(w: World, *likely: str) -> st.SearchStrategy:
    """Any persona, with the likely ones (who may do it) drawn about two times in three."""
    everyone = [user for user in w.users.values() if user is not None]
    if not likely:
        return st.sampled_from(everyone)
    likely_users = st.sampled_from([w.users[name] for name in likely])
    return st.one_of(likely_users, likely_users, st.sampled_from(everyone))


def _nameable(name: str) -> bool:
    """Django's UploadedFile refuses names without a file part ("", ".", ".."); the multipart parser drops them."""
    return os.path.basename(name) not in {"", ".", ".."}


def upload_files() -> st.SearchStrategy:
    common = st.sampled_from(["plan.pdf", "bilde.png", "../../x.pdf", "a.exe", ".pdf", "x" * 300 + ".pdf"])
    names = st.one_of(common, common, TEXT).filter(_nameable)
    heads = st.sampled_from([b"", b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"PK\x03\x04", b"MZ"])
    return st.builds(
        lambda name, head, body: SimpleUploadedFile(name, head + body), names, heads, st.binary(max_size=64)
    )


# -------------------------------------------------------------------------------------------- worlds to work on


def _m():
    """The permission matrix's idempotent builders (made once per world)."""
    from tests import matrix_decisions, matrix_payouts, matrix_reporting, test_permission_matrix

    return test_permission_matrix, matrix_decisions, matrix_payouts, matrix_reporting


def rounds(w: World) -> list:
    from dekomp.needs.tests.factories import open_round
    from dekomp.schemes.models import Round

    other = Round.objects.filter(office=w.other_office).first() or open_round(w.other_office, name="Vestland 2027")
    return [w.round, other]


def organisations(w: World) -> list:
    return [w.owner_org, w.co_owner_org, w.partner_org, w.other_owner_org, w.union_org]


def schemes() -> list:
    from dekomp.schemes.models import Scheme

    return list(Scheme.objects.order_by("pk"))


def complete_world(w: World) -> dict:
    """A complete draft whose partner has confirmed: it can be submitted."""
    from dekomp.needs.tests.factories import complete_draft, confirm_partner, open_round

    report = complete_draft(w, open_round(w.office, name="Fuzz-innsending"))
    confirm_partner(w, report)
    report.refresh_from_db()
    return {"complete": report}


def decisions_world(w: World) -> dict:
    _, md, _, _ = _m()
    return {"draft": md._draft_decision(w), "sent": md._sent_decision(w), "letter": md._letter_decision(w)}


def prepare_world(w: World) -> dict:
    """An approved recommendation for two checked reports without decisions, and a draft one."""
    from dekomp.assessment.tests.factories import checked_reports
    from dekomp.decisions.tests.factories import approved_recommendation
    from dekomp.needs.tests.factories import open_round

    pm, *_ = _m()
    round, reports = checked_reports(w, 2, round=open_round(w.office, name="Fuzz-forberedelse"))
    return {"approved": approved_recommendation(w, reports, round), "draft": pm._recommendation(w)}


def submitted_report_world(w: World) -> dict:
    """The partner's 2027 report sent in with 20 000 kr unused, and the owner's still expected."""
    from dekomp.reporting.tests.factories import submitted

    *_, mr = _m()
    partner_report = mr._recipient_report(w)
    submitted(w, partner_report, used=Decimal(30_000))
    partner_report.refresh_from_db()
    return {"submitted": partner_report, "expected": mr._recipient_report(w, "owner")}


@dataclass(frozen=True)
class Fuzz:
    """How to fuzz one service: the world it needs (built once per test), its arguments, how many examples."""

    setup: Callable[[World], dict]
    args: Callable[[World, dict], st.SearchStrategy]
    examples: int = 70
    refused_may_write: frozenset[str] = frozenset()  # models a refusal may still write (by design)


def nothing(w: World) -> dict:
    return {}


def args(**strategies) -> st.SearchStrategy:
    return st.fixed_dictionaries(strategies)


FUZZ: dict[str, Fuzz] = {}


def fuzz(name: str, setup: Callable[[World], dict] = nothing, examples: int = 70, refused_may_write=()):
    def register(build: Callable[[World, dict], st.SearchStrategy]):
        FUZZ[name] = Fuzz(setup, build, examples, frozenset(refused_may_write))
        return build

    return register


# --- accounts, activity, organisations, schemes


@fuzz("user_set_language")
def _(w, c):
    return args(user=actors(w), language=one_of_or_text(["nb", "nn", "en"]), by=actors(w))


def two_factor_world(w: World) -> dict:
    """Authenticator devices for the owner and the caseworker (the others have none)."""
    from dekomp.accounts.services import two_factor_enrol

    return {"devices": [two_factor_enrol(user=w.users[n], by=w.users[n]) for n in ("owner", "caseworker")]}


@fuzz("two_factor_enrol")
def _(w, c):
    return args(user=actors(w), by=actors(w))


# A wrong code is counted even though the call is refused (the lockout needs it): that write is allowed.
@fuzz("two_factor_verify", two_factor_world, refused_may_write={"TwoFactorDevice"})
def _(w, c):
    users = [d.user for d in c["devices"]]
    codes = st.one_of(st.text("0123456789 ", max_size=8), TEXT)
    return st.builds(
        lambda u, code, same: {"user": u, "code": code, "by": u if same else users[0]},
        objects(*users),
        codes,
        st.booleans(),
    )


@fuzz("two_factor_reset", two_factor_world)
def _(w, c):
    return args(user=actors(w), by=maybe(actors(w, "office_admin")))


@fuzz("record")
def _(w, c):
    json_values = st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), TEXT),
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
        max_leaves=8,
    )
    return args(
        actor=maybe(actors(w)),
        verb=st.sampled_from(["created", "saved_basics", "submitted", "decision_changed", "payout_released"]),
        target=objects(w.report, w.round, w.owner_org),
        changes=maybe(st.dictionaries(TEXT, json_values, max_size=4)),
        comment=TEXT,
    )


def organisation_data(w: World) -> st.SearchStrategy:
    from dekomp.organisations.models import County, OrganisationKind
    from dekomp.organisations.validators import synthetic_orgnrs

    orgnrs = synthetic_orgnrs(70_000_000)
    valid = [next(orgnrs) for _ in range(5)]
    anything = st.text(max_size=30)  # forms get the NUL too: they must refuse it
    return st.fixed_dictionaries(
        {
            "orgnr": st.one_of(st.sampled_from([*valid, w.owner_org.orgnr]), anything),
            "name": TEXT,
            "kind": one_of_or_text(OrganisationKind.values),
            "malform": one_of_or_text(["nb", "nn"]),
            "municipality": st.one_of(st.sampled_from(["3107", "0301", "9999", ""]), anything),
            "county": st.one_of(st.sampled_from([str(c.pk) for c in County.objects.all()[:2]]), anything),
            "street_address": TEXT,
            "postal_code": st.one_of(st.sampled_from(["1606", "0000"]), anything),
            "postal_place": TEXT,
            "email": st.one_of(st.just("post@x.example"), anything),
        }
    )


@fuzz("organisation_register")
def _(w, c):
    return args(by=actors(w, "office_admin"), data=organisation_data(w))


@fuzz("organisation_update")
def _(w, c):
    return args(by=actors(w, "office_admin"), organisation=objects(*organisations(w)), data=organisation_data(w))


@fuzz("unit_register")
def _(w, c):
    from dekomp.organisations.models import UnitKind

    data = st.fixed_dictionaries(
        {
            "orgnr": st.one_of(st.just("974760673"), st.text(max_size=12)),
            "name": TEXT,
            "kind": one_of_or_text(UnitKind.values),
            "owner": st.one_of(st.sampled_from([str(o.pk) for o in organisations(w)]), st.text(max_size=12)),
            "municipality": st.one_of(st.just("3107"), st.text(max_size=6)),
            "staff_count": st.one_of(INTS.map(str), st.text(max_size=8)),
            "pupil_count": st.one_of(INTS.map(str), st.text(max_size=8)),
        }
    )
    return args(by=actors(w, "office_admin"), data=data)


@fuzz("round_transition")
def _(w, c):
    from dekomp.schemes.models import RoundStatus

    return args(
        by=actors(w, "office_admin"),
        round=objects(*rounds(w)),
        to=one_of_or_text(RoundStatus.values),
        reason=st.text(max_size=40),
        is_confirmed=st.booleans(),
    )


@fuzz("round_advance")
def _(w, c):
    from dekomp.schemes.models import RoundStatus

    return args(by=actors(w, "caseworker"), round=objects(*rounds(w)), to=st.sampled_from(RoundStatus.values))


@fuzz("deadline_reopen")
def _(w, c):
    return args(
        by=actors(w, "caseworker", "office_admin"),
        round=objects(*rounds(w)),
        owner=objects(*organisations(w)),
        deadline=DATETIMES,
        reason=TEXT,
    )


# --- needs


def draft_world(w: World) -> dict:
    pm, *_ = _m()
    return {"draft": pm._draft(w)}


@fuzz("needs_report_create")
def _(w, c):
    return args(
        by=actors(w, "owner"),
        round=objects(*rounds(w)),
        scheme=objects(*schemes()),
        owner=objects(*organisations(w)),
        title=TEXT,
    )


@fuzz("needs_report_copy", draft_world)
def _(w, c):
    return args(
        by=actors(w, "owner"),
        source=objects(w.report, c["draft"]),
        round=objects(*rounds(w)),
        scheme=maybe(objects(*schemes())),
    )


def editing(w, c, **more):
    return args(by=actors(w, "owner"), report=objects(c["draft"]), expected_version=version(c["draft"]), **more)


@fuzz("needs_report_save_basics", draft_world)
def _(w, c):
    from dekomp.organisations.models import Region

    regions = list(Region.objects.filter(office__in=[w.office, w.other_office]))
    return editing(
        w,
        c,
        title=TEXT,
        region=maybe(objects(*regions)),
        co_owners=st.lists(objects(*organisations(w)), max_size=3),
    )


@fuzz("needs_report_save_units", draft_world)
def _(w, c):
    from dekomp.needs.models import TargetGroup
    from dekomp.organisations.models import Unit

    units = list(Unit.objects.all()[:10])
    return editing(
        w,
        c,
        units=st.lists(objects(*units), max_size=4),
        target_groups=st.lists(one_of_or_text(TargetGroup.values), max_size=4),
        staff_reached=maybe(INTS),
    )


@fuzz("needs_report_save_partners", draft_world)
def _(w, c):
    from dekomp.needs.services import PartnerInput

    partner = st.builds(PartnerInput, objects(*organisations(w)), TEXT, st.one_of(st.just("p@x.example"), TEXT))
    return editing(w, c, partners=st.lists(partner, max_size=3))


@fuzz("needs_report_save_content", draft_world)
def _(w, c):
    from dekomp.schemes.models import ActivityType, Theme

    return editing(
        w,
        c,
        need=TEXT,
        analysis=TEXT,
        goals=TEXT,
        collective=TEXT,
        evaluation=TEXT,
        themes=st.lists(objects(*Theme.objects.all()), max_size=3),
        activity_types=st.lists(objects(*ActivityType.objects.all()), max_size=3),
    )


@fuzz("needs_report_save_anchoring", draft_world)
def _(w, c):
    return editing(w, c, local_plan=TEXT, is_staff_involved=st.booleans(), is_union_involved=st.booleans())


@fuzz("needs_report_save_budget", draft_world)
def _(w, c):
    from dekomp.needs.models import ContributionForm
    from dekomp.needs.services import BudgetInput

    years = st.one_of(st.sampled_from(w.round.budget_years), INTS)
    recipients = st.one_of(st.sampled_from([o.pk for o in organisations(w)]), st.sampled_from([GHOST, 0, -1]), INTS)
    line = st.builds(BudgetInput, years, recipients, DECIMALS, DECIMALS)
    return editing(
        w,
        c,
        years=st.one_of(st.sampled_from([1, 2, 3]), INTS),
        lines=st.lists(line, max_size=5),
        contributions=st.dictionaries(years, DECIMALS, max_size=3),
        egenandel_form=st.one_of(st.just(""), one_of_or_text(ContributionForm.values)),
    )


@fuzz("attachment_add", draft_world, examples=25)
def _(w, c):
    return editing(w, c, upload=upload_files())


@fuzz("attachment_remove", draft_world)
def _(w, c):
    from dekomp.needs.models import Attachment

    return editing(w, c, attachment=objects(*Attachment.objects.all()))


@fuzz("partner_answer", draft_world)
def _(w, c):
    return args(
        by=actors(w, "partner"),
        link=objects(*c["draft"].partner_links.all(), *w.report.partner_links.all()),
        is_confirmed=st.booleans(),
        comment=TEXT,
    )


@fuzz("co_owner_answer", draft_world)
def _(w, c):
    return args(
        by=actors(w, "co_owner"),
        link=objects(*c["draft"].co_owner_links.all()),
        is_confirmed=st.booleans(),
        comment=TEXT,
    )


def reports_world(w: World) -> dict:
    pm, *_ = _m()
    return {"draft": pm._draft(w), "complete": complete_world(w)["complete"]}


def some_reports(w, c):
    return objects(w.report, c["draft"], c["complete"])


@fuzz("needs_report_submit", reports_world, examples=25)
def _(w, c):
    from dekomp.needs.models import Submission

    pm, *_ = _m()
    old_token = Submission.objects.get(pk=pm._submitted(w).submissions.get().pk).token
    return args(
        by=actors(w, "owner"),
        report=some_reports(w, c),
        token=st.one_of(TOKENS, st.just(old_token)),
        is_declared=st.booleans(),
    )


@fuzz("needs_report_withdraw", reports_world)
def _(w, c):
    return args(by=actors(w, "owner"), report=some_reports(w, c), comment=TEXT)


@fuzz("needs_report_check", reports_world)
def _(w, c):
    return args(by=actors(w, "caseworker"), report=some_reports(w, c))


@fuzz("needs_report_return", reports_world)
def _(w, c):
    return args(by=actors(w, "caseworker"), report=some_reports(w, c), comment=TEXT)


@fuzz("needs_reports_check_batch", reports_world)
def _(w, c):
    return args(by=actors(w, "caseworker"), reports=st.lists(some_reports(w, c), max_size=3), token=TOKENS)


@fuzz("needs_reports_return_batch", reports_world)
def _(w, c):
    return args(by=actors(w, "caseworker"), reports=st.lists(some_reports(w, c), max_size=3), comment=TEXT)


# --- assessment


def ranking_world(w: World) -> dict:
    pm, *_ = _m()
    ranking = pm._ranking(w)
    return {"ranking": ranking, "reports": [e.report for e in ranking.entries.order_by("position")]}


def ranked(w, c):
    return objects(*c["reports"], w.report)


@fuzz("ranking_sync", ranking_world)
def _(w, c):
    return args(round=objects(*rounds(w)), working_group=objects(w.working_group, w.other_working_group))


@fuzz("ranking_move", ranking_world)
def _(w, c):
    return args(
        by=actors(w, "wg_member", "recused_member"),
        ranking=objects(c["ranking"]),
        report=ranked(w, c),
        position=st.one_of(st.integers(0, 3), INTS),
        expected_version=version(c["ranking"]),
    )


@fuzz("ranking_save_order", ranking_world)
def _(w, c):
    ids = [r.pk for r in c["reports"]]
    return args(
        by=actors(w, "wg_member", "recused_member"),
        ranking=objects(c["ranking"]),
        order=st.one_of(st.permutations(ids), st.lists(st.sampled_from([*ids, GHOST, 0, -1]), max_size=5)),
        expected_version=version(c["ranking"]),
    )


@fuzz("ranking_entry_save", ranking_world)
def _(w, c):
    years = st.one_of(st.sampled_from(w.round.budget_years), INTS)
    return args(
        by=actors(w, "wg_member", "recused_member"),
        ranking=objects(c["ranking"]),
        report=ranked(w, c),
        comment=TEXT,
        amounts=st.dictionaries(years, st.tuples(DECIMALS, DECIMALS), max_size=3),
        expected_version=version(c["ranking"]),
    )


def led_ranking_world(w: World) -> dict:
    pm, *_ = _m()
    return {"ranking": pm._led_ranking(w)}


@fuzz("ranking_submit", led_ranking_world)
def _(w, c):
    return args(by=actors(w, "wg_member"), ranking=objects(c["ranking"]))


def submitted_ranking_world(w: World) -> dict:
    pm, *_ = _m()
    return {"ranking": pm._submitted_ranking(w)}


@fuzz("ranking_reopen", submitted_ranking_world)
def _(w, c):
    return args(by=actors(w, "caseworker"), ranking=objects(c["ranking"]), reason=TEXT)


@fuzz("member_comment_add", ranking_world)
def _(w, c):
    return args(
        by=actors(w, "wg_member"),
        working_group=objects(w.working_group, w.other_working_group),
        report=ranked(w, c),
        text=TEXT,
    )


@fuzz("report_reassign", ranking_world)
def _(w, c):
    return args(
        by=actors(w, "caseworker"),
        report=ranked(w, c),
        working_group=objects(w.working_group, w.other_working_group),
        reason=TEXT,
    )


@fuzz("interest_declare")
def _(w, c):
    return args(by=actors(w), organisation=objects(*organisations(w)), description=TEXT)


@fuzz("recusal_declare", ranking_world)
def _(w, c):
    return args(by=actors(w, "wg_member"), report=ranked(w, c), reason=TEXT)


def deadlines_world(w: World) -> dict:
    """The persona round in ranking with its report checked, the ranking deadline and the forum meeting this week."""
    from django.utils import timezone

    from dekomp.needs.models import NeedsReport, Status
    from dekomp.schemes.models import Round, RoundStatus

    NeedsReport.objects.filter(pk=w.report.pk).update(status=Status.CHECKED)
    Round.objects.filter(pk=w.round.pk).update(
        status=RoundStatus.ASSESSMENT,
        working_group_deadline=timezone.localdate() + timedelta(days=3),
        forum_meeting=timezone.now() + timedelta(days=2),
    )
    return {}


# The daily job's clock: the days around the deadlines (where it sends), and any plausible day.
def reminder_days() -> st.SearchStrategy:
    return st.one_of(st.dates(date.today() - timedelta(days=10), date.today() + timedelta(days=10)), PLAUSIBLE_DAYS)


@fuzz("ranking_reminders_send", deadlines_world, examples=20)
def _(w, c):
    return args(today=reminder_days())


# --- allocation


def recommendation_world(w: World) -> dict:
    pm, *_ = _m()
    recommendation = pm._recommendation(w)
    return {"recommendation": recommendation, "meeting": pm._forum_meeting(w)}


MODES = ["rank_order", "partial_marginal", "pool"]


@fuzz("region_weights")
def _(w, c):
    from dekomp.allocation.models import KeyKind

    return args(round=objects(*rounds(w)), scheme=objects(*schemes()), kind=one_of_or_text(KeyKind.values))


@fuzz("envelopes_set")
def _(w, c):
    from dekomp.allocation.models import ApportionmentMethod, KeyKind
    from dekomp.organisations.models import Region

    regions = st.one_of(st.sampled_from(list(Region.objects.values_list("pk", flat=True))), st.just(GHOST), INTS)
    years = st.one_of(st.sampled_from(w.round.budget_years), INTS)
    return args(
        by=actors(w, "caseworker"),
        round=objects(*rounds(w)),
        scheme=objects(*schemes()),
        kind=one_of_or_text(KeyKind.values),
        method=one_of_or_text(ApportionmentMethod.values),
        source=TEXT,
        source_year=maybe(INTS),
        typed=maybe(st.dictionaries(st.tuples(regions, years), DECIMALS, max_size=4)),
    )


@fuzz("build_problem", recommendation_world)
def _(w, c):
    return args(round=objects(*rounds(w)), scheme=objects(*schemes()), mode=one_of_or_text(MODES))


@fuzz("allocation_propose", recommendation_world, examples=20)
def _(w, c):
    return args(
        by=actors(w, "caseworker"), round=objects(*rounds(w)), scheme=objects(*schemes()), mode=one_of_or_text(MODES)
    )


@fuzz("draft_recommendation", recommendation_world)
def _(w, c):
    return args(round=objects(*rounds(w)))


@fuzz("recommendation_line_set", recommendation_world)
def _(w, c):
    years = st.one_of(st.sampled_from(w.round.budget_years), INTS)
    return args(
        by=actors(w, "forum_member", "secretariat"),
        recommendation=objects(c["recommendation"]),
        report=objects(w.report, *c["recommendation"].round.needs_reports.all()),
        amounts=st.dictionaries(years, DECIMALS, max_size=3),
        justification=TEXT,
        expected_version=version(c["recommendation"]),
    )


@fuzz("meeting_record", recommendation_world)
def _(w, c):
    return args(
        by=actors(w, "secretariat"),
        forum=objects(w.forum, w.other_forum),
        round=objects(*rounds(w)),
        held_at=DATETIMES,
        present=st.lists(actors(w, "forum_member", "secretariat"), max_size=4),
        is_consensus=st.booleans(),
        minutes=TEXT,
    )


@fuzz("vote_cast", recommendation_world)
def _(w, c):
    from dekomp.allocation.models import VoteChoice

    return args(
        by=actors(w, "forum_member"),
        meeting=objects(c["meeting"]),
        choice=one_of_or_text(VoteChoice.values),
        report=maybe(objects(w.report)),
    )


@fuzz("recommendation_approve", recommendation_world)
def _(w, c):
    from dekomp.allocation.models import Meeting

    return args(
        by=actors(w, "secretariat"),
        recommendation=objects(c["recommendation"]),
        meeting=objects(*Meeting.objects.all()),
    )


def approved_world(w: World) -> dict:
    return prepare_world(w) | recommendation_world(w)


@fuzz("recommendation_new_version", approved_world)
def _(w, c):
    return args(by=actors(w, "secretariat"), recommendation=objects(c["approved"], c["recommendation"]))


@fuzz("meeting_reminders_send", deadlines_world, examples=20)
def _(w, c):
    return args(today=reminder_days())


# --- decisions, letters, appeals


@fuzz("decisions_prepare", prepare_world, examples=20)
def _(w, c):
    return args(by=actors(w, "caseworker"), recommendation=objects(c["approved"], c["draft"]), token=TOKENS)


@fuzz("decision_set", decisions_world)
def _(w, c):
    from dekomp.decisions.models import Outcome

    keys = [(line.recipient_id, line.budget_year) for line in c["draft"].lines.all()]
    key = st.one_of(st.sampled_from(keys), st.tuples(st.sampled_from([GHOST, w.owner_org.pk]), INTS))
    return args(
        by=actors(w, "caseworker"),
        decision=objects(c["draft"], c["sent"]),
        version=version(c["draft"]),
        outcome=st.one_of(st.just(""), one_of_or_text(Outcome.values)),
        amounts=st.dictionaries(key, DECIMALS, max_size=4),
        considerations=TEXT,
        deviation_reason=TEXT,
    )


@fuzz("decisions_decide", decisions_world, examples=20)
def _(w, c):
    return args(by=actors(w, "caseworker"), batch=objects(c["draft"].batch, c["sent"].batch), token=TOKENS)


@fuzz("change_request_years", decisions_world)
def _(w, c):
    return args(
        decision=objects(c["draft"], c["sent"]),
        kind=one_of_or_text(["endring", "supplering"]),
        round=objects(*rounds(w)),
    )


@fuzz("change_request_create", decisions_world, examples=20)
def _(w, c):
    from dekomp.needs.tests.factories import open_round

    later = open_round(w.office, name="Fuzz-endring")
    later.first_budget_year = later.year = 2028
    later.save()
    return args(
        by=actors(w, "owner"),
        decision=objects(c["draft"], c["sent"], c["letter"]),
        kind=one_of_or_text(["endring", "supplering"]),
        round=objects(later, *rounds(w)),
    )


@fuzz("decision_accept", decisions_world)
def _(w, c):
    return args(by=actors(w, "owner"), decision=objects(c["draft"], c["sent"], c["letter"]))


@fuzz("letters_send", decisions_world, examples=6)
def _(w, c):
    chosen = st.lists(objects(c["draft"], c["sent"], c["letter"]), min_size=1, max_size=2)
    return st.one_of(
        args(by=actors(w, "caseworker"), token=TOKENS, decisions=chosen),
        args(by=actors(w, "caseworker"), token=TOKENS, batch=objects(c["draft"].batch, c["letter"].batch)),
    )


@fuzz("letter_send_one", decisions_world, examples=6)
def _(w, c):
    return args(
        by=actors(w, "caseworker", "owner"),
        decision_id=st.sampled_from([c["draft"].pk, c["sent"].pk, c["letter"].pk]),
        token=TOKENS,
    )


def appeals_world(w: World) -> dict:
    _, md, _, _ = _m()
    return decisions_world(w) | {"received": md._appeal(w, "mottatt"), "forwarded": md._appeal(w, "oversendt")}


@fuzz("appeal_register", appeals_world)
def _(w, c):
    return args(by=actors(w, "caseworker"), decision=objects(c["draft"], c["letter"]), received_at=DATES, grounds=TEXT)


@fuzz("appeal_forward", appeals_world)
def _(w, c):
    return args(
        by=actors(w, "caseworker"), appeal=objects(c["received"], c["forwarded"]), forwarded_at=DATES, comment=TEXT
    )


@fuzz("appeal_decide", appeals_world)
def _(w, c):
    from dekomp.decisions.models import AppealOutcome

    return args(
        by=actors(w, "caseworker"),
        appeal=objects(c["received"], c["forwarded"]),
        outcome=one_of_or_text(AppealOutcome.values),
        outcome_at=DATES,
        comment=TEXT,
    )


# --- payouts


def batch_world(w: World) -> dict:
    _, _, mp, _ = _m()
    batch = mp._batch(w)
    return {"batch": batch, "held": mp._held(w), "payouts": list(batch.payouts.all())}


@fuzz("organisation_set_bank_account")
def _(w, c):
    from dekomp.payouts.tests.factories import bank_accounts

    numbers = bank_accounts()
    valid = [next(numbers) for _ in range(3)]
    return args(
        by=actors(w, "owner", "caseworker"),
        organisation=objects(*organisations(w)),
        bank_account=st.one_of(
            st.sampled_from([*valid, "1234 56 78903", "1234.56.78903"]), st.text("0123456789 .", max_size=20), TEXT
        ),
    )


@fuzz("payout_batch_create", batch_world, examples=25)
def _(w, c):
    from dekomp.payouts.models import RecipientKind

    return args(
        by=actors(w, "caseworker"),
        office=objects(w.office, w.other_office),
        budget_year=st.one_of(st.sampled_from([2027, 2028]), INTS),
        recipient_kind=one_of_or_text(RecipientKind.values),
        token=st.one_of(TOKENS, st.just(c["batch"].token)),
    )


@fuzz("payout_release", batch_world)
def _(w, c):
    return args(by=actors(w, "caseworker"), payout=objects(*c["payouts"]), reason=TEXT)


@fuzz("payout_remove", batch_world)
def _(w, c):
    return args(by=actors(w, "caseworker"), payout=objects(*c["payouts"]), version=maybe(version(c["batch"])))


@fuzz("payout_batch_export", batch_world, examples=20)
def _(w, c):
    return args(by=actors(w, "caseworker"), batch=objects(c["batch"]), fmt=one_of_or_text(["csv", "xlsx"]))


@fuzz("payout_batch_mark_paid", batch_world)
def _(w, c):
    return args(by=actors(w, "caseworker"), batch=objects(c["batch"]), version=version(c["batch"]))


# --- reporting


def recipient_world(w: World) -> dict:
    *_, mr = _m()
    return {"partner": mr._recipient_report(w), "owner": mr._recipient_report(w, "owner")}


def report_input(w: World) -> st.SearchStrategy:
    from dekomp.organisations.models import Unit
    from dekomp.reporting.services import ReportInput

    return st.builds(
        ReportInput,
        activities=TEXT,
        units_reached=st.lists(objects(*Unit.objects.all()), max_size=3),
        participants=maybe(INTS),
        goal_achievement=TEXT,
        used=maybe(DECIMALS),
        egenandel_documented=maybe(DECIMALS),
    )


def writing(w, c):
    return args(
        by=actors(w, "partner", "owner"),
        report=objects(c["partner"], c["owner"]),
        version=st.one_of(st.sampled_from([c["partner"].version, c["owner"].version]), INTS),
        data=report_input(w),
    )


@fuzz("report_save", recipient_world)
def _(w, c):
    return writing(w, c)


@fuzz("report_submit", recipient_world)
def _(w, c):
    return writing(w, c)


@fuzz("report_approve", submitted_report_world)
def _(w, c):
    return args(by=actors(w, "caseworker"), report=objects(c["submitted"], c["expected"]), comment=TEXT)


@fuzz("report_request_more", submitted_report_world)
def _(w, c):
    return args(by=actors(w, "caseworker"), report=objects(c["submitted"], c["expected"]), comment=TEXT)


@fuzz("report_settle", submitted_report_world)
def _(w, c):
    from dekomp.reporting.models import SettlementKind

    return args(
        by=actors(w, "caseworker"),
        report=objects(c["submitted"], c["expected"]),
        kind=one_of_or_text(SettlementKind.values),
        amount=maybe(st.one_of(st.sampled_from([Decimal(1), Decimal(20_000)]), DECIMALS)),
        reason=TEXT,
        due_date=maybe(DATES),
    )


# Internal inputs: the budget year comes from a stored decision line, today from the daily job's clock. Years and
# days far outside what the platform can hold (year 0, date.max + 14 days) are not theirs to refuse.
PLAUSIBLE_YEARS = st.integers(1900, 2200)
PLAUSIBLE_DAYS = st.dates(date(1990, 1, 1), date(2200, 12, 31))


@fuzz("report_deadline")
def _(w, c):
    return args(
        round=objects(*rounds(w)), budget_year=st.one_of(st.sampled_from(w.round.budget_years), PLAUSIBLE_YEARS)
    )


@fuzz("reminders_send", recipient_world, examples=20)
def _(w, c):
    return args(today=PLAUSIBLE_DAYS)


@fuzz("reports_expect", decisions_world)
def _(w, c):
    return args(decision=objects(c["draft"], c["sent"], c["letter"]))


@fuzz("reports_expect_for_decisions", decisions_world, examples=20)
def _(w, c):
    return args(decisions=st.lists(objects(c["draft"], c["sent"], c["letter"]), max_size=3))


# ------------------------------------------------------------------------------------------- checks per example


def _tables() -> list[str]:
    tables = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in OUR_APPS and model._meta.managed and not model._meta.proxy:
            tables.append(model._meta.db_table)
    return sorted(set(tables))


def table_counts() -> dict[str, int]:
    """Rows in every table of the project's apps, in one query."""
    tables = _tables()
    quote = connection.ops.quote_name
    # Table names come from the model registry, quoted: no input reaches this SQL.
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def _models_in(value) -> list[Model]:
    if isinstance(value, Model):
        return [value]
    if isinstance(value, list | tuple | set):
        return [item for inner in value for item in _models_in(inner)]
    return []


def rows(kwargs: dict) -> dict:
    """The stored rows of every object passed in (but the actor)."""
    snapshot = {}
    for name, value in kwargs.items():
        if name in ("by", "actor"):
            continue
        for obj in _models_in(value):
            snapshot[(type(obj).__name__, obj.pk)] = type(obj).objects.filter(pk=obj.pk).values().first()
    return snapshot


def media_files(root) -> set[str]:
    return {str(p) for p in Path(root).rglob("*") if p.is_file()}


def invariants() -> list[str]:
    """Rules that hold whatever the services were asked to do."""
    from dekomp.allocation.models import Envelope
    from dekomp.assessment.models import RankingEntry
    from dekomp.decisions.models import DecisionLine
    from dekomp.needs.models import BudgetLine, NeedsReport
    from dekomp.payouts.models import Payout
    from dekomp.schemes.commitments import money_for_office
    from dekomp.schemes.models import Round

    broken = []
    for row in RankingEntry.objects.values("ranking").annotate(n=Count("pk"), lo=Min("position"), hi=Max("position")):
        distinct = RankingEntry.objects.filter(ranking=row["ranking"]).values("position").distinct().count()
        if row["lo"] != 1 or row["hi"] != row["n"] or distinct != row["n"]:
            broken.append(f"ranking {row['ranking']}: positions are not 1..{row['n']}")
    if (
        BudgetLine.objects.filter(amount__lt=0).exists()
        or BudgetLine.objects.filter(coordinator_amount__gt=F("amount")).exists()
    ):
        broken.append("a budget line is negative or its coordinator share is above its amount")
    if (
        DecisionLine.objects.filter(amount__lt=0).exists()
        or DecisionLine.objects.filter(amount__gt=F("requested")).exists()
    ):
        broken.append("a decision line is negative or above what was requested")
    if Payout.objects.exclude(amount=F("line__amount")).exists():
        broken.append("a payout differs from its decision line")
    if NeedsReport.objects.filter(version__lt=1).exists():
        broken.append("a needs report's version is below 1")
    # The envelopes split what the round may divide: the frame that counts for the year less what other rounds bind
    # (schemes.commitments, the one source of money).
    rounds = Round.objects.in_bulk(Envelope.objects.values_list("round", flat=True))
    books = {}
    for row in Envelope.objects.values("round", "scheme", "budget_year").annotate(total=Sum("amount")):
        round = rounds[row["round"]]
        books.setdefault(round.office_id, money_for_office(round.office))
        cell = books[round.office_id].get(row["scheme"], row["budget_year"])
        if row["total"] != max(cell.available_to(round), Decimal(0)):
            broken.append(f"envelopes of {row} do not add up to the frame less what other rounds bind")
    return broken


def consistent(result, kwargs: dict) -> None:
    """What the call returned and the objects it was given pass their model's validation, and the rules hold."""
    touched = _models_in(result) if not isinstance(result, list) else [m for r in result for m in _models_in(r)]
    touched += [obj for name, value in kwargs.items() if name not in ("by", "actor") for obj in _models_in(value)]
    for obj in touched:
        fresh = type(obj).objects.filter(pk=obj.pk).first()
        if fresh is None:
            continue  # removed by the call (attachment_remove, payout_remove)
        fresh.full_clean()
    assert not invariants(), invariants()


def _describe(kwargs: dict) -> str:
    def short(value):
        text = repr(value)
        return text if len(text) < 120 else text[:117] + "..."

    return ", ".join(f"{key}={short(value)}" for key, value in kwargs.items())


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP


def client_for(user, *, raise_errors: bool = True) -> Client:
    """A client logged in as ``user`` (anonymous for None), past the second factor office staff must give."""
    client = Client(raise_request_exception=raise_errors)
    if user is not None:
        client.force_login(user)
        try:
            from dekomp.accounts.two_factor import TWO_FACTOR_SESSION_KEY
        except ImportError:  # before two-factor login existed
            return client
        session = client.session
        session[TWO_FACTOR_SESSION_KEY] = True
        session.save()
    return client


def test_every_service_has_a_fuzz_strategy():
    found = set(discover_services())
    missing = found - set(FUZZ)
    stale = set(FUZZ) - found
    assert not missing, f"Services without a fuzz strategy in FUZZ: {sorted(missing)}"
    assert not stale, f"FUZZ entries for services that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("name", sorted(FUZZ))
def test_service_survives_bad_input(world, name, settings):
    service = discover_services()[name]
    entry = FUZZ[name]
    context = entry.setup(world)
    strategy = entry.args(world, context)
    stats = STATS[name]

    @settings_for(entry.examples)
    @given(data=st.data())
    def run(data):
        with transaction.atomic():
            kwargs = data.draw(strategy, label="kwargs")
            counts, before, files = table_counts(), rows(kwargs), media_files(settings.MEDIA_ROOT)
            try:
                result = service(**kwargs)
            except (ValidationError, PermissionDenied) as refusal:
                stats[type(refusal).__name__ if isinstance(refusal, PermissionDenied) else "ValidationError"] += 1
                assert table_counts() == counts, f"{name} refused but changed row counts: {_describe(kwargs)}"
                after = rows(kwargs)
                for key in list(before):
                    if key[0] in entry.refused_may_write:
                        before.pop(key), after.pop(key)
                assert after == before, f"{name} refused but changed what it was given: {_describe(kwargs)}"
                assert media_files(settings.MEDIA_ROOT) <= files, f"{name} refused but left a file behind"
            except Exception as error:
                stats["server error"] += 1
                ERRORS[name].append(f"{type(error).__name__}: {str(error)[:200]} ({_describe(kwargs)})")
                raise
            else:
                stats["ok"] += 1
                consistent(result, kwargs)
            finally:
                transaction.set_rollback(True)

    run()
    assert stats["server error"] == 0


def settings_for(examples: int):
    return hypothesis_settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# ------------------------------------------------------------------------------------------ forms over HTTP


def _http_cases(w: World) -> list[tuple[str, str, str, list[str]]]:
    """(label, persona, url, field names) for a handful of POST views with free input."""
    pm, md, mp, mr = _m()
    draft = pm._draft(w)
    ranking = pm._ranking(w)
    fredrikstad = pm._fredrikstad_report(w)
    recommendation = pm._recommendation(w)
    return [
        ("needs:create", "owner", reverse("needs:create", args=[w.owner_org.pk]), ["round", "scheme", "title"]),
        *(
            (
                f"needs:edit {step}",
                "owner",
                reverse("needs:edit", args=[draft.pk, step]),
                fields,
            )
            for step, fields in {
                "grunnlag": ["version", "title", "region", "co_owners"],
                "enheter": ["version", "units", "target_groups", "staff_reached"],
                "innhold": ["version", "need", "analysis", "goals", "collective", "evaluation", "themes"],
                "forankring": ["version", "local_plan", "is_staff_involved", "is_union_involved"],
                "budsjett": ["version", "years", "egenandel_form", f"amount_{w.owner_org.pk}_{w.round.year}"],
            }.items()
        ),
        ("needs:submit", "owner", reverse("needs:submit", args=[draft.pk]), ["token", "is_declared"]),
        (
            "needs:partner_answer",
            "partner",
            reverse("needs:partner_answer", args=[draft.partner_links.get().pk]),
            ["answer", "is_confirmed", "comment"],
        ),
        ("needs:return", "caseworker", reverse("needs:return", args=[w.report.pk]), ["comment"]),
        ("schemes:reopen", "caseworker", reverse("schemes:reopen", args=[w.round.pk]), ["owner", "deadline", "reason"]),
        (
            "assessment:move",
            "wg_member",
            reverse("assessment:move", args=[ranking.pk]),
            ["report", "position", "version", "direction"],
        ),
        ("assessment:order", "wg_member", reverse("assessment:order", args=[ranking.pk]), ["order", "version"]),
        (
            "assessment:entry",
            "wg_member",
            reverse("assessment:entry", args=[ranking.pk, fredrikstad.pk]),
            ["version", "comment", f"recommended_{w.round.year}", f"minimum_{w.round.year}"],
        ),
        (
            "assessment:comment",
            "wg_member",
            reverse("assessment:comment", args=[w.working_group.pk, fredrikstad.pk]),
            ["text"],
        ),
        ("assessment:interests", "wg_member", reverse("assessment:interests"), ["organisation", "description"]),
        (
            "allocation:envelopes",
            "caseworker",
            reverse("allocation:envelopes", args=[w.round.pk, w.report.scheme_id]),
            ["kind", "method", "source", "source_year"],
        ),
        (
            "allocation:line",
            "forum_member",
            reverse("allocation:line", args=[recommendation.pk, w.report.pk]),
            ["version", "justification", f"amount_{w.round.year}"],
        ),
        (
            "allocation:meeting",
            "secretariat",
            reverse("allocation:meeting", args=[w.forum.pk, w.round.pk]),
            ["held_at", "present", "is_consensus", "minutes"],
        ),
        (
            "decisions:edit",
            "caseworker",
            reverse("decisions:edit", args=[md._draft_decision(w).pk]),
            ["version", "outcome", "considerations", "deviation_reason"],
        ),
        (
            "decisions:appeal_register",
            "caseworker",
            reverse("decisions:appeal_register", args=[md._letter_decision(w).pk]),
            ["received_at", "grounds"],
        ),
        ("payouts:bank_account", "owner", reverse("payouts:bank_account", args=[w.owner_org.pk]), ["bank_account"]),
        (
            "payouts:create",
            "caseworker",
            reverse("payouts:create", args=[w.office.slug]),
            ["budget_year", "recipient_kind", "token"],
        ),
        ("payouts:release", "caseworker", reverse("payouts:release", args=[mp._held(w).pk]), ["reason"]),
        (
            "reporting:edit",
            "partner",
            reverse("reporting:edit", args=[mr._recipient_report(w).pk]),
            ["version", "activities", "participants", "goal_achievement", "used", "action"],
        ),
        (
            "reporting:settle",
            "caseworker",
            reverse("reporting:settle", args=[mr._recipient_report(w).pk]),
            ["kind", "amount", "reason", "due_date"],
        ),
    ]


# Over HTTP anything goes, the NUL character too: the forms must refuse what the services are never given.
FORM_TEXT = st.one_of(
    st.sampled_from([*PAYLOADS, "\x00", "a\x00b", "-1", "0", "1e400", "NaN", "inf", "2027", "99999999999999999999"]),
    st.text(max_size=30),
    st.integers(-(10**20), 10**20).map(str),
)


ACCOUNT_PAGES = ("/konto/", "/accounts/", "/logg-inn", "/kode")


def test_forms_never_answer_500(world):
    cases = _http_cases(world)
    clients = {persona: client_for(world.users[persona], raise_errors=False) for _, persona, _, _ in cases}

    @settings_for(len(cases) * 10)
    @given(data=st.data())
    def run(data):
        label, persona, url, fields = data.draw(st.sampled_from(cases), label="view")
        keys = st.one_of(st.sampled_from(fields), st.text(max_size=10))
        values = st.one_of(FORM_TEXT, st.lists(FORM_TEXT, max_size=3))
        form = data.draw(st.dictionaries(keys, values, max_size=len(fields) + 2), label="form")
        with transaction.atomic():
            response = clients[persona].post(url, form)
            transaction.set_rollback(True)
        HTTP_STATS[label]["tried"] += 1
        HTTP_STATS[label]["server error" if response.status_code >= 500 else f"{response.status_code}"] += 1
        assert response.status_code < 500, f"POST {url} as {persona} with {form!r}: {response.status_code}"
        # The form was really read: no redirect to HTTPS, the login or the second factor.
        assert response.status_code != 301
        assert not response.get("Location", "").startswith(ACCOUNT_PAGES), response["Location"]

    run()


# --------------------------------------------------------------------------------------------- uploads


def _zip(members: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in members:
            archive.writestr(member, "x")
    return buffer.getvalue()


MAGIC = {
    ".pdf": b"%PDF-",
    ".png": b"\x89PNG\r\n\x1a\n",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
}


@settings_for(300)
@given(
    name=st.text(max_size=80).filter(_nameable),
    extension=st.sampled_from(["", *MAGIC, ".docx", ".xlsx", ".exe", ".PDF", ".html"]),
    content=st.binary(max_size=200),
)
def test_random_bytes_are_only_accepted_when_the_magic_bytes_match(name, extension, content):
    from dekomp.core.uploads import check_upload, detect_kind

    upload = SimpleUploadedFile(name + extension, content)
    try:
        checked = check_upload(upload)
    except ValidationError:
        return
    kind = detect_kind(upload)
    assert kind is not None and kind.content_type == checked.content_type
    assert "." + checked.name.rpartition(".")[2] in kind.extensions
    if kind.extensions[0] in MAGIC:
        assert content.startswith(MAGIC[kind.extensions[0]])
    else:  # office files: a real zip with the parts that make them what their name says
        assert content.startswith(b"PK\x03\x04")


@settings_for(60)
@given(
    prefix=st.binary(max_size=40),
    members=st.lists(
        st.sampled_from(
            ["word/document.xml", "xl/workbook.xml", "[Content_Types].xml", "mimetype", "content.xml", "evil.exe"]
        ),
        max_size=3,
        unique=True,
    ),
)
def test_office_files_need_their_zip_parts(prefix, members):
    from dekomp.core.uploads import check_upload

    content = prefix + _zip(members) if prefix else _zip(members)
    expected_ok = not prefix and "[Content_Types].xml" in members and "word/document.xml" in members
    try:
        check_upload(SimpleUploadedFile("notat.docx", content))
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted == expected_ok


@settings_for(200)
@given(size=st.sampled_from([0, 1, 10 * 1024 * 1024, 10 * 1024 * 1024 + 1, 2**40]))
def test_size_limits_hold_whatever_the_content(size):
    from dekomp.core.uploads import MAX_UPLOAD_BYTES, check_upload

    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.7\n")
    upload.size = size
    if 0 < size <= MAX_UPLOAD_BYTES:
        assert check_upload(upload).size == size
    else:
        with pytest.raises(ValidationError):
            check_upload(upload)


@settings_for(500)
@given(
    name=st.one_of(
        st.text(),
        st.sampled_from(
            [
                "../../etc/passwd",
                "..\\..\\boot.ini",
                "a/b/c.pdf",
                "\x00.pdf",
                "CON.pdf",
                "   ",
                "....",
                "x\u2215y.pdf",
                "a\r\nb.pdf",
                "\u202egpj.exe",
            ]
        ),
    )
)
def test_safe_filename_has_no_folders_or_control_characters(name):
    import unicodedata

    from dekomp.core.uploads import safe_filename

    safe = safe_filename(name)
    assert safe
    assert "/" not in safe and "\\" not in safe and safe not in (".", "..")
    assert not safe.startswith(".")
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") for ch in safe), repr(safe)
    assert len(safe.rpartition(".")[0] or safe) <= 120
    assert safe_filename(safe) == safe  # stable


# --------------------------------------------------------------------------------------------- exports

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CELLS = st.one_of(
    st.text(max_size=20),
    st.builds(lambda p, t: p + t, st.sampled_from(FORMULA_STARTS), st.text(max_size=20)),
    st.integers(-(10**9), 10**9),
    st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, places=2),
    st.none(),
    st.booleans(),
)


def _is_neutral(text: str) -> bool:
    return not text.startswith(FORMULA_STARTS)


@settings_for(100)
@given(
    # Headers are the code's own words (no control characters); the rows are anyone's.
    headers=st.lists(st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=10), min_size=1, max_size=4),
    rows=st.lists(st.lists(CELLS, max_size=4), max_size=5),
)
def test_csv_and_xlsx_never_write_a_formula(headers, rows):
    import csv

    from openpyxl import load_workbook

    from dekomp.core.exports import Sheet, csv_text, xlsx_bytes

    sheet = Sheet("Ark", headers, rows)
    for row in csv.reader(io.StringIO(csv_text(sheet), newline=""), delimiter=";"):
        for cell in row:
            assert _is_neutral(cell) or _is_number(cell), repr(cell)
    workbook = load_workbook(io.BytesIO(xlsx_bytes([sheet])))
    for row in workbook.active.iter_rows():
        for cell in row:
            assert cell.data_type != "f", repr(cell.value)
            if isinstance(cell.value, str):
                assert _is_neutral(cell.value.replace("\n", "\r")) or cell.value.startswith("'"), repr(cell.value)


def _is_number(text: str) -> bool:
    """Negative numbers are written as numbers (``-5`` or ``-1,5``), not as text, and are no formula."""
    try:
        Decimal(text.replace(",", "."))
    except ArithmeticError:
        return False
    return True


INJECTED = '=HYPERLINK("http://evil.example","klikk")'


def _export_world(w: World):
    """Formula-like text in every free text the exports show: titles, names, reasons, comments."""
    from dekomp.activity.services import record
    from dekomp.needs.models import NeedsReport
    from dekomp.organisations.models import Organisation, Unit

    pm, _md, mp, _mr = _m()
    for i, org in enumerate(organisations(w)):
        Organisation.objects.filter(pk=org.pk).update(name=f"{'=+-@'[i % 4]}SUM(A1) {org.name}")
    Unit.objects.update(name="@cmd|' /C calc'!A0")
    NeedsReport.objects.update(title=INJECTED)
    pm._recommendation(w)
    batch = mp._batch(w)
    from dekomp.payouts.services import payout_batch_export

    payout_batch_export(by=w.users["caseworker"], batch=batch, fmt="xlsx")  # the office's confirmed export
    published = __import__("tests.matrix_public", fromlist=["x"])._published_round(w)
    record(actor=w.users["caseworker"], verb="returned", target=w.report, comment="-2+3 og \tTab")
    return batch, published


def _export_urls(w: World, batch, published) -> list[tuple[str, str]]:
    pm, *_ = _m()
    recommendation = pm._recommendation(w)
    return [
        ("caseworker", reverse("needs:export", args=[w.round.pk, "xlsx"])),
        *(("caseworker", reverse("needs:export", args=[w.round.pk, "csv"]) + f"?tabell={t}") for t in _csv_tables()),
        ("caseworker", reverse("allocation:xlsx", args=[recommendation.pk])),
        ("caseworker", reverse("payouts:export", args=[batch.pk, "csv"])),
        ("caseworker", reverse("payouts:export", args=[batch.pk, "xlsx"])),
        ("anonymous", reverse("public:round_csv", args=[w.office.slug, published.year])),
        ("office_admin", reverse("activity:round_csv", args=[w.round.pk])),
    ]


def _csv_tables() -> list[str]:
    from dekomp.needs.tasks import EXPORT_TABLES

    return list(EXPORT_TABLES)


def _download(client: Client, url: str) -> bytes:
    """The export's file: fetched at once, or, for an export the task worker makes (the needs overview's), started
    as its button does (the table in the form, not the query string) and fetched from the finished job."""
    from django.test import TestCase

    from dekomp.activity.models import Job

    path, _, query = url.partition("?")
    if resolve(path).view_name == "needs:export":
        table = query.removeprefix("tabell=")
        with TestCase.captureOnCommitCallbacks(execute=True):
            started = client.post(path, {"token": str(uuid.uuid4()), "tabell": table})
        assert started.status_code == 302, url
        job = Job.objects.get(pk=int(started["Location"].rstrip("/").rsplit("/", 1)[1]))
        assert job.file, f"{url}: {job.error}"
        response = client.get(reverse("jobs:file", args=[job.pk]))
    else:
        response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_every_export_neutralises_formula_injection(world):
    import csv

    from openpyxl import load_workbook

    batch, published = _export_world(world)
    checked = 0
    for persona, url in _export_urls(world, batch, published):
        content = _download(client_for(world.users[persona]), url)
        if content.startswith(b"PK"):
            workbook = load_workbook(io.BytesIO(content))
            cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
            assert all(cell.data_type != "f" for cell in cells), url
            texts = [cell.value for cell in cells if isinstance(cell.value, str)]
        else:
            reader = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";")
            texts = [cell for row in reader for cell in row]
        bad = [t for t in texts if not _is_neutral(t.replace("\n", "\r")) and not _is_number(t)]
        assert not bad, f"{url}: formula-like cells {bad[:5]}"
        # The injected text did reach this export, neutralised.
        assert any(t.startswith("'") and t[1:2] in "=+-@\t\r\n" for t in texts), f"{url}: no injected text found"
        checked += len(texts)
    assert checked


# ----------------------------------------------------------------------------------------------- results


@pytest.fixture(scope="module", autouse=True)
def _write_results():
    yield
    if set(STATS) != set(FUZZ):
        return  # a partial run (-k, one test): keep the full figures from the last complete run
    vendor = connection.vendor
    path = RESULTS / "fuzz.json"
    existing = json.loads(path.read_text()) if path.exists() else {}
    services = {
        name: {"tried": sum(STATS[name].values()), **{o: STATS[name][o] for o in OUTCOMES}} for name in sorted(STATS)
    }
    totals = {
        "tried": sum(s["tried"] for s in services.values()),
        **{o: sum(s[o] for s in services.values()) for o in OUTCOMES},
    }
    http = {label: dict(counter) for label, counter in sorted(HTTP_STATS.items())}
    existing[vendor] = {
        "services": services,
        "totals": totals,
        "http_forms": {
            "tried": sum(c["tried"] for c in HTTP_STATS.values()),
            "server errors": sum(c["server error"] for c in HTTP_STATS.values()),
            "views": http,
        },
        "errors": {name: errors[:5] for name, errors in ERRORS.items()},
        "hypothesis": "derandomize=True: the same inputs on every run",
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")
    (RESULTS / "fuzz.md").write_text(_markdown(existing))


def _markdown(results: dict) -> str:
    lines = [
        "# Fuzzing the services (hypothesis)",
        "",
        "Written by `tests/test_fuzz_services.py` after a full run of the module; one section per database.",
        "Every public service gets generated bad input (unicode, control characters, very long text, HTML/script",
        "and SQL-ish payloads, negative/zero/huge numbers, Decimals with decimals, far dates, ids that do not",
        "exist, stale versions, every persona as actor). A call must succeed with consistent data or refuse with",
        "ValidationError/PermissionDenied and write nothing.",
        "",
    ]
    for vendor, data in sorted(results.items()):
        t = data["totals"]
        h = data["http_forms"]
        lines += [
            f"## {vendor}",
            "",
            f"**{t['tried']} fuzz inputs tried on {len(data['services'])} services with {t['server error']} server "
            f"errors** ({t['ok']} ok, {t['ValidationError']} ValidationError, {t['PermissionDenied']} "
            f"PermissionDenied). Forms over HTTP: {h['tried']} random posts to {len(h['views'])} views, "
            f"{h['server errors']} answers ≥ 500.",
            "",
            "| service | tried | ok | ValidationError | PermissionDenied | server error |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, s in data["services"].items():
            lines.append(
                f"| `{name}` | {s['tried']} | {s['ok']} | {s['ValidationError']} | {s['PermissionDenied']} | "
                f"{s['server error']} |"
            )
        lines.append("")
    return "\n".join(lines)


# ------------------------------------------------------------------------ regressions for what fuzzing found


def test_entry_save_refuses_a_report_outside_the_ranking(world):
    """ranking_entry_save raised RankingEntry.DoesNotExist (a 500) for a report the ranking does not hold."""
    from dekomp.assessment.services import ranking_entry_save

    pm, *_ = _m()
    ranking = pm._ranking(world)
    assert not ranking.entries.filter(report=world.report).exists()
    with pytest.raises(ValidationError, match="ikke med i denne prioriteringen"):
        ranking_entry_save(
            by=world.users["wg_member"],
            ranking=ranking,
            report=world.report,
            comment="",
            amounts={},
            expected_version=ranking.version,
        )


def test_two_factor_code_in_other_digits_is_a_wrong_code(world):
    """str.isdigit() accepts Arabic-Indic digits; hmac.compare_digest then raised TypeError (a 500 at login)."""
    from dekomp.accounts.models import TwoFactorDevice
    from dekomp.accounts.services import two_factor_enrol, two_factor_verify

    user = world.users["caseworker"]
    two_factor_enrol(user=user, by=user)
    for code in ("١٢٣٤٥٦", "¹²³⁴⁵⁶", "12345é"):
        with pytest.raises(ValidationError) as refused:
            two_factor_verify(user=user, code=code, by=user)
        assert refused.value.code == "wrong"
    assert TwoFactorDevice.objects.get(user=user).failed_attempts == 3  # counted like any wrong code


def test_a_huge_id_in_a_multiple_choice_is_an_invalid_choice(world):
    """A 20-digit id made SQLite raise OverflowError in the pk__in query (a 500 on the needs content step)."""
    from dekomp.core.forms import ModelMultipleChoiceField
    from dekomp.schemes.models import Theme

    field = ModelMultipleChoiceField(queryset=Theme.objects.all())
    with pytest.raises(ValidationError):
        field.clean(["99999999999999999999"])
    pm, *_ = _m()
    draft = pm._draft(world)
    response = client_for(world.users["owner"]).post(
        reverse("needs:edit", args=[draft.pk, "innhold"]), {"version": draft.version, "themes": "99999999999999999999"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["themes"]


def test_envelopes_refuse_an_unknown_method_a_long_source_and_an_odd_year(world):
    """envelopes_set raised ValueError for an unknown method and wrote a too long source / out-of-range year."""
    from dekomp.allocation.models import EnvelopeKey
    from dekomp.allocation.services import envelopes_set

    common = {"by": world.users["caseworker"], "round": world.round, "scheme": world.report.scheme, "kind": "like"}
    for bad, field in (
        ({"method": "<script>"}, "method"),
        ({"method": "largest_remainder", "source": "x" * 201}, "source"),
        ({"method": "largest_remainder", "source_year": -1}, "source_year"),
        ({"method": "largest_remainder", "source_year": 2**40}, "source_year"),
    ):
        with pytest.raises(ValidationError) as refused:
            envelopes_set(**common, **bad)
        assert field in refused.value.message_dict
    assert not EnvelopeKey.objects.exists()


def test_basics_refuse_a_title_over_200_characters(world):
    """needs_report_save_basics saved a 210-character title (DataError on PostgreSQL)."""
    from dekomp.needs.services import needs_report_save_basics

    pm, *_ = _m()
    draft = pm._draft(world)
    with pytest.raises(ValidationError) as refused:
        needs_report_save_basics(
            by=world.users["owner"],
            report=draft,
            expected_version=draft.version,
            title="x" * 201,
            region=None,
            co_owners=[],
        )
    assert "title" in refused.value.message_dict
    draft.refresh_from_db()
    assert draft.title == "Matrise-utkast"


def test_settlement_refuses_parts_of_a_krone(world):
    """report_settle took 0.01 kr, stored as 0 kr against the settlement's "amount > 0" constraint."""
    from dekomp.reporting.models import Settlement
    from dekomp.reporting.services import report_settle

    report = submitted_report_world(world)["submitted"]
    for amount in (Decimal("0.01"), Decimal("100.5")):
        with pytest.raises(ValidationError) as refused:
            report_settle(
                by=world.users["caseworker"], report=report, kind="tilbakebetaling", amount=amount, reason="x"
            )
        assert "amount" in refused.value.message_dict
    assert not Settlement.objects.exists()
