"""File formats: CSV, XLSX, PDF pack and the Excel return template, with one dispatcher (build)."""
