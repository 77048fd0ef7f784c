from django.urls import path

from campaigns.views import accounts, entries, intake, relatives

app_name = "campaigns"

urlpatterns = [
    # Accounts: relatives arrive through an invitation; staff use the same login.
    path("invitations/<str:token>/", accounts.accept_invitation, name="accept-invitation"),
    path("accounts/login/", accounts.login, name="login"),
    path("accounts/logout/", accounts.logout, name="logout"),
    path("language/<str:language>/", accounts.switch_language, name="switch-language"),
    # The relatives' workspace.
    path("my/", relatives.home, name="home"),
    path("my/cases/<slug:slug>/", relatives.case_timeline, name="relative-case"),
    path("my/cases/<slug:slug>/log/", entries.log_entry, name="log-entry"),
    path("my/entries/<int:pk>/edit/", entries.edit_entry, name="edit-entry"),
    path("my/entries/<int:pk>/withdraw/", entries.withdraw_entry, name="withdraw-entry"),
    path("my/entries/<int:pk>/correction/", entries.request_correction, name="request-correction"),
    # Files are served only through this view, which checks who may see the event.
    path("attachments/<int:pk>/", entries.attachment, name="attachment"),
    # Anyone may report a detention; it lands in a private queue.
    path("report/", intake.report_detention, name="report-detention"),
    path("report/received/", intake.report_received, name="report-received"),
]
