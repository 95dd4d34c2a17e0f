"""The forms of the needs report's steps, the partner's answer and the office's return comment."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dekomp.core.forms import AmountField, DesignsystemetFormMixin, ModelMultipleChoiceField
from dekomp.organisations.models import Organisation, Region, Unit
from dekomp.schemes.models import ActivityType, Round, Scheme, Theme

from .models import ContributionForm, NeedsReport, TargetGroup
from .services import MAX_LINE_AMOUNT, MAX_STAFF_REACHED


class VersionedForm(DesignsystemetFormMixin, forms.Form):
    """Every step carries the version it was opened at, so a later save cannot silently overwrite another."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: object, report: NeedsReport | None = None, **kwargs: object) -> None:
        self.report = report
        super().__init__(*args, **kwargs)


class CreateForm(DesignsystemetFormMixin, forms.Form):
    """Start a new report: which open round and scheme, and the measure's name."""

    round = forms.ModelChoiceField(
        queryset=Round.objects.none(), label=_("Runde"), error_messages={"required": _("Velg runde.")}
    )
    scheme = forms.ModelChoiceField(
        queryset=Scheme.objects.all(), label=_("Ordning"), error_messages={"required": _("Velg ordning.")}
    )
    title = forms.CharField(
        label=_("Navn på tiltaket"), max_length=200, error_messages={"required": _("Gi tiltaket et navn.")}
    )
    copy_from = forms.ModelChoiceField(
        queryset=NeedsReport.objects.none(),
        required=False,
        label=_("Kopier fra en tidligere behovsmelding"),
        help_text=_("Valgfritt. Tekster, enheter, partnere og budsjett blir med; partnerne må bekrefte på nytt."),
    )

    def __init__(self, *args: object, rounds, earlier, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds
        self.fields["copy_from"].queryset = earlier
        self.fields["copy_from"].label_from_instance = lambda r: f"{r.reference} {r.title} ({r.scheme.short_name})"


class BasicsForm(VersionedForm):
    title = forms.CharField(
        label=_("Navn på tiltaket"), max_length=200, error_messages={"required": _("Gi tiltaket et navn.")}
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.none(), label=_("Region eller nettverk"), error_messages={"required": _("Velg region.")}
    )
    co_owners = ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label=_("Medeiere (for nettverk)"),
        help_text=_("Andre eiere som er med i tiltaket. De må bekrefte før dere kan sende inn."),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, report: NeedsReport, **kwargs: object) -> None:
        super().__init__(*args, report=report, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(office=report.round.office)
        region_ids = list(report.owner.regions.filter(office=report.round.office).values_list("pk", flat=True))
        # Owners in the same region(s), plus any co-owner already chosen.
        self.fields["co_owners"].queryset = (
            Organisation.objects.owners()
            .filter(Q(regions__in=region_ids) | Q(co_owner_links__report=report))
            .exclude(pk=report.owner_id)
            .distinct()
            .order_by("name")
        )


class UnitsForm(VersionedForm):
    units = ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        label=_("Skoler og barnehager som er med"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Velg minst én skole eller barnehage."),
            "invalid_choice": _("Enheten %(value)s hører ikke til dere eller medeierne."),
        },
        required=False,
    )
    target_groups = forms.MultipleChoiceField(
        choices=TargetGroup.choices, label=_("Målgrupper"), widget=forms.CheckboxSelectMultiple, required=False
    )
    staff_reached = forms.IntegerField(
        label=_("Antall ansatte tiltaket når"),
        required=False,
        validators=[
            MinValueValidator(1, _("Antallet må være minst 1.")),
            MaxValueValidator(MAX_STAFF_REACHED, _("Antallet er urimelig stort.")),
        ],
    )

    def __init__(self, *args: object, report: NeedsReport, **kwargs: object) -> None:
        super().__init__(*args, report=report, **kwargs)
        owners = [report.owner_id, *report.co_owner_links.values_list("organisation_id", flat=True)]
        self.fields["units"].queryset = (
            Unit.objects.filter(owner__in=owners, kind__in=report.scheme.unit_kinds)
            .select_related("owner", "municipality")
            .order_by("owner__name", "name")
        )
        self.fields["units"].label_from_instance = lambda unit: f"{unit.name} ({unit.municipality.name})"


