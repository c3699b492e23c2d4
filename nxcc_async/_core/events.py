"""One observable event per HTTP attempt of a call (logged at DEBUG, passed to ``on_attempt``)."""

from __future__ import annotations

import attrs


@attrs.frozen(kw_only=True)
class AttemptEvent:
    """What one attempt of a call did. Holds no secret: no header, no body, no signature.

    ``operation``: the endpoint path; ``attempt``: 1-based; ``status``: the HTTP status, or
    ``None`` when no answer came (connection failure, timeout); ``code``: the result code of a
    failed answer (the HTTP status when the body carried none), ``None`` on success or when no
    code could be read; ``duration``: seconds from sending to the answer (0.0 if never sent);
    ``req_id``: the server's request id when known; ``wait``: seconds before the next attempt,
    ``None`` when there is none (success or final failure); ``error``: the class name of the
    error the attempt raised, ``None`` on success.
    """

    operation: str
    attempt: int
    status: int | None
    code: int | str | None
    duration: float
    req_id: str | None
    wait: float | None
    error: str | None

    @property
    def ok(self) -> bool:
        """True when the attempt succeeded."""
        return self.error is None

    def describe(self) -> str:
        """One line for the log: ``agent/page attempt 2: HTTP 200 code 99 (ServerError) in
        0.012 s; retry in 0.40 s``."""
        parts = [f"{self.operation} attempt {self.attempt}:"]
        parts.append("no answer" if self.status is None else f"HTTP {self.status}")
        if self.code is not None and self.code != self.status:
            parts.append(f"code {self.code}")
        if self.error is not None:
            parts.append(f"({self.error})")
        text = " ".join(parts) + f" in {self.duration:.3f} s"
        if self.req_id:
            text += f" reqId {self.req_id}"
        if self.wait is not None:
            text += f"; retry in {self.wait:.2f} s"
        return text
