"""CEC answers map onto the error tree; payloads come from resultDesc, else resultDatas."""

from __future__ import annotations

import orjson
import pytest

from nxcc_async._core.errors import (
    APIError,
    AuthError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    TransientError,
    ValidationError,
)
from nxcc_async._core.transport import Response
from nxcc_async.cec.envelope import decode

# The seed document's example answer, verbatim.
SEED_SAMPLE = b"""{
    "result": "0",
    "resultCode": "0100000",
    "resultDatas": {"busyAgent": 0, "talkingNum": 0, "idleAgent": 0, "totalLoginAgent": 0},
    "resultDesc": {"busyAgent": 0, "talkingNum": 0, "idleAgent": 0, "totalLoginAgent": 0}
}"""


def _resp(body: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    raw = body if isinstance(body, bytes) else orjson.dumps(body)
    return Response(status=status, headers=headers or {}, body=raw)


def test_seed_sample_decodes() -> None:
    assert decode(_resp(SEED_SAMPLE), "agentgroup/systemstate", "result") == {
        "busyAgent": 0,
        "talkingNum": 0,
        "idleAgent": 0,
        "totalLoginAgent": 0,
    }


def test_result_code_wins_over_result() -> None:
    body = {"result": "0", "resultCode": "0100002", "resultDesc": "ccId is invalid"}
    with pytest.raises(ValidationError) as info:
        decode(_resp(body), "agentgroup/systemstate", "result")
    assert info.value.code == "0100002"
    assert info.value.msg == "ccId is invalid"
    assert "ccId is invalid" in str(info.value)


def test_legacy_result_only_success_uses_result_datas() -> None:
    body = {"result": "0", "resultDatas": {"busyagent": 2}, "resultDesc": "success"}
    assert decode(_resp(body), "querymonitor/systemstate", "result") == {"busyagent": 2}


@pytest.mark.parametrize("payload", [True, False, 0, 7, [], {}])
def test_a_payload_that_is_no_object_comes_from_result_desc_too(payload: object) -> None:
    body = {"resultCode": "0100000", "resultDesc": payload, "resultDatas": "legacy"}
    assert decode(_resp(body), "calldata/isprocesscall", "result") == payload


@pytest.mark.parametrize("desc", [None, "success"])
def test_a_message_or_nothing_in_result_desc_leaves_the_payload_to_result_datas(
    desc: object,
) -> None:
    body = {"resultCode": "0100000", "resultDesc": desc, "resultDatas": {"a": 1}}
    assert decode(_resp(body), "x", "result") == {"a": 1}


@pytest.mark.parametrize("code", ["0", 0])
def test_a_result_code_of_zero_is_the_legacy_success(code: object) -> None:
    body = {"resultCode": code, "resultDesc": {"a": 1}}
    assert decode(_resp(body), "x", "result") == {"a": 1}


def test_legacy_result_only_failure() -> None:
    body = {"result": "0100002", "resultDesc": "bad vdn"}
    with pytest.raises(ValidationError, match="bad vdn"):
        decode(_resp(body), "querymonitor/systemstate", "result")


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("0100001", ServerError),
        ("0100999", ServerError),
        ("0100002", ValidationError),
        ("0101003", PermissionDeniedError),
        ("0100003", APIError),
        ("0101001", APIError),
        ("0101002", APIError),
        ("0199999", APIError),
    ],
)
def test_result_codes_map_onto_tree(code: str, cls: type[APIError]) -> None:
    body = {"result": "1", "resultCode": code, "resultDatas": None, "resultDesc": "failed"}
    with pytest.raises(APIError) as info:
        decode(_resp(body), "agentgroup/systemstate", "result")
    assert type(info.value) is cls
    assert info.value.code == code
    assert info.value.endpoint == "agentgroup/systemstate"


def test_server_codes_are_transient() -> None:
    for code in ("0100001", "0100999"):
        with pytest.raises(TransientError):
            decode(_resp({"resultCode": code}), "x", "result")


def test_permission_denied_is_an_auth_error() -> None:
    with pytest.raises(AuthError):
        decode(_resp({"resultCode": "0101003", "resultDesc": "no right"}), "x", "result")


def test_numeric_result_code_gets_its_leading_zero_back() -> None:
    with pytest.raises(ValidationError) as info:
        decode(_resp({"resultCode": 100002, "result": 1}), "x", "result")
    assert info.value.code == "0100002"
    assert decode(_resp({"resultCode": 100000, "resultDesc": {"a": 1}}), "x", "result") == {"a": 1}
    assert decode(_resp({"result": 0, "resultDatas": [1]}), "x", "result") == [1]


def test_failure_with_object_desc_has_empty_message() -> None:
    with pytest.raises(APIError) as info:
        decode(_resp({"resultCode": "0100003", "resultDesc": {"x": 1}}), "x", "result")
    assert info.value.msg == ""


def test_http_401_is_auth_error_without_body_in_message() -> None:
    body = b'{"error":"Unauthorized","echo":"auth-v2/ak/2024-01-01T00:00:00Z/host/deadbeef"}'
    with pytest.raises(AuthError) as info:
        decode(_resp(body, status=401), "agentgroup/systemstate", "result")
    assert info.value.status == 401
    assert "deadbeef" not in str(info.value)
    assert "deadbeef" not in repr(info.value)


@pytest.mark.parametrize(
    ("status", "cls"), [(404, NotFoundError), (500, ServerError), (503, ServerError)]
)
def test_http_statuses(status: int, cls: type[APIError]) -> None:
    with pytest.raises(cls):
        decode(_resp(b"oops", status=status), "x", "result")


def test_http_429_carries_retry_after() -> None:
    with pytest.raises(RateLimitError) as info:
        decode(_resp(b"", status=429, headers={"Retry-After": "3"}), "x", "result")
    assert info.value.retry_after == 3.0


@pytest.mark.parametrize("body", [b"<html>", b"[1,2]", b'{"foo": 1}'])
def test_not_an_envelope_is_server_error(body: bytes) -> None:
    with pytest.raises(ServerError):
        decode(_resp(body), "x", "result")


def test_return_envelope_success() -> None:
    body = {"returnCode": "0", "description": "success", "data": [{"agentId": 1}]}
    assert decode(_resp(body), "vdn/queryAgentByStatus", "return") == [{"agentId": 1}]


def test_return_envelope_failure() -> None:
    body = {"returnCode": "0100002", "description": "status is invalid", "data": None}
    with pytest.raises(ValidationError, match="status is invalid"):
        decode(_resp(body), "vdn/queryAgentByStatus", "return")
    with pytest.raises(ServerError):
        decode(_resp({"description": "?"}), "vdn/queryAgentByStatus", "return")
