"""Quarterly returns: loading, saving and moving them through the workflow."""
