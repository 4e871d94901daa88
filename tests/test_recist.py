"""RECIST 1.1 time-point responses and target selection rules."""

from __future__ import annotations

import datetime as dt

import pytest

from casepub.clinical.recist import (
    Lesion,
    Measurement,
    Problem,
    Response,
    assess,
    target_problems,
)

DAY0 = dt.date(2020, 1, 6)
LIVER = Lesion("T1", "liver", node=False, target=True)


def visit(n: int) -> dt.date:
    """The n-th scan, every eight weeks from DAY0."""
    return DAY0 + dt.timedelta(weeks=8 * n)


def series(lesion: str, *mm: float | None) -> list[Measurement]:
    """One lesion measured at visits 0, 1, 2, …"""
    return [Measurement(lesion, visit(n), value) for n, value in enumerate(mm)]


def responses(*sums: float) -> list[Response]:
    """Responses of a single liver target whose diameter is the sum."""
    return [a.response for a in assess([LIVER], series("T1", *sums))]


@pytest.mark.parametrize(
    ("sums", "expected"),
    [
        ((100, 70), Response.PR),  # exactly −30 %
        ((100, 70.1), Response.SD),  # −29.9 %
        ((50, 60), Response.PD),  # +20 % from nadir, +10 mm
        ((20, 24), Response.SD),  # +20 % but only 4 mm
        ((20, 25), Response.PD),  # +25 %, exactly 5 mm
        ((30, 30), Response.SD),
        ((30, 0), Response.CR),
    ],
)
def test_sum_thresholds_are_inclusive(sums: tuple[float, ...], expected: Response) -> None:
    assert responses(*sums)[-1] is expected


def test_thresholds_use_the_diameters_as_written_not_binary_floats() -> None:
    lesions = [LIVER, Lesion("T2", "lung", node=False, target=True)]
    # 30.3 → 21.21 is exactly −30 %, which float arithmetic gets wrong.
    measurements = [*series("T1", 10.1, 7.07), *series("T2", 20.2, 14.14)]
    [result] = assess(lesions, measurements)
    assert result.response is Response.PR
    assert result.reason == "sum −30.0 % from baseline (≥30 % decrease)"


def test_progression_is_measured_from_the_nadir_not_the_baseline() -> None:
    pr, pd = assess([LIVER], series("T1", 100, 60, 73))
    assert pr.response is Response.PR
    assert pd.response is Response.PD
    assert (pd.baseline_mm, pd.nadir_mm, pd.sum_mm) == (100, 60, 73)
    assert pd.change_from_baseline == pytest.approx(-0.27)
    assert pd.change_from_nadir == pytest.approx(13 / 60)
    assert pd.reason == "sum +21.7 % (+13 mm) from nadir 60 mm (≥20 % and ≥5 mm increase)"


def test_nadir_excludes_the_current_assessment_and_includes_all_earlier_ones() -> None:
    result = assess([LIVER], series("T1", 50, 40, 45, 48))
    assert [a.nadir_mm for a in result] == [50, 40, 40]
    assert [a.response for a in result] == [Response.SD, Response.SD, Response.PD]


def test_regrowth_after_complete_response_is_judged_from_a_nadir_of_0_mm() -> None:
    cr, small, pd = assess([LIVER], series("T1", 30, 0, 4, 5))  # 4 mm: still −87 %
    assert [cr.response, small.response, pd.response] == [Response.CR, Response.PR, Response.PD]
    assert (pd.nadir_mm, pd.change_from_nadir) == (0, None)
    assert pd.reason == "sum +5 mm from nadir 0 mm (≥20 % and ≥5 mm increase)"


def test_new_lesion_is_progression_even_with_shrinking_targets() -> None:
    result = assess([LIVER], series("T1", 50, 20), new_lesions=[("bone-1", visit(1))])
    assert [a.response for a in result] == [Response.PD]
    assert result[0].new_lesions == ("bone-1",)
    assert result[0].sum_mm == 20
    assert result[0].reason == "new lesion: bone-1"


def test_new_lesion_adds_an_assessment_on_its_own_date_and_is_new_only_once() -> None:
    new = [("bone-1", visit(2)), ("bone-1", visit(1))]
    result = assess([LIVER], series("T1", 50, 40, 40), new_lesions=new)
    assert [(a.when, a.new_lesions) for a in result] == [(visit(1), ("bone-1",)), (visit(2), ())]


