from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin, with `admin.site` the site in config/admin.py."""

    default_site = "config.admin.AdminSite"
