"""Array-level forecast models sharing :class:`dbv.forecast.models.base.Model`."""
