"""Build portal/accounts/data/regions.csv, the regions of the whole country shipped with the project.

Source: the National Bureau of Statistics' 2023 统计用区划代码 (cut-off 2023-06-30), as packaged by the npm
package china-division 2.7.0 (dist/provinces.json, cities.json, areas.json). The first six digits of those
codes are the GB/T 2260 administrative division codes; codes whose fifth digit is 7 (…71, …72) are the
bureau's statistical functional areas (development zones), kept and flagged ``functional``.

    npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python scripts/build_regions.py package/dist > portal/accounts/data/regions.csv

Added by hand below (no code of their own in GB/T 2260, so the project gives them ``<city code>X<nn>``):
the national new areas that are 服务贸易创新发展试点地区, 横琴 in 珠海, and 珠海's 高新区 and 高栏港.
Flags for the national call (DOMAIN.md §2): ``demo`` = 中国服务外包示范城市 (31), ``pilot`` = 服务贸易创新发展试点
地区 (the 17 areas of the 2018 深化试点).
"""

import csv
import json
import sys
from pathlib import Path

MUNICIPALITIES = {"11", "12", "31", "50"}
NATIONAL_CLASS = {
    "east": "11 12 13 31 32 33 35 37 44 46", "central": "14 34 36 41 42 43",
    "west": "15 45 50 51 52 53 54 61 62 63 64 65", "northeast": "21 22 23",
}
OUTSOURCING_DEMO_CITIES = {  # 中国服务外包示范城市: 21 (2009–2010) and 10 (2016)
    "110100", "120100", "310100", "500100", "210200", "440300", "440100", "420100", "230100", "510100",
    "320100", "610100", "370100", "330100", "340100", "360100", "430100", "230600", "320500", "320200",
    "350200", "210100", "220100", "320600", "321100", "330200", "350100", "370200", "410100", "450100",
    "650100",
}
TRADE_PILOTS = {  # 服务贸易创新发展试点 (国函〔2018〕79号): 17 areas
    "110100", "120100", "310100", "460000", "440300", "330100", "420100", "440100", "510100", "320500",
    "371000", "230100X01", "320100X01", "500100X01", "520100X01", "610100X01", "130600X01",
}
NEW_AREAS = [  # code, name, parent
    ("230100X01", "哈尔滨新区", "230100"), ("320100X01", "南京江北新区", "320100"),
    ("500100X01", "重庆两江新区", "500100"), ("520100X01", "贵州贵安新区", "520100"),
    ("610100X01", "陕西西咸新区", "610100"), ("130600X01", "河北雄安新区", "130600"),
    ("440400X01", "横琴粤澳深度合作区（横琴新区）", "440400"),
]
# 珠海's economic functional areas (经济功能区) whose commerce departments review the service-trade fund's
# applications (seed 004, 珠商〔2019〕28号): without a code in GB/T 2260 or the 统计用区划代码, so project codes.
FUNCTIONAL_AREAS = [
    ("440400X02", "珠海高新技术产业开发区（高新区）", "440400"),
    ("440400X03", "珠海高栏港经济区（高栏港）", "440400"),
]


def build(dist: Path) -> list[dict]:
    provinces = json.loads((dist / "provinces.json").read_text())
    cities = json.loads((dist / "cities.json").read_text())
    areas = json.loads((dist / "areas.json").read_text())
    national = {p: cls for cls, codes in NATIONAL_CLASS.items() for p in codes.split()}
    rows = []

    def add(code, name, level, parent="", flags=()):
        flags = set(flags)
        if code in OUTSOURCING_DEMO_CITIES:
            flags.add("demo")
        if code in TRADE_PILOTS:
            flags.add("pilot")
        rows.append({"code": code, "name": name, "level": level, "parent": parent,
                     "national_class": national.get(code[:2], "") if level == "province" else "",
                     "flags": " ".join(sorted(flags))})

    names = {p["code"]: p["name"] for p in provinces}
    for p in provinces:
        add(p["code"] + "0000", p["name"], "province")
    city_of = {}
    for c in cities:
        pc = c["provinceCode"]
        if pc in MUNICIPALITIES:
            city_of[c["code"]] = pc + "0100"  # 市辖区 and 重庆's 县 are one city: the municipality itself
        elif c["code"][2:] == "90":
            city_of[c["code"]] = pc + "0000"  # 省直辖县级行政区划: the county-level cities hang on the province
        else:
            city_of[c["code"]] = c["code"] + "00"
            add(c["code"] + "00", c["name"], "city", pc + "0000")
    for pc in sorted(MUNICIPALITIES):
        add(pc + "0100", names[pc], "city", pc + "0000", {"municipality"})
    for a in areas:
        parent = city_of[a["cityCode"]]
        if a["code"] == parent:  # 东莞, 中山, 儋州: cities without districts
            continue
        add(a["code"], a["name"], "district", parent, {"functional"} if a["code"][4] == "7" else ())
    for code, name, parent in NEW_AREAS:
        add(code, name, "district", parent, {"new_area"})
    for code, name, parent in FUNCTIONAL_AREAS:
        add(code, name, "district", parent, {"functional", "new_area"})
    order = {"province": 0, "city": 1, "district": 2}
    rows.sort(key=lambda r: (order[r["level"]], r["code"]))
    return rows


if __name__ == "__main__":
    rows = build(Path(sys.argv[1]))
    codes = {r["code"] for r in rows}
    missing = (OUTSOURCING_DEMO_CITIES | TRADE_PILOTS) - codes
    assert not missing, missing
    writer = csv.DictWriter(sys.stdout, fieldnames=["code", "name", "level", "parent", "national_class", "flags"],
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
