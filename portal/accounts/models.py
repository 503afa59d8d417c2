"""Users, regions, organisations and memberships (the roles people hold)."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.accounts.validators import validate_credit_code


class User(AbstractUser):
    """A person who signs in. What they may do comes from their memberships."""

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class Region(models.Model):
    """An administrative division (行政区划) with its GB/T 2260 code, for the whole country: the 31
    provinces, every prefecture-level city, and the districts and counties (区县) under them
    (``portal/accounts/data/regions.csv``, loaded by a data migration).

    The four 直辖市 (北京, 天津, 上海, 重庆) are a province and a city at once: the province row and a city row
    (code XX0100) under it, both ``is_municipality``; their districts hang on the city. County-level cities
    directly under a province (省直辖县级行政区划) are districts whose parent is the province. New areas
    without a code of their own (e.g. 南京江北新区) are districts with ``is_new_area`` and a project code
    ``<city code>X<nn>``.

    Provinces carry their national class (东部 / 中部 / 西部 / 东北); Guangdong's cities carry their
    provincial class (珠三角 / 粤东西北). A call's own region classes (``applications.CallRegionClass``)
    select its threshold rows.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", pgettext_lazy("region level", "Province")
        CITY = "city", pgettext_lazy("region level", "City")
        DISTRICT = "district", pgettext_lazy("region level", "District or county")

    class NationalClass(models.TextChoices):
        EAST = "east", _("Eastern region")
        CENTRAL = "central", _("Central region")
        WEST = "west", _("Western region")
        NORTHEAST = "northeast", _("Northeast region")

    class ProvincialClass(models.TextChoices):
        PRD = "prd", _("Pearl River Delta")
        EWN = "ewn", _("Eastern, western and northern Guangdong")

    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=40)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    national_class = models.CharField(
        _("national class"), max_length=10, choices=NationalClass.choices, blank=True
    )
    provincial_class = models.CharField(
        _("provincial class"), max_length=10, choices=ProvincialClass.choices, blank=True
    )
    is_outsourcing_demo_city = models.BooleanField(
        _("service outsourcing demonstration city"), default=False
    )
    is_trade_pilot = models.BooleanField(
        _("service trade innovation pilot area"), default=False
    )
    is_municipality = models.BooleanField(
        _("municipality directly under the central government (直辖市)"), default=False,
        help_text=_("Both the province and the city of a 直辖市 carry it."))
    is_functional_area = models.BooleanField(
        _("functional area (development zone with a statistical code)"), default=False)
    is_new_area = models.BooleanField(
        _("new area without a division code of its own"), default=False)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list["Region"]:
        """This region and the regions above it, nearest first (district, city, province)."""
        chain, region = [], self
        while region is not None and len(chain) < 4:
            chain.append(region)
            region = region.parent
        return chain

    @property
    def province(self) -> "Region | None":
        return next((r for r in self.ancestors() if r.level == self.Level.PROVINCE), None)

    @property
    def city(self) -> "Region | None":
        """The prefecture-level city of this region (a 直辖市's city row for the municipality itself);
        None for a province and for a county-level city directly under a province."""
        if self.level == self.Level.PROVINCE:
            if self.is_municipality:
                return Region.objects.filter(parent=self, level=self.Level.CITY).first()
            return None
        return next((r for r in self.ancestors() if r.level == self.Level.CITY), None)

    def effective_national_class(self) -> str:
        return self.province.national_class if self.province else ""


class ParkType(models.TextChoices):
    """园区类型: what a park is (seed 000 二; seed 001 二). A call lists the types it accepts."""

    OUTSOURCING_DEMO_PARK = "outsourcing_demo", _("Provincial service outsourcing demonstration park")
    ECONOMIC_DEVELOPMENT_ZONE = "edz", _("Economic and technological development zone")
    HIGH_TECH_ZONE = "htz", _("High-tech industrial development zone")
    DIGITAL_ECONOMY_PARK = "digital_park", _("Digital economy industrial park or cluster")


