"""Thresholds and caps of the seed's items (珠商〔2019〕28号 三), and 六(二): support never above the expenditure."""

from decimal import Decimal as D

import pytest

from funds.models import FundItem
from funds.support import maximum_support

pytestmark = pytest.mark.django_db


def item(fund_call, code) -> FundItem:
    return FundItem.objects.get(call=fund_call, code=code)


@pytest.mark.parametrize(("metric", "cap"), [
    ("99.99", "0"), ("100", "100000"), ("499.99", "100000"), ("500", "200000"), ("999", "200000"),
    ("1000", "300000"), ("5000", "300000"),
])
def test_offshore_execution_tiers_give_100k_200k_300k(fund_call, metric, cap):
    """"达100万美元以上（含）、500万美元以上（含）、1000万美元以上（含）的，分别给予每家企业不超过10万元、20万元、30万元"."""
    support = maximum_support(item(fund_call, "offshore"), metric=D(metric), units=None, expenditure=D("10000000"))
    assert support.maximum == D(cap)
    assert support.reached is (cap != "0")


def test_onshore_tiers_are_its_own(fund_call):
    support = maximum_support(item(fund_call, "onshore"), metric=D("500"), units=None, expenditure=D("9999999"))
    assert support.maximum == D("100000")


def test_support_never_exceeds_the_actual_expenditure(fund_call):
    """"任何单位获得的项目支持资金不得超过项目实际开销"."""
    offshore = maximum_support(item(fund_call, "offshore"), metric=D("1200"), units=None, expenditure=D("123456.78"))
    assert offshore.maximum == D("123456.78")
    insurance = maximum_support(item(fund_call, "insurance"), metric=None, units=None, expenditure=D("38000"))
    assert insurance.maximum == D("38000")  # 按实际缴纳保险费
    assert maximum_support(item(fund_call, "insurance"), metric=None, units=None,
                           expenditure=D("90000")).maximum == D("50000")  # 每家不超过5万元


def test_exceeding_is_strict_where_the_guide_says_超过(fund_call):
    culture = item(fund_call, "culture_ex")  # "金额超过50万美元"
    assert maximum_support(culture, metric=D("50"), units=None, expenditure=D("1e6")).maximum == 0
    assert maximum_support(culture, metric=D("50.01"), units=None, expenditure=D("1e6")).maximum == D("100000")


def test_certification_half_the_cost_per_project_at_most_five(fund_call):
    """国际认证: 不超过相关费用50%，每个企业不超过5个项目，每个项目不超过10万元."""
    certification = item(fund_call, "certification")
    assert maximum_support(certification, metric=D("150"), units=7, expenditure=D("3000000")).maximum == D("500000")
    assert maximum_support(certification, metric=D("150"), units=2, expenditure=D("100000")).maximum == D("50000")
    assert maximum_support(certification, metric=D("99"), units=2, expenditure=D("100000")).maximum == 0


def test_tcm_projects_capped_in_all(fund_call):
    """中医药: 每个项目不超过5万元，每家企业（机构）获得资助总额不超过10万元."""
    assert maximum_support(item(fund_call, "tcm_project"), metric=D("40"), units=3,
                           expenditure=D("1000000")).maximum == D("100000")


def test_prerequisite_not_met_gives_nothing(fund_call):
    tech = item(fund_call, "tech_trade")
    assert maximum_support(tech, metric=None, units=None, expenditure=D("1e6"), prerequisite_met=False).maximum == 0
    assert maximum_support(tech, metric=None, units=None, expenditure=D("1e6")).maximum == D("300000")


def test_the_call_has_the_nine_items_of_the_guide(fund_call):
    numbers = {i.number[:3] for i in fund_call.fund_items.all()}
    assert numbers == {"（一）", "（二）", "（三）", "（四）", "（五）", "（六）", "（七）", "（八）", "（九）"}
    assert fund_call.fund_items.get(code="offshore").name == "服务外包业绩（离岸业务）"
