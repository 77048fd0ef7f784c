from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

# Every page carries its language in the address (/ru/cases/..., /kk/cases/...; English has no
# prefix), so a shared link opens in the language it was copied in.
urlpatterns = i18n_patterns(
    path("admin/", admin.site.urls),
    path("staff/", include("campaigns.staff_urls")),
    path("", include("campaigns.urls")),
    path("", include("detentions.urls")),
    prefix_default_language=False,
)
