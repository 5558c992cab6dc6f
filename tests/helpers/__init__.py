"""Helpers shared by test modules. A test module imports shared code from here (or from
tests/factories.py and the other plain helper modules) and shared fixtures come from a
conftest.py; no test module imports another test module or a conftest (test_imports checks)."""
