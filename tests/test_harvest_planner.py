"""The first cut of the period: segments partition it, few of them; windows' requests overlap."""

from __future__ import annotations

import itertools

import pytest

from nxcc_async.harvest.planner import MAX_SEGMENTS, Window, segments


def test_segments_partition_the_period() -> None:
    parts = segments(1000, 50_000, concurrency=16, shortest=600)
    assert len(parts) == 4  # one per four requests in flight
    assert parts[0][0] == 1000
    assert parts[-1][1] == 50_000
    for (_, end), (start, _) in itertools.pairwise(parts):
        assert end == start
    sizes = {b - a for a, b in parts}
    assert max(sizes) - min(sizes) <= 1


@pytest.mark.parametrize(
    ("concurrency", "span", "expected"),
    [(1, 10**6, 1), (4, 10**6, 1), (64, 10**6, MAX_SEGMENTS), (16, 1500, 2), (16, 10, 1)],
)
def test_few_segments_never_shorter_than_asked(concurrency: int, span: int, expected: int) -> None:
    assert len(segments(0, span, concurrency=concurrency, shortest=600)) == expected


def test_requests_overlap_by_a_second() -> None:
    before, after = Window(0, 100, 200), Window(1, 200, 300)
    assert before.request_range == (99, 200)
    assert after.request_range[0] < before.request_range[1]
    assert Window(0, 0, 5).request_range == (0, 5)
    assert str(before) == "window #0 [100, 200)"


def test_bad_periods() -> None:
    with pytest.raises(ValueError, match="before start"):
        segments(10, 5, concurrency=4, shortest=1)
    with pytest.raises(ValueError, match="shortest"):
        segments(0, 5, concurrency=4, shortest=0)
    assert segments(7, 7, concurrency=4, shortest=1) == []
