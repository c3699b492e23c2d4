"""auth-v2 signing reproduces the spec's vectors (§2) and its percent-encoding rule."""

from __future__ import annotations

import datetime as dt

import pytest

from nxcc_async.cec.signing import (
    authorization,
    canonical_query,
    canonical_request,
    encode,
    normalize_signed_headers,
    prefix,
    signing_key,
    timestamp,
)

AK, SK = "globalaktest", "test-secret-key"
NOW = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
PATH = "/rest/cmsapp/v1/openapi/agentgroup/systemstate"
BODY = b'{"queryParam":{"ccId":1,"vdn":1,"offset":0,"limit":10}}'
HEADERS = {
    "Host": "10.22.26.181:28080",
    "Content-Type": "application/json;charset=UTF-8",
    "Content-Length": "55",
}
VECTOR_HOST = (
    "auth-v2/globalaktest/2024-01-02T03:04:05Z/host/"
    "d45603ec63bdb1c57b17c019f3995c19e5920effa025d9e06a6a1ed321d1c78d"
)
VECTOR_THREE = (
    "auth-v2/globalaktest/2024-01-02T03:04:05Z/content-length;content-type;host/"
    "100ebf66f0332cd2218d23f0c53665d0fb24793b7dba0553d4cfc61503f298d1"
)
VECTOR_QUERY = (
    "auth-v2/globalaktest/2024-01-02T03:04:05Z/host/"
    "3bb80e473edc423a19b63cb752850d8f9cfce94fda98d45394a966b64cb91f8b"
)


def _auth(**overrides: object) -> str:
    args: dict[str, object] = {
        "access_key": AK,
        "secret_key": SK,
        "now": NOW,
        "method": "POST",
        "path": PATH,
        "headers": HEADERS,
        "body": BODY,
    }
    args.update(overrides)
    return authorization(**args)  # type: ignore[arg-type]


def test_body_is_the_vector_body() -> None:
    assert len(BODY) == 55


def test_vector_host_only() -> None:
    assert _auth() == VECTOR_HOST


def test_vector_three_signed_headers_any_order_and_case() -> None:
    assert _auth(signed_headers=("Host", "content-type", "CONTENT-LENGTH")) == VECTOR_THREE


def test_vector_with_query() -> None:
    assert _auth(query={"b": "x y", "a": "1"}) == VECTOR_QUERY
    assert _auth(query=[("a", "1"), ("b", "x y")]) == VECTOR_QUERY


def test_vector_intermediate_signing_key() -> None:
    head = prefix(access_key=AK, timestamp=timestamp(NOW), signed_headers=["host"])
    assert head == "auth-v2/globalaktest/2024-01-02T03:04:05Z/host"
    assert signing_key(secret_key=SK, prefix=head) == (
        "d395d16eaa613196a39c13c0a2a5a18a95188291c48ea8a6ed57d17406f396bd"
    )


def test_vector_intermediate_canonical_request() -> None:
    text = canonical_request(
        method="POST", path=PATH, query=None, headers=HEADERS, signed_headers=["host"], body=BODY
    )
    assert text == (
        "POST\n/rest/cmsapp/v1/openapi/agentgroup/systemstate\nhost\nhost:10.22.26.181%3A28080\n"
        "%7B%22queryParam%22%3A%7B%22ccId%22%3A1%2C%22vdn%22%3A1%2C%22offset%22%3A0"
        "%2C%22limit%22%3A10%7D%7D"
    )


def test_query_line_only_when_there_is_a_query() -> None:
    without = canonical_request(
        method="POST", path="/p", query={}, headers=HEADERS, signed_headers=["host"], body=b"x"
    )
    with_query = canonical_request(
        method="POST",
        path="/p",
        query={"a": "1"},
        headers=HEADERS,
        signed_headers=["host"],
        body=b"x",
    )
    assert without.split("\n") == ["POST", "/p", "host", "host:10.22.26.181%3A28080", "x"]
    assert with_query.split("\n")[2] == "a=1"


def test_empty_body_adds_nothing() -> None:
    text = canonical_request(
        method="post", path="/p", query=None, headers=HEADERS, signed_headers=["host"], body=b""
    )
    assert text == "POST\n/p\nhost\nhost:10.22.26.181%3A28080"


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        ("AZaz09-._~", "AZaz09-._~"),
        ("x y", "x%20y"),
        ("a+b=c&d", "a%2Bb%3Dc%26d"),
        ("/:?#", "%2F%3A%3F%23"),
        ("牛", "%E7%89%9B"),
        ("é", "%C3%A9"),
        ("\n\t", "%0A%09"),
        ("%", "%25"),
        ("", ""),
    ],
)
def test_encode(raw: str, encoded: str) -> None:
    assert encode(raw) == encoded
    assert encode(raw.encode()) == encoded


def test_encode_hex_is_uppercase() -> None:
    assert encode(bytes([0xAB, 0xFF])) == "%AB%FF"


def test_query_pairs_sorted_as_encoded_strings() -> None:
    assert canonical_query({"b": "2", "a b": "1", "a": "~"}) == "a%20b=1&a=~&b=2"


def test_timestamp_is_utc_seconds() -> None:
    plus8 = dt.timezone(dt.timedelta(hours=8))
    assert timestamp(dt.datetime(2024, 1, 2, 11, 4, 5, 999, tzinfo=plus8)) == (
        "2024-01-02T03:04:05Z"
    )
    with pytest.raises(ValueError, match="timezone-aware"):
        timestamp(dt.datetime(2024, 1, 2))


def test_signed_header_names_normalized() -> None:
    assert normalize_signed_headers(["Host", "content-type", "host"]) == ("content-type", "host")
    with pytest.raises(ValueError, match="non-empty"):
        normalize_signed_headers([])


def test_missing_signed_header_value_refused() -> None:
    with pytest.raises(ValueError, match="content-md5"):
        _auth(signed_headers=("host", "content-md5"))


def test_utf8_body_is_signed_byte_by_byte() -> None:
    body = '{"name":"牛小信 ~x"}'.encode()
    text = canonical_request(
        method="POST", path="/p", query=None, headers=HEADERS, signed_headers=["host"], body=body
    )
    assert text.endswith("%7B%22name%22%3A%22%E7%89%9B%E5%B0%8F%E4%BF%A1%20~x%22%7D")


def test_encoding_agrees_with_the_emulators_independent_rule() -> None:
    import random

    from nxcc_async.emulator.cec import _pct

    rng = random.Random(5)
    alphabet = "aZ09-._~ /+=&%?#:;,@!*'()[]{}\"\\\n\té牛😀"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 20)))
        assert encode(text) == _pct(text)
        assert encode(text.encode()) == _pct(text.encode())
