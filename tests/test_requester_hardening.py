"""Requester hardening: the time budget is a hard bound, the clock corrects itself after a
timestamp rejection, one event per attempt, and no output unless logging is configured."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import pickle
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import stamina
import stamina.instrumentation
from aiohttp import web
from aiohttp.test_utils import TestServer
from stamina.instrumentation import RetryDetails

from nxcc_async import AsyncNXCC, RetryPolicy
from nxcc_async._core.errors import (
    APIError,
    AuthError,
    ConnectError,
    MalformedReplyError,
    RateLimitError,
    RequestTimeoutError,
    ResponseFormatError,
    ServerError,
    TimestampError,
)
from nxcc_async._core.events import AttemptEvent
from nxcc_async._core.skew import ServerClock
from nxcc_async.cec import AsyncCEC
from nxcc_async.emulator import Emulator

AK, SK = "ak", "sk"
ROOT = Path(__file__).resolve().parents[1]


# -- a tiny scripted server on 127.0.0.1 ---------------------------------------------------------


class Script:
    """Answers of a scripted NXCC server, one per request (the last one repeats)."""

    def __init__(self) -> None:
        self.answers: list[Callable[[], Any]] = []
        self.hits = 0

    async def handle(self, request: web.Request) -> web.StreamResponse:
        await request.read()
        answer = self.answers[min(self.hits, len(self.answers) - 1)]
        self.hits += 1
        result = answer()
        return await result if asyncio.iscoroutine(result) else result


def ok() -> web.Response:
    return web.json_response({"reqId": "rid-ok", "code": 0, "msg": "Success", "data": {"x": 1}})


def code99() -> web.Response:
    return web.json_response({"reqId": "rid-99", "code": 99, "msg": "System error", "data": {}})


def slow(seconds: float) -> Callable[[], Any]:
    async def answer() -> web.Response:
        await asyncio.sleep(seconds)
        return code99()

    return answer


@pytest.fixture
async def scripted() -> AsyncIterator[tuple[Script, str]]:
    script = Script()
    app = web.Application()
    app.router.add_post("/saas/cc/openapi/{tail:.*}", script.handle)
    async with TestServer(app, host="127.0.0.1") as server:
        yield script, str(server.make_url("")).rstrip("/")


def nxcc(base: str, policy: RetryPolicy, **kwargs: Any) -> AsyncNXCC:
    return AsyncNXCC(access_key=AK, access_secret=SK, base_url=base, retry=policy, **kwargs)


# -- 2. the time budget --------------------------------------------------------------------------


async def test_budget_cuts_a_slow_attempt(scripted: tuple[Script, str]) -> None:
    script, base = scripted
    script.answers = [slow(2.0)]
    started = time.monotonic()
    async with nxcc(base, RetryPolicy(timeout=0.6, max_retries=5)) as c:
        with pytest.raises(RequestTimeoutError, match=r"budget of 0\.6 s"):
            await c.call("x", {})
    elapsed = time.monotonic() - started
    assert 0.55 <= elapsed < 1.5  # was 2 s per attempt, then retries
    assert script.hits == 1


async def test_budget_bounds_attempts_and_backoff(scripted: tuple[Script, str]) -> None:
    script, base = scripted
    script.answers = [slow(0.4)]
    policy = RetryPolicy(timeout=1.0, max_retries=10, wait_initial=0.25, wait_jitter=0.0)
    started = time.monotonic()
    async with nxcc(base, policy) as c:
        with pytest.raises((ServerError, RequestTimeoutError)):
            await c.call("x", {})
    # before: 0.4 + 0.25 + 0.4 + 0.5 + 0.4 = 1.95 s (stamina only checked between attempts)
    assert time.monotonic() - started < 1.0 + 0.4


async def test_retry_after_longer_than_the_budget_raises_at_once(
    scripted: tuple[Script, str],
) -> None:
    script, base = scripted
    script.answers = [lambda: web.Response(status=429, headers={"Retry-After": "20"})]
    started = time.monotonic()
    async with nxcc(base, RetryPolicy(timeout=3, max_retries=5)) as c:
        with pytest.raises(RateLimitError) as info:
            await c.call("x", {})
    assert time.monotonic() - started < 1.0  # was: slept 20 s
    assert info.value.retry_after == 20.0
    assert "wait 20 s" in str(info.value)
    assert "3 s budget" in str(info.value)
    assert script.hits == 1


async def test_retry_after_within_the_budget_is_honoured(scripted: tuple[Script, str]) -> None:
    script, base = scripted
    script.answers = [lambda: web.Response(status=429, headers={"Retry-After": "0"}), ok]
    async with nxcc(base, RetryPolicy(timeout=3, max_retries=2)) as c:
        assert (await c.call("x", {}))["data"] == {"x": 1}
    assert script.hits == 2


# -- 1. malformed replies: retried only when they are no envelope at all -------------------------


async def test_html_page_with_http_200_is_retried_for_idempotent_calls(
    scripted: tuple[Script, str],
) -> None:
    script, base = scripted
    page = "<html><body>gateway busy</body></html>"
    script.answers = [lambda: web.Response(text=page, content_type="text/html"), ok]
    fast = RetryPolicy(max_retries=2, wait_initial=0.0, wait_jitter=0.0)
    async with nxcc(base, fast) as c:
        assert (await c.call("x", {}))["reqId"] == "rid-ok"
        script.hits, script.answers = 0, [lambda: web.Response(text=page)]
        with pytest.raises(MalformedReplyError) as info:
            await c.call("x", {}, idempotent=False)
    assert script.hits == 1
    assert "gateway busy" in info.value.excerpt


async def test_wrong_type_code_is_not_retried(scripted: tuple[Script, str]) -> None:
    script, base = scripted
    script.answers = [lambda: web.json_response({"reqId": "r9", "code": 0.5, "data": {}})]
    async with nxcc(base, RetryPolicy(max_retries=3, wait_initial=0.0, wait_jitter=0.0)) as c:
        with pytest.raises(ResponseFormatError) as info:
            await c.call("agent/page", {})
    assert not isinstance(info.value, MalformedReplyError)
    assert (info.value.req_id, info.value.endpoint, info.value.status) == ("r9", "agent/page", 200)
    assert script.hits == 1


# -- 3. clock skew -------------------------------------------------------------------------------


@pytest.mark.parametrize("client_ahead", [120.0, -120.0, 3600.0])
async def test_nxcc_corrects_its_clock_with_one_extra_request(
    client_ahead: float, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="nxcc_async")
    async with Emulator(access_key=AK, access_secret=SK, clock_skew=-client_ahead) as emu:
        async with nxcc(emu.base_url, RetryPolicy(max_retries=0), tenant_id=144) as c:
            assert c._requester.clock_offset == 0.0
            first = await c.call("agent/page", {"page": 1, "size": 1, "tenantId": 144})
            second = await c.call("agent/page", {"page": 1, "size": 1, "tenantId": 144})
            offset = c._requester.clock_offset
        assert first["code"] == second["code"] == 0
        assert emu.stats.total == 3  # two calls, one rejection
        assert emu.stats.by_code[1004] == 1
    assert abs(offset + client_ahead) < 2.0
    warnings = [r for r in caplog.records if "clock" in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING


@pytest.mark.parametrize("client_ahead", [120.0, -120.0, 3600.0])
async def test_cec_corrects_its_clock_with_one_extra_request(client_ahead: float) -> None:
    window = dt.timedelta(seconds=60)
    async with Emulator(clock_skew=-client_ahead, cec_max_skew=window) as emu:
        policy = RetryPolicy(max_retries=0)
        async with AsyncCEC(emu.base_url, emu.cec_access_key, "cec-sk", retry=policy) as c:
            await c.system_state(1, 1)
            await c.system_state(1, 1)
            offset = c._requester.clock_offset
        assert emu.stats.total == 3
        assert emu.stats.by_status[401] == 1
    assert abs(offset + client_ahead) < 2.0


async def test_a_clock_within_the_window_is_left_alone() -> None:
    async with Emulator(access_key=AK, access_secret=SK, clock_skew=-20.0) as emu:
        async with nxcc(emu.base_url, RetryPolicy(max_retries=0), tenant_id=144) as c:
            await c.call("agent/page", {"page": 1, "size": 1, "tenantId": 144})
            assert c._requester.clock_offset == 0.0
        assert emu.stats.total == 1


async def test_a_second_rejection_in_one_call_is_final() -> None:
    # the server's Date lies (says "no skew") while rejecting: one re-signed retry, then 1004
    async with Emulator(access_key=AK, access_secret=SK, clock_skew=-300.0) as emu:
        emu.clock_skew = 0.0  # Date header real, checks real: make NXCC's check skewed only
        emu.nxcc._clock = lambda: time.time() - 300.0
        async with nxcc(emu.base_url, RetryPolicy(max_retries=3), tenant_id=144) as c:
            with pytest.raises(TimestampError):
                await c.call("agent/page", {"page": 1, "size": 1, "tenantId": 144})
        assert emu.stats.total == 2


def test_server_clock_estimate_from_date() -> None:
    clock = ServerClock(wallclock=lambda: 1_700_000_000.2)
    assert clock.estimate() is None
    clock.observe({"Date": "Tue, 14 Nov 2023 22:15:20 GMT"})  # 1_700_000_120
    estimate = clock.estimate()
    assert estimate == pytest.approx(120.3)
    assert clock.offset == 0.0  # not applied before a rejection
    clock.correct("x")
    assert clock.offset == pytest.approx(120.3)
    clock.observe({"Date": "garbage"})
    assert clock.estimate() is None


# -- 6. one event per attempt --------------------------------------------------------------------


async def test_one_event_per_attempt(scripted: tuple[Script, str]) -> None:
    script, base = scripted
    script.answers = [code99, code99, ok]
    events: list[AttemptEvent] = []
    policy = RetryPolicy(max_retries=3, wait_initial=0.01, wait_jitter=0.0)
    async with nxcc(base, policy) as c:
        c._requester.on_attempt = events.append
        await c.call("agent/page", {})
    assert [e.attempt for e in events] == [1, 2, 3]
    first, _, last = events
    assert (first.operation, first.status, first.code, first.error) == (
        "agent/page",
        200,
        99,
        "ServerError",
    )
    assert first.req_id == "rid-99"
    assert first.wait == pytest.approx(0.01)
    assert first.duration >= 0.0
    assert (last.code, last.error, last.wait, last.req_id, last.ok) == (
        None,
        None,
        None,
        "rid-ok",
        True,
    )


async def test_transport_failure_event_has_no_status() -> None:
    events: list[AttemptEvent] = []
    # a port nobody listens on: bind one, close it, connect to it
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    async with nxcc(f"http://127.0.0.1:{port}", RetryPolicy(max_retries=0)) as c:
        c._requester.on_attempt = events.append
        with pytest.raises(Exception, match="connect"):
            await c.call("x", {})
    assert [(e.status, e.error, e.wait) for e in events] == [(None, "ConnectError", None)]


async def test_a_raising_hook_does_not_break_the_call(
    scripted: tuple[Script, str], caplog: pytest.LogCaptureFixture
) -> None:
    script, base = scripted
    script.answers = [code99, ok]

    def hook(event: AttemptEvent) -> None:
        raise RuntimeError("hook bug")

    async with nxcc(base, RetryPolicy(max_retries=2, wait_initial=0.0, wait_jitter=0.0)) as c:
        c._requester.on_attempt = hook
        with caplog.at_level(logging.WARNING, logger="nxcc_async"):
            assert (await c.call("x", {}))["code"] == 0
            assert (await c.call("x", {}))["code"] == 0
    warned = [r for r in caplog.records if "on_attempt" in r.getMessage()]
    assert len(warned) == 1


async def test_attempts_are_logged_at_debug(
    scripted: tuple[Script, str], caplog: pytest.LogCaptureFixture
) -> None:
    script, base = scripted
    script.answers = [code99, ok]
    with caplog.at_level(logging.DEBUG, logger="nxcc_async"):
        async with nxcc(base, RetryPolicy(max_retries=2, wait_initial=0.0, wait_jitter=0.0)) as c:
            await c.call("agent/page", {})
    lines = [r.getMessage() for r in caplog.records if r.name == "nxcc_async"]
    assert any("agent/page attempt 1: HTTP 200 code 99 (ServerError)" in m for m in lines)
    assert any("agent/page attempt 2: HTTP 200" in m for m in lines)
    assert not [r for r in caplog.records if r.name == "stamina"]  # routed, not doubled


# -- 4. silence unless logging is configured -----------------------------------------------------


#: A script whose calls are retried (code 99 on 60% of the answers), then prints "done N faults"
RETRYING = """
import asyncio
from nxcc_async import AsyncNXCC, RetryPolicy
from nxcc_async.emulator import Emulator, Faults

