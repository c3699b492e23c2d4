"""CDR pushes: verification (the spec's signing rules, both algorithms, token mode, every
failure with its own message, constant-time comparisons, no secret in any message), parsing
(the same records as ``cdr/page``; malformed bodies are ``WebhookError``), the aiohttp app's
answers, ``PushStore`` and the emulator's pushes (live, retries, faults)."""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import itertools
import pickle
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from nxcc_async import AsyncNXCC, NXCCError
from nxcc_async._core.converter import load
from nxcc_async.emulator import Emulator, LiveMode, WebhookPush
from nxcc_async.nxcc.records import CallRecord
from nxcc_async.nxcc.signing import sign, signed_headers
from nxcc_async.webhooks import (
    STATS,
    PushStore,
    WebhookAuthError,
    WebhookBodyError,
    WebhookError,
    parse_webhook,
    verify_webhook,
    webhook_app,
)
from nxcc_async.webhooks import verify as verify_module

# the spec's vector credentials (§2)
AK, SK, TS = "fme2na3kdi3ki", "abciiiko2k3", "1655710885431"
NOW = int(TS) / 1000
BODY = '{"name":"牛小信","id":10001}'.encode()
CDR = {"callId": "C1", "direction": 0, "answered": True, "startTime": 1735689600000}


def _headers(body: bytes = BODY, *, ts: str = TS, algorithm: str = "md5", **over: str) -> Any:
    headers = signed_headers(
        access_key=AK,
        access_secret=SK,
        ts_ms=int(ts),
        body=body,
        algorithm=algorithm,  # type: ignore[arg-type]
        action="callback",
    )
    headers.update(over)
    return headers


def _verify(headers: Any, body: bytes = BODY, **kw: Any) -> None:
    verify_webhook(headers, body, access_key=AK, **{"access_secret": SK, "now": NOW, **kw})


# -- verification -----------------------------------------------------------------------------


def test_the_spec_vectors_are_what_the_verifier_signs_with() -> None:
    # vendor-published vectors (bizType 1, action send), through the same sign()
    assert (
        sign(access_key=AK, access_secret=SK, ts=TS, body=BODY, biz_type="1", action="send")
        == "87c3560d3331ae23f1021e2025722354"
    )
    body = b'{"startTime":1688140800,"endTime":1690819200,"page":1,"size":100}'
    assert sign(access_key=AK, access_secret=SK, ts=TS, body=body, algorithm="sha256") == (
        "1180d25538c97d9c8b93c8fc0846469a070704fa170513ade0c957a748cea3fb"
    )


@pytest.mark.parametrize("algorithm", ["md5", "sha256"])
def test_a_push_signed_by_the_spec_formula_is_accepted(algorithm: str) -> None:
    text = f"accessKey={AK}&action=callback&bizType=8&ts={TS}&body=".encode() + BODY
    digest = hashlib.new(algorithm, text + f"&accessSecret={SK}".encode()).hexdigest()
    headers = {"accessKey": AK, "ts": TS, "bizType": "8", "action": "callback", "sign": digest}
    if algorithm == "sha256":
        headers["algorithm"] = "sha256"
    _verify(headers)
    if algorithm == "md5":  # md5 is the default; the header may say so
        _verify({**headers, "algorithm": "md5"})
    else:  # sha256 without its header is checked as md5, and fails
        del headers["algorithm"]
        with pytest.raises(WebhookAuthError, match="md5 signature does not match"):
            _verify(headers)


@pytest.mark.parametrize("fold", [str.lower, str.upper, str.title])
def test_header_names_are_case_insensitive(fold: Any) -> None:
    _verify({fold(k): v for k, v in _headers(algorithm="sha256").items()})
    _verify({fold(k): v for k, v in _headers().items()})
    verify_webhook({fold("token"): "tk"}, BODY, access_key=AK, token="tk")


def test_aiohttp_django_style_mappings_and_an_uppercase_signature_pass() -> None:
    from multidict import CIMultiDict

    headers = _headers()
    _verify(CIMultiDict(headers))
    _verify({**headers, "sign": headers["sign"].upper()})


