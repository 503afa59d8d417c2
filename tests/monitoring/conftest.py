import pytest


@pytest.fixture
def reports(demo):
    """The demo's designated bases with two years of accepted annual reports (monitoring.demo)."""
    from monitoring import demo as monitoring_demo
    from publicity import demo as publicity_demo

    publicity_demo.load()
    return monitoring_demo.load()
