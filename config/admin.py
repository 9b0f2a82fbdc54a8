"""The admin's app config. The site itself is in config/admin_site.py: this module is imported
while the apps load, before the site's imports (allauth's) may be."""

from django.contrib.admin.apps import AdminConfig


class OfferDeskAdminConfig(AdminConfig):
    default_site = "config.admin_site.OfferDeskAdminSite"
