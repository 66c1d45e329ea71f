"""The surveys app of the dbv web app."""
