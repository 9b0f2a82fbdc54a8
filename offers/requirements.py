"""The marketplace's numbers, versioned.

Every limit the forms and checks enforce comes from a RequirementsProfile. The marketplace has
changed these before (later pages ask for 48x48 and 216x216 logos): add a new profile, point
CURRENT_VERSION at it, and offers made under the old one keep the version they recorded.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class LogoSlot:
    width: int
    height: int

    @property
    def key(self):
        return f"{self.width}x{self.height}"

    @property
    def label(self):
        return _("Logo %(width)s x %(height)s") % {"width": self.width, "height": self.height}


@dataclass(frozen=True)
class RequirementsProfile:
    version: str
    logo_slots: tuple[LogoSlot, ...]
    logo_max_bytes: int
    min_uptime_percent: Decimal
    max_uptime_percent: Decimal
    trial_days: tuple[int, int]
    test_drive_hours: tuple[int, int]
    app_name_max_chars: int
    description_max_text_chars: int
    description_allowed_tags: frozenset[str]

    def slot(self, key):
        return next(slot for slot in self.logo_slots if slot.key == key)


PROFILES = {
    profile.version: profile
    for profile in (
        RequirementsProfile(
            version="2018-12",
            logo_slots=(LogoSlot(40, 40), LogoSlot(90, 90), LogoSlot(115, 115), LogoSlot(255, 115)),
            logo_max_bytes=1024 * 1024,
            min_uptime_percent=Decimal("99.9"),
            max_uptime_percent=Decimal("100"),
            trial_days=(1, 365),
            test_drive_hours=(1, 24),
            app_name_max_chars=50,
            description_max_text_chars=3000,
            description_allowed_tags=frozenset(
                {
                    "p",
                    "br",
                    "b",
                    "strong",
                    "i",
                    "em",
                    "ul",
                    "ol",
                    "li",
                    "h1",
                    "h2",
                    "h3",
                    "h4",
                    "h5",
                    "h6",
                }
            ),
        ),
    )
}
CURRENT_VERSION = "2018-12"


def get_profile(version=None):
    return PROFILES[version or CURRENT_VERSION]
