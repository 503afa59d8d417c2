import pytest
from django.utils import timezone

from applications import demo as demo_data
from applications import services as application_services
from applications.models import Application, ApplicationVersion
from portal.accounts.models import Organization, Region
from tests.applications.conftest import calls, fill_completely, gd_call  # noqa: F401


@pytest.fixture
def submit_for(gd_call, user_named):  # noqa: F811
    """A park user's application to the Guangdong call, filled and submitted through the services."""

    def make(username: str, figures=demo_data.HUANGPU, justification: str = "") -> Application:
        user = user_named(username)
        park = user.memberships.get(role="park_admin").organization
        application = application_services.start_application(call=gd_call, park=park, user=user)
        fill_completely(application, user, figures)
        application_services.submit_application(application=application, user=user,
                                                justification=justification)
        application.refresh_from_db()
        return application

    return make


def extra_parks(city_code: str, n: int, prefix: str = "测试园区") -> list[Organization]:
    region = Region.objects.get(code=city_code)
    return [Organization.objects.create(name=f"{prefix}{city_code}-{i}", kind=Organization.Kind.PARK,
                                        region=region) for i in range(n)]


def bulk_applications(call, parks, state: str, submitted_by) -> list[Application]:
    """Applications in a given state with one version each, straight into the database: for lists
    whose size matters (query budgets, quotas), not for the rules of the workflow."""
    applications = Application.objects.bulk_create([
        Application(call=call, park=park, state=state, created_by=submitted_by, latest_version_number=1,
                    submitted_at=timezone.now()) for park in parks])
    data = demo_data.dossier(parks[0], demo_data.HUANGPU)
    ApplicationVersion.objects.bulk_create([
        ApplicationVersion(application=a, number=1, data=data, attachments=[], eligibility=[],
                           misses=i % 2, submitted_by=submitted_by, submitted_at=timezone.now())
        for i, a in enumerate(applications)])
    return applications
