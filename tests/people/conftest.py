from tests.applications.conftest import calls, fill_completely, gd_call  # noqa: F401
