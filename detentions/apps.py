from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DetentionsConfig(AppConfig):
    name = "detentions"
    verbose_name = _("Detentions")

    def ready(self) -> None:
        from detentions import page_cache

        page_cache.connect_signals()
        post_migrate.connect(page_cache.after_migrate, sender=self)
