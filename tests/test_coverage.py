"""The README's coverage table names every interface of both vendors, a route the emulator
serves, and tests that exist."""

from __future__ import annotations

import re
from pathlib import Path

from nxcc_async.cec import endpoints as cec_ep
from nxcc_async.emulator.cec import ROOT, ROUTES
from nxcc_async.emulator.data import EmulatorData
from nxcc_async.emulator.endpoints import Endpoints
from nxcc_async.nxcc import endpoints as nxcc_ep

HERE = Path(__file__).resolve().parent
README = (HERE.parent / "README.md").read_text(encoding="utf-8")
ROWS = [line for line in README.splitlines() if line.startswith("| `")]


def _row(interface: str) -> str:
    for line in ROWS:
        if line.split("|")[1].strip().split(" ")[0] == f"`{interface}`":
            return line
    raise AssertionError(f"{interface} is not in the README's coverage table")


def test_every_nxcc_endpoint_is_in_the_table_with_its_route() -> None:
    served = Endpoints(EmulatorData(seed=1, tenant_id=1, cdrs_per_day=1)).table()
    paths = {e.path for e in vars(nxcc_ep).values() if isinstance(e, nxcc_ep.NXCCEndpoint)}
    assert paths == set(served)
    for path in paths:
        assert f"POST {nxcc_ep.PREFIX}{path}`" in _row(path)


def test_every_cec_endpoint_is_in_the_table_with_its_route() -> None:
    for endpoint in cec_ep.ENDPOINTS:
        row = _row(endpoint.path)
        assert f"POST {endpoint.full_path}`" in row
        assert endpoint.full_path.removeprefix(ROOT) in ROUTES


def test_the_tests_named_in_the_table_exist() -> None:
    for line in ROWS:
        for file, name in re.findall(r"`(test_\w+\.py)::(test_\w+)", line):
            source = (HERE / file).read_text(encoding="utf-8")
            assert f"def {name}(" in source, f"{file}::{name}"
