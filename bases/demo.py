"""Demo data of the bases' life: who reports for and who decides on the bases of the directory.

The national bases of 2020 (publicity.demo) are decided by the ministry; 广州天河中央商务区 reports through its park
account. 湛江经济技术开发区 is a provincial base designated before the portal existed (an illustrative batch), so that
the Guangdong officer has a base to ask for an annual report and to decide on. Idempotent."""

from django.db import transaction

from portal.accounts.models import Organization
from portal.home.caching import bump_public_cache
from publicity.models import DesignatedBase

NATIONAL_PARKS = {"广州天河中央商务区": "广州天河中央商务区管理委员会"}
PROVINCIAL_PILOTS = [
    # base, park management body, city
    ("湛江经济技术开发区", "湛江经济技术开发区管理委员会", "湛江市"),
]
PILOT_BATCH = "广东省数字服务出口基地（2020年试点，演示）"


@transaction.atomic
def load() -> dict:
    ministry = Organization.objects.get(name="中华人民共和国商务部")
    guangdong = Organization.objects.get(name="广东省商务厅")
    DesignatedBase.objects.filter(level=DesignatedBase.Level.NATIONAL, designation__isnull=True,
                                  organiser__isnull=True).update(organiser=ministry)
    for base_name, park_name in NATIONAL_PARKS.items():
        DesignatedBase.objects.filter(name=base_name, level=DesignatedBase.Level.NATIONAL, park__isnull=True) \
            .update(park=Organization.objects.get(name=park_name))
    for base_name, park_name, city in PROVINCIAL_PILOTS:
        DesignatedBase.objects.get_or_create(
            name=base_name, level=DesignatedBase.Level.PROVINCIAL, batch=PILOT_BATCH,
            defaults={"province": "广东省", "city": city, "year": 2020, "document_number": "粤商务服字〔2020〕演示号",
                      "park": Organization.objects.get(name=park_name), "organiser": guangdong})
    bump_public_cache()
    return {"bases with a park": DesignatedBase.objects.filter(park__isnull=False).count()}
