"""Browser tests of the built website (see conftest.py)."""
