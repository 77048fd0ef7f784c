from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from campaigns.access_log import log_admin_deletions
        from detentions.signals import deleting_in_admin

        # The core announces deletes made in its admin; it never imports this app.
        deleting_in_admin.connect(log_admin_deletions, dispatch_uid="access-log")
