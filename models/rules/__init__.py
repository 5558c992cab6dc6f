"""Pure domain rules: periods, measures, workflow, validation, disclosure. No database."""
