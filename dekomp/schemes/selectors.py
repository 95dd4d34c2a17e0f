"""Reads of schemes and rounds: deadlines per owner, open rounds, frames."""

from datetime import datetime

from django.db.models import Prefetch, QuerySet

from dekomp.organisations.models import Office, Organisation

from .models import ApplicantGroup, DeadlineExtension, Frame, Round, RoundStatus


def deadline_for(*, round: Round, owner: Organisation) -> datetime | None:
    """The owner's deadline: a reopening for this owner, else its applicant group's, else the default group's."""
    extension = DeadlineExtension.objects.filter(round=round, owner=owner).values_list("deadline", flat=True).first()
    if extension:
        return extension
    groups = list(ApplicantGroup.objects.filter(round=round).prefetch_related("members"))
    for group in groups:
        if any(member.pk == owner.pk for member in group.members.all()):
            return group.deadline
    return next((group.deadline for group in groups if group.is_default), None)


def offices_covering(owner: Organisation) -> QuerySet[Office]:
    """The offices whose fylker the owner lies in."""
    county_id = owner.county_id or (owner.municipality.county_id if owner.municipality_id else None)
    return Office.objects.filter(counties__pk=county_id)


def open_rounds_for(*, owner: Organisation) -> QuerySet[Round]:
    """Rounds open for needs reports at the offices covering this owner, with their schemes."""
    return (
        Round.objects.filter(office__in=offices_covering(owner), status=RoundStatus.OPEN)
        .select_related("office")
        .prefetch_related("schemes")
        .order_by("-year", "name")
    )


def rounds_of_office(*, office: Office) -> QuerySet[Round]:
    return Round.objects.filter(office=office).prefetch_related("schemes").order_by("-year", "name")


def round_with_setup(*, round_id: int) -> Round:
    """A round with its schemes, frames, applicant groups and reopenings."""
    return (
        Round.objects.select_related("office")
        .prefetch_related(
            "schemes",
            "themes",
            "activity_types",
            Prefetch("frames", queryset=Frame.objects.select_related("scheme").order_by("scheme_id", "budget_year")),
            Prefetch("applicant_groups", queryset=ApplicantGroup.objects.prefetch_related("members")),
            Prefetch("extensions", queryset=DeadlineExtension.objects.select_related("owner", "granted_by")),
        )
        .get(pk=round_id)
    )
