"""Permission predicates for the commitments ledger, payout batches and recipients' bank accounts."""

from django.contrib.auth.models import AnonymousUser

from dekomp.accounts.access import access_for
from dekomp.accounts.models import User
from dekomp.decisions.models import DecisionLine
from dekomp.needs.permissions import acts_for
from dekomp.organisations.models import Office, Organisation

AnyUser = User | AnonymousUser


def can_view_ledger(user: AnyUser, office: Office) -> bool:
    """The office's staff, and national readers (read-only), see the office's commitments ledger."""
    access = access_for(user)
    return bool(access and (access.office_role(office) or user.is_national_reader))


def can_manage_payouts(user: AnyUser, office: Office) -> bool:
    """Only the office's staff (caseworkers and admins) put payout batches together, export and pay them."""
    access = access_for(user)
    return bool(access and access.office_role(office))


def _offices_of(organisation: Organisation) -> set[int]:
    """The offices covering the organisation's fylke, and every office whose decisions pay it money."""
    county_id = organisation.county_id or (
        organisation.municipality.county_id if organisation.municipality_id else None
    )
    covering = (
        set(Office.counties.through.objects.filter(county_id=county_id).values_list("office_id", flat=True))
        if county_id is not None
        else set()
    )
    paying = set(
        DecisionLine.objects.filter(recipient=organisation).values_list("decision__report__round__office_id", flat=True)
    )
    return covering | paying


def can_set_bank_account(user: AnyUser, organisation: Organisation) -> bool:
    """The organisation's submitters, and the staff of an office that covers or pays it, record its bank account."""
    access = access_for(user)
    if not access:
        return False
    if acts_for(user, organisation, submit=True):
        return True
    return bool(access.office_ids and access.office_ids & _offices_of(organisation))
