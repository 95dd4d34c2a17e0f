"""Users and their memberships: organisation roles, working-group and forum seats, office roles."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dekomp.core.models import TimeStampedModel


class UserManager(BaseUserManager["User"]):
    """Creates users identified by e-mail address."""

    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: object) -> "User":
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in; what they may do comes from their memberships."""

    email = models.EmailField(
        _("e-post"),
        unique=True,
        error_messages={"unique": _("Det finnes allerede en bruker med denne e-posten.")},
    )
    full_name = models.CharField(_("navn"), max_length=150)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    language = models.CharField(
        _("foretrukket språk"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_national_reader = models.BooleanField(
        _("nasjonal leser"), default=False, help_text=_("Ser nasjonale tall (for eksempel Udir).")
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    is_staff = models.BooleanField(
        _("tilgang til administrasjon"),
        default=False,
        help_text=_("Settes for embetsadministratorer og systemadministratorer."),
    )
    date_joined = models.DateTimeField(_("registrert"), default=timezone.now)
    is_demo = models.BooleanField(_("demobruker"), default=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("bruker")
        verbose_name_plural = _("brukere")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args: object, **kwargs: object) -> None:
        # E-mail addresses are compared case-insensitively: store them in lower case, however they were typed.
        self.email = type(self).objects.normalize_email(self.email).lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class OrganisationRole(models.TextChoices):
    """What a user may do for an organisation."""

    SUBMITTER = "innsender", _("innsender")
    READER = "leser", _("leser")


class OrganisationMembership(TimeStampedModel):
    """A user acts for an organisation (an owner, a partner, a union, …) as submitter or reader."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="organisation_memberships")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("virksomhet"),
    )
    role = models.CharField(_("rolle"), max_length=20, choices=OrganisationRole.choices)

    class Meta:
        verbose_name = _("tilknytning til virksomhet")
        verbose_name_plural = _("tilknytninger til virksomheter")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                name="organisation_membership_unique",
                violation_error_message=_("Brukeren er allerede knyttet til denne virksomheten."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


class BodyRole(models.TextChoices):
    """A seat in a working group or forum."""

    MEMBER = "medlem", _("medlem")
    LEADER = "leder", _("leder")
    SECRETARIAT = "sekretariat", _("sekretariat")
    OBSERVER = "observator", _("observatør")


class BodyMembership(TimeStampedModel):
    """A seat in a body; ``representing`` is the organisation the member speaks for (conflicts of interest)."""

    role = models.CharField(_("rolle"), max_length=20, choices=BodyRole.choices, default=BodyRole.MEMBER)
    representing = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("representerer"),
    )

    class Meta:
        abstract = True


class WorkingGroupMembership(BodyMembership):
    """A seat in a regional working group."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="working_group_memberships")
    working_group = models.ForeignKey(
        "organisations.WorkingGroup",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("arbeidsgruppe"),
    )

    class Meta:
        verbose_name = _("plass i arbeidsgruppe")
        verbose_name_plural = _("plasser i arbeidsgrupper")
        constraints = [
            models.UniqueConstraint(fields=["user", "working_group"], name="working_group_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.working_group} ({self.get_role_display()})"


class ForumMembership(BodyMembership):
    """A seat in a collaboration forum."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="forum_memberships")
    forum = models.ForeignKey(
        "organisations.Forum", on_delete=models.CASCADE, related_name="memberships", verbose_name=_("forum")
    )

    class Meta:
        verbose_name = _("plass i samarbeidsforum")
        verbose_name_plural = _("plasser i samarbeidsforum")
        constraints = [models.UniqueConstraint(fields=["user", "forum"], name="forum_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} – {self.forum} ({self.get_role_display()})"


class OfficeRole(models.TextChoices):
    """What a user does at a Statsforvalter office."""

    CASEWORKER = "saksbehandler", _("saksbehandler")
    ADMIN = "administrator", _("embetsadministrator")


class OfficeMembership(TimeStampedModel):
    """A user works at an office as caseworker or office admin."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="office_memberships")
    office = models.ForeignKey(
        "organisations.Office", on_delete=models.CASCADE, related_name="memberships", verbose_name=_("embete")
    )
    role = models.CharField(_("rolle"), max_length=20, choices=OfficeRole.choices)

    class Meta:
        verbose_name = _("tilsetting ved embete")
        verbose_name_plural = _("tilsettinger ved embeter")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "office"],
                name="office_membership_unique",
                violation_error_message=_("Brukeren har allerede en rolle ved dette embetet."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.office} ({self.get_role_display()})"


class TwoFactorDevice(TimeStampedModel):
    """A user's authenticator app (TOTP, RFC 6238): the shared secret, whether it is set up, and failed codes."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor_device")
    secret = models.CharField(_("hemmelig nøkkel"), max_length=64)
    confirmed_at = models.DateTimeField(_("tatt i bruk"), null=True, blank=True)
    # The time step of the last accepted code: a code is never accepted twice (RFC 6238, section 5.2).
    last_used_step = models.BigIntegerField(null=True, blank=True, editable=False)
    failed_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(_("sperret til"), null=True, blank=True)

    class Meta:
        verbose_name = _("tofaktorenhet")
        verbose_name_plural = _("tofaktorenheter")

    def __str__(self) -> str:
        return f"{self.user} ({_('i bruk') if self.confirmed_at else _('ikke satt opp')})"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
