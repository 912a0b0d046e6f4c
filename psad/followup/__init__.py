"""Follow-up of each youth: contacts, notes, case changes, DARFI, obligation de formation,
tasks and the work lists (issue 10)."""
