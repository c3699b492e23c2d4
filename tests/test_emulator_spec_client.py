"""A plain client written from the spec alone (urllib + hashlib, no project code) against the
emulator: code 0 for valid calls, the documented code for each broken part of a request."""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from nxcc_async.emulator import Emulator

AK, SK, TENANT = "spec-ak", "spec-sk", 144
DAY = 1_704_067_200  # 2024-01-01T00:00:00Z


def sign(ak: str, sk: str, ts: str, body: bytes, algorithm: str = "md5") -> str:
    text = f"accessKey={ak}&action=cc&bizType=8&ts={ts}"
    if body:
        text += "&body=" + body.decode()
    return hashlib.new(algorithm, (text + "&accessSecret=" + sk).encode()).hexdigest()


def post(
    base: str,
    path: str,
    body: Any,
    *,
    raw: bytes | None = None,
    ak: str = AK,
    sk: str = SK,
    ts_ms: int | None = None,
    algorithm: str | None = None,
    drop: str | None = None,
    override: dict[str, str] | None = None,
) -> dict[str, Any]:
    data = raw if raw is not None else json.dumps(body, separators=(",", ":")).encode()
    ts = str(ts_ms if ts_ms is not None else int(time.time() * 1000))
    headers = {
        "Content-Type": "application/json",
        "accessKey": ak,
        "ts": ts,
        "bizType": "8",
        "action": "cc",
        "sign": sign(ak, sk, ts, data, algorithm or "md5"),
    }
    if algorithm:
        headers["algorithm"] = algorithm
    headers.update(override or {})
    if drop:
        del headers[drop]
    request = urllib.request.Request(
        f"{base}/saas/cc/openapi/{path}", data=data, headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("application/json")
        answer: dict[str, Any] = json.loads(response.read())
    assert set(answer) >= {"reqId", "code", "msg", "data"}
    assert len(answer["reqId"]) == 32
    int(answer["reqId"], 16)
    if answer["code"] != 0:
        assert answer["data"] == {}
    return answer


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with Emulator.in_thread(access_key=AK, access_secret=SK, tenant_id=TENANT, seed=3) as emu:
        yield emu.base_url


CDR_BODY = {"startTime": DAY, "endTime": DAY + 3600, "page": 1, "size": 100}
VALID = [
    ("agent/page", {"tenantId": TENANT, "page": 1, "size": 200}),
    ("agent/status/info", {"tenantId": TENANT, "userName": "agent0001@example.com",
                           "startDateTime": str(DAY), "endDateTime": str(DAY + 86400)}),
    ("agentGroup/updateMembers", {"tenantId": TENANT, "queueNo": "NXQueue0002",
                                  "members": ["NXAgent0001", "NXAgent0002"]}),
    ("cdr/page", CDR_BODY),
    ("cdr/queryByOrderId", {"tenantId": TENANT, "orderId": "nothing-here"}),
    ("agentGroup/page", {"tenantId": TENANT, "page": 1, "size": 200}),
    ("agentGroup/member/list", {"tenantId": TENANT, "queueNo": "NXQueue0001"}),
    ("agent/efficiencyStatistical/page", {"tenantId": TENANT, "staticalType": 1, "page": 1,
     "size": 100, "startDateTime": "2024-01-01 00:00:00", "endDateTime": "2024-01-03 23:59:59"}),
    ("ai/createandcall", {"country": "SG", "taskName": "t", "taskDesc": "", "strategyName": "s",
     "dispatchType": 0, "agentGroupNo": "NXQueue0001", "startupType": 3,
     "predictCallRate": 1.5, "ratioCallRate": 2, "startCount": 1,
     "callList": [{"orderID": "o-1", "userPhone": "6581234567", "other": "x"}]}),
    ("did/myUsefulNumber", {"tenantId": TENANT, "sipNumber": "NXAgent0003"}),
]  # fmt: skip


@pytest.mark.parametrize(("path", "body"), VALID, ids=[p for p, _ in VALID])
@pytest.mark.parametrize("algorithm", [None, "md5", "sha256", "SHA256"])  # any case, as a push
def test_valid_calls_succeed(base: str, path: str, body: Any, algorithm: str | None) -> None:
    answer = post(base, path, body, algorithm=algorithm)
    assert (answer["code"], answer["msg"]) == (0, "Success")
    if path.endswith("page") and path != "cdr/page":
        assert isinstance(answer["total"], int)
    else:
        assert "total" not in answer


@pytest.mark.parametrize("header", ["accessKey", "ts", "bizType", "action", "sign"])
def test_missing_header_is_1001(base: str, header: str) -> None:
    assert post(base, "cdr/page", CDR_BODY, drop=header)["code"] == 1001


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"override": {"bizType": "1"}}, 1002),
        ({"override": {"action": "send"}}, 1002),
        ({"override": {"algorithm": "sha1"}}, 1002),
        ({"sk": "wrong-secret"}, 1003),
        ({"override": {"sign": "0" * 32}}, 1003),
        ({"algorithm": "sha256", "override": {"algorithm": "md5"}}, 1003),
        ({"override": {"Content-Type": "text/plain"}}, 1003),
        ({"skew_ms": -61_000}, 1004),
        ({"skew_ms": 3_600_000}, 1004),
        ({"override": {"ts": "yesterday"}}, 1004),
        ({"ak": "someone-else"}, 1005),
    ],
)
def test_broken_headers(base: str, kwargs: dict[str, Any], code: int) -> None:
    if "skew_ms" in kwargs:
        kwargs = {"ts_ms": int(time.time() * 1000) + kwargs["skew_ms"]}
    assert post(base, "cdr/page", CDR_BODY, **kwargs)["code"] == code


