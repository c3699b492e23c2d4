"""A user script of the blocking facade: ``mypy --strict`` must accept it (nox -s typecheck).

It is type-checked, not run: it needs a server.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from typing_extensions import assert_type

from nxcc_async import NXCC, Agent, CallDirection, CallRecord, Page
from nxcc_async.cec import CEC, SystemState


def report(client: NXCC) -> int:
    start = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    end = start + dt.timedelta(days=1)
    page = client.agents.page(1, 50)
    assert_type(page, Page[Agent])
    agents = client.agents.list()
    assert_type(agents, list[Agent])
    cdrs = client.cdrs.iter(start, end, direction=CallDirection.INBOUND, answered=True)
    assert_type(cdrs, Iterator[CallRecord])
    harvested = sum(1 for _ in client.cdrs.harvest(start, end, checkpoint="run.ckpt"))
    client.queues.update_members("NXQueue0001", [a.sip_number for a in agents[:2]])
    return len(page.items) + harvested


def monitor(cec: CEC) -> int:
    state = cec.system_state(cc_id=1, vdn=1, offset=0, limit=100)
    assert_type(state, SystemState)
    return state.busy_agent + state.idle_agent


def main() -> None:
    with NXCC(access_key="ak", access_secret="sk", base_url="http://127.0.0.1:8080") as client:
        print(report(client))
    with CEC("https://127.0.0.1:28080", "ak", "sk") as cec:
        print(monitor(cec))
