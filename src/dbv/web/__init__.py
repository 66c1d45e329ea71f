"""The dbv web app (Django): workshops, surveys and planning for many councils.

Only this package imports Django; the analytic core (the rest of ``dbv``) never does, so the
CLI and notebooks use it without a web stack.
"""
