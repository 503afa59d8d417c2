"""Reference data: the 31 mainland provinces (GB/T 2260) with their national class, and the
21 prefecture-level cities of Guangdong with their provincial class (DOMAIN.md §2); and the regions of
the whole country (every prefecture-level city, the districts and counties), shipped as
``data/regions.csv`` (built by ``scripts/build_regions.py``, which names its source)."""

import csv
from pathlib import Path

MUNICIPALITY_PREFIXES = {"11", "12", "31", "50"}

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


COUNTRY_FILE = Path(__file__).resolve().parent / "data" / "regions.csv"


def country_rows() -> list[dict]:
    with COUNTRY_FILE.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_country_regions(Region) -> int:
    """Create or update every region of the shipped file (provinces, cities, districts, in that order).
    ``Region`` is the model (historical in migrations). Returns how many rows were created."""
    rows = country_rows()
    existing = {r.code: r for r in Region.objects.all()}
    created = 0
    for level in ("province", "city", "district"):
        ids = {code: r.pk for code, r in existing.items()}
        new, changed = [], []
        for row in (r for r in rows if r["level"] == level):
            if row["parent"] and row["parent"] not in ids:
                raise ValueError(f"regions.csv: {row['code']} {row['name']} has an unknown parent {row['parent']}")
            flags = set(row["flags"].split())
            values = {
                "name": row["name"], "level": level, "parent_id": ids.get(row["parent"]) if row["parent"] else None,
                "is_outsourcing_demo_city": "demo" in flags, "is_trade_pilot": "pilot" in flags,
                "is_municipality": "municipality" in flags or (level == "province" and row["code"][:2] in
                                                               MUNICIPALITY_PREFIXES),
                "is_functional_area": "functional" in flags, "is_new_area": "new_area" in flags,
            }
            if row["national_class"]:
                values["national_class"] = row["national_class"]
            region = existing.get(row["code"])
            if region is None:
                new.append(Region(code=row["code"], **values))
            else:
                for name, value in values.items():
                    setattr(region, name, value)
                changed.append(region)
        Region.objects.bulk_create(new, batch_size=500)
        created += len(new)
        fields = ["name", "level", "parent_id", "is_outsourcing_demo_city", "is_trade_pilot", "is_municipality",
                  "is_functional_area", "is_new_area", "national_class"]
        Region.objects.bulk_update(changed, [f.removesuffix("_id") if f == "parent_id" else f for f in fields],
                                   batch_size=500)
        existing = {r.code: r for r in Region.objects.all()}
    return created
