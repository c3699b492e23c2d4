"""Shared test helpers: credentials, a fast retry policy, an independent NXCC sign check."""

from __future__ import annotations

import hashlib
import inspect
import signal
import uuid
from collections.abc import Iterator, Mapping

import aiohttp
import pytest

from nxcc_async import RetryPolicy

AK = "test-ak"
SK = "test-secret-value"
TENANT = 144

FAST_RETRY = RetryPolicy(max_retries=3, wait_initial=0.0, wait_max=0.0, wait_jitter=0.0)


def expected_sign(headers: Mapping[str, str], body: bytes, secret: str = SK) -> str:
    """The signature recomputed from the spec text alone (not the library's signing code)."""
    text = (
        f"accessKey={headers['accessKey']}&action={headers['action']}"
        f"&bizType={headers['bizType']}&ts={headers['ts']}"
    ).encode()
    if body:
        text += b"&body=" + body
    text += b"&accessSecret=" + secret.encode()
    algorithm = headers.get("algorithm", "md5")
    return hashlib.new(algorithm, text).hexdigest()


def point_cli_at(
    monkeypatch: pytest.MonkeyPatch, base_url: str, access_key: str, secret: str, tenant: int
) -> None:
    """Point the ``nxcc`` command at a server: the ``NXCC_*`` variables it reads, and none of
    the ones that would change what it does (a region, debug output) left from the caller."""
    monkeypatch.setenv("NXCC_BASE_URL", base_url)
    monkeypatch.setenv("NXCC_ACCESS_KEY", access_key)
    monkeypatch.setenv("NXCC_ACCESS_SECRET", secret)
    monkeypatch.setenv("NXCC_TENANT_ID", str(tenant))
    monkeypatch.delenv("NXCC_REGION", raising=False)
    monkeypatch.delenv("NXCC_DEBUG", raising=False)


AIOHTTP_VERSION = tuple(int(part) for part in aiohttp.__version__.split(".")[:2])
NO_AIORESPONSES = pytest.mark.skip(
    reason=f"aioresponses cannot build aiohttp {aiohttp.__version__}'s responses (needs "
    "aiohttp<3.14; the nox 'tests' session runs these)"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """On aiohttp >= 3.14, skip the tests that mock HTTP with aioresponses (and only those)."""
    if AIOHTTP_VERSION < (3, 14):
        return
    for item in items:
        function = getattr(item, "function", None)
        if function is not None and "aioresponses(" in inspect.getsource(function):
            item.add_marker(NO_AIORESPONSES)


@pytest.fixture(autouse=True, scope="session")
def _ctrl_c_reaches_the_tests() -> Iterator[None]:
    """SIGINT handled by Python for the session, also when the tests run in a background job:
    its shell ignores SIGINT, and so would every child process the Ctrl-C tests start."""
    previous = signal.getsignal(signal.SIGINT)
    if previous == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture
def fast_retry() -> RetryPolicy:
    """Retries without waiting."""
    return FAST_RETRY


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A PostgreSQL server started for this test session (skipped only when no server binary
    is installed); the URL of its ``postgres`` database."""
    from tests.postgres_server import NOT_FOUND, find_bin_dir, postgres_server

    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip(NOT_FOUND)
    with postgres_server(bin_dir) as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server_url: str) -> str:
    """A fresh, empty database on the session's PostgreSQL server."""
    from tests.postgres_server import create_database

    return create_database(postgres_server_url, f"t_{uuid.uuid4().hex[:12]}")