async def main():
    async with Emulator(access_key="ak", access_secret="sk") as emu:
        emu.faults = Faults(code99=0.6)
        policy = RetryPolicy(max_retries=20, wait_initial=0.0, wait_jitter=0.0)
        async with AsyncNXCC(access_key="ak", access_secret="sk", tenant_id=144,
                             base_url=emu.base_url, retry=policy) as c:
            for _ in range(5):
                await c.call("agent/page", {"page": 1, "size": 1, "tenantId": 144})
        assert emu.stats.faults["code99"] > 0, emu.stats
        print("done", emu.stats.faults["code99"])

asyncio.run(main())
"""


def run_script(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``script`` in a fresh interpreter at the repository's root (``env`` added)."""
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **env},
    )


def test_retries_print_nothing_without_logging_configured() -> None:
    result = run_script(RETRYING)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("done")
    assert result.stderr == ""


#: A stand-in for structlog as stamina's hook uses it: unconfigured, it prints on stdout.
FAKE_STRUCTLOG = """
configured = False

def is_configured():
    return configured

def configure(**kwargs):
    global configured
    configured = True

class _Logger:
    def warning(self, event, **kw):
        print("structlog:", event)

def get_logger(*args):
    return _Logger()
"""


@pytest.mark.parametrize("configured", [False, True])
def test_stamina_structlog_hook_prints_nothing_unless_structlog_is_configured(
    tmp_path: Path, configured: bool
) -> None:
    """Where structlog is importable, stamina reports retries through it, and unconfigured
    structlog prints on stdout: in the middle of ``--format jsonl`` output. Our retries no longer
    reach it until the application configures structlog (its wish for those records)."""
    (tmp_path / "structlog.py").write_text(FAKE_STRUCTLOG)
    script = (
        f"import structlog\nif {configured}:\n    structlog.configure()\n"
        + RETRYING
        + "import stamina.instrumentation\n"
        + "print('hooks', *[h.__module__ for h in stamina.instrumentation.get_on_retry_hooks()])\n"
    )
    result = run_script(script, PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT)]))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    faults = next(int(line.split()[1]) for line in lines if line.startswith("done"))
    retried = [line for line in lines if line.startswith("structlog: stamina.retry_scheduled")]
    assert faults > 0, result.stdout
    assert len(retried) == (faults if configured else 0), result.stdout
    hooks = lines[-1].split()
    assert hooks[0] == "hooks"
    assert "nxcc_async._core.log" in hooks, result.stdout  # stamina's structlog hook, wrapped
    assert "stamina.instrumentation._structlog" not in hooks, result.stdout
    assert result.stderr == ""


