from django.urls import path

from detentions import views

app_name = "detentions"

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("cases/<slug:slug>/", views.case_detail, name="case-detail"),
    path("healthz", views.healthz, name="healthz"),
]
