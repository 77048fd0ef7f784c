from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DetentionsConfig(AppConfig):
    name = "detentions"
    verbose_name = _("Detentions")

    def ready(self) -> None:
        from detentions import page_cache

        page_cache.connect_signals()
