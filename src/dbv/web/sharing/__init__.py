"""Sharing a council's insight export with an insight body, and the insight body's pages."""
