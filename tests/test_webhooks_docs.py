"""Every example of ``docs/webhooks.md`` runs: each ```python block starting with
``# example: NAME`` is executed and driven with signed (or token) pushes — FastAPI through its
TestClient, Django through RequestFactory with minimal settings, the aiohttp app through
aiohttp's test client, the emulator example into a receiver."""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from nxcc_async.nxcc.signing import signed_headers
from nxcc_async.webhooks import webhook_app

PAGE = Path(__file__).resolve().parent.parent / "docs" / "webhooks.md"
BLOCK = re.compile(r"```python\n# example: (\w+)\n(.*?)```", re.DOTALL)
EXAMPLES = dict(BLOCK.findall(PAGE.read_text(encoding="utf-8")))
CDR = {"callId": "C1", "direction": 0, "answered": True, "startTime": 1735689600000}
BODY = orjson.dumps(CDR)


def test_the_page_has_the_examples() -> None:
    assert set(EXAMPLES) == {"aiohttp", "fastapi", "django", "emulator"}
    assert len(re.findall(r"```python\n", PAGE.read_text(encoding="utf-8"))) == len(EXAMPLES) + 1


def _run(name: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": f"webhooks_doc_{name}"}
    exec(compile(EXAMPLES[name], f"docs/webhooks.md:{name}", "exec"), namespace)
    return namespace


def _signed(body: bytes = BODY, **kw: Any) -> dict[str, str]:
    ts = int(time.time() * 1000)
    return signed_headers(
        access_key="ak", access_secret="sk", ts_ms=ts, body=body, action="callback", **kw
    )


@pytest.fixture(autouse=True)
def _credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NXCC_ACCESS_KEY", "ak")
    monkeypatch.setenv("NXCC_ACCESS_SECRET", "sk")
    monkeypatch.setenv("NXCC_WEBHOOK_TOKEN", "tk")
    monkeypatch.chdir(tmp_path)


# new Starlette releases prefer "httpx2" for their TestClient; httpx still works
@pytest.mark.filterwarnings("ignore:Using `httpx` with")
def test_the_fastapi_example() -> None:
    from fastapi.testclient import TestClient as FastClient

    ns = _run("fastapi")
    with FastClient(ns["app"]) as client:
        assert client.post("/nxcc/cdr", content=BODY, headers=_signed()).status_code == 200
        sha = _signed(algorithm="sha256")
        assert client.post("/nxcc/cdr", content=BODY, headers=sha).status_code == 200
        tampered = client.post("/nxcc/cdr", content=BODY + b" ", headers=_signed())
        assert tampered.status_code == 401
        assert tampered.json()["error"].startswith("the md5 signature does not match")
        bad = client.post("/nxcc/cdr", content=b"[]", headers=_signed(b"[]"))
        assert (bad.status_code, bad.json()) == (
            400,
            {"error": "the body must be one CDR object, not a JSON list"},
        )
    assert list(ns["CDRS"]) == ["C1"]


def test_the_django_example() -> None:
    from django.conf import settings

    if not settings.configured:
        settings.configure(DEBUG=False, ALLOWED_HOSTS=["testserver"], SECRET_KEY="test")
    from django.test import RequestFactory

    ns = _run("django")
    view = ns["nxcc_cdr"]
    factory = RequestFactory()

    def post(body: bytes, headers: dict[str, str]) -> Any:
        return view(
            factory.post("/nxcc/cdr", data=body, content_type="application/json", headers=headers)
        )

    assert post(BODY, {"token": "tk"}).status_code == 200
    refused = post(BODY, {"token": "nope"})
    assert (refused.status_code, orjson.loads(refused.content)) == (
        401,
        {"error": "the token header does not match"},
    )
    assert post(b"{", {"Token": "tk"}).status_code == 400
    assert view(factory.get("/nxcc/cdr")).status_code == 405
    assert list(ns["CDRS"]) == ["C1"]


async def test_the_aiohttp_example(tmp_path: Path) -> None:
    ns = _run("aiohttp")
    async with ns["store"], TestClient(TestServer(ns["app"])) as client:
        for _ in range(2):  # a duplicate push: one row
            response = await client.post("/nxcc/cdr", data=BODY, headers=_signed())
            assert response.status == 200
        response = await client.post("/nxcc/cdr", data=BODY, headers={"token": "tk"})
        assert response.status == 401
    db = sqlite3.connect(tmp_path / "cdrs.db")
    try:
        assert db.execute("SELECT call_id FROM cdrs").fetchall() == [("C1",)]
    finally:
        db.close()


async def test_the_emulator_example() -> None:
    ns = _run("emulator")
    seen: list[str] = []

    async def on_cdr(record: Any) -> None:
        seen.append(record.call_id)

    runner = web.AppRunner(webhook_app(on_cdr, access_key="ak", access_secret="sk"))
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/nxcc/cdr"
        count = await ns["push_a_day"](url)
    finally:
        await runner.cleanup()
    assert count == 1000
    assert 850 < len(set(seen)) < 950  # about 10% dropped
    assert len(seen) > len(set(seen))  # and some pushed twice
