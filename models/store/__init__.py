"""Storage: engine and unit of work, ORM entities, data version, audit, settings, users."""
