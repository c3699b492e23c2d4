"""pytest fixtures serving the emulator (registered as the ``nxcc_emulator`` pytest11 plugin).

- ``nxcc_emulator``: an ``Emulator`` running on the test's event loop (async tests);
- ``nxcc_emulator_thread``: an ``Emulator`` in its own thread (blocking code, sync facades);
- ``nxcc_emulator_options``: the constructor arguments; override it to change them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from nxcc_async.emulator.server import Emulator

try:  # pytest-asyncio in strict mode only runs async fixtures it decorated
    from pytest_asyncio import fixture as _async_fixture
except ImportError:  # pragma: no cover
    _async_fixture = pytest.fixture  # type: ignore[assignment]


@pytest.fixture
def nxcc_emulator_options() -> dict[str, Any]:
    """Arguments for the emulator fixtures; override in a conftest to change them."""
    return {"access_key": "ak", "access_secret": "sk", "tenant_id": 144, "seed": 7}


@_async_fixture
async def nxcc_emulator(nxcc_emulator_options: dict[str, Any]) -> AsyncIterator[Emulator]:
    """An emulator serving on the running event loop."""
    async with Emulator(**nxcc_emulator_options) as emulator:
        yield emulator


@pytest.fixture
def nxcc_emulator_thread(nxcc_emulator_options: dict[str, Any]) -> Iterator[Emulator]:
    """An emulator serving from its own thread and event loop."""
    with Emulator.in_thread(**nxcc_emulator_options) as emulator:
        yield emulator
