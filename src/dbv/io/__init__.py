"""Readers for the official files: each turns one published layout into canonical frames.

No business rules live here, only parsing, recognition and caching.
"""
