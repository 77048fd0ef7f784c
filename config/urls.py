from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("staff/", include("campaigns.staff_urls")),
    path("", include("campaigns.urls")),
    path("", include("detentions.urls")),
]
