import pytest

from portal.accounts.models import Region

pytestmark = pytest.mark.django_db


def test_reference_regions_are_loaded_by_migration():
    assert Region.objects.filter(level="province").count() == 31
    gd_cities = Region.objects.filter(level="city", parent__code="440000")
    assert gd_cities.count() == 21
    assert gd_cities.filter(provincial_class="prd").count() == 9
    assert gd_cities.filter(provincial_class="ewn").count() == 12


@pytest.mark.parametrize(
    ("code", "national_class"),
    [("110000", "east"), ("440000", "east"), ("460000", "east"), ("140000", "central"),
     ("430000", "central"), ("150000", "west"), ("540000", "west"), ("650000", "west"),
     ("210000", "northeast"), ("230000", "northeast")],
)
def test_national_classes(code, national_class):
    assert Region.objects.get(code=code).national_class == national_class


@pytest.mark.parametrize(
    ("code", "provincial_class"),
    [("440100", "prd"), ("440300", "prd"), ("441900", "prd"), ("442000", "prd"),
     ("440500", "ewn"), ("440800", "ewn"), ("445300", "ewn"), ("441800", "ewn")],
)
def test_guangdong_city_classes(code, provincial_class):
    city = Region.objects.get(code=code)
    assert city.provincial_class == provincial_class
    assert city.effective_national_class() == "east"
    assert city.province.code == "440000"
