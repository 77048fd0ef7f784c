from django.urls import path

from campaigns.views import accounts, entries, intake, relatives, two_factor

app_name = "campaigns"

urlpatterns = [
    # Accounts: relatives arrive through an invitation; staff use the same login.
    path("invitations/<str:token>/", accounts.accept_invitation, name="accept-invitation"),
    path("accounts/login/", accounts.login, name="login"),
    path("accounts/logout/", accounts.logout, name="logout"),
    # The code after the password (required for staff, optional for relatives).
    path("accounts/two-factor/", two_factor.verify, name="two-factor"),
    path("accounts/two-factor/set-up/", two_factor.set_up, name="two-factor-setup"),
    # A forgotten password: a link by e-mail.
    path("accounts/password-reset/", accounts.password_reset, name="password-reset"),
    path("accounts/password-reset/sent/", accounts.password_reset_sent, name="password-reset-sent"),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        accounts.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path(
        "accounts/password-reset/done/",
        accounts.password_reset_complete,
        name="password-reset-complete",
    ),
    path("language/<str:language>/", accounts.switch_language, name="switch-language"),
    # The relatives' workspace.
    path("my/", relatives.home, name="home"),
    path("my/cases/<slug:slug>/", relatives.case_timeline, name="relative-case"),
    path("my/cases/<slug:slug>/events/<int:pk>/", relatives.case_event, name="relative-event"),
    path("my/two-factor/", two_factor.settings_page, name="two-factor-settings"),
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
