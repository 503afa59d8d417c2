"""Demo data for the public directory: the 12 national digital service export bases of April 2020
(seed 002), an earlier national batch designated before the portal existed."""

from django.db import transaction

from portal.home.caching import bump_public_cache
from publicity.models import DesignatedBase

NATIONAL_2020 = [
    ("中关村软件园", "北京市", "北京市"),
    ("天津经济技术开发区", "天津市", "天津市"),
    ("大连高新技术产业园区", "辽宁省", "大连市"),
    ("上海浦东软件园", "上海市", "上海市"),
    ("中国（南京）软件谷", "江苏省", "南京市"),
    ("杭州高新技术产业开发区（滨江）物联网产业园", "浙江省", "杭州市"),
    ("合肥高新技术产业开发区", "安徽省", "合肥市"),
    ("厦门软件园", "福建省", "厦门市"),
    ("齐鲁软件园", "山东省", "济南市"),
    ("广州天河中央商务区", "广东省", "广州市"),
    ("海南生态软件园", "海南省", "澄迈县"),
    ("成都天府软件园", "四川省", "成都市"),
]


@transaction.atomic
def load() -> dict:
    for name, province, city in NATIONAL_2020:
        DesignatedBase.objects.update_or_create(
            name=name, level=DesignatedBase.Level.NATIONAL, batch="第一批国家数字服务出口基地",
            defaults={"province": province, "city": city, "year": 2020, "document_number": ""})
    bump_public_cache()
    return {"bases": DesignatedBase.objects.count()}
