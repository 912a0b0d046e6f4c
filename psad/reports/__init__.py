"""The bilan d'activité and the dashboard: indicators defined once, computed in the database
for a period and one or more PSADs, shown on the dashboard, masked for readers, exported."""
