"""The bases programme on the engine: its review chain decides who reviews; the audit check follows the states."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from applications import units
from applications.models import Call
from portal.accounts.models import Organization, Region
from portal.workflow import Tier, Workflow, get_workflow, register, registry
from tests.applications.conftest import calls, gd_call  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def district_chain():
    """A programme that differs from bases only by its review chain: districts review, then the city."""
    bases = get_workflow("bases")
    district = Tier("district", "District", "district", "city_reviewer", "city_commerce")
    city = bases.chains["provincial"][0]
    workflow = register(Workflow(key="district_trial", label="District trial", chain=[district, city],
                                 objects=bases.objects))
    yield workflow
    registry.unregister(workflow.key)


def test_the_recommending_unit_is_the_first_tier_of_the_calls_chain(calls, district_chain):  # noqa: F811
    gd, national = calls
    district = Region.objects.filter(level=Region.Level.DISTRICT, parent__name="广州市").first()
    park = Organization.objects.create(name="测试园区（区级）", kind=Organization.Kind.PARK, region=district)
    assert units.unit_region_id(gd, park) == district.parent_id
    assert units.unit_region_id(national, park) == district.parent.parent_id
    assert units.unit_roles(national).reviewer_kind == Organization.Kind.PROVINCE_COMMERCE
    # One change of the chain, and the district reviews.
    trial = Call(programme="district_trial", level="provincial", region=gd.region)
    assert units.unit_region_id(trial, park) == district.pk
    assert trial.recommending_unit.key == "district"
    assert [t.key for t in trial.review_chain] == ["district", "city"]


def test_the_quota_rule_follows_the_tier(calls):  # noqa: F811
    gd, national = calls
    assert not gd.recommending_unit.quota_by_pilot_place
    assert national.recommending_unit.quota_by_pilot_place
    assert gd.recommending_tier == "city" and national.recommending_tier == "province"


def test_verify_audit_expects_the_event_that_explains_the_state(calls, capsys):  # noqa: F811
    gd, national = calls
    call_command("verify_audit", "applications.Call", str(gd.pk))  # opened through the service
    assert "call.opened" in capsys.readouterr().out
    # The national call of 2019 is recorded closed by its import entry.
    call_command("verify_audit", "applications.Call", str(national.pk))
    assert "call.imported" in capsys.readouterr().out
    # A call closed by a direct update: no event explains "closed".
    Call.objects.filter(pk=gd.pk).update(status=Call.Status.CLOSED)
    with pytest.raises(CommandError, match="lacks 1"):
        call_command("verify_audit", "applications.Call", str(gd.pk))
    assert "MISSING  call.closed" in capsys.readouterr().out
