"""Factories without surprises: a complete, valid draft unless a test says otherwise."""

import io
import uuid
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import Role, User
from offers.checks import rounds
from offers.models import (
    Check,
    CheckKind,
    Logo,
    Offer,
    OfferRevision,
    OfferStatus,
    SupportModel,
    TrialType,
)
from offers.services import snapshot_answers
from organisations.models import MemberRole, Membership, Organisation, RegistrationType

PASSWORD = "correct-Horse-battery-9"


def png_bytes(width, height, color=(11, 92, 173, 255)):
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(width, height, name="logo.png"):
    return SimpleUploadedFile(name, png_bytes(width, height), content_type="image/png")


# The authenticator app of every reviewer and admin of the tests: the portal requires one of
# them (accounts.middleware.StaffTwoFactorMiddleware). Tests and benchmarks compute its codes
# with pyotp.TOTP(TOTP_SECRET).now().
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def give_two_factor(user, secret=TOTP_SECRET):
    """An authenticator app set up for `user`, as allauth's set-up page records it."""
    TOTP.activate(user, secret)
    return user


class UserFactory(factory.django.DjangoModelFactory):
    """A person with a verified address. Reviewers and admins have two-factor authentication
    set up, unless a test says two_factor=False."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    role = Role.PUBLISHER
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_address(user, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    @factory.post_generation
    def two_factor(user, create, extracted, **kwargs):
        staff = user.role in (Role.REVIEWER, Role.ADMIN)
        if create and (extracted if extracted is not None else staff):
            give_two_factor(user)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    company_name = "Contoso Ltd"
    registration_type = RegistrationType.MPN
    mpn_id = "4512345"
    marketplace_publisher_id = ""
    microsoft_account = factory.Sequence(lambda n: f"partner-{n}@contoso.com")


class MembershipFactory(factory.django.DjangoModelFactory):
    """A member; by default the owner of a new organisation."""

    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = MemberRole.OWNER


def publisher(email=None, *, company_name="Contoso Ltd", role=MemberRole.OWNER, organisation=None):
    """A person in an organisation (a new one named `company_name` unless given), as `role`."""
    user = UserFactory(**({"email": email} if email else {}))
    organisation = organisation or OrganisationFactory(company_name=company_name)
    MembershipFactory(organisation=organisation, user=user, role=role)
    return user


def organisation_of(user):
    """The user's first organisation; one of their own, as its owner, if they have none."""
    membership = user.memberships.select_related("organisation").order_by("pk").first()
    return membership.organisation if membership else MembershipFactory(user=user).organisation


def first_owner(organisation):
    membership = organisation.memberships.filter(role=MemberRole.OWNER).order_by("pk").first()
    return membership.user if membership else MembershipFactory(organisation=organisation).user


class OfferFactory(factory.django.DjangoModelFactory):
    """A draft whose every step is complete, logos included."""

    class Meta:
        model = Offer
        skip_postgeneration_save = True

    class Params:
        # The publisher behind the offer: it belongs to their (first) organisation.
        owner = None

    organisation = factory.LazyAttribute(
        lambda o: organisation_of(o.owner) if o.owner else OrganisationFactory()
    )
    created_by = factory.LazyAttribute(lambda o: o.owner or first_owner(o.organisation))
    aad_application_id = factory.LazyFunction(uuid.uuid4)
    aad_sso_consent = True
    integrations = ["power_bi"]
    business_process = "Field service scheduling for utilities."
    work_credentials = True
    trial_type = TrialType.FREE_TRIAL
    trial_days = 30
    low_configuration = True
    support_url = "https://contoso.example/support"
    uptime_percent = Decimal("99.95")
    own_ordering_and_billing = True
    support_model = SupportModel.PAID
    licensing_responsibility = True
    app_name = factory.Sequence(lambda n: f"Contoso Field Service {n}")
    description_html = "<p>Schedules <strong>field</strong> crews.</p>"
    terms_url = "https://contoso.example/terms"
    privacy_url = "https://contoso.example/privacy"

    @factory.post_generation
    def with_logos(offer, create, extracted, **kwargs):
        if create and extracted is not False:
            for slot in offer.requirements.logo_slots:
                LogoFactory(offer=offer, slot=slot.key, width=slot.width, height=slot.height)


class LogoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Logo

    offer = factory.SubFactory(OfferFactory, with_logos=False)
    slot = "40x40"
    width = 40
    height = 40
    image = factory.LazyAttribute(lambda logo: png_upload(logo.width, logo.height))
    # Pillow writes no metadata, so the same bytes stand for the re-encoded copy.
    clean_image = factory.LazyAttribute(lambda logo: png_upload(logo.width, logo.height))
    size_bytes = factory.LazyAttribute(lambda logo: logo.image.size)


def submitted_offer(owner=None, *, status=OfferStatus.IN_REVIEW, check_status="passed", **fields):
    """An offer as the pipeline leaves it after one submission: revision 1, its snapshot, and
    the 7 checks of that round finished with `check_status`. Made directly, without workers."""
    offer = OfferFactory(**({"owner": owner} if owner else {}), **fields)
    Offer.objects.filter(pk=offer.pk).update(status=status, revision=1, submitted_at=timezone.now())
    offer.refresh_from_db()
    OfferRevision.objects.create(offer=offer, number=1, answers=snapshot_answers(offer))
    subjects = [(CheckKind.LOGO, slot.key) for slot in offer.requirements.logo_slots] + [
        (CheckKind.SUPPORT_URL, offer.support_url),
        (CheckKind.PRIVACY_URL, offer.privacy_url),
        (CheckKind.TERMS_URL, offer.terms_url),
    ]
    Check.objects.bulk_create(
        Check(
            offer=offer,
            revision=1,
            kind=kind,
            subject=subject,
            status=check_status,
            attempts=1,
            finished_at=timezone.now(),
        )
        for kind, subject in subjects
    )
    rounds.store_outcome(offer, Check.objects.current_round(offer))
    return offer
