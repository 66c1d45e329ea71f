"""Mitigated scenarios (DBV "opportunities"): named, versioned YAML files of levers, each with
its uncertainty, start, ramp, achievability and the provision that must exist for it."""
