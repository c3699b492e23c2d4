"""A hostile server: fuzzed replies to every endpoint of both vendors, through the real clients
over loopback. Whatever comes back, only errors of the library's tree may escape.

The default run keeps the examples few (CI); ``nox -s fuzz`` runs the ``long`` profile.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nxcc_async import NXCC, HarvestError, NXCCError, ResponseFormatError, RetryPolicy
from nxcc_async._core.portal import Portal
from nxcc_async.cec import CEC
from nxcc_async.nxcc.records import CallRecord, DialTarget

settings.register_profile(
    "ci", max_examples=25, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.register_profile(
    "long", max_examples=600, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("NXCC_FUZZ_PROFILE", "ci"))

NO_RETRY = RetryPolicy(max_retries=0, timeout=10.0)
#: requests of one example answered with the fuzzed reply; later ones get an empty last page,
#: so a listing the fuzz made look endless still ends
FUZZED_REQUESTS = 3
CDR_KEYS = [
    "callId", "startTime", "endTime", "answerTime", "direction", "answered", "hangupBy",
    "hangupCode", "callDuration", "ringDuration", "totalCustomerPrice", "mos", "agentName",
    "queueDuration", "recording", "dtmfKeys", "termSipCode",
]  # fmt: skip
CEC_KEYS = ["busyAgent", "talkingNum", "idleAgent", "totalLoginAgent", "count", "agentId",
            "currentState", "logonTime", "data", "restTime", "workNo"]  # fmt: skip


class Reply:
    """What the server answers next: status, body bytes, headers; thread-safe enough."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.status, self.body, self.served = 200, b"{}", 0

    def set(self, status: int, body: bytes) -> None:
        with self.lock:
            self.status, self.body, self.served = status, body, 0

    def next(self) -> tuple[int, bytes]:
        with self.lock:
            self.served += 1
            if self.served > FUZZED_REQUESTS:
                return 200, b'{"code":0,"data":[],"total":0,"resultCode":"0100000","resultDesc":[]}'
            return self.status, self.body


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, Reply]]:
    reply = Reply()

    async def answer(request: web.Request) -> web.Response:
        await request.read()
        status, body = reply.next()
        return web.Response(status=status, body=body, content_type="application/json")

    app = web.Application()
    app.router.add_route("POST", "/{tail:.*}", answer)
    runner = web.AppRunner(app)
    portal = Portal(name="fuzz-server")

    async def start() -> str:
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        return f"http://{host}:{port}"

    try:
        yield portal.call(start), reply
    finally:
        portal.close(runner.cleanup)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["0", "1", "abc", "1e400", "-1", "2024-01-01 00:00:00", "", "NaN"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def records(keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(keys), json_values, max_size=len(keys))


def payloads(keys: list[str]) -> st.SearchStrategy[Any]:
    return st.one_of(
        json_values, records(keys), st.lists(st.one_of(records(keys), json_values), max_size=4)
    )


def dumps(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode()


nxcc_bodies = st.one_of(
    st.binary(max_size=40),
    st.sampled_from([b"<html>gateway timeout</html>", b"", b"null", b"[]", b'"ok"']),
    st.builds(
        lambda code, msg, data, total, extra: dumps(
            {"code": code, "msg": msg, "data": data, "total": total, "reqId": "r1", **extra}
        ),
        st.one_of(st.just(0), st.just("0"), scalars),
        st.one_of(st.none(), st.text(max_size=10), st.integers()),
        payloads(CDR_KEYS),
        st.one_of(st.none(), scalars),
        st.dictionaries(st.sampled_from(["x", "code2"]), scalars, max_size=1),
    ),
)
cec_bodies = st.one_of(
    st.binary(max_size=40),
    st.builds(
        lambda code, result, desc, datas: dumps(
            {"resultCode": code, "result": result, "resultDesc": desc, "resultDatas": datas}
        ),
        st.one_of(st.just("0100000"), scalars),
        st.one_of(st.just("0"), scalars),
        payloads(CEC_KEYS),
        payloads(CEC_KEYS),
    ),
    st.builds(
        lambda code, data: dumps({"returnCode": code, "description": "d", "data": data}),
        st.one_of(st.just("0"), scalars),
        payloads(CEC_KEYS),
    ),
)
statuses = st.sampled_from([200] * 12 + [204, 400, 401, 403, 404, 429, 500, 503])

DAY = 1_735_689_600
NXCC_CALLS: dict[str, Callable[[NXCC], object]] = {
    "agents.page": lambda c: c.agents.page(),
    "agents.list": lambda c: c.agents.list(page_size=2),
    "agents.status": lambda c: c.agents.status("NX1", DAY, DAY + 60),
    "agents.efficiency": lambda c: c.agents.efficiency(DAY, DAY + 60),
    "queues.list": lambda c: c.queues.list(page_size=2),
    "queues.members": lambda c: c.queues.members("Q1"),
    "queues.update_members": lambda c: c.queues.update_members("Q1", ["1001"]),
    "cdrs.page": lambda c: c.cdrs.page(DAY, DAY + 60, size=2),
    "cdrs.iter": lambda c: list(c.cdrs.iter(DAY, DAY + 60, page_size=2)),
    "cdrs.harvest": lambda c: list(c.cdrs.harvest(DAY, DAY + 3600, page_size=2)),
    "cdrs.by_order": lambda c: c.cdrs.by_order("o1"),
    "tasks.create_and_call": lambda c: c.tasks.create_and_call(
        country="US",
        task_name="t",
        agent_group_no="G1",
        call_list=[DialTarget(user_phone="15550001111", order_id="o1")],
        strategy_name="s",
        predict_call_rate=1.0,
        ratio_call_rate=1.0,
        start_count=1,
    ),
    "numbers.caller_ids": lambda c: c.numbers.caller_ids("1001"),
    "call": lambda c: c.call("agent/page", {"page": 1}),
}
CEC_CALLS: dict[str, Callable[[CEC], object]] = {
    "system_state": lambda c: c.system_state(1, 1),
    "system_state_total": lambda c: c.system_state_total(1, 1, 2),
    "legacy_system_state": lambda c: c.legacy_system_state(1, 1),
    "agent_status": lambda c: c.agent_status(1, 1, [101]),
    "team_agent_status": lambda c: c.team_agent_status(1, 1, [101]),
    "agent_rest_info": lambda c: c.agent_rest_info(1, 1),
    "agent_calls": lambda c: c.agent_calls(1, 1, [101]),
    "vdn_agents": lambda c: c.vdn_agents(1, 1, 2),
    "agents_by_status": lambda c: c.agents_by_status(1, 1),
}


@pytest.fixture(scope="module")
def nxcc(server: tuple[str, Reply]) -> Iterator[NXCC]:
    with NXCC(access_key="ak", access_secret="sk", base_url=server[0], tenant_id=1,
              retry=NO_RETRY, timeout=5.0) as client:  # fmt: skip
        yield client


@pytest.fixture(scope="module")
def cec(server: tuple[str, Reply]) -> Iterator[CEC]:
    with CEC(server[0], "ak", "sk", retry=NO_RETRY, timeout=5.0) as client:
        yield client


def only_library_errors(run: Callable[[], object]) -> None:
    try:
        result = run()
    except NXCCError:
        return
    # whatever succeeded must be made of records and plain values, not raw garbage
    if isinstance(result, list):
        assert all(not isinstance(item, (bytes, bytearray)) for item in result)


@pytest.mark.parametrize("name", list(NXCC_CALLS))
def test_nxcc_fuzzed_replies_raise_only_library_errors(
    name: str, nxcc: NXCC, server: tuple[str, Reply]
) -> None:
    @given(status=statuses, body=nxcc_bodies)
    def check(status: int, body: bytes) -> None:
        server[1].set(status, body)
        only_library_errors(lambda: NXCC_CALLS[name](nxcc))

    check()


@pytest.mark.parametrize("name", list(CEC_CALLS))
def test_cec_fuzzed_replies_raise_only_library_errors(
    name: str, cec: CEC, server: tuple[str, Reply]
) -> None:
    @given(status=statuses, body=cec_bodies)
    def check(status: int, body: bytes) -> None:
        server[1].set(status, body)
        only_library_errors(lambda: CEC_CALLS[name](cec))

    check()


def test_a_cdr_page_of_records_survives_the_fuzz(nxcc: NXCC, server: tuple[str, Reply]) -> None:
    """The fuzz server answers well-formed pages too: records come back as records."""
    row = {"callId": "c1", "startTime": (DAY + 5) * 1000, "direction": 0}
    server[1].set(200, dumps({"code": 0, "data": [row]}))
    (cdr,) = nxcc.cdrs.page(DAY, DAY + 60).items
    assert isinstance(cdr, CallRecord)
    assert cdr.call_id == "c1"


def cdr(**fields: Any) -> bytes:
    return dumps({"code": 0, "reqId": "req-9", "data": [{"callId": "c1", **fields}]})


#: the replies that used to escape as bare TypeError/ValueError/OverflowError (hardening issue)
REGRESSIONS = {
    "cdr_data_is_a_string": dumps({"code": 0, "data": "hello"}),
    "cdr_data_holds_null": dumps({"code": 0, "data": [None]}),
    "cdr_start_time_is_text": cdr(startTime="abc"),
    "cdr_start_time_is_beyond_any_calendar": cdr(startTime=10**18),
    "cdr_direction_is_a_word": cdr(direction="in"),
    "cdr_mos_is_not_a_number": cdr(mos="bad"),
}


@pytest.mark.parametrize("body", list(REGRESSIONS.values()), ids=list(REGRESSIONS))
def test_malformed_cdr_page_is_a_format_error(
    body: bytes, nxcc: NXCC, server: tuple[str, Reply]
) -> None:
    server[1].set(200, body)
    with pytest.raises(ResponseFormatError) as caught:
        nxcc.cdrs.page(DAY, DAY + 60)
    assert caught.value.endpoint == "cdr/page"
    assert caught.value.status == 200
    assert caught.value.excerpt  # a piece of the reply, to see what came


def test_agent_total_is_text_is_a_format_error(nxcc: NXCC, server: tuple[str, Reply]) -> None:
    server[1].set(200, dumps({"code": 0, "reqId": "req-7", "data": [], "total": "abc"}))
    with pytest.raises(ResponseFormatError, match="agent/page") as caught:
        nxcc.agents.page()
    assert caught.value.req_id == "req-7"


def test_cec_busy_agent_is_text_is_a_format_error(cec: CEC, server: tuple[str, Reply]) -> None:
    body = dumps({"resultCode": "0100000", "resultDesc": {"busyAgent": "x"}})
    server[1].set(200, body)
    with pytest.raises(ResponseFormatError, match="agentgroup/systemstate"):
        cec.system_state(1, 1)


def test_a_malformed_page_in_a_harvest_names_window_and_page(
    nxcc: NXCC, server: tuple[str, Reply]
) -> None:
    server[1].set(200, cdr(startTime="abc"))
    with pytest.raises(HarvestError, match=r"window #0 .* page 1 .*cdr/page") as caught:
        list(nxcc.cdrs.harvest(DAY, DAY + 3600))
    assert isinstance(caught.value.__cause__, ResponseFormatError)


def test_a_huge_total_with_short_pages_ends_the_listing(
    nxcc: NXCC, server: tuple[str, Reply]
) -> None:
    """A ``total`` of 2**70 used to make ``agents.list()`` walk 2**69 empty pages."""
    server[1].set(200, dumps({"code": 0, "data": [{"userName": "a"}] * 2, "total": 2**70}))
    agents = nxcc.agents.list(page_size=2)  # ends at the first short page, in page order
    assert 2 <= len(agents) <= 2 * FUZZED_REQUESTS
