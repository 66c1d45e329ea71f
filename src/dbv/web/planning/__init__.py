"""The planning app of the dbv web app."""
