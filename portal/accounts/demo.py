"""Demo organisations and users for every role (python manage.py load_demo).

Real Guangdong bodies and parks (seed 003) so that what the portal shows looks like the real thing.
Idempotent: running it again updates the same rows.
"""

import hashlib

from django.db import transaction

from portal.accounts.models import Membership, Organization, Region, Role, User
from portal.accounts.regions import load_country_regions, load_reference_regions
from portal.accounts.validators import CREDIT_CODE_ALPHABET, credit_code_check_character

DEMO_PASSWORD = "Szfw@2026demo"

CITY_NAMES = {
    "440100": "广州", "440300": "深圳", "440400": "珠海", "440500": "汕头", "440600": "佛山",
    "440800": "湛江",
}

# username, full name, role, organisation name, email
PARKS = [
    # name, city code, park types (ParkType values)
    ("广州人工智能与数字经济试验区琶洲核心片区管理委员会", "440100", ["digital_park"]),
    ("广州开发区（黄埔区）数字经济产业园管理委员会", "440100", ["edz", "digital_park"]),
    ("广州天河中央商务区管理委员会", "440100", ["outsourcing_demo", "digital_park"]),
    ("深圳市南山软件产业基地管理服务中心", "440300", ["outsourcing_demo", "digital_park"]),
    ("珠海高新技术产业开发区管理委员会", "440400", ["htz"]),
    ("佛山高新技术产业开发区管理委员会", "440600", ["htz"]),
    ("汕头高新技术产业开发区管理委员会", "440500", ["htz"]),
    ("湛江经济技术开发区管理委员会", "440800", ["edz"]),
]

EXPERT_EMPLOYERS = [
    ("华南理工大学", "440100"),
    ("中山大学", "440100"),
    ("深圳大学", "440300"),
    ("汕头大学", "440500"),
    ("广东外语外贸大学", "440100"),
]

USERS = [
    ("park_pazhou", "陈立明", Role.PARK_ADMIN, "广州人工智能与数字经济试验区琶洲核心片区管理委员会"),
    ("park_huangpu", "黄晓燕", Role.PARK_ADMIN, "广州开发区（黄埔区）数字经济产业园管理委员会"),
    ("park_nanshan", "林志强", Role.PARK_ADMIN, "深圳市南山软件产业基地管理服务中心"),
    ("park_shantou", "郑佳琪", Role.PARK_ADMIN, "汕头高新技术产业开发区管理委员会"),
    ("park_zhanjiang", "吴海涛", Role.PARK_ADMIN, "湛江经济技术开发区管理委员会"),
    ("park_tianhe", "何嘉欣", Role.PARK_ADMIN, "广州天河中央商务区管理委员会"),
    ("city_gz", "刘文静", Role.CITY_REVIEWER, "广州市商务局"),
    ("city_sz", "张国华", Role.CITY_REVIEWER, "深圳市商务局"),
    ("city_st", "许丽娜", Role.CITY_REVIEWER, "汕头市商务局"),
    ("city_zj", "梁永康", Role.CITY_REVIEWER, "湛江市商务局"),
    ("gz_cac", "何俊", Role.CITY_COREVIEWER, "中共广州市委网络安全和信息化委员会办公室"),
    ("gz_miit", "罗敏", Role.CITY_COREVIEWER, "广州市工业和信息化局"),
    ("sz_cac", "周宇", Role.CITY_COREVIEWER, "中共深圳市委网络安全和信息化委员会办公室"),
    ("sz_miit", "孙倩", Role.CITY_COREVIEWER, "深圳市工业和信息化局"),
    ("st_cac", "蔡伟", Role.CITY_COREVIEWER, "中共汕头市委网络安全和信息化委员会办公室"),
    ("st_miit", "陈晓", Role.CITY_COREVIEWER, "汕头市工业和信息化局"),
    ("zj_cac", "莫振华", Role.CITY_COREVIEWER, "中共湛江市委网络安全和信息化委员会办公室"),
    ("zj_miit", "梁嘉欣", Role.CITY_COREVIEWER, "湛江市工业和信息化局"),
    ("gd_officer", "王建华", Role.PROVINCIAL_OFFICER, "广东省商务厅"),
    ("gd_officer2", "李红梅", Role.PROVINCIAL_OFFICER, "广东省商务厅"),
    ("mofcom_officer", "赵卫东", Role.PROVINCIAL_OFFICER, "中华人民共和国商务部"),
    ("gd_cac", "邓志远", Role.PROVINCIAL_COREVIEWER, "中共广东省委网络安全和信息化委员会办公室"),
    ("gd_miit", "杨慧", Role.PROVINCIAL_COREVIEWER, "广东省工业和信息化厅"),
    ("cac_coreview", "钱立", Role.PROVINCIAL_COREVIEWER, "中共中央网络安全和信息化委员会办公室"),
    ("miit_coreview", "孔明远", Role.PROVINCIAL_COREVIEWER, "中华人民共和国工业和信息化部"),
    ("expert_chen", "陈教授", Role.EXPERT, "华南理工大学"),
    ("expert_zhou", "周研究员", Role.EXPERT, "中山大学"),
    ("expert_li", "李教授", Role.EXPERT, "深圳大学"),
    ("expert_huang", "黄教授", Role.EXPERT, "汕头大学"),
    ("expert_xu", "徐教授", Role.EXPERT, "广东外语外贸大学"),
    ("sysadmin", "系统管理员", Role.SYSADMIN, "广东省商务厅"),
    ("sysadmin2", "系统管理员（商务部）", Role.SYSADMIN, "中华人民共和国商务部"),
]


