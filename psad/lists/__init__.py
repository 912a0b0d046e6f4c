"""Working the youth list at scale: saved views, bulk actions and the ``.xlsx`` export of the
filtered list."""
