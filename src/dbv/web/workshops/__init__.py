"""The workshops app of the dbv web app."""
