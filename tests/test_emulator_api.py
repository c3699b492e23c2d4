"""The emulator over HTTP: paging, filters, state changes, rate cap, faults, counters, CLI."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson
import pytest

from nxcc_async.emulator import Emulator, Faults, RateLimit
from nxcc_async.nxcc.signing import signed_headers

DAY = 1_704_067_200  # 2024-01-01T00:00:00Z
WEEK = (DAY, DAY + 7 * 86400 - 1)


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


async def call(
    s: aiohttp.ClientSession, emu: Emulator, path: str, body: dict[str, Any]
) -> dict[str, Any]:
    raw = orjson.dumps(body)
    headers = signed_headers(
        access_key="ak", access_secret="sk", ts_ms=int(time.time() * 1000), body=raw
    )
    async with s.post(f"{emu.base_url}/saas/cc/openapi/{path}", data=raw, headers=headers) as r:
        if r.status != 200:
            return {"http": r.status}
        answer: dict[str, Any] = orjson.loads(await r.read())
        return answer


async def cdrs(s: aiohttp.ClientSession, emu: Emulator, **body: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for page in range(1, 10_000):
        answer = await call(s, emu, "cdr/page", {"page": page, "size": 100, **body})
        assert answer["code"] == 0, answer
        out += answer["data"]
        if len(answer["data"]) < 100:
            return out
    raise AssertionError("never got a short page")


async def test_paging_agents_matches_total(nxcc_emulator: Emulator, session: Any) -> None:
    seen = []
    for page in (1, 2, 3):
        answer = await call(
            session, nxcc_emulator, "agent/page", {"tenantId": 144, "page": page, "size": 100}
        )
        seen += [a["sipNumber"] for a in answer["data"]]
        assert answer["total"] == 240
    assert seen == [a.sip_number for a in nxcc_emulator.data.agents]


async def test_paging_a_week_of_cdrs(nxcc_emulator: Emulator, session: Any) -> None:
    got = await cdrs(session, nxcc_emulator, startTime=WEEK[0], endTime=WEEK[1])
    ids = [c["callId"] for c in got]
    assert len(ids) == len(set(ids)) == 7000 == nxcc_emulator.data.count_cdrs(*WEEK)
    assert ids == nxcc_emulator.data.cdr_ids(*WEEK)


@pytest.mark.parametrize(
    ("filters", "check"),
    [
        ({"direction": 1}, lambda c: c["direction"] == 0),
        ({"direction": 2}, lambda c: c["direction"] == 1),
        ({"direction": 3}, lambda c: c["direction"] == 2),
        ({"answered": 1}, lambda c: not c["answered"]),
        ({"answered": 2}, lambda c: c["answered"]),
        ({"answered": True, "direction": 3}, lambda c: c["answered"] and c["direction"] == 2),
        ({"answered": "false"}, lambda c: not c["answered"]),
        ({"name": "agent0007@example.com"}, lambda c: c["agentName"] == "agent0007@example.com"),
    ],
)
async def test_filters(nxcc_emulator: Emulator, session: Any, filters: Any, check: Any) -> None:
    start, end = DAY, DAY + 86399
    got = await cdrs(session, nxcc_emulator, startTime=start, endTime=end, **filters)
    assert got
    assert all(check(c) for c in got)
    truth = [c for c in nxcc_emulator.data.cdr_list(start, end) if check(c)]
    assert [c["callId"] for c in got] == [c["callId"] for c in truth]
    assert len(got) == nxcc_emulator.data.count_cdrs(start, end, **filters)


async def test_exact_field_filters(nxcc_emulator: Emulator, session: Any) -> None:
    one = nxcc_emulator.data.cdr_list(DAY, DAY + 86399)[123]
    for key in ("caller", "callee", "callId"):
        got = await cdrs(session, nxcc_emulator, startTime=DAY, endTime=DAY + 86399,
                         **{key: one[key]})  # fmt: skip
        assert one["callId"] in [c["callId"] for c in got]
        assert all(c[key] == one[key] for c in got)


async def test_update_members(nxcc_emulator: Emulator, session: Any) -> None:
    body = {"tenantId": 144, "queueNo": "NXQueue0003"}
    new = ["NXAgent0001", "NXAgent0050"]
    assert (await call(session, nxcc_emulator, "agentGroup/updateMembers",
                       {**body, "members": new}))["code"] == 0  # fmt: skip
    members = (await call(session, nxcc_emulator, "agentGroup/member/list", body))["data"]
    assert [m["sipNumber"] for m in members] == new
    assert members[0]["userName"] == "agent0001@example.com"
    agent = (await call(session, nxcc_emulator, "agent/page",
                        {"tenantId": 144, "page": 1, "size": 1}))["data"][0]  # fmt: skip
    group_3 = nxcc_emulator.data.group_by_no["NXQueue0003"].group_name
    assert group_3 in agent["queueName"]
    agent_3 = nxcc_emulator.data.agent_record(nxcc_emulator.data.agents[2])
    assert group_3 not in agent_3["queueName"]


TASK = {"country": "SG", "taskName": "t", "strategyName": "s", "predictCallRate": 1.2,
        "ratioCallRate": 1, "startCount": 1}  # fmt: skip


async def test_create_and_call(nxcc_emulator: Emulator, session: Any) -> None:
    body = {**TASK, "callList": [
        {"orderID": "order-1", "userPhone": "6581110001", "other": "a"},
        {"orderID": "order-2", "userPhone": "6581110002", "other": "b"},
    ]}  # fmt: skip
    assert (await call(session, nxcc_emulator, "ai/createandcall", body))["code"] == 0
    found = [
        (
            await call(
                session, nxcc_emulator, "cdr/queryByOrderId", {"tenantId": 144, "orderId": order}
            )
        )["data"]
        for order in ("order-1", "order-2")
    ]
    assert [(c["callee"], c["other"], c["direction"]) for rows in found for c in rows] == [
        ("6581110001", "a", 2), ("6581110002", "b", 2)
    ]  # fmt: skip
    now = int(time.time())
    paged = await cdrs(session, nxcc_emulator, startTime=now - 60, endTime=now + 60,
                       orderId="order-1", direction=3)  # fmt: skip
    assert [c["callId"] for c in paged] == [c["callId"] for c in found[0]]


@pytest.mark.parametrize(
    ("change", "msg"),
    [
        ({"strategyName": None}, "strategyName cannot be empty"),
        ({"predictCallRate": None}, "predictCallRate cannot be empty"),
        ({"ratioCallRate": "1.5"}, "ratioCallRate must be a number"),
        ({"ratioCallRate": 101}, "ratioCallRate must be a number"),
        ({"startCount": None}, "startCount cannot be empty"),
        ({"startCount": -1}, "startCount"),
        ({"country": "Singapore"}, "Invalid country"),
        ({"callList": [{"orderID": "x", "userPhone": "6581110001"},
                       {"orderID": "x", "userPhone": "6581110002"}]}, "Duplicate orderID"),
        ({"callList": [{"userPhone": "+6581110001"}]}, "Invalid userPhone"),
        ({"callList": [{"userPhone": "123"}]}, "Invalid userPhone"),
    ],
)  # fmt: skip
async def test_create_and_call_is_strict(
    nxcc_emulator: Emulator, session: Any, change: dict[str, Any], msg: str
) -> None:
    body = {**TASK, "callList": [{"orderID": "ok-1", "userPhone": "6581110001"}], **change}
    body = {k: v for k, v in body.items() if v is not None}
    answer = await call(session, nxcc_emulator, "ai/createandcall", body)
    assert (answer["code"], msg in answer["msg"]) == (41000, True), answer
    assert nxcc_emulator.data.cdrs.by_order_id("ok-1") == []


async def test_rate_cap_answers_429(session: Any) -> None:
    async with Emulator(rate_limit=RateLimit(5, retry_after=2)) as emu:
        body = {"tenantId": 144, "page": 1, "size": 1}
        raw = orjson.dumps(body)
        statuses = []
        for _ in range(8):
            headers = signed_headers(access_key="ak", access_secret="sk",
                                     ts_ms=int(time.time() * 1000), body=raw)  # fmt: skip
            async with session.post(f"{emu.base_url}/saas/cc/openapi/agent/page",
                                    data=raw, headers=headers) as r:  # fmt: skip
                statuses.append((r.status, r.headers.get("Retry-After")))
        assert statuses[:5] == [(200, None)] * 5
        assert statuses[5:] == [(429, "2")] * 3
        assert emu.stats.rate_limited == 3
        assert emu.stats.max_in_window(1.0) == 8


async def test_faults_at_their_share(session: Any) -> None:
    async with Emulator(seed=11, faults=Faults(code88=0.2, code99=0.1, http5xx=0.1)) as emu:
        for _ in range(300):
            await call(session, emu, "agentGroup/page", {"tenantId": 144, "page": 1, "size": 5})
        stats = emu.stats
        assert 40 <= stats.by_code[88] <= 80
        assert 15 <= stats.by_code[99] <= 45
        assert 15 <= stats.by_status[503] <= 45
        emu.faults = Faults()
        emu.reset_stats()
        await call(session, emu, "agentGroup/page", {"tenantId": 144, "page": 1, "size": 5})
        assert emu.stats.by_code == {0: 1}


async def test_faults_only_hit_valid_requests(session: Any) -> None:
    async with Emulator(faults=Faults(code99=1.0)) as emu:
        bad = await call(session, emu, "agent/page", {"tenantId": 144, "page": 0, "size": 5})
        assert bad["code"] == 41000
        good = await call(session, emu, "agent/page", {"tenantId": 144, "page": 1, "size": 5})
        assert good["code"] == 99


@pytest.mark.parametrize(("when", "created"), [("before", 0), ("after", 1)])
async def test_dropped_connection_before_or_after_processing(
    session: Any, when: Any, created: int
) -> None:
    faults = Faults(drop=1.0, when=when, paths=("ai/createandcall",))
    async with Emulator(faults=faults) as emu:
        body = {**TASK, "callList": [{"orderID": "o-9", "userPhone": "6580000009"}]}
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await call(session, emu, "ai/createandcall", body)
        assert len(emu.data.cdrs.by_order_id("o-9")) == created
        assert emu.stats.dropped == 1
        ok = await call(session, emu, "cdr/queryByOrderId", {"tenantId": 144, "orderId": "o-9"})
        assert len(ok["data"]) == created


async def test_latency_and_peak_in_flight(session: Any) -> None:
    async with Emulator(latency=(0.2, 0.25)) as emu:
        body = {"tenantId": 144, "page": 1, "size": 5}
        started = time.monotonic()
        await asyncio.gather(*(call(session, emu, "agent/page", body) for _ in range(10)))
        assert 0.2 <= time.monotonic() - started < 1.0
        assert emu.stats.peak_in_flight == 10
        assert emu.stats.in_flight == 0
        assert emu.stats.total == emu.stats.by_path["/saas/cc/openapi/agent/page"] == 10


async def test_slow_fault(session: Any) -> None:
    async with Emulator(faults=Faults(slow=1.0, slow_delay=0.3)) as emu:
        started = time.monotonic()
        answer = await call(session, emu, "agent/page", {"tenantId": 144, "page": 1, "size": 5})
        assert answer["code"] == 0
        assert time.monotonic() - started >= 0.3


def test_thread_variant_and_repr() -> None:
    with Emulator.in_thread(access_secret="very-secret", cec_secret_key="cec-very-secret") as emu:
        assert emu.base_url.startswith("http://127.0.0.1:")
        text = repr(emu) + repr(emu.nxcc) + repr(emu.stats) + repr(emu.cec)
        assert "very-secret" not in text


def test_cli_prints_url() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "nxcc_async.emulator", "--port", "0", "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "http://127.0.0.1:" in line
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


async def test_cec_paths_get_the_cec_fault_envelope() -> None:
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from nxcc_async.emulator.middleware import CONTROLS, Controls, make_middleware

    async def ok(request: web.Request) -> web.Response:
        return web.json_response({"result": "0", "resultCode": "0100000", "resultDatas": {}})

    controls = Controls(faults=Faults(code99=1.0))
    app = web.Application(middlewares=[make_middleware(controls)])
    app[CONTROLS] = controls
    app.router.add_post("/rest/cmsapp/v1/openapi/agentgroup/systemstate", ok)
    async with TestClient(TestServer(app)) as client:
        r = await client.post("/rest/cmsapp/v1/openapi/agentgroup/systemstate", json={})
        body = await r.json()
    assert (r.status, body["result"], body["resultCode"]) == (200, "1", "0100999")
    assert controls.stats.by_code == {"0100999": 1}


def test_cli_live_mode_pushes_final_cdrs_to_a_webhook() -> None:
    import http.server
    import queue
    import threading

    got: queue.Queue[tuple[dict[str, str], bytes]] = queue.Queue()

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got.put((dict(self.headers.items()), body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:  # quiet
            pass

    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    args = ["--port", "0", "--live", "600", "--push-to", url]
    args += ["--push-mode", "token", "--push-token", "cli-push-token"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "nxcc_async.emulator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(7)]
        assert "  live CDRs: 600 calls a minute\n" in lines
        assert f"  pushing CDRs to {url} (token)\n" in lines  # a token it was given: not echoed
        headers, body = got.get(timeout=60)  # calls of the last hour end every second
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
        receiver.shutdown()
        receiver.server_close()
    assert headers["token"] == "cli-push-token"
    cdr = orjson.loads(body)
    assert cdr["callId"]
    assert cdr["endTime"] <= time.time() * 1000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--push-token", "t"], "--push-mode and --push-token go with --push-to URL"),
        (["--push-to", "http://127.0.0.1:9/h", "--push-token", "t"], "goes with --push-mode token"),
        (["--push-to", "ftp://x/h"], "url must be http:// or https://"),
        (["--live", "0"], "is not a number of calls per minute"),
    ],
)
def test_cli_refuses_push_and_live_options_that_do_not_fit(args: list[str], message: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "nxcc_async.emulator", "--port", "0", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert message in done.stderr


async def test_a_client_gone_mid_request_is_logged_on_the_library_logger(
    nxcc_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    """aiohttp's own server logger has no handler of ours: unconfigured, Python's last-resort
    handler would print its traceback on the user's stderr."""
    caplog.set_level("DEBUG")
    _, writer = await asyncio.open_connection(nxcc_emulator.host, nxcc_emulator.port)
    writer.write(
        b"POST /saas/cc/openapi/cdr/page HTTP/1.1\r\nHost: emulator\r\n"
        b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
    )
    await writer.drain()
    await asyncio.sleep(0.05)
    writer.transport.abort()
    for _ in range(100):
        if any("Error handling request" in r.getMessage() for r in caplog.records):
            break
        await asyncio.sleep(0.01)
    errors = [r for r in caplog.records if "Error handling request" in r.getMessage()]
    assert [r.name for r in errors] == ["nxcc_async.emulator"]
    assert not [r for r in caplog.records if r.name.startswith("aiohttp.server")]
