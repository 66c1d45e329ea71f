"""Organisations (councils), people's roles in them, the audit log and the one way to write."""
