"""The NXCC signature reproduces every vector of the spec (§2)."""

from __future__ import annotations

import pytest

from nxcc_async.nxcc.signing import (
    Algorithm,
    Signer,
    check_algorithm,
    sign,
    signed_headers,
    string_to_sign,
)

AK, SK, TS = "fme2na3kdi3ki", "abciiiko2k3", "1655710885431"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('{"name":"牛小信","id":10001}', "87c3560d3331ae23f1021e2025722354"),
        ('{"id":10001,"name":"牛小信"}', "7750759da06333f20d0640be09355e34"),
        ('{"id": 10001, "name": "牛小信"}', "d0c24a9886c629330d7f3f2056c65bc2"),
    ],
)
def test_vendor_vectors(body: str, expected: str) -> None:
    got = sign(
        access_key=AK, access_secret=SK, ts=TS, body=body.encode(), biz_type="1", action="send"
    )
    assert got == expected


CC_BODY = b'{"startTime":1688140800,"endTime":1690819200,"page":1,"size":100}'


def test_call_center_md5_vector() -> None:
    assert sign(access_key=AK, access_secret=SK, ts=TS, body=CC_BODY) == (
        "8a8cb2224411a5f8dd4b556e0563537b"
    )


def test_call_center_sha256_vector() -> None:
    got = sign(access_key=AK, access_secret=SK, ts=TS, body=CC_BODY, algorithm="sha256")
    assert got == "1180d25538c97d9c8b93c8fc0846469a070704fa170513ade0c957a748cea3fb"


def test_empty_body_leaves_body_part_out() -> None:
    assert string_to_sign(access_key=AK, ts=TS, body=b"") == (
        b"accessKey=fme2na3kdi3ki&action=cc&bizType=8&ts=1655710885431"
    )


def test_headers_carry_algorithm_only_for_sha256() -> None:
    md5 = signed_headers(access_key=AK, access_secret=SK, ts_ms=int(TS), body=CC_BODY)
    assert "algorithm" not in md5
    assert md5["sign"] == "8a8cb2224411a5f8dd4b556e0563537b"
    assert md5["ts"] == TS
    assert (md5["bizType"], md5["action"], md5["accessKey"]) == ("8", "cc", AK)
    sha = signed_headers(
        access_key=AK, access_secret=SK, ts_ms=int(TS), body=CC_BODY, algorithm="sha256"
    )
    assert sha["algorithm"] == "sha256"
    assert SK not in "".join(sha.values())


def test_unknown_algorithm_is_refused() -> None:
    with pytest.raises(ValueError, match="md5"):
        check_algorithm("sha1")


@pytest.mark.parametrize("algorithm", ["md5", "sha256"])
@pytest.mark.parametrize("body", [b"", CC_BODY])
def test_the_signer_gives_the_same_headers_as_signed_headers(
    algorithm: Algorithm, body: bytes
) -> None:
    expected = signed_headers(
        access_key=AK, access_secret=SK, ts_ms=int(TS), body=body, algorithm=algorithm
    )
    assert Signer(AK, algorithm).headers(SK, int(TS), body) == expected
