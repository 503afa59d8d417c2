"""Reference data: the 31 mainland provinces (GB/T 2260) with their national class, and the
21 prefecture-level cities of Guangdong with their provincial class (DOMAIN.md §2)."""

PROVINCES = [
    ("110000", "北京市", "east"), ("120000", "天津市", "east"), ("130000", "河北省", "east"),
    ("140000", "山西省", "central"), ("150000", "内蒙古自治区", "west"),
    ("210000", "辽宁省", "northeast"), ("220000", "吉林省", "northeast"),
    ("230000", "黑龙江省", "northeast"),
    ("310000", "上海市", "east"), ("320000", "江苏省", "east"), ("330000", "浙江省", "east"),
    ("340000", "安徽省", "central"), ("350000", "福建省", "east"), ("360000", "江西省", "central"),
    ("370000", "山东省", "east"), ("410000", "河南省", "central"), ("420000", "湖北省", "central"),
    ("430000", "湖南省", "central"), ("440000", "广东省", "east"),
    ("450000", "广西壮族自治区", "west"), ("460000", "海南省", "east"), ("500000", "重庆市", "west"),
    ("510000", "四川省", "west"), ("520000", "贵州省", "west"), ("530000", "云南省", "west"),
    ("540000", "西藏自治区", "west"), ("610000", "陕西省", "west"), ("620000", "甘肃省", "west"),
    ("630000", "青海省", "west"), ("640000", "宁夏回族自治区", "west"),
    ("650000", "新疆维吾尔自治区", "west"),
]

GUANGDONG_CITIES = [
    ("440100", "广州市", "prd"), ("440200", "韶关市", "ewn"), ("440300", "深圳市", "prd"),
    ("440400", "珠海市", "prd"), ("440500", "汕头市", "ewn"), ("440600", "佛山市", "prd"),
    ("440700", "江门市", "prd"), ("440800", "湛江市", "ewn"), ("440900", "茂名市", "ewn"),
    ("441200", "肇庆市", "prd"), ("441300", "惠州市", "prd"), ("441400", "梅州市", "ewn"),
    ("441500", "汕尾市", "ewn"), ("441600", "河源市", "ewn"), ("441700", "阳江市", "ewn"),
    ("441800", "清远市", "ewn"), ("441900", "东莞市", "prd"), ("442000", "中山市", "prd"),
    ("445100", "潮州市", "ewn"), ("445200", "揭阳市", "ewn"), ("445300", "云浮市", "ewn"),
]


def load_reference_regions(Region) -> None:
    """Create or update the reference regions. ``Region`` is the model (historical in migrations)."""
    provinces = {}
    for code, name, national_class in PROVINCES:
        provinces[code], _ = Region.objects.update_or_create(
            code=code,
            defaults={"name": name, "level": "province", "national_class": national_class},
        )
    for code, name, provincial_class in GUANGDONG_CITIES:
        Region.objects.update_or_create(
            code=code,
            defaults={"name": name, "level": "city", "parent": provinces["440000"],
                      "provincial_class": provincial_class},
        )