FAILURES = {
    "tampered body": (
        lambda: (_headers(), BODY.replace(b"10001", b"10002")),
        "the md5 signature does not match the body (wrong secret, or the body was changed on "
        "the way)",
        "signature",
    ),
    "wrong key": (
        lambda: (_headers(accessKey="other"), BODY),
        "the accessKey header is not this receiver's access key",
        "access_key",
    ),
    "wrong secret (sha256)": (
        lambda: (
            {
                **_headers(algorithm="sha256"),
                "sign": sign(
                    access_key=AK, access_secret="x", ts=TS, body=BODY,
                    algorithm="sha256", action="callback",
                ),
            },
            BODY,
        ),
        "the sha256 signature does not match the body (wrong secret, or the body was changed "
        "on the way)",
        "signature",
    ),
    "stale ts": (
        lambda: (_headers(ts=str(int(TS) - 301_000)), BODY),
        "ts is 301 s old (tolerance 300 s): a replay, or a clock that is off",
        "timestamp",
    ),
    "future ts": (
        lambda: (_headers(ts=str(int(TS) + 302_000)), BODY),
        "ts is 302 s in the future (tolerance 300 s): a replay, or a clock that is off",
        "timestamp",
    ),
    "ts not a number": (
        lambda: ({**_headers(), "ts": "16557108854x1"}, BODY),
        "ts must be Unix milliseconds, not '16557108854x1'",
        "timestamp",
    ),
    "missing headers": (
        lambda: ({k: v for k, v in _headers().items() if k not in ("sign", "bizType")}, BODY),
        "missing headers: bizType, sign",
        "missing_header",
    ),
    "missing header": (
        lambda: ({k: v for k, v in _headers().items() if k != "ts"}, BODY),
        "missing header: ts",
        "missing_header",
    ),
    "wrong action": (
        lambda: (_headers(action="cc"), BODY),
        "action must be 'callback', not 'cc'",
        "action",
    ),
    "wrong bizType": (
        lambda: (_headers(bizType="1"), BODY),
        "bizType must be 8, not '1'",
        "biz_type",
    ),
    "unknown algorithm": (
        lambda: ({**_headers(), "algorithm": "sha1"}, BODY),
        "algorithm must be md5 or sha256, not 'sha1'",
        "algorithm",
    ),
    "a header twice": (
        lambda: ({**_headers(), "TS": "1"}, BODY),
        "header 'ts' given twice",
        "duplicate_header",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", FAILURES)
def test_each_failure_is_a_401_webhook_error_with_its_own_message(case: str) -> None:
    make, message, reason = FAILURES[case]
    headers, body = make()
    with pytest.raises(WebhookError) as info:
        _verify(headers, body)
    exc = info.value
    assert isinstance(exc, WebhookAuthError)
    assert isinstance(exc, NXCCError)
    assert (str(exc), exc.reason, exc.status) == (message, reason, 401)
    assert SK not in str(exc)
    assert headers.get("sign", "-") not in str(exc)
    copy = pickle.loads(pickle.dumps(exc))
    assert (type(copy), str(copy), copy.reason) == (WebhookAuthError, message, reason)


def test_the_tolerance_is_inclusive_and_configurable() -> None:
    _verify(_headers(ts=str(int(TS) - 300_000)))
    _verify(_headers(ts=str(int(TS) + 300_000)))
    _verify(_headers(ts=str(int(TS) - 3_000_000)), tolerance=3600)
    with pytest.raises(WebhookAuthError, match="ts is 2 s old"):
        _verify(_headers(ts=str(int(TS) - 2_000)), tolerance=1)


def test_the_default_clock_is_the_real_one() -> None:
    ts = str(int(time.time() * 1000))
    verify_webhook(_headers(ts=ts), BODY, access_key=AK, access_secret=SK)
    with pytest.raises(WebhookAuthError, match="old"):
        verify_webhook(_headers(), BODY, access_key=AK, access_secret=SK)


TOKEN_FAILURES = {
    "wrong token": ({"token": "tk2"}, "the token header does not match", "token"),
    "missing token": ({"accessKey": AK}, "missing header: token", "missing_header"),
    "wrong key": (
        {"token": "tk", "accessKey": "other"},
        "the accessKey header is not this receiver's access key",
        "access_key",
    ),
}


@pytest.mark.parametrize("case", TOKEN_FAILURES)
def test_token_mode_failures(case: str) -> None:
    headers, message, reason = TOKEN_FAILURES[case]
    with pytest.raises(WebhookAuthError) as info:
        verify_webhook(headers, BODY, access_key=AK, token="tk")
    assert (str(info.value), info.value.reason) == (message, reason)
    assert "tk" not in str(info.value).replace("token", "")


def test_token_mode_ignores_signature_headers_and_time() -> None:
    verify_webhook({"token": "tk", "accessKey": AK, "ts": "1"}, BODY, access_key=AK, token="tk")


def test_token_mode_needs_no_access_key() -> None:
    for headers in ({"token": "tk"}, {"token": "tk", "accessKey": "any"}):
        verify_webhook(headers, BODY, token="tk")
    with pytest.raises(WebhookAuthError, match="the token header does not match"):
        verify_webhook({"token": "tk2"}, BODY, token="tk")


def test_signatures_and_tokens_are_compared_in_constant_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[bytes, bytes]] = []

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return a == b

    monkeypatch.setattr(verify_module.hmac, "compare_digest", spy)
    headers = _headers()
    _verify(headers)
    assert (headers["sign"].encode(), headers["sign"].encode()) in calls
    calls.clear()
    verify_webhook({"token": "given"}, BODY, access_key=AK, token="tk") if False else None
    with pytest.raises(WebhookAuthError):
        verify_webhook({"token": "given"}, BODY, access_key=AK, token="tk")
    assert calls == [(b"given", b"tk")]


@pytest.mark.parametrize(
    ("kw", "error", "message"),
    [
        ({}, ValueError, "give access_secret (signed pushes"),
        ({"access_secret": SK, "token": "tk"}, ValueError, "give access_secret or token, not both"),
        ({"access_secret": ""}, ValueError, "access_secret must not be empty"),
        ({"token": " "}, ValueError, "token must not be empty"),
        ({"token": "tk", "access_key": ""}, ValueError, "access_key must not be empty"),
        ({"token": "tk", "access_key": 5}, TypeError, "access_key must be a str"),
        ({"access_secret": SK, "access_key": None}, ValueError, "signed pushes need access_key"),
        ({"token": "tk", "tolerance": 0}, ValueError, "tolerance must be > 0 seconds, got 0"),
        ({"token": "tk", "tolerance": -1.0}, ValueError, "tolerance must be > 0 seconds"),
        ({"token": "tk", "tolerance": float("nan")}, ValueError, "tolerance must be > 0"),
        ({"token": "tk", "tolerance": "5"}, TypeError, "tolerance must be a number"),
        ({"token": 5}, TypeError, "token must be a str"),
    ],
)
def test_bad_settings_are_refused_at_construction(
    kw: dict[str, Any], error: type[Exception], message: str
) -> None:
    args = {"access_key": AK, **kw}

    async def on_cdr(record: CallRecord) -> None:
        pass

    with pytest.raises(error) as info:
        webhook_app(on_cdr, **args)
    assert message in str(info.value)
    with pytest.raises(error):
        verify_webhook({}, BODY, **args)


def test_the_body_must_be_the_raw_bytes() -> None:
    with pytest.raises(TypeError, match="raw request bytes"):
        _verify(_headers(), BODY.decode())  # type: ignore[arg-type]
    _verify(_headers(), bytearray(BODY))


# -- parsing ----------------------------------------------------------------------------------


async def test_parse_gives_the_records_of_cdr_page() -> None:
    start = 1735689600
    async with Emulator(cdrs_per_day=300) as emu:
        rows = emu.data.cdr_list(start, start + 86_399)
        async with AsyncNXCC(
            access_key="ak", access_secret="sk", base_url=emu.base_url, tenant_id=144
        ) as client:
            listed = [r async for r in client.cdrs.iter(start, start + 86_400)]
    assert len(rows) == len(listed) == 300
    assert [parse_webhook(orjson.dumps(row)) for row in rows] == listed


def test_parse_keeps_unknown_fields_and_accepts_text() -> None:
    record = parse_webhook(orjson.dumps({**CDR, "newField": [1]}))
    assert record == load(CallRecord, {**CDR, "newField": [1]})
    assert record.extra == {"newField": [1]}
    assert parse_webhook(orjson.dumps(CDR).decode()) == load(CallRecord, CDR)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "the body is not JSON"),
        (b"{callId: 1}", "the body is not JSON"),
        (b"[]", "the body must be one CDR object, not a JSON list"),
        (b'"C1"', "the body must be one CDR object, not a JSON str"),
        (b"{}", "the CDR has no callId"),
        (b'{"callId": ""}', "the CDR has no callId"),
        (b'{"callId": null}', "the CDR has no callId"),
        (b'{"callId": "C1", "startTime": "soon"}', "the CDR does not have the documented shape"),
        (b'{"callId": "C1", "callDuration": {"a": 1}}', "the CDR does not have the documented"),
    ],
)
def test_a_body_that_is_not_a_cdr_is_a_webhook_error(body: bytes, message: str) -> None:
    with pytest.raises(WebhookBodyError) as info:
        parse_webhook(body)
    assert str(info.value).startswith(message)
    assert info.value.status == 400
    assert isinstance(info.value, WebhookError)


