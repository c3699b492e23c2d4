"""The blocking ``CEC`` works against the emulator (its parity with ``AsyncCEC``: see
``test_blocking_facade.py``)."""

from __future__ import annotations

import pytest

from nxcc_async._core.errors import AuthError
from nxcc_async._core.retry import RetryPolicy
from nxcc_async.cec import CEC
from nxcc_async.emulator import Emulator
from nxcc_async.emulator.cec_data import system_counts

FAST = RetryPolicy(max_retries=1, wait_initial=0.0, wait_max=0.0, wait_jitter=0.0)


def test_sync_client_against_the_emulator() -> None:
    with Emulator.in_thread(seed=3, cec_access_key="ak", cec_secret_key="sk") as emu:
        agents = emu.cec.agents(1, 1)
        with CEC(emu.base_url, "ak", "sk", retry=FAST) as cec:
            total = cec.system_state_total(1, 1)
            assert total.total_login_agent == system_counts(agents)["totalLoginAgent"]
            assert cec.legacy_system_state(1, 1).idle_agent == total.idle_agent
            assert len(cec.vdn_agents(1, 1, page_size=100)) == len(agents)
            assert cec.agent_status(1, 1, [1001])[0].agent_id == 1001
            assert cec.team_agent_status(1, 1, [1001, 1002]).logged_in >= 0
            assert cec.agent_rest_info(1, 1).allow_rest_num > 0
            assert len(cec.agent_calls(1, 1, [1001, 1002])) == 2
            assert cec.vdn_agents_page(1, 1, 0, 10).total == len(agents)
            assert all(a.current_state == 8 for a in cec.agents_by_status(1, 1, 8))
            assert "sk'" not in repr(cec)
        with CEC(emu.base_url, "ak", "wrong", retry=FAST) as bad, pytest.raises(AuthError):
            bad.system_state(1, 1)
