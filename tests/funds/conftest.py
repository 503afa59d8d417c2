import pytest

from funds import demo as fund_demo
from funds import services


@pytest.fixture
def fund_call(demo):
    """The 2019 Zhuhai fund call with the seed's items, and the fund's demo accounts (as load_demo makes them)."""
    fund_demo.load_accounts()
    return fund_demo.load_call()


@pytest.fixture
def feiqi(user_named, fund_call):
    return user_named("ent_feiqi")


@pytest.fixture
def feiqi_org(feiqi):
    return feiqi.memberships.get().organization


FIGURES = {
    "offshore": {"metric": "620.00", "expenditure": "900000.00", "requested": "200000.00",
                 "rows": [{"name": "日本金融软件外包开发合同", "business_type": "软件研发服务",
                           "contract_amount": "800.00", "executed_amount": "620.00", "executed_on": "2018-11-30"}]},
    "insurance": {"expenditure": "38000.00", "requested": "38000.00",
                  "rows": [{"policy_number": "P-2018-77", "insurer": "中国出口信用保险公司广东分公司",
                            "period": "2018年全年", "premium": "38000.00"}]},
}


@pytest.fixture
def submitted(fund_call, feiqi, feiqi_org, django_capture_on_commit_callbacks):
    """飞企互联 (香洲区) applies for offshore outsourcing and export credit insurance and submits."""
    from applications import services as application_services

    application = services.start_application(call=fund_call, enterprise=feiqi_org, user=feiqi,
                                             item_codes=["offshore", "insurance"])
    fund_demo.fill(application, feiqi, FIGURES)
    with django_capture_on_commit_callbacks(execute=True):
        application_services.submit_application(application=application, user=feiqi)
    application.refresh_from_db()
    return application