def test_signature_covers_the_exact_bytes(base: str) -> None:
    spaced = b'{"startTime": %d, "endTime": %d, "page": 1, "size": 100}' % (DAY, DAY + 60)
    assert post(base, "cdr/page", None, raw=spaced)["code"] == 0
    ts = str(int(time.time() * 1000))
    compact = json.dumps(CDR_BODY, separators=(",", ":")).encode()
    override = {"ts": ts, "sign": sign(AK, SK, ts, compact)}
    pretty = json.dumps(CDR_BODY).encode()  # same JSON, other bytes than signed
    assert post(base, "cdr/page", None, raw=pretty, override=override)["code"] == 1003


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b""])
def test_body_not_a_json_object_is_1002(base: str, raw: bytes) -> None:
    assert post(base, "cdr/page", None, raw=raw)["code"] == 1002


@pytest.mark.parametrize(
    ("path", "body", "msg"),
    [
        ("cdr/page", {"startTime": DAY, "page": 1, "size": 10}, "End date cannot be empty"),
        ("cdr/page", {"endTime": DAY, "page": 1, "size": 10}, "Start date cannot be empty"),
        ("cdr/page", {**CDR_BODY, "endTime": DAY - 1}, "earlier"),
        ("cdr/page", {**CDR_BODY, "size": 101}, "size"),
        ("cdr/page", {**CDR_BODY, "size": 0}, "size"),
        ("cdr/page", {**CDR_BODY, "page": 0}, "page"),
        ("cdr/page", {**CDR_BODY, "direction": 4}, "direction"),
        ("cdr/page", {**CDR_BODY, "answered": 3}, "answered"),
        ("agent/page", {"tenantId": TENANT, "page": 1, "size": 201}, "size"),
        ("agent/page", {"tenantId": TENANT, "page": 1}, "size cannot be empty"),
        ("agentGroup/page", {"tenantId": TENANT, "page": 1, "size": 201}, "size"),
        ("agent/efficiencyStatistical/page", {"tenantId": TENANT, "page": 1, "size": 101,
         "startDateTime": "2024-01-01 00:00:00", "endDateTime": "2024-01-02 00:00:00"}, "size"),
        ("agent/efficiencyStatistical/page", {"tenantId": TENANT, "page": 1, "size": 10,
         "startDateTime": "2024-01-01 00:00:00"}, "End date cannot be empty"),
        ("agentGroup/updateMembers", {"tenantId": TENANT, "queueNo": "NXQueue0001"},
         "members cannot be empty"),
        ("agentGroup/updateMembers", {"tenantId": TENANT, "queueNo": "NXQueue0001",
                                      "members": "NXAgent0001"}, "members must be a list"),
        ("agentGroup/updateMembers", {"tenantId": TENANT, "queueNo": "NXQueue0001",
                                      "members": ["NXAgent9999"]}, "NXAgent9999"),
        ("ai/createandcall", {"taskName": "t", "strategyName": "s", "country": "SG",
         "predictCallRate": 1, "ratioCallRate": 1, "startCount": 0, "callList": []}, "callList"),
        ("ai/createandcall", {"taskName": "t", "callList": [{"userPhone": "6581234567"}]},
         "strategyName cannot be empty"),
        ("agent/status/info", {"tenantId": TENANT, "userName": "agent0001@example.com",
                               "startDateTime": DAY}, "End date cannot be empty"),
    ],
)  # fmt: skip
def test_invalid_bodies_are_41000(base: str, path: str, body: Any, msg: str) -> None:
    answer = post(base, path, body)
    assert answer["code"] == 41000
    assert msg in answer["msg"]


def test_wrong_tenant_is_1005(base: str) -> None:
    assert post(base, "agent/page", {"tenantId": 1, "page": 1, "size": 10})["code"] == 1005


def test_unknown_path_is_404(base: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as info:
        post(base, "no/such/endpoint", {})
    assert info.value.code == 404
    info.value.close()
