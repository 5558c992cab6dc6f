"""Pure domain rules: periods, measures, rag, workflow, validation, disclosure, formats. No database."""