# -- the aiohttp app --------------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.seen: list[CallRecord] = []
        self.gate: asyncio.Event | None = None
        self.fail = False

    async def __call__(self, record: CallRecord) -> None:
        if self.gate is not None:
            await self.gate.wait()
        if self.fail:
            raise RuntimeError(f"disk full (secret {SK} must not leak)")
        self.seen.append(record)


@pytest.fixture
async def served() -> AsyncIterator[tuple[TestClient[Any, Any], Recorder]]:
    recorder = Recorder()
    app = webhook_app(recorder, access_key=AK, access_secret=SK, clock=lambda: NOW)
    async with TestClient(TestServer(app)) as client:
        yield client, recorder


async def test_the_app_answers_200_only_after_on_cdr_returned(
    served: tuple[TestClient[Any, Any], Recorder],
) -> None:
    client, recorder = served
    body = orjson.dumps(CDR)
    recorder.gate = asyncio.Event()
    pending = asyncio.ensure_future(client.post("/nxcc/cdr", data=body, headers=_headers(body)))
    await asyncio.sleep(0.2)
    assert not pending.done()
    recorder.gate.set()
    response = await pending
    assert response.status == 200
    assert await response.json() == {"ok": True, "callId": "C1"}
    assert [r.call_id for r in recorder.seen] == ["C1"]


