"""A demo plugin package for the tests: each extension is one file, declared as an entry point
(tests/conftest.py writes its dist-info at run time)."""
