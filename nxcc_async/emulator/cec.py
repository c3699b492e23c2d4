"""The CEC (Huawei CC-CMS monitoring) side of the emulator: every interface of the spec, each
request checked for a valid auth-v2 Authorization header.

    service = CECService(access_key=..., secret_key=..., seed=...)
    service.add_routes(app)        # registers POST /rest/cmsapp/v1/openapi/... handlers

The auth-v2 check here is written apart from the client's ``nxcc_async.cec.signing`` (it shares no
code with it), so a bug in one cannot hide in both. Rejections: HTTP 401 for a missing,
malformed or wrong Authorization, an unknown access key, a signed header set without ``host``,
or a timestamp more than ``max_skew`` (default 15 minutes) away from the emulator's clock.
Parameter errors answer HTTP 200 with ``resultCode`` ``0100002``; a ``ccId`` outside 1-99 (the
emulated tenant's call centers) answers ``0101003``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from aiohttp import web

from nxcc_async.emulator.cec_data import (
    EmuAgent,
    make_agents,
    rest_info,
    system_counts,
    team_counts,
)

PREFIX = "/rest/cmsapp/v1/openapi/"
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
        if "host" not in names:
            return "the host header must be signed"
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


# path: (handler, wrapped in queryParam, envelope)
ROUTES: dict[str, tuple[Handler, bool, str]] = {
    "agentgroup/systemstate": (_system_state, True, "result"),
    "querymonitor/systemstate": (_legacy_system_state, True, "result"),
    "agentgroup/agentstatusinfobyagentids": (_agent_status, False, "result"),
    "agentgroup/teamagentstatusinfo": (_team_status, False, "result"),
    "agentgroup/agentrestinfos": (_rest_infos, True, "result"),
    "agentgroup/queryagentcalls": (_agent_calls, False, "result"),
    "vdn/totalagentabstractex3": (_vdn_agents, False, "result"),
    "vdn/queryAgentByStatus": (_by_status, False, "return"),
}


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
    ) -> None:
        self.access_key = access_key
        self.seed = seed
        self._verifier = AuthV2Verifier(
            access_key=access_key,
            secret_key=secret_key,
            max_skew=max_skew,
            clock=clock or (lambda: dt.datetime.now(dt.timezone.utc)),
            signed_host=signed_host,
        )
        self._agents = lru_cache(maxsize=256)(self._make_agents)

    def __repr__(self) -> str:
        return f"CECService(access_key={self.access_key!r}, seed={self.seed!r})"

    def _make_agents(self, cc_id: int, vdn: int) -> list[EmuAgent]:
        return make_agents(self.seed, cc_id, vdn)

    def agents(self, cc_id: int, vdn: int) -> list[EmuAgent]:
        """The agents of a VDN, in the order every interface pages them."""
        return self._agents(cc_id, vdn)

    def add_routes(self, app: web.Application) -> None:
        """Register this service's routes on ``app``."""
        for path in ROUTES:
            app.router.add_post(PREFIX + path, self._handle)

    async def _handle(self, request: web.Request) -> web.Response:
        path = request.path.removeprefix(PREFIX)
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
