"""Browser tests run against pytest-django's live_server, so their database is transactional.

The reference data that a transactional test empties (industries, the size standard) is reloaded for
every such test by the ``_reference_data`` fixture of tests/conftest.py.
"""
