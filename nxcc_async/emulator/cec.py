"""The CEC (Huawei CC-CMS monitoring) side of the emulator: every interface of the spec, each
request checked for a valid auth-v2 Authorization header.

    service = CECService(access_key=..., secret_key=..., seed=...)
    service.add_routes(app)        # registers POST /rest/cmsapp/v1/openapi/... (and v2) handlers

The auth-v2 check here is written apart from the client's ``nxcc_async.cec.signing`` (it shares no
code with it), so a bug in one cannot hide in both. Rejections: HTTP 401 for a missing,
malformed or wrong Authorization, an unknown access key, a signed header set without ``host``,
or a timestamp more than ``max_skew`` (default 15 minutes) away from the emulator's clock.
Parameter errors answer HTTP 200 with ``resultCode`` ``0100002``; a ``ccId`` outside 1-99 (the
emulated tenant's call centers) answers ``0101003``. Bodies are checked per interface like the
real service: required keys, ranges, list caps, types (e.g. ``isCallIn`` a boolean).

``live_period``: every that many seconds a share of the agents change state (``cec_data.churn``)
and the skill queues move; ``None`` (the default) keeps the data static.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import zlib
from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from aiohttp import web

from nxcc_async.emulator.cec_data import (
    EmuAgent,
    EmuSkill,
    churn,
    make_agents,
    make_skills,
    rest_info,
    system_counts,
    team_counts,
)

PREFIX = "/rest/cmsapp/v1/openapi/"
PREFIX_V2 = "/rest/cmsapp/v2/openapi/"
DEFAULT_MAX_SKEW = dt.timedelta(minutes=15)
OWNED_CC_IDS = range(1, 100)

Payload = Any
Handler = Callable[["CECService", dict[str, Any]], Payload]


class ParamError(Exception):
    """A request parameter is missing or out of range (answered with ``0100002``)."""


class Denied(Exception):
    """The account may not see this call center (answered with ``0101003``)."""


def _pct(value: str | bytes) -> str:
    # quote() keeps A-Z a-z 0-9 and "_.-~" and writes uppercase %XX: the rule of auth-v2.
    return quote(value, safe="")


def _hmac_sha256_hex(key: str, text: str) -> str:
    return hmac.new(key.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


class AuthV2Verifier:
    """Recomputes an auth-v2 signature from the request as received and compares."""

    def __init__(
        self,
        *,
        access_key: str,
        secret_key: str,
        max_skew: dt.timedelta,
        clock: Callable[[], dt.datetime],
        signed_host: str | None,
    ) -> None:
        self._access_key = access_key
        self._secret_key = secret_key
        self._max_skew = max_skew
        self._clock = clock
        self._signed_host = signed_host

    def __repr__(self) -> str:
        return f"AuthV2Verifier(access_key={self._access_key!r})"

    def check(self, request: web.Request, body: bytes) -> str | None:
        """``None`` when the request is signed right, else the reason (no secret in it)."""
        header = request.headers.get("Authorization")
        if not header:
            return "missing Authorization header"
        parts = header.split("/")
        if len(parts) != 5 or parts[0] != "auth-v2":
            return "malformed Authorization header"
        _, access_key, stamp, signed, signature = parts
        if not hmac.compare_digest(access_key.encode(), self._access_key.encode()):
            return "unknown access key"
        try:
            when = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
        except ValueError:
            return "malformed timestamp"
        if abs(self._clock() - when) > self._max_skew:
            return f"timestamp outside the allowed window of {self._max_skew.total_seconds():.0f} s"
        names = signed.split(";")
        if names != sorted(set(names)) or any(n != n.lower() or not n for n in names):
            return "signed headers must be lower-case, sorted, without duplicates"
        values = {}
        for name in names:
            value = request.headers.get(name)
            if name == "host" and self._signed_host is not None:
                value = self._signed_host
            if value is None:
                return f"signed header {name} is missing"
            values[name] = value
        expected = self._signature(request, body, header[: header.rfind("/")], signed, values)
        if not hmac.compare_digest(expected.encode(), signature.encode()):
            return "signature mismatch"
        return None

    def _signature(
        self, request: web.Request, body: bytes, prefix: str, signed: str, values: dict[str, str]
    ) -> str:
        lines = [request.method, request.rel_url.raw_path]
        query = sorted(f"{_pct(k)}={_pct(v)}" for k, v in request.rel_url.query.items())
        if query:
            lines.append("&".join(query))
        lines.append(signed)
        lines.append("\n".join(sorted(f"{_pct(k)}:{_pct(v)}" for k, v in values.items())))
        if body:
            lines.append(_pct(body))
        derived = _hmac_sha256_hex(self._secret_key, prefix)
        return _hmac_sha256_hex(derived, "\n".join(lines))


# --- parameters -------------------------------------------------------------------------------


def _integer(params: dict[str, Any], key: str, low: int, high: int | None, *, text: bool) -> int:
    value = params.get(key)
    if text and isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParamError(f"{key} is missing or not an integer")
    if value < low or (high is not None and value > high):
        raise ParamError(f"{key} is out of range")
    return value


def _scope(params: dict[str, Any], *, text: bool = False) -> tuple[int, int]:
    cc_id = _integer(params, "ccId", 1, 65535, text=text)
    vdn = _integer(params, "vdn", 1, 5000, text=text)
    if cc_id not in OWNED_CC_IDS:
        raise Denied
    return cc_id, vdn


def _window(params: dict[str, Any], limit_max: int) -> slice:
    offset = _integer(params, "offset", 0, None, text=False)
    limit = _integer(params, "limit", 1, limit_max, text=False)
    return slice(offset, offset + limit)


def _ids(params: dict[str, Any], cap: int) -> list[int]:
    ids = params.get("agentIds")
    if not isinstance(ids, list) or not 1 <= len(ids) <= cap:
        raise ParamError(f"agentIds must be a list of 1 to {cap} agent ids")
    result = []
    for item in ids:
        value = int(item) if isinstance(item, str) and item.isdigit() else item
        if isinstance(value, bool) or not isinstance(value, int):
            raise ParamError("agentIds holds a value that is not an agent id")
        result.append(value)
    return result


def _index_ids(params: dict[str, Any], cap: int | None) -> list[str]:
    ids = params.get("indexIds")
    if not isinstance(ids, list) or not ids or (cap is not None and len(ids) > cap):
        raise ParamError(f"indexIds must be a list of 1 to {cap or 'n'} indicator ids")
    if not all(isinstance(i, str) and i.strip() for i in ids):
        raise ParamError("indexIds holds a value that is not an indicator id")
    return ids


def _skill_ids(params: dict[str, Any], cap: int) -> list[int]:
    ids = params.get("skillIds")
    if not isinstance(ids, list) or not 1 <= len(ids) <= cap:
        raise ParamError(f"skillIds must be a list of 1 to {cap} skill ids")
    if not all(isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in ids):
        raise ParamError("skillIds holds a value that is not a skill id")
    return ids


def _value(*parts: object) -> int:
    """A stable indicator value for its key."""
    return zlib.crc32(":".join(map(str, parts)).encode()) % 500


def _idxs(key: object, ids: list[str]) -> list[dict[str, Any]]:
    return [{"id": i, "val": _value(key, i)} for i in ids]


# --- interfaces -------------------------------------------------------------------------------


def _system_state(svc: CECService, p: dict[str, Any]) -> Payload:
    return system_counts(svc.agents(*_scope(p))[_window(p, 100)])


def _legacy_system_state(svc: CECService, p: dict[str, Any]) -> Payload:
    counts = system_counts(svc.agents(*_scope(p)))
    return {
        "busyagent": counts["busyAgent"],
        "talkingnum": counts["talkingNum"],
        "Idleagent": counts["idleAgent"],
        "totalloginagent": counts["totalLoginAgent"],
    }


def _selected(svc: CECService, p: dict[str, Any], cap: int) -> tuple[int, int, list[EmuAgent]]:
    cc_id, vdn = _scope(p)
    wanted = set(_ids(p, cap))
    return cc_id, vdn, [a for a in svc.agents(cc_id, vdn) if a.agent_id in wanted]


def _agent_status(svc: CECService, p: dict[str, Any]) -> Payload:
    return [a.status_row() for a in _selected(svc, p, 6000)[2]]


def _team_status(svc: CECService, p: dict[str, Any]) -> Payload:
    return team_counts(_selected(svc, p, 6000)[2])


def _agent_calls(svc: CECService, p: dict[str, Any]) -> Payload:
    cc_id, vdn, agents = _selected(svc, p, 3000)
    return [a.calls_row(cc_id, vdn) for a in agents]


def _agent(svc: CECService, p: dict[str, Any]) -> tuple[int, int, EmuAgent]:
    cc_id, vdn = _scope(p)
    agent_id = _integer(p, "agentId", 1, None, text=True)
    for agent in svc.agents(cc_id, vdn):
        if agent.agent_id == agent_id:
            return cc_id, vdn, agent
    raise ParamError("agentId does not exist in this VDN")


def _agent_indicators(svc: CECService, p: dict[str, Any]) -> Payload:
    indexes = _index_ids(p, 4)
    return [
        {"id": a.agent_id, "idxs": _idxs(a.agent_id, indexes)} for a in _selected(svc, p, 100)[2]
    ]


def _by_work_no(svc: CECService, p: dict[str, Any]) -> Payload:
    _, vdn, agent = _agent(svc, p)
    return agent.work_no_row(vdn)


def _agent_call_ids(svc: CECService, p: dict[str, Any]) -> Payload:
    cc_id, vdn, agent = _agent(svc, p)
    call = agent.call_id(cc_id, vdn)
    return [call] if call else []


def _is_in_call(svc: CECService, p: dict[str, Any]) -> Payload:
    return _agent(svc, p)[2].talking


def _dynamic_states(svc: CECService, p: dict[str, Any]) -> Payload:
    agents = svc.agents(*_scope(p))
    rows = [{"agentId": a.agent_id, "state": a.state} for a in agents[_window(p, 1000)]]
    return {"count": len(agents), "agentDynamicInfos": rows}


def _total_states(svc: CECService, p: dict[str, Any]) -> Payload:
    return [{"agentId": a.agent_id, "state": a.state} for a in svc.agents(*_scope(p))]


def _wanted_skills(svc: CECService, p: dict[str, Any]) -> tuple[int, int, list[EmuSkill]]:
    cc_id, vdn = _scope(p)
    wanted = set(_skill_ids(p, 1000))
    return cc_id, vdn, [s for s in svc.skills(cc_id, vdn) if s.skill_id in wanted]


def _skill_indicators(svc: CECService, p: dict[str, Any]) -> Payload:
    indexes = _index_ids(p, 12)
    skills = _wanted_skills(svc, p)[2]
    return [{"id": s.skill_id, "idxs": _idxs(s.skill_id, indexes)} for s in skills]


def _service_quality(svc: CECService, p: dict[str, Any]) -> Payload:
    return [
        {"skillId": s.skill_id, "serviceLevel": s.service_level, "period": 300}
        for s in _wanted_skills(svc, p)[2]
    ]


def _skill_status(svc: CECService, p: dict[str, Any]) -> Payload:
    cc_id, vdn = _scope(p)
    agents = svc.agents(cc_id, vdn)
    return [s.status_row(agents) for s in svc.skills(cc_id, vdn)]


def _skill_state_info(svc: CECService, p: dict[str, Any]) -> Payload:
    return [
        {
            "skillId": s.skill_id,
            "callInNum": _value(s.skill_id, "in"),
            "answeredNum": _value(s.skill_id, "answered") // 2,
            "abandonedNum": _value(s.skill_id, "abandoned") // 20,
        }
        for s in _wanted_skills(svc, p)[2]
    ]


def _call_info(detail: bool) -> Handler:
    def handler(svc: CECService, p: dict[str, Any]) -> Payload:
        cc_id, vdn = _scope(p)
        call_id = p.get("callId")
        if not isinstance(call_id, str) or not call_id:
            raise ParamError("callId is missing or not a string")
        for agent in svc.agents(cc_id, vdn):
            if agent.call_id(cc_id, vdn) == call_id:
                row: dict[str, Any] = {
                    "callId": call_id,
                    "agentId": agent.agent_id,
                    "callInOut": 1 + agent.agent_id % 2,
                    "mediaType": 5,
                }
                if detail:
                    row["talkDuration"] = agent.state_seconds
                    row["callerNo"] = f"6591{agent.agent_id:04d}"
                return row
        raise ParamError("the call does not exist or has ended")

    return handler


MAX_CALLS_SPAN_MS = 24 * 3_600_000


def _vdn_calls(svc: CECService, p: dict[str, Any]) -> Payload:
    cc_id, vdn = _scope(p)
    begin = _integer(p, "beginDate", 0, None, text=False)
    end = _integer(p, "endDate", 0, None, text=False)
    if begin < 10**11 or end < 10**11:
        raise ParamError("beginDate/endDate must be epoch milliseconds")
    if end < begin or end - begin > MAX_CALLS_SPAN_MS:
        raise ParamError("endDate must follow beginDate by at most 24 hours")
    inbound = p.get("isCallIn")
    if not isinstance(inbound, bool):
        raise ParamError("isCallIn must be a boolean")
    hour = 3_600_000
    rows = []
    for start in range(begin - begin % hour, end + 1, hour):
        for k in range(_value(cc_id, vdn, start, inbound) % 4):
            at = start + (k + 1) * 600_000
            if begin <= at <= end:
                rows.append(
                    {"callId": f"{at // 1000}-{vdn}{k}", "beginTime": at, "callIn": inbound}
                )
    return rows


def _history(svc: CECService, p: dict[str, Any]) -> Payload:
    cc_id, vdn = _scope(p)
    indexes = _index_ids(p, None)
    ids = p.get("agentIds") or p.get("skillIds") or [vdn]
    if not isinstance(ids, list):
        raise ParamError("agentIds/skillIds must be lists")
    return [{"id": i, "idxs": _idxs(("his", cc_id, i), indexes)} for i in ids]


def _rest_infos(svc: CECService, p: dict[str, Any]) -> Payload:
    cc_id, vdn = _scope(p)
    return rest_info(svc.agents(cc_id, vdn)[_window(p, 100)], allow_rest=5 + vdn % 10)


def _vdn_agents(svc: CECService, p: dict[str, Any]) -> Payload:
    agents = svc.agents(*_scope(p))
    return {"count": len(agents), "agents": [a.brief_row() for a in agents[_window(p, 1000)]]}


def _by_status(svc: CECService, p: dict[str, Any]) -> Payload:
    agents = svc.agents(*_scope(p, text=True))
    if p.get("status") is not None:
        status = _integer(p, "status", 0, None, text=True)
        agents = [a for a in agents if a.state == status]
    return [a.brief_row() for a in agents[_window(p, 1000)]]


# path under /rest/cmsapp/: (handler, wrapped in queryParam, envelope)
ROUTES: dict[str, tuple[Handler, bool, str]] = {
    "v1/openapi/agentgroup/systemstate": (_system_state, True, "result"),
    "v1/openapi/querymonitor/systemstate": (_legacy_system_state, True, "result"),
    "v1/openapi/agentgroup/agentstatusinfobyagentids": (_agent_status, False, "result"),
    "v1/openapi/agentgroup/teamagentstatusinfo": (_team_status, False, "result"),
    "v1/openapi/agentgroup/agentrestinfos": (_rest_infos, True, "result"),
    "v1/openapi/agentgroup/queryagentcalls": (_agent_calls, False, "result"),
    "v1/openapi/vdn/totalagentabstractex3": (_vdn_agents, False, "result"),
    "v1/openapi/vdn/queryAgentByStatus": (_by_status, False, "return"),
    "v1/openapi/agentgroup/rindex": (_agent_indicators, False, "result"),
    "v1/openapi/agent/agentbyworkno": (_by_work_no, False, "result"),
    "v1/openapi/agentgroup/agentbyworkno": (_by_work_no, True, "result"),
    "v1/openapi/agent/queryagentcalls": (_agent_call_ids, False, "result"),
    "v1/openapi/calldata/isprocesscall": (_is_in_call, True, "result"),
    "v1/openapi/vdn/totalagentdynamicinfo": (_dynamic_states, False, "result"),
    "v1/openapi/vdn/totalagentstate": (_total_states, False, "result"),
    "v1/openapi/skill/rindex": (_skill_indicators, False, "result"),
    "v1/openapi/skill/servicequality": (_service_quality, False, "result"),
    "v1/openapi/skill/totalskillstatusex3": (_skill_status, False, "result"),
    "v1/openapi/realindex/skill/stateinfo": (_skill_state_info, True, "result"),
    "v1/openapi/calldata/querybasiccallinfo": (_call_info(False), False, "result"),
    "v1/openapi/calldata/querydetailcallinfo": (_call_info(True), False, "result"),
    "v2/openapi/vdn/querycalls": (_vdn_calls, False, "result"),
    **{
        f"v1/openapi/hisindex/{kind}": (_history, False, "result")
        for kind in ("agent", "agentforday", "skill", "vdn", "ivr")
    },
}
ROOT = "/rest/cmsapp/"


def _answer(kind: str, code: str, payload: Payload, message: str = "") -> web.Response:
    ok = code == "0100000"
    body: dict[str, Any]
    if kind == "return":
        body = {"returnCode": "0" if ok else code, "description": message or "success"}
        body["data"] = payload if ok else None
    else:
        body = {
            "result": "0" if ok else "1",
            "resultCode": code,
            "resultDatas": payload if ok else None,
            "resultDesc": payload if ok else message,
        }
    return web.json_response(body)


class CECService:
    """Serves the CEC monitoring interfaces, verifying auth-v2 on every request.

    ``max_skew``: the clock window accepted around the emulator's ``clock``. ``signed_host``:
    check the signature against this host instead of the received Host header (what a server
    behind a Host-rewriting load balancer sees).
    """

    def __init__(
        self,
        *,
        access_key: str,
        secret_key: str,
        seed: int,
        max_skew: dt.timedelta = DEFAULT_MAX_SKEW,
        clock: Callable[[], dt.datetime] | None = None,
        signed_host: str | None = None,
        live_period: float | None = None,
    ) -> None:
        if live_period is not None and not live_period > 0:
            raise ValueError("live_period must be positive seconds or None")
        self.access_key = access_key
        self.seed = seed
        self.live_period = live_period
        self._clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))
        self._verifier = AuthV2Verifier(
            access_key=access_key,
            secret_key=secret_key,
            max_skew=max_skew,
            clock=self._clock,
            signed_host=signed_host,
        )
        self._base = lru_cache(maxsize=256)(self._make_agents)
        self._agents = lru_cache(maxsize=256)(self._live_agents)
        self._skills = lru_cache(maxsize=256)(self._make_skills)

    def __repr__(self) -> str:
        return f"CECService(access_key={self.access_key!r}, seed={self.seed!r})"

    def _make_agents(self, cc_id: int, vdn: int) -> list[EmuAgent]:
        return make_agents(self.seed, cc_id, vdn)

    def _live_agents(self, cc_id: int, vdn: int, step: int) -> list[EmuAgent]:
        return churn(self._base(cc_id, vdn), self.seed, cc_id, vdn, step)

    def _make_skills(self, cc_id: int, vdn: int, step: int) -> list[EmuSkill]:
        return make_skills(self.seed, cc_id, vdn, step)

    def step(self) -> int:
        """The current live step (always 0 without ``live_period``)."""
        if self.live_period is None:
            return 0
        return int(self._clock().timestamp() // self.live_period)

    def agents(self, cc_id: int, vdn: int) -> list[EmuAgent]:
        """The agents of a VDN now, in the order every interface pages them."""
        return self._agents(cc_id, vdn, self.step())

    def skills(self, cc_id: int, vdn: int) -> list[EmuSkill]:
        """The skill queues of a VDN now."""
        return self._skills(cc_id, vdn, self.step())

    def add_routes(self, app: web.Application) -> None:
        """Register this service's routes on ``app``."""
        for path in ROUTES:
            app.router.add_post(ROOT + path, self._handle)

    async def _handle(self, request: web.Request) -> web.Response:
        path = request.path.removeprefix(ROOT)
        handler, wrapped, kind = ROUTES[path]
        body = await request.read()
        reason = self._verifier.check(request, body)
        if reason is not None:
            return web.json_response({"error": "Unauthorized", "reason": reason}, status=401)
        try:
            params = _params(body, wrapped)
            payload = handler(self, params)
        except ParamError as exc:
            return _answer(kind, "0100002", None, f"invalid parameter: {exc}")
        except Denied:
            return _answer(kind, "0101003", None, "insufficient permission")
        return _answer(kind, "0100000", payload)


def _params(body: bytes, wrapped: bool) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError:
        raise ParamError("the body is not JSON") from None
    if wrapped:
        data = data.get("queryParam") if isinstance(data, dict) else None
    if not isinstance(data, dict):
        raise ParamError("queryParam object missing" if wrapped else "the body is not an object")
    return data
