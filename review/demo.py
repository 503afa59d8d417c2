"""Demo review decisions (python manage.py load_demo): one application returned for revision, one
approved with one co-department's concurrence, one still waiting in its city's inbox."""

from django.db import transaction

from applications.demo import GUANGDONG_TITLE
from applications.models import Application, Call
from portal.accounts.models import User
from review import services


def _checklist(call: Call, status: str = "met") -> dict:
    return {f"c{i}": {"status": status, "remark": ""} for i in range(1, len(call.basic_conditions) + 1)}


@transaction.atomic
def load() -> dict:
    call = Call.objects.get(title=GUANGDONG_TITLE)
    done = 0
    shantou = Application.objects.filter(call=call, park__name__startswith="汕头高新").first()
    if shantou and shantou.state == Application.State.SUBMITTED:
        services.decide(application=shantou, version_number=shantou.latest_version_number,
                        user=User.objects.get(username="city_st"), decision="return",
                        checklist=_checklist(call), opinion="材料基本齐全。",
                        reasons="请补充2021年度电信、计算机和信息服务出口额的统计证明材料，并说明出口增长的主要来源。")
        done += 1
    nanshan = Application.objects.filter(call=call, park__name__startswith="深圳市南山").first()
    if nanshan and nanshan.state == Application.State.SUBMITTED:
        services.decide(application=nanshan, version_number=nanshan.latest_version_number,
                        user=User.objects.get(username="city_sz"), decision="approve",
                        checklist=_checklist(call), opinion="符合申报条件，同意推荐。")
        services.co_review(application=nanshan, user=User.objects.get(username="sz_cac"),
                           stance="concur", opinion="同意推荐。")
        done += 1
    return {"decisions": done}