class Organization(models.Model):
    """A body that takes part: a park's management body, a bureau, a department, a ministry."""

    class Kind(models.TextChoices):
        PARK = "park", _("Park management body")
        CITY_COMMERCE = "city_commerce", _("City commerce bureau")
        CITY_CAC = "city_cac", _("City cyberspace affairs office")
        CITY_MIIT = "city_miit", _("City industry and information technology bureau")
        PROVINCE_COMMERCE = "province_commerce", _("Provincial department of commerce")
        PROVINCE_CAC = "province_cac", _("Provincial cyberspace affairs office")
        PROVINCE_MIIT = "province_miit", _("Provincial department of industry and information technology")
        MINISTRY = "ministry", _("Ministry")
        ENTERPRISE = "enterprise", _("Enterprise")
        DISTRICT_COMMERCE = "district_commerce", _("District commerce bureau")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="organizations",
    )
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code],
    )
    park_types = models.JSONField(
        _("park types"), default=list, blank=True,
        help_text=_("For a park: what it is (a park may be several, e.g. a high-tech zone that is also a "
                    "provincial service outsourcing demonstration park). A call accepts only its types."))

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="organization_credit_code_unique",
                violation_error_message=_("Another organisation already has this credit code."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def park_type_labels(self) -> list[str]:
        return [str(ParkType(t).label) for t in self.park_types or [] if t in ParkType.values]

    def clean(self) -> None:
        bad = [t for t in self.park_types or [] if t not in ParkType.values]
        if bad or not isinstance(self.park_types, list):
            raise ValidationError({"park_types": _("Unknown park type.")})


class Role(models.TextChoices):
    PARK_ADMIN = "park_admin", _("Park administrator")
    CITY_REVIEWER = "city_reviewer", _("City reviewer")
    CITY_COREVIEWER = "city_coreviewer", _("City co-reviewer")
    PROVINCIAL_OFFICER = "provincial_officer", _("Provincial officer")
    PROVINCIAL_COREVIEWER = "provincial_coreviewer", _("Provincial co-reviewer")
    EXPERT = "expert", _("Expert")
    SYSADMIN = "sysadmin", _("System administrator")
    # The service-trade fund programme (seed 004): the applying enterprise, the district commerce bureau's
    # preliminary reviewer, the city commerce bureau's fund officer.
    ENTERPRISE_APPLICANT = "enterprise_applicant", _("Enterprise applicant")
    DISTRICT_REVIEWER = "district_reviewer", _("District reviewer")
    FUND_OFFICER = "fund_officer", _("City fund officer")


# Which kinds of organisation a role may be held in (an expert's organisation is the employer).
ROLE_ORGANIZATION_KINDS: dict[str, set[str]] = {
    Role.PARK_ADMIN: {Organization.Kind.PARK},
    Role.CITY_REVIEWER: {Organization.Kind.CITY_COMMERCE},
    Role.CITY_COREVIEWER: {Organization.Kind.CITY_CAC, Organization.Kind.CITY_MIIT},
    Role.PROVINCIAL_OFFICER: {Organization.Kind.PROVINCE_COMMERCE, Organization.Kind.MINISTRY},
    Role.PROVINCIAL_COREVIEWER: {
        Organization.Kind.PROVINCE_CAC, Organization.Kind.PROVINCE_MIIT, Organization.Kind.MINISTRY,
    },
    Role.EXPERT: set(Organization.Kind.values),
    Role.SYSADMIN: set(Organization.Kind.values),
    Role.ENTERPRISE_APPLICANT: {Organization.Kind.ENTERPRISE},
    Role.DISTRICT_REVIEWER: {Organization.Kind.DISTRICT_COMMERCE},
    Role.FUND_OFFICER: {Organization.Kind.CITY_COMMERCE},
}


class Membership(models.Model):
    """A user's role in an organisation. A user may hold several."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"],
                name="membership_unique_role",
                violation_error_message=_(
                    "This user already holds this role in this organisation."
                ),
            )
        ]
        indexes = [models.Index(fields=["role", "is_active"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.role_label} · {self.organization}"

    @property
    def role_label(self) -> str:
        """The role as its holder is called: the officer role held in a ministry (商务部) is the national
        officer (国家级业务人员), the co-reviewer role there the national co-reviewer."""
        if self.organization.kind == Organization.Kind.MINISTRY:
            if self.role == Role.PROVINCIAL_OFFICER:
                return str(_("National officer"))
            if self.role == Role.PROVINCIAL_COREVIEWER:
                return str(_("National co-reviewer"))
        return str(self.get_role_display())

    def clean(self) -> None:
        if self.organization_id and self.role:
            allowed = ROLE_ORGANIZATION_KINDS.get(self.role, set())
            if self.organization.kind not in allowed:
                raise ValidationError(
                    {
                        "role": _("The role “%(role)s” cannot be held in a %(kind)s.")
                        % {
                            "role": self.get_role_display(),
                            "kind": self.organization.get_kind_display(),
                        }
                    }
                )
