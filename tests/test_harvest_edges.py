"""No window-edge rule the server may follow can lose or duplicate a call (fake server)."""

from __future__ import annotations

import random
from collections.abc import Callable

import orjson
import pytest
from aioresponses import CallbackResult, aioresponses

from nxcc_async import AsyncNXCC
from tests.conftest import FAST_RETRY

BASE = "http://edges.test"
START, END = 1_700_000_000, 1_700_000_000 + 6 * 3600

Rule = Callable[[int, int, int], bool]
RULES: dict[str, Rule] = {
    "[start, end]": lambda s, a, b: a <= s <= b,
    "[start, end)": lambda s, a, b: a <= s < b,
    "(start, end]": lambda s, a, b: a < s <= b,
    "(start, end)": lambda s, a, b: a < s < b,
}


def make_calls(seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    # clustered on whole hours and minutes so that many calls sit exactly on window edges
    seconds = [
        START + rng.choice([0, 60, 3600, 1800, 7200]) * rng.randrange(1, 4) for _ in range(300)
    ]
    seconds += [rng.randrange(START - 5, END + 5) for _ in range(700)]
    return [
        {"callId": f"c{i:05d}", "startTime": s * 1000 + rng.randrange(1000), "direction": 0}
        for i, s in enumerate(sorted(seconds))
    ]


@pytest.mark.parametrize("rule_name", list(RULES))
async def test_every_call_once_whatever_the_edge_rule(rule_name: str) -> None:
    rule = RULES[rule_name]
    calls = make_calls(5)

    def answer(url: object, **kwargs: object) -> CallbackResult:
        body = orjson.loads(kwargs["data"])  # type: ignore[arg-type]
        matching = [
            c
            for c in calls
            if rule(int(c["startTime"]) // 1000, body["startTime"], body["endTime"])
        ]  # type: ignore[call-overload]
        first = (body["page"] - 1) * body["size"]
        return CallbackResult(payload={"code": 0, "data": matching[first : first + body["size"]]})

    with aioresponses() as m:
        m.post(BASE + "/saas/cc/openapi/cdr/page", callback=answer, repeat=True)
        async with AsyncNXCC(
            access_key="k", access_secret="s", base_url=BASE, retry=FAST_RETRY
        ) as c:
            got = [r.call_id async for r in c.cdrs.harvest(START, END, window=900)]
    expected = [c["callId"] for c in calls if START <= int(c["startTime"]) // 1000 < END]  # type: ignore[call-overload]
    assert len(got) == len(set(got))
    assert sorted(got) == sorted(expected)
    assert got == expected  # handed out in time order