def test_non_target_progression_is_progression() -> None:
    lesions = [LIVER, Lesion("NT1", "peritoneum", node=False, target=False)]
    result = assess(lesions, series("T1", 50, 30), non_target_progression=[visit(1)])
    assert [a.response for a in result] == [Response.PD]
    assert result[0].change_from_baseline == pytest.approx(-0.4)


def test_non_target_progression_without_a_scan_of_the_targets_is_still_progression() -> None:
    progression = dt.date(2020, 2, 20)
    [result] = assess([LIVER], series("T1", 50), non_target_progression=[progression])
    assert (result.when, result.response, result.sum_mm) == (progression, Response.PD, None)


def test_complete_response_allows_lymph_nodes_below_10_mm() -> None:
    lesions = [
        LIVER,
        Lesion("N1", "lymph node", node=True, target=True),
        Lesion("N2", "lymph node", node=True, target=True),
    ]
    measurements = [*series("T1", 30, 0), *series("N1", 20, 9), *series("N2", 20, 9)]
    [result] = assess(lesions, measurements)
    assert result.response is Response.CR
    assert result.sum_mm == 18


def test_lymph_node_of_exactly_10_mm_is_not_complete_response() -> None:
    lesions = [LIVER, Lesion("N1", "lymph node", node=True, target=True)]
    measurements = [*series("T1", 30, 0), *series("N1", 20, 10)]
    [result] = assess(lesions, measurements)
    assert result.response is Response.PR


def test_a_non_nodal_target_must_disappear_for_complete_response() -> None:
    assert responses(30, 1) == [Response.PR]


@pytest.mark.parametrize(
    "follow_up",
    [
        [Measurement("T2", visit(1), 10), Measurement("T1", visit(1), None)],
        [Measurement("T2", visit(1), 10)],  # T1 not measured at all that day
    ],
)
def test_a_target_not_evaluated_gives_not_evaluable(follow_up: list[Measurement]) -> None:
    lesions = [LIVER, Lesion("T2", "lung", node=False, target=True)]
    measurements = [Measurement("T1", DAY0, 30), Measurement("T2", DAY0, 20), *follow_up]
    [result] = assess(lesions, measurements)
    assert result.response is Response.NE
    assert (result.sum_mm, result.change_from_baseline, result.change_from_nadir) == (None,) * 3
    assert result.reason == "target lesion not evaluated: T1"


def test_not_evaluated_target_does_not_hide_progression_of_the_others() -> None:
    lesions = [Lesion(f"T{n}", organ, node=False, target=True) for n, organ in enumerate("ABC")]
    baseline = [Measurement(f"T{n}", DAY0, mm) for n, mm in enumerate((20, 20, 10))]
    follow_up = [Measurement("T0", visit(1), 40), Measurement("T1", visit(1), 40)]
    [result] = assess(lesions, [*baseline, *follow_up])
    assert result.response is Response.PD
    assert result.sum_mm is None
    assert "T2 not evaluated" in result.reason


def test_not_evaluated_assessment_leaves_the_nadir_alone() -> None:
    lesions = [LIVER, Lesion("T2", "lung", node=False, target=True)]
    measurements = [*series("T1", 30, None, 30), *series("T2", 20, 1, 20)]
    result = assess(lesions, measurements)
    assert [a.response for a in result] == [Response.NE, Response.SD]
    assert result[1].nadir_mm == 50


def test_baseline_defaults_to_the_first_target_measurement() -> None:
    measurements = list(reversed(series("T1", 40, 30, 20)))
    result = assess([LIVER], measurements)
    assert [a.when for a in result] == [visit(1), visit(2)]
    assert {a.baseline_mm for a in result} == {40}


def test_explicit_baseline_ignores_earlier_scans() -> None:
    result = assess([LIVER], series("T1", 80, 40, 30, 20), baseline=visit(1))
    assert [a.when for a in result] == [visit(2), visit(3)]
    assert [a.response for a in result] == [Response.SD, Response.PR]


def test_non_target_measurements_add_assessment_dates() -> None:
    lesions = [LIVER, Lesion("NT1", "bone", node=False, target=False)]
    measurements = [*series("T1", 30), Measurement("NT1", visit(1), 12)]
    [result] = assess(lesions, measurements)
    assert (result.when, result.response) == (visit(1), Response.NE)


