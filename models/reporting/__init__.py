"""Read-models for the pages and exports: aggregation in SQL, the performance table, figures."""
