"""The emulator's synthetic data: deterministic, consistent, exact per-day counts, lazy buckets."""

from __future__ import annotations

import itertools
import random

from nxcc_async.emulator import EmulatorData
from nxcc_async.emulator.cdrs import SPAN_END_S, SPAN_START_S, CdrFilter, bucket_of, hour_counts

DAY = 1_704_067_200  # 2024-01-01T00:00:00Z


def test_day_of_1000_cdrs_is_exactly_1000() -> None:
    data = EmulatorData(seed=1, tenant_id=144, cdrs_per_day=1000)
    for day in (DAY, DAY + 86400 * 40, SPAN_START_S, SPAN_END_S - 86400):
        assert data.count_cdrs(day, day + 86399) == 1000
        assert len(data.cdr_ids(day, day + 86399)) == 1000
    assert data.count_cdrs(SPAN_START_S - 86400, SPAN_START_S - 1) == 0
    assert data.count_cdrs(SPAN_END_S, SPAN_END_S + 86400) == 0
    for per_day in (0, 1, 7, 23, 24, 25, 1000, 33_333):
        assert sum(hour_counts(per_day)) == per_day


def test_counting_a_month_generates_nothing() -> None:
    data = EmulatorData(seed=1, tenant_id=144, cdrs_per_day=1000)
    assert data.count_cdrs(DAY, DAY + 31 * 86400 - 1) == 31_000
    assert data.cdrs.buckets_generated == 0


def test_deep_page_generates_only_the_buckets_it_needs() -> None:
    data = EmulatorData(seed=1, tenant_id=144, cdrs_per_day=1000)

    rows = data.cdrs.page(DAY, DAY + 31 * 86400 - 1, CdrFilter(), 25_000, 100)
    assert len(rows) == 100
    returned = {bucket_of(c["startTime"]) for c in rows}
    assert data.cdrs.buckets_generated == len(returned)
    assert rows[0]["callId"] == data.cdr_ids(DAY + 25 * 86400, DAY + 26 * 86400)[0]


def test_deterministic_and_seed_dependent() -> None:
    one = EmulatorData(seed=5, tenant_id=144).cdr_ids(DAY, DAY + 7200)
    assert one == EmulatorData(seed=5, tenant_id=144).cdr_ids(DAY, DAY + 7200)
    assert one != EmulatorData(seed=6, tenant_id=144).cdr_ids(DAY, DAY + 7200)


def test_window_edges_are_inclusive_on_seconds() -> None:
    data = EmulatorData(seed=2, tenant_id=144)
    cdr = data.cdr_list(DAY, DAY + 86399)[500]
    second = cdr["startTime"] // 1000
    assert cdr["callId"] in data.cdr_ids(second, second)
    assert cdr["callId"] in data.cdr_ids(second - 10, second)
    assert cdr["callId"] in data.cdr_ids(second, second + 10)
    assert cdr["callId"] not in data.cdr_ids(second + 1, second + 10)
    assert cdr["callId"] not in data.cdr_ids(second - 10, second - 1)


def test_cdr_invariants_over_a_few_thousand() -> None:
    data = EmulatorData(seed=4, tenant_id=144, cdrs_per_day=1500)
    cdrs = data.cdr_list(DAY, DAY + 3 * 86400 - 1)
    assert len(cdrs) == 4500
    assert len({c["callId"] for c in cdrs}) == len(cdrs)
    keys = [(c["startTime"], c["callId"]) for c in cdrs]
    assert keys == sorted(keys)
    agents = {a.user_name: a.nick_name for a in data.agents}
    seen = set()
    for c in cdrs:
        assert len(c["callId"]) == 32
        direction, answered, code = c["direction"], c["answered"], c["hangupCode"]
        seen.add((direction, answered))
        assert str(code)[0] == str(direction + 1)
        assert c["startTime"] <= c["ringTime"] <= c["endTime"]
        assert c["ringDuration"] * 1000 == (c["answerTime"] or c["endTime"]) - c["ringTime"]
        if answered:
            assert c["ringTime"] <= c["answerTime"] <= c["endTime"]
            assert c["callDuration"] * 1000 == c["endTime"] - c["answerTime"]
            assert c["recordUrl"]
        else:
            assert c["answerTime"] == 0
            assert c["callDuration"] == 0
            assert c["recordUrl"] is None
            assert c["totalCustomerPrice"] == 0
        assert (c["taskId"] is not None) == (direction == 2)
        assert (c["orderId"] is not None) == (direction == 2)
        if direction == 0:
            assert c["outQueueTime"] - c["inQueueTime"] == c["queueDuration"] * 1000
        else:
            assert c["inQueueTime"] == c["outQueueTime"] == c["queueDuration"] == 0
        if c["agentName"] is not None:
            assert agents[c["agentName"]] == c["agentNickName"]
        assert c["hangupReason"]
        assert c["callStatus"]
    assert seen == set(itertools.product((0, 1, 2), (False, True)))


def test_agents_and_groups() -> None:
    data = EmulatorData(seed=1, tenant_id=144, n_agents=30, n_groups=4)
    assert [a.sip_number for a in data.agents[:2]] == ["NXAgent0001", "NXAgent0002"]
    assert data.agents[0].user_name == "agent0001@example.com"
    assert all(data.queue_names(a.sip_number) for a in data.agents)
    assert data.agent_record(data.agents[0])["queueName"] == data.queue_names("NXAgent0001")
    assert data.members("NXQueue0001")


def test_pages_slice_the_ordered_rows_exactly() -> None:
    data = EmulatorData(seed=3, tenant_id=144, cdrs_per_day=2000)
    rng = random.Random(11)
    for _ in range(60):
        start = DAY + rng.randrange(0, 3 * 86400)
        end = start + rng.choice((0, 59, 3599, 3600, 7 * 3600 + 17, 86400, 2 * 86400))
        unfiltered = list(data.cdrs.iter(start, end))
        inbound = [c for c in unfiltered if c["direction"] == 0]
        size = rng.choice((1, 7, 100))
        for rows, f in ((unfiltered, CdrFilter()), (inbound, CdrFilter(direction=0))):
            offset = rng.randrange(0, len(rows) + 2)
            page = data.cdrs.page(start, end, f, offset, size)
            assert page == rows[offset : offset + size]
