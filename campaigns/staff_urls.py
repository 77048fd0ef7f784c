"""The staff workspace, under /staff/. Each section below belongs to one part of the work."""

app_name = "staff"

urlpatterns: list = [
    # --- Home and review (staff home, review queue, entry review, name matching, intake) ---
    # --- Case work (event/people/source forms, conflicts, history, restore) ---
    # --- Dossier, contact log CSV, bulk import ---
]
