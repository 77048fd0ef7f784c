"""The staff workspace, under /staff/. Each section below belongs to one part of the work."""

from django.urls import path

from campaigns.views.staff import (
    archive,
    casework,
    dossier,
    erasure,
    history,
    home,
    merge,
    review,
    search,
    worklist,
)

app_name = "staff"

urlpatterns: list = [
    # --- Home and review (staff home, review queue, entry review, name matching, intake) ---
    path("", home.home, name="home"),
    path("work/<slug:name>/", worklist.worklist, name="worklist"),
    path("search/", search.search, name="search"),
    path("entries/<int:pk>/", review.review_entry, name="review-entry"),
    path("intake/<int:pk>/", review.review_intake, name="review-intake"),
    # --- Case work (event/people/source forms, conflicts, history, restore) ---
    path("cases/<slug:slug>/", casework.case, name="case"),
    path("cases/<slug:slug>/events/add/", casework.event_add, name="event-add"),
    path("events/<int:pk>/edit/", casework.event_edit, name="event-edit"),
    path("cases/<slug:slug>/detainees/add/", casework.detainee_add, name="detainee-add"),
    path("detainees/<int:pk>/edit/", casework.detainee_edit, name="detainee-edit"),
    path("sources/add/", casework.source_add, name="source-add"),
    path("cases/<slug:slug>/history/", history.case_history, name="case-history"),
    path("history/restore/", history.restore, name="restore"),
    path("merge/<slug:model>/<int:pk>/", merge.merge, name="merge"),
    # --- Archive instead of delete; erasure of a relative's personal data ---
    path("archive/", archive.archived, name="archived"),
    path("cases/<slug:slug>/archived/<slug:kind>/", archive.case_archived, name="case-archived"),
    path("archive/<slug:kind>/<int:pk>/", archive.archive, name="archive"),
    path("archive/<slug:kind>/<int:pk>/restore/", archive.unarchive, name="unarchive"),
    path("relatives/<int:pk>/erase/", erasure.erase_relative, name="erase-relative"),
    # --- Dossier, contact log CSV, bulk import ---
    path("cases/<slug:slug>/dossier/", dossier.dossier, name="dossier"),
    path("cases/<slug:slug>/contact-log.csv", dossier.contact_log_csv, name="contact-log-csv"),
    path(
        "cases/<slug:slug>/import-detainees/",
        dossier.import_detainees_view,
        name="import-detainees",
    ),
]
