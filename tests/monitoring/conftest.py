import pytest


@pytest.fixture
def reports(demo):
    """The demo's designated bases with two years of accepted annual reports (as load_demo: publicity, bases,
    monitoring)."""
    from bases import demo as bases_demo
    from monitoring import demo as monitoring_demo
    from publicity import demo as publicity_demo

    publicity_demo.load()
    bases_demo.load()
    return monitoring_demo.load()