async def test_the_same_call_twice_reaches_on_cdr_twice(
    served: tuple[TestClient[Any, Any], Recorder],
) -> None:
    client, recorder = served
    body = orjson.dumps(CDR)
    for _ in range(2):
        assert (await client.post("/nxcc/cdr", data=body, headers=_headers(body))).status == 200
    assert [r.call_id for r in recorder.seen] == ["C1", "C1"]


async def test_the_app_status_codes(
    served: tuple[TestClient[Any, Any], Recorder], capfd: pytest.CaptureFixture[str]
) -> None:
    client, recorder = served
    body = orjson.dumps(CDR)
    cases = {
        "bad signature": (body.replace(b"C1", b"C2"), _headers(body), 401),
        "stale": (body, _headers(body, ts=str(int(TS) - 400_000)), 401),
        "missing headers": (body, {"Content-Type": "application/json"}, 401),
        "not json": (b"{", _headers(b"{"), 400),
        "no callId": (b"{}", _headers(b"{}"), 400),
        "over 1 MiB": (io.BytesIO(b" " * (2**20 + 1)), _headers(body), 413),
    }
    for name, (data, headers, status) in cases.items():
        response = await client.post("/nxcc/cdr", data=data, headers=headers)
        assert response.status == status, name
        text = await response.text()
        assert SK not in text
        assert headers.get("sign", "-") not in text
    response = await client.post("/nxcc/cdr", data=b"{}", headers={"token": "x"})
    assert (await response.json()) == {
        "error": "missing headers: accessKey, ts, bizType, action, sign"
    }
    recorder.fail = True
    response = await client.post("/nxcc/cdr", data=body, headers=_headers(body))
    assert response.status == 500
    assert await response.json() == {"error": "the CDR was not stored"}
    assert (await client.get("/nxcc/cdr")).status == 405
    assert (await client.post("/other", data=body, headers=_headers(body))).status == 404
    assert recorder.seen == []
    assert client.app[STATS] == {"received": 8, "stored": 0, "refused": 7, "failed": 1}
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")  # a library prints nothing unless logging is configured


