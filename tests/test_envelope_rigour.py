"""Result codes are integers or the reply is malformed; malformed replies carry context."""

from __future__ import annotations

import contextlib
import pickle
import re
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nxcc_async._core.errors import (
    APIError,
    AuthError,
    CECTimestampError,
    MalformedReplyError,
    ResponseFormatError,
    ServerError,
    TimestampError,
    TransientError,
)
from nxcc_async._core.excerpt import excerpt
from nxcc_async._core.transport import Response
from nxcc_async.cec import envelope as cec
from nxcc_async.nxcc import envelope as nxcc


def _resp(body: object, status: int = 200) -> Response:
    raw = body if isinstance(body, bytes) else orjson.dumps(body)
    return Response(status=status, headers={}, body=raw)


def _nxcc(code: object, **extra: Any) -> dict[str, Any]:
    return nxcc.decode(_resp({"reqId": "r-1", "code": code, "msg": "m", "data": {}, **extra}), "x")


# -- NXCC ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [0, "0", " 0 ", "+0", "-0", "00"])
def test_integer_zero_spellings_are_success(code: object) -> None:
    assert _nxcc(code)["reqId"] == "r-1"


@pytest.mark.parametrize("code", [99, "99", " 99", "+99"])
def test_integer_codes_map_to_errors(code: object) -> None:
    with pytest.raises(ServerError) as info:
        _nxcc(code)
    assert info.value.code == 99


def test_negative_code_string_is_an_api_error() -> None:
    with pytest.raises(APIError) as info:
        _nxcc("-1")
    assert info.value.code == -1


def test_code_half_is_not_success() -> None:
    with pytest.raises(ResponseFormatError) as info:
        _nxcc(0.5)
    assert not isinstance(info.value, TransientError)  # the same request gets the same reply
    assert info.value.req_id == "r-1"
    assert info.value.endpoint == "x"
    assert info.value.status == 200
    assert '"code":0.5' in info.value.excerpt


@pytest.mark.parametrize(
    "code",
    [False, True, 1e-100, 0.0, "0.0", "1e3", "", " ", "0x0", "1_0", "٠", None, [], [0], {}, "zero"],
)
def test_non_integer_codes_are_format_errors(code: object) -> None:
    with pytest.raises(ResponseFormatError) as info:
        _nxcc(code)
    assert not isinstance(info.value, MalformedReplyError)


def test_code_of_five_thousand_digits_is_a_format_error() -> None:
    with pytest.raises(ResponseFormatError):
        _nxcc("9" * 5000)


def test_code_false_is_not_success() -> None:
    with pytest.raises(ResponseFormatError):
        _nxcc(False)


@pytest.mark.parametrize(
    "body",
    [b"<html><body>502 Bad Gateway</body></html>", b"[1, 2]", b'"ok"', b"null", b'{"reqId": "z"}'],
)
def test_no_envelope_at_all_is_a_transient_malformed_reply(body: bytes) -> None:
    with pytest.raises(MalformedReplyError) as info:
        nxcc.decode(_resp(body), "agent/page")
    err = info.value
    assert isinstance(err, ResponseFormatError)
    assert isinstance(err, ServerError)  # transient: idempotent calls retry it
    assert err.endpoint == "agent/page"
    assert err.status == 200
    assert err.excerpt


def test_html_excerpt_is_short_and_in_the_error() -> None:
    page = b"<html>" + b"<p>gateway</p>" * 200 + b"</html>"
    with pytest.raises(MalformedReplyError) as info:
        nxcc.decode(_resp(page), "x")
    assert info.value.excerpt.startswith("<html><p>gateway</p>")
    assert len(info.value.excerpt) <= 160


def test_malformed_reply_excerpt_redacts_credentials() -> None:
    body = b'{"code": "0.0", "accessSecret": "hunter2", "sign": "deadbeef"}'
    with pytest.raises(ResponseFormatError) as info:
        nxcc.decode(_resp(body), "x")
    text = f"{info.value} {info.value!r} {info.value.excerpt}"
    assert "hunter2" not in text
    assert "deadbeef" not in text


def test_format_errors_pickle_to_their_own_class() -> None:
    err = MalformedReplyError("not JSON", excerpt="<html>", status=200, endpoint="x")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is MalformedReplyError
    assert (back.excerpt, back.endpoint, back.msg) == ("<html>", "x", "not JSON")


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.floats(allow_nan=False)
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.text()
    | st.from_regex(r"\A\s*[+-]?[0-9]{1,20}\s*\Z"),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@given(_JSON)
