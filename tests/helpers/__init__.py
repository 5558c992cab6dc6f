"""Helpers shared by test modules. A test module imports shared code only from here, and
shared fixtures come from a conftest.py; no test module imports another test module or a
conftest (tests/unit/test_imports.py checks)."""