async def test_the_app_logs_refusals_and_failures_without_secrets(
    served: tuple[TestClient[Any, Any], Recorder], caplog: pytest.LogCaptureFixture
) -> None:
    client, recorder = served
    body = orjson.dumps(CDR)
    recorder.fail = True
    caplog.set_level("WARNING", logger="nxcc_async.webhooks")
    await client.post("/nxcc/cdr", data=body, headers=_headers(body, ts="1"))
    await client.post("/nxcc/cdr", data=body, headers=_headers(body))
    messages = [r.getMessage() for r in caplog.records]
    assert "refused (401): ts is" in messages[0]
    assert "CDR push C1 not acknowledged: on_cdr raised RuntimeError" in messages[1]


async def test_token_mode_app_and_a_custom_path() -> None:
    recorder = Recorder()
    app = webhook_app(recorder, access_key=AK, token="tk", path="/hooks/cdr")
    async with TestClient(TestServer(app)) as client:
        body = orjson.dumps(CDR)
        assert (await client.post("/hooks/cdr", data=body, headers={"Token": "tk"})).status == 200
        assert (await client.post("/hooks/cdr", data=body, headers={"token": "t"})).status == 401
    assert len(recorder.seen) == 1
    with pytest.raises(ValueError, match="path must start with '/'"):
        webhook_app(recorder, access_key=AK, token="tk", path="hooks")


# -- PushStore --------------------------------------------------------------------------------


async def test_push_store_upserts_in_shared_transactions_and_leaves_the_state_alone(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cdrs.db"
    records = [load(CallRecord, {**CDR, "callId": f"C{i}"}) for i in range(50)]
    async with PushStore(f"sqlite:///{path}") as store:
        await asyncio.gather(*(store(r) for r in records + records[:10]))
        assert (store.received, store.inserted, store.updated) == (60, 50, 0)
        assert store.transactions < 60
        await store(load(CallRecord, {**CDR, "callId": "C0", "callDuration": 9}))
        assert store.updated == 1
    db = sqlite3.connect(path)
    try:
        assert db.execute("SELECT count(*), count(DISTINCT call_id) FROM cdrs").fetchone() == (
            50,
            50,
        )
        assert db.execute("SELECT call_duration FROM cdrs WHERE call_id = 'C0'").fetchone() == (9,)
        assert db.execute("SELECT count(*) FROM nxcc_sync_state").fetchone() == (0,)
    finally:
        db.close()
    with pytest.raises(RuntimeError, match="is not open"):
        await store(records[0])


# -- the emulator pushes ----------------------------------------------------------------------


async def _settled(emu: Emulator, timeout: float = 30.0) -> None:
    """Wait until every push is answered or given up."""
    for _ in range(int(timeout / 0.02)):
        if not emu.pushes.pending:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"pushes still pending: {emu.pushes}")


async def _receiver(on_cdr: Any, **kw: Any) -> tuple[web.AppRunner, str]:
    app = webhook_app(on_cdr, access_key="ak", **(kw or {"access_secret": "sk"}))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}/nxcc/cdr"