def test_only_integer_zero_is_ever_success(code: object) -> None:
    is_zero = (type(code) is int and code == 0) or (
        isinstance(code, str) and re.fullmatch(r"\s*[+-]?0+\s*", code, re.ASCII) is not None
    )
    try:
        _nxcc(code)
    except APIError:
        assert not is_zero
    else:
        assert is_zero


@given(st.binary(max_size=200))
def test_any_body_decodes_or_raises_a_library_error(body: bytes) -> None:
    for decode in (
        lambda r: nxcc.decode(r, "x"),
        lambda r: cec.decode(r, "x", "result"),
        lambda r: cec.decode(r, "x", "return"),
    ):
        with contextlib.suppress(APIError):
            decode(_resp(body))


# -- CEC -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [0.5, True, False, "0.0", "0100000.0", [], {}, "ok"])
def test_cec_result_code_of_wrong_type_is_a_format_error(code: object) -> None:
    with pytest.raises(ResponseFormatError) as info:
        cec.decode(_resp({"resultCode": code, "resultDesc": {}}), "x", "result")
    assert not isinstance(info.value, MalformedReplyError)


@pytest.mark.parametrize("code", [0.0, True, "0.0"])
def test_cec_legacy_result_of_wrong_type_is_a_format_error(code: object) -> None:
    with pytest.raises(ResponseFormatError):
        cec.decode(_resp({"result": code, "resultDatas": [1]}), "x", "result")


@pytest.mark.parametrize("code", [False, 0.0, "0.0", None])
def test_cec_return_code_of_wrong_type_is_not_success(code: object) -> None:
    with pytest.raises(ResponseFormatError):
        cec.decode(_resp({"returnCode": code, "data": []}), "x", "return")


def test_cec_code_with_spaces_is_read() -> None:
    body = {"resultCode": " 0100000 ", "resultDesc": {"a": 1}}
    assert cec.decode(_resp(body), "x", "result") == {"a": 1}


def test_cec_html_is_a_transient_malformed_reply() -> None:
    with pytest.raises(MalformedReplyError) as info:
        cec.decode(_resp(b"<html>login</html>"), "agentgroup/systemstate", "result")
    assert info.value.endpoint == "agentgroup/systemstate"
    assert info.value.excerpt == "<html>login</html>"


def test_cec_stale_timestamp_401_is_its_own_class() -> None:
    body = {"error": "Unauthorized", "reason": "timestamp outside the allowed window of 900 s"}
    with pytest.raises(CECTimestampError) as info:
        cec.decode(_resp(body, status=401), "x", "result")
    assert isinstance(info.value, TimestampError)
    assert info.value.status == 401


def test_cec_other_401_stays_a_plain_auth_error() -> None:
    body = {"error": "Unauthorized", "reason": "signature mismatch"}
    with pytest.raises(AuthError) as info:
        cec.decode(_resp(body, status=401), "x", "result")
    assert type(info.value) is AuthError


# -- excerpt -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "secret"),
    [
        (b'{"accessSecret": "hunter2"}', "hunter2"),
        (b"POST /x?a=1&sign=deadbeef&ts=1", "deadbeef"),
        (b"Authorization: auth-v2/ak/2024-01-01T00:00:00Z/host/cafe01", "cafe01"),
        (b"echo auth-v2/ak/2024-01-01T00:00:00Z/host/cafe02 done", "cafe02"),
        (b"{'secret_key': 'sk-1'}", "sk-1"),
        (b'{"token": 123456789}', "123456789"),
        (b"access_token=tok-9; other=1", "tok-9"),
        (b"Authorization: Bearer abc.def.ghi", "abc.def"),
        (b'{"x": 1, "accessSecret": "' + b"s" * 300 + b'"}', "sssss"),
    ],
)
def test_excerpt_redacts_credentials(body: bytes, secret: str) -> None:
    assert secret not in excerpt(body)


def test_excerpt_is_printable_and_bounded() -> None:
    text = excerpt(b"\x00\x01line one\r\n\tline two\xff" + b"z" * 1000, limit=40)
    assert len(text) == 40
    assert text.endswith("...")
    assert text.isprintable()
    assert "line one line two" in text


@given(st.binary(max_size=2000), st.integers(min_value=1, max_value=300))
def test_excerpt_never_exceeds_its_limit(body: bytes, limit: int) -> None:
    text = excerpt(body, limit)
    assert len(text) <= max(limit, 3)
    assert text.isprintable()