def demo_credit_code(name: str, prefix: str) -> str:
    """A deterministic, valid credit code for a demo organisation (prefix: 2 + 6 characters)."""
    digest = hashlib.sha256(name.encode()).digest()
    body = "".join(CREDIT_CODE_ALPHABET[b % 31] for b in digest[:9])
    first17 = (prefix + body)[:17]
    return first17 + credit_code_check_character(first17)


def _org(name: str, kind: str, region: Region | None, prefix: str, park_types=()) -> Organization:
    region_code = region.code if region else "100000"
    org, _ = Organization.objects.update_or_create(
        name=name,
        defaults={"kind": kind, "region": region, "park_types": list(park_types),
                  "credit_code": demo_credit_code(name, prefix + region_code)},
    )
    return org


@transaction.atomic
def load() -> dict:
    if not Region.objects.filter(code="440000").exists():  # e.g. after a flush
        load_reference_regions(Region)
    if not Region.objects.filter(level=Region.Level.DISTRICT).exists():  # the districts too (the fund's bureaus)
        load_country_regions(Region)
    regions = {r.code: r for r in Region.objects.all()}
    guangdong = regions["440000"]
    # Cities that are service outsourcing demonstration cities or trade pilot areas (national call).
    Region.objects.filter(code="440100").update(is_outsourcing_demo_city=True, is_trade_pilot=True)
    Region.objects.filter(code="440300").update(is_outsourcing_demo_city=True, is_trade_pilot=True)

    K = Organization.Kind
    _org("广东省商务厅", K.PROVINCE_COMMERCE, guangdong, "11")
    _org("中共广东省委网络安全和信息化委员会办公室", K.PROVINCE_CAC, guangdong, "11")
    _org("广东省工业和信息化厅", K.PROVINCE_MIIT, guangdong, "11")
    _org("中华人民共和国商务部", K.MINISTRY, None, "11")
    _org("中共中央网络安全和信息化委员会办公室", K.MINISTRY, None, "11")
    _org("中华人民共和国工业和信息化部", K.MINISTRY, None, "11")
    for city in Region.objects.filter(parent=guangdong):
        short = city.name.removesuffix("市")
        _org(f"{short}市商务局", K.CITY_COMMERCE, city, "11")
        _org(f"中共{short}市委网络安全和信息化委员会办公室", K.CITY_CAC, city, "11")
        _org(f"{short}市工业和信息化局", K.CITY_MIIT, city, "11")
    for name, city_code, park_types in PARKS:
        _org(name, K.PARK, regions[city_code], "12", park_types)
    for name, city_code in EXPERT_EMPLOYERS:
        _org(name, K.OTHER, regions[city_code], "12")

    organizations = {o.name: o for o in Organization.objects.all()}
    for username, full_name, role, org_name in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"full_name": full_name, "email": f"{username}@demo.gov.cn"},
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        user.full_name = full_name
        user.save()
        Membership.objects.get_or_create(user=user, organization=organizations[org_name], role=role)
    return {"organizations": Organization.objects.count(), "users": len(USERS)}