async def test_live_calls_are_pushed_when_they_end() -> None:
    recorder = Recorder()
    runner, url = await _receiver(recorder)
    t0 = time.time()
    # 240 a minute: ~22 calls end after pushing starts (at 120, as few as 5 did now and then)
    live = LiveMode(calls_per_minute=240, duration=(1, 3), delay=(0, 0.5), revised=0.0,
                    start=t0 - 5, end=t0 + 4)  # fmt: skip
    try:
        async with Emulator(live=live, webhook=WebhookPush(url=url, mode="sha256")) as emu:
            calls = emu.data.live_calls()
            await asyncio.sleep(max(c.final_at for c in calls) - time.time() + 0.6)
            await _settled(emu)
            arrived = {r.call_id: time.time() for r in recorder.seen}
    finally:
        await runner.cleanup()
    # calls already final when pushing started are not pushed; every later one once, final
    due = {c.call_id: c for c in calls if c.final_at > t0 + 0.5}
    assert len(due) > 5
    assert due.keys() <= arrived.keys()
    assert len(recorder.seen) == len(arrived)
    assert all(r == load(CallRecord, due[r.call_id].cdr) for r in recorder.seen if r.call_id in due)


async def test_pushes_are_retried_on_the_schedule_then_given_up() -> None:
    answers: list[float] = []

    async def flaky(record: CallRecord) -> None:
        answers.append(time.monotonic())
        if len(answers) <= 2:
            raise RuntimeError("not yet")

    runner, url = await _receiver(flaky)
    start = 1735689600
    try:
        async with Emulator(cdrs_per_day=24) as emu:
            first = emu.data.cdr_list(start, start + 86_399)[0]["startTime"] // 1000
            emu.webhook = WebhookPush(url=url, retry_every=0.3, retry_for=5)
            assert emu.push_range(first, first + 1) == 1
            await _settled(emu)
            assert (emu.pushes.attempts, emu.pushes.delivered) == (3, 1)
            assert emu.pushes.by_status == {500: 2, 200: 1}
            gaps = [b - a for a, b in itertools.pairwise(answers)]
            assert all(0.25 < g < 1.0 for g in gaps), gaps
            # a receiver that never says 200: attempts every 0.3 s for 1 s, then given up
            await runner.cleanup()
            emu.webhook = WebhookPush(url=url, retry_every=0.3, retry_for=1)
            began = time.monotonic()
            emu.push_range(first, first + 1)
            await _settled(emu)
            assert emu.pushes.given_up == 1
            assert emu.pushes.attempts == 7  # 3 before + 4 refused connections (0, .3, .6, .9 s)
            assert emu.pushes.by_status[0] == 4
            assert 0.8 < time.monotonic() - began < 2.0
    finally:
        await runner.cleanup()


async def test_the_retry_schedule_is_fixed_from_the_first_attempt() -> None:
    answers: list[float] = []

    async def slow_refusal(record: CallRecord) -> None:
        answers.append(time.monotonic())
        await asyncio.sleep(0.2)  # a slow answer must not push the next attempt back
        raise RuntimeError("not now")

    runner, url = await _receiver(slow_refusal)
    try:
        async with Emulator(cdrs_per_day=24) as emu:
            first = emu.data.cdr_list(1735689600, 1735689600 + 86_399)[0]["startTime"] // 1000
            emu.webhook = WebhookPush(url=url, retry_every=0.3, retry_for=0.7)
            assert emu.push_range(first, first + 1) == 1
            await _settled(emu)
    finally:
        await runner.cleanup()
    assert (emu.pushes.attempts, emu.pushes.given_up) == (3, 1)  # at 0, 0.3 and 0.6 s
    gaps = [b - a for a, b in itertools.pairwise(answers)]
    assert all(0.25 < g < 0.45 for g in gaps), gaps  # 0.5 s if each waited for the answer


