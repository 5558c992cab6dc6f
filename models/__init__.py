"""Domain: ORM entities, rules, queries and exports' data. Knows nothing of Dash."""
