"""Reminders: what is due, told once a day to the right person, in the app and by e-mail."""
