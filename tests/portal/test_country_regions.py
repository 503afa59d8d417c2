"""Regions for the whole country (issue 14 point 4, DOMAIN.md §2, §2a).

Seed 000 二(二): “市商务局会同网信、工信局负责组织本地省基地申报工作” (every 地级以上市 recommends); seed 001
一: parks of “中国服务外包示范城市或服务贸易创新发展试点地区”; DOMAIN §2a: “直辖市 … are provinces and cities at
once … Pilot areas (试点地区) can be districts or new areas inside a city (e.g. 南京江北新区), so regions need a
district level.”
"""

import pytest

from applications import units
from applications.models import Call
from applications.services import call_accepts_park
from portal.accounts.models import Organization, Region

pytestmark = pytest.mark.django_db


def test_every_prefecture_level_city_of_the_31_provinces_is_loaded():
    """GB/T 2260 prefecture-level divisions: 333 in 2023, plus the four 直辖市 as cities."""
    cities = Region.objects.filter(level="city")
    assert cities.filter(is_municipality=False).count() == 333
    assert cities.filter(is_municipality=True).count() == 4
    provinces = Region.objects.filter(level="province")
    assert provinces.count() == 31
    for province in provinces:
        assert Region.objects.filter(parent=province).exists(), province.name
    for code, name, province in [("320100", "南京市", "江苏省"), ("650100", "乌鲁木齐市", "新疆维吾尔自治区"),
                                 ("540100", "拉萨市", "西藏自治区"), ("230600", "大庆市", "黑龙江省"),
                                 ("441900", "东莞市", "广东省")]:
        city = Region.objects.get(code=code)
        assert (city.name, city.level, city.parent.name) == (name, "city", province)
    assert all(len(c) == 6 and c.isdigit() for c in cities.values_list("code", flat=True))


def test_the_four_municipalities_are_province_and_city_at_once():
    """DOMAIN §2a: “直辖市 (北京, 天津, 上海, 重庆) are provinces and cities at once”."""
    for province_code, city_code, district_code in [("110000", "110100", "110108"), ("120000", "120100", "120116"),
                                                   ("310000", "310100", "310115"), ("500000", "500100", "500112")]:
        province, city = Region.objects.get(code=province_code), Region.objects.get(code=city_code)
        assert province.level == "province" and province.is_municipality
        assert city.level == "city" and city.is_municipality and city.parent == province
        assert city.name == province.name
        assert province.city == city
        district = Region.objects.get(code=district_code)
        assert district.level == "district" and district.city == city and district.province == province
    # 重庆's counties (县) belong to the same city as its districts.
    assert Region.objects.get(code="500229").parent.code == "500100"  # 城口县


def test_districts_and_new_areas_have_their_own_place():
    """DOMAIN §2a: “a pilot area may be a district or new area (e.g. 南京江北新区) with its own place”."""
    xiangzhou = Region.objects.get(code="440402")
    assert (xiangzhou.name, xiangzhou.level, xiangzhou.parent.code) == ("香洲区", "district", "440400")
    hengqin = Region.objects.get(name__startswith="横琴")
    assert hengqin.is_new_area and hengqin.city.code == "440400" and hengqin.province.code == "440000"
    jiangbei = Region.objects.get(name="南京江北新区")
    assert jiangbei.level == "district" and jiangbei.is_new_area and jiangbei.is_trade_pilot
    assert jiangbei.city.name == "南京市" and jiangbei.effective_national_class() == "east"
    guangdong_districts = Region.objects.filter(level="district", parent__parent__code="440000", is_new_area=False)
    assert guangdong_districts.count() >= 120
    guangzhou = Region.objects.filter(level="district", parent__code="440100", is_functional_area=False)
    assert set(guangzhou.values_list("name", flat=True)) == {
        "荔湾区", "越秀区", "海珠区", "天河区", "白云区", "黄埔区", "番禺区", "花都区", "南沙区", "从化区", "增城区"}
    # A county-level city directly under its province (省直辖县级行政区划) is a district of the province.
    assert Region.objects.get(code="429004").parent.code == "420000"  # 仙桃市
    assert Region.objects.filter(level="district").count() > 2900


def test_demonstration_cities_and_pilot_areas_are_data():
    """Seed 001 一: “中国服务外包示范城市或服务贸易创新发展试点地区”."""
    assert Region.objects.filter(is_outsourcing_demo_city=True).count() == 31
    pilots = set(Region.objects.filter(is_trade_pilot=True).values_list("name", flat=True))
    assert len(pilots) == 17
    assert {"南京江北新区", "重庆两江新区", "河北雄安新区", "海南省", "威海市"} <= pilots


def test_a_park_in_a_district_belongs_to_its_city_and_province(user_named):
    """A park in 香洲区 is recommended by 珠海 in the Guangdong call and by 广东 in the national call."""
    park = Organization.objects.create(name="珠海香洲测试园区", kind="park", region=Region.objects.get(code="440402"))
    provincial = Call(level="provincial", recommending_tier="city", region=Region.objects.get(code="440000"))
    national = Call(level="national", recommending_tier="province")
    assert units.unit_region_id(provincial, park) == Region.objects.get(code="440400").pk
    assert units.unit_region_id(national, park) == Region.objects.get(code="440000").pk
    assert call_accepts_park(provincial, park)
    beijing = Organization.objects.create(name="中关村测试园区", kind="park", region=Region.objects.get(code="110108"))
    assert units.unit_region_id(national, beijing) == Region.objects.get(code="110000").pk
    assert not call_accepts_park(provincial, beijing)