def test_ileal_net_liver_metastasis() -> None:
    dates = [dt.date(2018, 4, 7), dt.date(2018, 5, 23), dt.date(2018, 7, 11)]
    measurements = [
        Measurement("T1", when, mm) for when, mm in zip(dates, (51, 30, 27), strict=True)
    ]
    result = assess([LIVER], measurements)
    assert [a.when for a in result] == dates[1:]
    assert [a.response for a in result] == [Response.PR, Response.PR]
    assert [round(a.change_from_baseline or 0, 3) for a in result] == [-0.412, -0.471]
    assert [a.nadir_mm for a in result] == [51, 30]
    assert [a.reason for a in result] == [
        "sum −41.2 % from baseline (≥30 % decrease)",
        "sum −47.1 % from baseline (≥30 % decrease)",
    ]


def test_target_problems_reports_every_breach_of_the_selection_rules() -> None:
    lesions = [
        Lesion("L1", "liver", node=False, target=True),
        Lesion("L2", "Liver", node=False, target=True),
        Lesion("L3", "liver", node=False, target=True),
        Lesion("P1", "lung", node=False, target=True),
        Lesion("N1", "lymph node", node=True, target=True),
        Lesion("B1", "bone", node=False, target=True),
        Lesion("NT1", "peritoneum", node=False, target=False),
    ]
    sizes = {"L1": 30, "L2": 20, "L3": 15, "P1": 9, "N1": 14, "B1": 12, "NT1": 3}
    measurements = [Measurement(lesion, DAY0, mm) for lesion, mm in sizes.items()]
    assert target_problems(lesions, measurements, DAY0) == [
        Problem(None, "more than 5 target lesions (6)"),
        Problem(None, "more than 2 target lesions in liver (3)"),
        Problem("P1", "target lesion below 10 mm at baseline (9 mm)"),
        Problem("N1", "target lymph node below 15 mm short axis at baseline (14 mm)"),
    ]


def test_target_problems_accepts_a_valid_selection() -> None:
    lesions = [LIVER, Lesion("N1", "lymph node", node=True, target=True)]
    measurements = [Measurement("T1", DAY0, 10), Measurement("N1", DAY0, 15)]
    assert target_problems(lesions, measurements, DAY0) == []


def test_target_problems_reports_inconsistent_data() -> None:
    measurements = [
        Measurement("T1", visit(1), 30),
        Measurement("T1", visit(1), 31),
        Measurement("X9", DAY0, 10),
        Measurement("T1", visit(2), -1),
    ]
    lesions = [LIVER, Lesion("T1", "lung", node=False, target=False)]
    assert target_problems(lesions, measurements, DAY0) == [
        Problem("T1", "duplicate lesion id"),
        Problem("T1", f"measured more than once on {visit(1)}"),
        Problem("X9", f"measurement of an unknown lesion ({DAY0})"),
        Problem("T1", f"impossible diameter -1 mm ({visit(2)})"),
        Problem("T1", f"target lesion not measured at baseline ({DAY0})"),
    ]


@pytest.mark.parametrize(
    ("measurements", "baseline", "event", "message"),
    [
        ([Measurement("X9", DAY0, 10)], None, None, "X9: measurement of an unknown lesion"),
        (series("T1", None, 20), DAY0, None, "not measured at baseline"),
        (series("T1", 0, 20), None, None, "0 mm at baseline"),
        (series("T1", 20, 20), None, DAY0, "on or before"),
    ],
)
def test_assess_refuses_data_it_cannot_assess(
    measurements: list[Measurement],
    baseline: dt.date | None,
    event: dt.date | None,
    message: str,
) -> None:
    events = [] if event is None else [event]
    with pytest.raises(ValueError, match=message):
        assess([LIVER], measurements, baseline=baseline, non_target_progression=events)
    with pytest.raises(ValueError, match=message):
        assess(
            [LIVER],
            measurements,
            baseline=baseline,
            new_lesions=[(e.isoformat(), e) for e in events],
        )


def test_assess_needs_a_target_lesion() -> None:
    with pytest.raises(ValueError, match="no target lesions"):
        assess([Lesion("NT1", "bone", node=False, target=False)], series("NT1", 10, 20))
