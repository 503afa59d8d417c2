import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications import demo as demo_data
from applications import services
from applications.models import Application, Call


@pytest.fixture
def calls(demo):
    """The Guangdong 2022 call (open) and the national 2019 call (closed), as load_demo makes them."""
    return demo_data.load_calls()


@pytest.fixture
def gd_call(calls) -> Call:
    return calls[0]


@pytest.fixture
def park_user(user_named):
    return user_named("park_huangpu")


@pytest.fixture
def park(park_user):
    return park_user.memberships.get(role="park_admin").organization


def pdf_upload(name="证明材料.pdf", content=None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content or demo_data._pdf(name), content_type="application/pdf")


@pytest.fixture
def new_application(gd_call, park, park_user) -> Application:
    return services.start_application(call=gd_call, park=park, user=park_user)


def fill_completely(application, user, figures=demo_data.HUANGPU):
    demo_data._fill(application, user, application.park, figures)
    demo_data._evidence_and_conditions(application, user)
    application.refresh_from_db()
    return application


@pytest.fixture
def complete_application(new_application, park_user) -> Application:
    return fill_completely(new_application, park_user)
