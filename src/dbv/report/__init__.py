"""The diagnostic pack: one data structure (model), rendered to HTML, PDF and Excel."""