async def test_drop_and_duplicate_are_seeded_per_call_and_the_sync_fills_the_gaps(
    tmp_path: Path,
) -> None:
    start = 1735689600
    to = f"sqlite:///{tmp_path / 'cdrs.db'}"
    async with PushStore(to) as store:
        runner, url = await _receiver(store, token="tk")
        try:
            async with Emulator(cdrs_per_day=400, seed=3) as emu:
                emu.webhook = WebhookPush(
                    url=url, mode="token", token="tk", drop=0.2, duplicate=0.3
                )
                ids = set(emu.data.cdr_ids(start, start + 86_399))
                fates = {i: emu.pusher.fate(i) for i in ids}
                assert emu.push_range(start, start + 86_400) == 400
                await _settled(emu)
                pushes = emu.pushes
                dropped = {i for i, f in fates.items() if f == "drop"}
                assert pushes.dropped_ids == dropped
                assert pushes.duplicated == sum(f == "duplicate" for f in fates.values())
                assert set(pushes.delivered_ids) == ids - dropped
                assert all(pushes.delivered_ids[i] == 2 for i in ids if fates[i] == "duplicate")
                assert 50 < len(dropped) < 110
                assert store.inserted == len(ids - dropped)
                # a push that never came is fetched by one round of the sync
                async with AsyncNXCC(
                    access_key="ak", access_secret="sk", base_url=emu.base_url, tenant_id=144
                ) as client:
                    result = await client.cdrs.sync(to, since=start, until=start + 86_400)
        finally:
            await runner.cleanup()
    assert (result.fetched, result.inserted, result.updated) == (400, len(dropped), 0)
    db = sqlite3.connect(tmp_path / "cdrs.db")
    try:
        assert {r[0] for r in db.execute("SELECT call_id FROM cdrs")} == ids
    finally:
        db.close()


def test_webhook_push_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="url must be http"):
        WebhookPush(url="ftp://x")
    with pytest.raises(ValueError, match="drop must be a share"):
        WebhookPush(url="http://x", drop=2)
    with pytest.raises(ValueError, match="add up to more than 1"):
        WebhookPush(url="http://x", drop=0.6, duplicate=0.6)
    with pytest.raises(ValueError, match="retry_every must be > 0"):
        WebhookPush(url="http://x", retry_every=0)
    assert "emulator-webhook-token" not in repr(WebhookPush(url="http://x"))


# -- nxcc webhook serve: settings ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        ([], {"NXCC_ACCESS_KEY": "ak"}, "no way to verify pushes: set NXCC_ACCESS_SECRET"),
        ([], {"NXCC_ACCESS_SECRET": "sk"}, "no access key: set NXCC_ACCESS_KEY"),
        (["--reconcile-every", "5"], {}, "--reconcile-every needs --since"),
        (["--since", "2025-01-01"], {}, "--since is the reconciliation's start"),
        (["--reconcile-every", "0", "--since", "1"], {}, "--reconcile-every must be > 0"),
        (["--tolerance", "0"], {}, "tolerance must be > 0 seconds"),
    ],
)
def test_serve_refuses_bad_settings_with_exit_2(
    argv: list[str],
    env: dict[str, str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    from nxcc_async.cli import main

    for name in ("NXCC_ACCESS_KEY", "NXCC_ACCESS_SECRET", "NXCC_WEBHOOK_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in (env or {"NXCC_ACCESS_KEY": "ak", "NXCC_ACCESS_SECRET": "sk"}).items():
        monkeypatch.setenv(name, value)
    to = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["webhook", "serve", "--to", to, "--port", "0", *argv]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()


def test_serve_in_token_mode_needs_no_access_key() -> None:
    from nxcc_async.cli.commands.webhook import receiver_settings

    bare = argparse.Namespace(access_key=None, access_secret=None, token=None)
    settings = receiver_settings(bare, {"NXCC_WEBHOOK_TOKEN": "tk"})
    assert settings == {"access_key": None, "token": "tk"}

    async def on_cdr(record: CallRecord) -> None:
        pass

    webhook_app(on_cdr, **settings)  # accepted as is
    keyed = receiver_settings(bare, {"NXCC_WEBHOOK_TOKEN": "tk", "NXCC_ACCESS_KEY": "ak"})
    assert keyed == {"access_key": "ak", "token": "tk"}
