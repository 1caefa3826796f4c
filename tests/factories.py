"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import (
    Agency,
    AgencyDomain,
    Country,
    Profession,
    Supervision,
    Unit,
    User,
    WellbeingCoverage,
)

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = factory.Iterator(["FR", "BE", "GB", "IE", "CA", "LU"])
    name = factory.LazyAttribute(lambda o: {"FR": "France", "BE": "Belgium"}.get(o.code, o.code))


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Agency {n}")
    short_name = factory.Sequence(lambda n: f"AG{n}")
    country = factory.SubFactory(CountryFactory)
    domain = factory.RelatedFactory(
        "tests.factories.AgencyDomainFactory",
        factory_related_name="agency",
        domain=factory.LazyAttribute(lambda o: f"{o.factory_parent.short_name.lower()}.example"),
    )


class AgencyDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyDomain

    agency = factory.SubFactory(AgencyFactory, domain=None)
    domain = factory.Sequence(lambda n: f"domain{n}.example")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Unit {n}")
    parent = None


class ProfessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profession
        django_get_or_create = ("code",)

    code = "police-investigator"
    name = "Police investigator"


class UserFactory(factory.django.DjangoModelFactory):
    """An approved learner with a verified email, in an agency and unit."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@ag.example")
    full_name = factory.Faker("name")
    unit = factory.SubFactory(UnitFactory)
    agency = factory.LazyAttribute(lambda o: o.unit.agency if o.unit else AgencyFactory())
    profession = factory.SubFactory(ProfessionFactory)
    vetting_status = User.Vetting.APPROVED
    preferred_language = "en"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(
            user=self, email=self.email, defaults={"verified": True, "primary": True}
        )

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """UserFactory(roles=["trainer"]) puts the user in those global role groups."""
        if not create or not extracted:
            return
        for name in extracted:
            self.groups.add(Group.objects.get(name=name))


class SupervisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supervision

    supervisor = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    # From yesterday, not the model's default of today: a test's "today" may be computed
    # before midnight and the grant made after it (a suite run across midnight).
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))


class WellbeingCoverageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WellbeingCoverage

    lead = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    # From yesterday, for the same reason as SupervisionFactory.
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))


def totp_enrol(user) -> str:
    """Give `user` a TOTP authenticator; returns the secret (compute codes with totp_code)."""
    from accounts.mfa import totp_enrol as enrol

    return enrol(user)


def totp_code(secret: str) -> str:
    from accounts.mfa import totp_code_for

    return totp_code_for(secret)
