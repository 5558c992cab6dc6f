"""The lead officer's commands and listings, one module per kind of thing configured."""
