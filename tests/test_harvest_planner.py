"""The window planner: windows partition the period, requests overlap, sizes follow density."""

from __future__ import annotations

import itertools

import pytest

from nxcc_async.harvest.planner import Planner, Window


def drain(planner: Planner, calls_per_window: int = 0) -> list[Window]:
    windows = []
    while not planner.exhausted:
        window = planner.next_window()
        planner.observe(window, calls_per_window)
        windows.append(window)
    return windows


def test_windows_partition_the_period_and_requests_overlap() -> None:
    windows = drain(Planner(1000, 50_000, initial=777), calls_per_window=30)
    assert windows[0].start == 1000
    assert windows[-1].end == 50_000
    for before, after in itertools.pairwise(windows):
        assert before.end == after.start
        low, _ = after.request_range
        _, high = before.request_range
        assert low < high  # each second is asked for by two windows at the edges
    assert [w.index for w in windows] == list(range(len(windows)))


def test_empty_stretches_make_windows_grow_and_dense_ones_shrink() -> None:
    planner = Planner(0, 10**7, initial=100)
    first = planner.next_window()
    planner.observe(first, 0)
    second = planner.next_window()
    planner.observe(second, 0)
    third = planner.next_window()
    assert (first.seconds, second.seconds, third.seconds) == (100, 200, 400)
    planner.observe(third, 4000)  # 10 calls per second now
    assert planner.next_size() < 40


def test_size_targets_the_density() -> None:
    planner = Planner(0, 10**6, target=80, initial=3600, rate=1.0)
    assert planner.next_size() == 80
    assert Planner(0, 10, initial=5, maximum=5, rate=1e-9).next_size() == 5  # clamped


def test_bad_plans() -> None:
    with pytest.raises(ValueError, match="before start"):
        Planner(10, 5)
    with pytest.raises(ValueError, match="minimum"):
        Planner(0, 5, initial=0)
    planner = Planner(0, 0)
    assert planner.exhausted
    with pytest.raises(ValueError, match="fully planned"):
        planner.next_window()
