"""The computations of the dashboard over plain rows: growth, shares against the work plan's goal,
years not reported, yearly totals (monitoring.statistics; no database)."""

from dataclasses import dataclass
from decimal import Decimal as D

from monitoring import statistics as st


@dataclass(frozen=True)
class Ind:
    field: str
    kind: str = "money"


EXPORTS, TRADE, FIRMS = Ind("digital_service_exports"), Ind("foreign_trade_exports"), Ind("enterprise_count", "count")
INDICATORS = (EXPORTS, TRADE, FIRMS)


def row(base, year, exports, trade, firms=None):
    return {"base": base, "year": year, "digital_service_exports": exports, "foreign_trade_exports": trade,
            "enterprise_count": firms}


def test_growth_is_in_per_cent_and_undefined_without_the_year_before_or_from_nothing():
    assert st.growth(D("12"), D("10")) == D("20.0")
    assert st.growth(D("9"), D("12")) == D("-25.0")
    assert st.growth(D("5"), None) is None and st.growth(None, D("5")) is None
    assert st.growth(D("5"), D("0")) is None


def test_the_export_share_against_the_2025_goal_of_30_per_cent():
    ratio = st.EXPORT_SHARE
    assert (ratio.numerator, ratio.denominator, ratio.target, ratio.target_year) == (
        "digital_service_exports", "foreign_trade_exports", D("30"), 2025)
    above = st.target_status(D("31.20"), ratio)
    assert above.met is True and above.gap == D("1.2")
    exactly = st.target_status(D("30.00"), ratio)
    assert exactly.met is True and exactly.gap == D("0.0")  # "30%以上" includes 30%
    below = st.target_status(D("2.90"), ratio)
    assert below.met is False and below.gap == D("-27.1")
    unknown = st.target_status(None, ratio)
    assert unknown.met is None and unknown.gap is None and unknown.label == "—"


def test_base_table_gives_each_year_with_growth_share_and_missing_years():
    rows = [row(1, 2020, D("70.29"), D("310")), row(1, 2021, D("76.61"), D("338")),
            row(2, 2021, D("18.30"), D("60.20")), row(3, 2020, D("5"), D("0"))]
    table = st.base_table(rows, indicators=INDICATORS, ratios=st.RATIOS, bases=[1, 2, 3, 4])
    by_base = {r.base: r for r in table}
    one = by_base[1]
    assert one.years == [2020, 2021] and one.missing_years == []
    assert [c.value for c in one.cells["digital_service_exports"]] == [D("70.29"), D("76.61")]
    assert one.cells["digital_service_exports"][1].growth == D("9.0")
    shares = one.cells["digital_export_share"]
    assert [c.value for c in shares] == [D("22.67"), D("22.67")] and shares[0].status.met is False
    assert shares[1].growth == D("0.0")
    assert one.latest("digital_export_share").year == 2021
    two = by_base[2]
    assert two.missing_years == [2020]
    assert two.cells["digital_service_exports"][0].reported is False
    assert two.cells["digital_service_exports"][1].growth is None  # no report the year before
    assert two.latest("digital_export_share").value == D("30.40")
    assert two.latest("digital_export_share").status.met is True
    assert by_base[3].cells["digital_export_share"][0].value is None  # no foreign-trade exports: no share
    assert by_base[3].missing_years == [2021]
    assert by_base[4].missing_years == [2020, 2021] and by_base[4].latest("digital_export_share") is None


def test_a_gap_year_breaks_the_growth_chain():
    rows = [row(1, 2019, D("10"), D("50")), row(1, 2021, D("20"), D("50")), row(2, 2020, D("1"), D("2"))]
    cells = st.base_table(rows, indicators=INDICATORS, bases=[1])[0].cells["digital_service_exports"]
    assert [(c.year, c.reported, c.growth) for c in cells] == [(2019, True, None), (2020, False, None),
                                                              (2021, True, None)]


def test_year_totals_sum_the_bases_and_grow_like_for_like():
    rows = [row(1, 2020, D("10"), D("40"), 100), row(2, 2020, D("5"), None, 50),
            row(1, 2021, D("12"), D("40"), 110), row(2, 2021, D("6"), D("20"), 60), row(3, 2021, D("100"), D("100"))]
    totals = {t.year: t for t in st.year_totals(rows, indicators=INDICATORS, ratios=st.RATIOS)}
    assert totals[2020].bases == 2 and totals[2021].bases == 3
    assert totals[2020].sums["digital_service_exports"] == D("15")
    assert totals[2021].sums["digital_service_exports"] == D("118")
    assert totals[2021].sums["enterprise_count"] == 170 and totals[2020].sums["enterprise_count"] == 150
    # the new base 3 is not growth: (12 + 6) / (10 + 5)
    assert totals[2021].growth["digital_service_exports"] == D("20.0")
    assert totals[2020].growth["digital_service_exports"] is None
    # the aggregate share counts the bases reporting both figures: 2020 base 1 only (10 / 40)
    assert totals[2020].shares["digital_export_share"] == D("25.00")
    assert totals[2020].status["digital_export_share"].met is False
    assert totals[2021].shares["digital_export_share"] == D("73.75")  # 118 / 160
    assert totals[2021].status["digital_export_share"].met is True


def test_figures_are_written_as_people_read_them():
    from monitoring.templatetags.monitoring import figure, growth, pct

    assert figure(D("1234.5")) == "1,234.50" and figure(32000, "count") == "32,000" and figure(None) == "—"
    assert pct(D("22.67")) == "22.67%" and pct(None) == "—"
    assert growth(D("9.0")) == "+9.0%" and growth(D("-3.5")) == "-3.5%" and growth(None) == "—"
