"""The strategy's catalogue and the seeded demo data."""
