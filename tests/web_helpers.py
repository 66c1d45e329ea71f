"""Constants shared by the web tests (conftest fixtures import them too)."""

PASSWORD = "correct-horse-battery-staple"