class PartnerForm(DesignsystemetFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.partners().order_by("name"), label=_("Partner"), required=False
    )
    contact_name = forms.CharField(label=_("Kontaktperson"), max_length=150, required=False)
    contact_email = forms.EmailField(
        label=_("E-post til kontaktpersonen"),
        required=False,
        error_messages={"invalid": _("Skriv inn en gyldig e-postadresse.")},
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("organisation") and not (data.get("contact_name") and data.get("contact_email")):
            if not data.get("contact_name"):
                self.add_error("contact_name", _("Skriv navnet på kontaktpersonen."))
            if not data.get("contact_email") and "contact_email" not in self.errors:
                self.add_error("contact_email", _("Skriv e-posten til kontaktpersonen."))
        return data


PartnerFormSet = forms.formset_factory(PartnerForm, extra=0, max_num=4, absolute_max=4)


class ContentForm(VersionedForm):
    need = forms.CharField(
        label=_("Behov"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("Hva trenger de ansatte å bli bedre på, og hvorfor?"),
    )
    analysis = forms.CharField(
        label=_("Analysen bak behovet"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("Hvilke data, kartlegginger eller erfaringer bygger dere på?"),
    )
    goals = forms.CharField(label=_("Mål"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    themes = ModelMultipleChoiceField(
        queryset=Theme.objects.none(), label=_("Temaer"), required=False, widget=forms.CheckboxSelectMultiple
    )
    activity_types = ModelMultipleChoiceField(
        queryset=ActivityType.objects.none(),
        label=_("Tiltakstyper"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    collective = forms.CharField(
        label=_("Hvordan er tiltaket kollektivt og barnehage- eller skolebasert?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Hvordan blir hele personalet med, og hvordan settes det av tid til arbeidet?"),
    )
    evaluation = forms.CharField(
        label=_("Hvordan skal resultatene vurderes?"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args: object, report: NeedsReport, **kwargs: object) -> None:
        super().__init__(*args, report=report, **kwargs)
        self.fields["themes"].queryset = report.round.themes.all()
        self.fields["activity_types"].queryset = report.round.activity_types.all()


class AnchoringForm(VersionedForm):
    local_plan = forms.CharField(
        label=_("Hvilken lokal plan bygger tiltaket på?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("For eksempel kommunens kompetanseplan eller kvalitetsplan for skolene."),
    )
    is_staff_involved = forms.BooleanField(
        label=_("Vi erklærer at de ansatte har vært med på å finne fram til behovet."), required=False
    )
    is_union_involved = forms.BooleanField(label=_("Vi erklærer at tillitsvalgte har vært involvert."), required=False)


def _amount_field(label: str) -> AmountField:
    absurd = _("Beløpet er urimelig stort (over 20 000 000 kr).")
    return AmountField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_LINE_AMOUNT,
        max_digits=12,
        error_messages={"max_value": absurd, "max_digits": absurd, "max_whole_digits": absurd},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class BudgetForm(VersionedForm):
    """A grid: one row per recipient (the owner, each partner), one column per budget year, plus egenandel."""

    years = forms.TypedChoiceField(
        label=_("Hvor mange skoleår varer tiltaket?"),
        choices=[(1, "1"), (2, "2"), (3, "3")],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg 1, 2 eller 3 skoleår."),
            "invalid_choice": _("Et tiltak varer fra ett til tre skoleår."),
        },
    )
    egenandel_form = forms.ChoiceField(
        label=_("Form på egenandelen"), choices=[("", "–"), *ContributionForm.choices], required=False
    )

    def __init__(self, *args: object, report: NeedsReport, **kwargs: object) -> None:
        super().__init__(*args, report=report, **kwargs)
        self.budget_years = report.round.budget_years
        self.recipients = [report.owner, *[link.organisation for link in report.partner_links.all()]]
        self.grid = []
        for recipient in self.recipients:
            cells = []
            for year in self.budget_years:
                amount = f"amount_{recipient.pk}_{year}"
                coordinator = f"coordinator_{recipient.pk}_{year}"
                self.fields[amount] = _amount_field(
                    _("%(recipient)s, %(year)s") % {"recipient": recipient.name, "year": year}
                )
                # The live egenandel hint (static/js/egenandel-hint.js) adds up each year's amounts.
                self.fields[amount].widget.attrs["data-budget-year"] = year
                self.fields[coordinator] = _amount_field(
                    _("Herav koordinator, %(recipient)s, %(year)s") % {"recipient": recipient.name, "year": year}
                )
                cells.append((year, amount, coordinator))
            self.grid.append((recipient, cells))
        self.scheme = report.scheme
        # The share as written in the database ("0.300"), for the hint to compute with exactly, never a float.
        self.egenandel_share = str(report.scheme.egenandel_share)
        self.contribution_fields = []
        for year in self.budget_years:
            name = f"egenandel_{year}"
            self.fields[name] = _amount_field(_("Egenandel %(year)s") % {"year": year})
            self.fields[name].widget.attrs["data-egenandel-year"] = year
            self.contribution_fields.append((year, name))
        # The mixin styled the fields that existed before; style the grid's fields the same way.
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "ds-input")
        self._describe_contributions()

    def _describe_contributions(self) -> None:
        """Point each egenandel input at its hint and, once it has one, its error (the services' errors too)."""
        if not self.scheme.has_egenandel:
            return
        for _year, name in self.contribution_fields:
            attrs = self.fields[name].widget.attrs
            described = [f"{self._field_id(name)}_hint"]
            if self._errors and name in self._errors:
                attrs["aria-invalid"] = "true"
                described.insert(0, f"{self._field_id(name)}_error")
            attrs["aria-describedby"] = " ".join(described)

    def full_clean(self) -> None:
        super().full_clean()
        self._describe_contributions()

    def add_error(self, field: str | None, error: object) -> None:
        super().add_error(field, error)
        self._describe_contributions()

    def clean(self) -> dict:
        data = super().clean()
        for _recipient, cells in self.grid:
            for _year, amount, coordinator in cells:
                if (data.get(coordinator) or 0) > (data.get(amount) or 0):
                    self.add_error(coordinator, _("Koordinatorandelen kan ikke være større enn beløpet."))
        return data

    def bound_grid(self):
        """The grid as bound fields for the template."""
        return [
            (recipient, [(year, self[amount], self[coordinator]) for year, amount, coordinator in cells])
            for recipient, cells in self.grid
        ]

    def _typed(self, name: str) -> Decimal:
        """The amount in a field as typed (or saved), 0 when empty or not a number."""
        try:
            return self.fields[name].to_python(self[name].value()) or Decimal(0)
        except forms.ValidationError:
            return Decimal(0)

    def _years_in_period(self) -> list[int]:
        try:
            years = int(self["years"].value())
        except (TypeError, ValueError):
            return self.budget_years
        return self.budget_years[:years] if years in (1, 2, 3) else self.budget_years

    def bound_contributions(self) -> list[tuple[int, forms.BoundField, Decimal, Decimal]]:
        """Per budget year: the egenandel field, the amount asked for and the least egenandel for it (0 outside
        the period), from what is typed — what the hint says before any script runs."""
        requested = dict.fromkeys(self._years_in_period(), Decimal(0))
        for _recipient, cells in self.grid:
            for year, amount, _coordinator in cells:
                if year in requested:
                    requested[year] += self._typed(amount)
        rows = []
        for year, name in self.contribution_fields:
            asked = requested.get(year, Decimal(0))
            rows.append((year, self[name], asked, self.scheme.required_egenandel(asked)))
        return rows

    @staticmethod
    def initial_for(report: NeedsReport) -> dict:
        initial: dict[str, object] = {
            "version": report.version,
            "years": report.years,
            "egenandel_form": report.egenandel_form,
        }
        for line in report.budget_lines.all():
            initial[f"amount_{line.recipient_id}_{line.budget_year}"] = line.amount
            initial[f"coordinator_{line.recipient_id}_{line.budget_year}"] = line.coordinator_amount or None
        for contribution in report.contributions.all():
            initial[f"egenandel_{contribution.budget_year}"] = contribution.amount
        return initial


class AttachmentForm(VersionedForm):
    file = forms.FileField(
        label=_("Legg ved en fil"),
        error_messages={"required": _("Velg en fil.")},
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument, PNG eller JPEG, høyst 10 MB."),
    )


class SubmitForm(DesignsystemetFormMixin, forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    is_declared = forms.BooleanField(
        label=_(
            "Vi erklærer at opplysningene er riktige, at tiltaket er forankret hos eieren, og at midlene ikke "
            "skal brukes til individuell videreutdanning."
        ),
        required=False,
    )


class AnswerForm(DesignsystemetFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Kommentar"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Påkrevd hvis dere avslår."),
    )


class CommentForm(DesignsystemetFormMixin, forms.Form):
    comment = forms.CharField(label=_("Kommentar"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


def decimal_or_zero(value: object) -> Decimal:
    return Decimal(value) if value not in (None, "") else Decimal(0)
