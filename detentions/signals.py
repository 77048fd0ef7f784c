"""Signals the core sends, for the apps built on it (which the core never imports)."""

from django.dispatch import Signal

# Sent by the admin just before records are deleted for good, in the delete's transaction:
# sender is the model, with `user` (who deletes) and `records` (a list, still with their numbers).
# campaigns writes each into the access log.
deleting_in_admin = Signal()