# -- 5. stamina runs the retries, entered only after a first failure -----------------------------


async def test_a_first_success_never_builds_the_retry_context(
    scripted: tuple[Script, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    script, base = scripted
    built: list[int] = []
    real = stamina.retry_context

    def counting(*args: Any, **kwargs: Any) -> Any:
        built.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(stamina, "retry_context", counting)
    policy = RetryPolicy(max_retries=2, wait_initial=0.0, wait_jitter=0.0)
    async with nxcc(base, policy) as c:
        script.answers = [ok]
        await c.call("x", {})
        assert built == []
        script.hits, script.answers = 0, [code99, ok]
        assert (await c.call("x", {}))["code"] == 0
        assert built == [1]


async def test_stamina_hooks_see_every_retry_with_its_cause(scripted: tuple[Script, str]) -> None:
    script, base = scripted
    script.answers = [code99, code99, ok]
    seen: list[tuple[int, str]] = []

    def hook(details: RetryDetails) -> None:
        seen.append((details.retry_num, type(details.caused_by).__name__))

    saved = stamina.instrumentation.get_on_retry_hooks()
    stamina.instrumentation.set_on_retry_hooks([hook])
    try:
        async with nxcc(base, RetryPolicy(max_retries=2, wait_initial=0.0, wait_jitter=0.0)) as c:
            assert (await c.call("x", {}))["code"] == 0
    finally:
        stamina.instrumentation.set_on_retry_hooks(saved)
    assert seen == [(1, "ServerError"), (2, "ServerError")]
    assert script.hits == 3


@pytest.mark.parametrize("mode", ["inactive", "testing"])
async def test_stamina_switches_still_apply(scripted: tuple[Script, str], mode: str) -> None:
    script, base = scripted
    script.answers = [code99, ok]
    policy = RetryPolicy(max_retries=3, wait_initial=0.0, wait_jitter=0.0)
    if mode == "inactive":
        stamina.set_active(False)
    else:
        stamina.set_testing(True, attempts=1)
    try:
        async with nxcc(base, policy) as c:
            with pytest.raises(ServerError):
                await c.call("x", {})
    finally:
        stamina.set_active(True)
        stamina.set_testing(False)
    assert script.hits == 1


# -- a server that echoes the request's credentials in its message -------------------------------


async def test_a_message_echoing_the_signature_is_redacted_in_the_error() -> None:
    """The error text copied the server's message as it came: a server (or gateway) that echoes
    the request's signature put it in ``str(exc)``, reprs, tracebacks and pickles."""
    echoed: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        await request.read()
        if "sign" in request.headers:
            secret = request.headers["sign"]
            echoed.append(secret)
            body = {"reqId": "r", "code": 1003, "msg": f"sign mismatch: {secret}", "data": {}}
        else:  # CEC: auth-v2/ak/ts/headers/<signature>
            secret = request.headers["Authorization"].rsplit("/", 1)[-1]
            echoed.append(secret)
            body = {"resultCode": "0100001", "resultDesc": f"bad signature {secret} (expected x)"}
        return web.json_response(body)

    app = web.Application()
    app.router.add_post("/{tail:.*}", handle)
    policy = RetryPolicy(max_retries=0)
    async with TestServer(app, host="127.0.0.1") as server:
        base = str(server.make_url("")).rstrip("/")
        errors: list[APIError] = []
        async with nxcc(base, policy) as client:
            with pytest.raises(AuthError) as nxcc_info:
                await client.call("x", {})
            errors.append(nxcc_info.value)
        async with AsyncCEC(base_url=base, access_key="cak", secret_key="csk", retry=policy) as cec:
            with pytest.raises(APIError) as cec_info:
                await cec.system_state(cc_id=1, vdn=1)
            errors.append(cec_info.value)
    assert len(echoed) == 2
    assert all(len(s) >= 32 for s in echoed)
    for error in errors:
        for text in (str(error), repr(error), error.msg, str(pickle.loads(pickle.dumps(error)))):
            assert not any(secret in text for secret in echoed), text
            assert "***" in text
    assert "sign mismatch: ***" in str(errors[0])


async def test_a_password_in_the_base_url_never_shows() -> None:
    """``http://user:password@host`` was shown in the clients' reprs and in every connection
    error (hence in the CLI's messages and its -v retry lines)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: connections are refused
    base = f"http://user:PASSWORD-x@127.0.0.1:{port}"
    client = nxcc(base, RetryPolicy(max_retries=0))
    cec = AsyncCEC(base_url=base, access_key="cak", secret_key="csk")
    assert "user:***@127.0.0.1" in repr(client)
    assert "PASSWORD-x" not in repr(client) + repr(cec)
    slashed = nxcc("http://user:PASS/WORD@127.0.0.1:1", RetryPolicy())  # libpq-style, unencoded
    assert "PASS" not in repr(slashed)
    assert "WORD" not in repr(slashed)
    async with client:
        with pytest.raises(ConnectError) as info:
            await client.call("x", {})
    assert f"cannot connect to http://127.0.0.1:{port}" in str(info.value)
    assert "PASSWORD-x" not in f"{info.value} {info.value!r}"
    await cec.aclose()
