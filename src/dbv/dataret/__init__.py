"""The LA's own data return: schema, reading, derivations (snapshots, transitions, funnel)."""
