"""Typed decoding: answer bytes straight to records with msgspec, for the pages a harvest reads
by the thousand.

The generic path, ``orjson.loads`` and then each object's generated ``load``
(:mod:`~nxcc_async._core.recordgen`), builds a dict of every object (33 keys for a CDR) only to
read it once. Here msgspec decodes each object into a Struct of the record's fields: keys are
matched against the vendor names in C, no dict is built, and the Struct's field types check the
wire values that need no conversion (:class:`~nxcc_async._core.recordgen.Exact`). A generated
function then fills each record's slots from its Struct the way ``load`` would, running the
other fields' codec expressions unchanged.

The result is the generic path's records or nothing: an unknown key (it belongs in ``extra``),
a missing key without a safe default, a value of another type or a codec that refuses a value
makes the typed decoder give the whole answer up, and the generic path decodes it (and accepts
or rejects it with its own error). A decoder that keeps giving up stops trying
(:class:`TypedDecoder`). Tests compare both paths on random objects.

Measured (``benchmarks/bench_decode.py``, pages of 100 emulator CDRs, 2-core reference
machine): see ``docs/benchmarks.md``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import attrs
import msgspec

from nxcc_async._core.channel import SHAPE_ERRORS
from nxcc_async._core.recordgen import (
    INLINE_OPTIONAL_STR,
    WIRE_INT,
    Exact,
    FieldPlan,
    RecordPlan,
    compile_generated,
    convert_expr,
    store_stmt,
    twin_class,
)

T = TypeVar("T")
A = TypeVar("A")
R = TypeVar("R")

log = logging.getLogger("nxcc_async.typed")

#: A typed decoder stops trying once it has given up this many answers, more than it took...
GIVE_UP_AFTER = 32
#: ... and then tries one answer in this many, back on at the first it takes.
RETRY_EVERY = 100


#: Typed fast paths of fields without a codec, as the converter's lenient hooks read them
#: (null is ``""``, ``0`` and ``False``).
_PLAIN = {
    str: Exact(str | None, 'v or ""'),
    int: Exact(WIRE_INT | None, "0 if v is None else v"),
    bool: Exact(bool | None, "v is True"),
}


def _exact(p: FieldPlan) -> Exact | None:
    """The typed fast path of a field: its codec's, or the plain types the loader inlines."""
    if p.codec is not None:
        return p.codec.exact
    if p.type in INLINE_OPTIONAL_STR:
        return Exact(str | None)
    return _PLAIN.get(p.type)


@attrs.frozen
class TypedRows(Generic[T]):
    """A record class's msgspec ``struct`` (forbidding unknown keys) and ``convert``, which
    turns a list of those Structs into records exactly as the generic loader would."""

    struct: type[msgspec.Struct]
    convert: Callable[[list[Any]], list[T]]


def typed_rows(plan: RecordPlan) -> TypedRows[Any]:
    """Compile the Struct and the converter of a registered record's ``plan``."""
    cls = plan.cls
    defaults = {f.name: f.default for f in attrs.fields(cls)}
    twin = twin_class(cls)
    scope: dict[str, Any] = {"CLS": cls, "NEW": object.__new__, "TWIN": twin}
    scope["FIELDS"] = msgspec.structs.astuple
    fields: list[tuple[str, Any, Any]] = []
    stores: list[str] = []
    for i, p in enumerate(plan.fields):
        exact = _exact(p)
        if exact is not None:
            kind, expr = exact.type, exact.expr
        else:
            kind, expr = Any, convert_expr(i, p, scope, plan.type_hook)
        fields.append((p.attr, kind, _field(p.wire, expr, defaults[p.attr], scope)))
        if expr == "v":
            stores.append(store_stmt(i, p.attr, f"v{i}", twin is not None, cls, scope))
            continue
        stores.append(f"v = v{i}")
        if kind is Any:  # as orjson reads it: an integer beyond its 64 bits is a float
            stores.append("if v.__class__ is int and not -(2**63) <= v <= 2**64 - 1: v = float(v)")
        stores.append(store_stmt(i, p.attr, expr, twin is not None, cls, scope))
    if plan.extra_attr is not None:
        stores.append(store_stmt("X", plan.extra_attr, "{}", twin is not None, cls, scope))
    if twin is not None:
        stores.append("r.__class__ = CLS")
    names = "".join(f"v{i}, " for i in range(len(plan.fields)))
    lines = [
        "def convert(items):",
        "    out = []",
        "    append = out.append",
        "    for s in items:",
        f"        ({names}) = FIELDS(s)",
        "        r = NEW(TWIN)" if twin is not None else "        r = NEW(CLS)",
        *(f"        {line}" for line in stores),
        "        append(r)",
        "    return out",
    ]
    convert = compile_generated(lines, scope, "convert", cls)
    struct = msgspec.defstruct(
        f"{cls.__name__}Wire",
        fields,
        forbid_unknown_fields=True,
        kw_only=True,
        gc=False,
        module=__name__,
    )
    return TypedRows(struct, convert)


def _field(name: str, expr: str, default: Any, scope: dict[str, Any]) -> Any:
    """The Struct field of vendor key ``name``: with the record's ``default`` when ``expr``
    keeps it as it is (a missing key then gives what the generic loader gives), else required
    (a missing key gives the answer up)."""
    if default is attrs.NOTHING or isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return msgspec.field(name=name)
    try:
        kept = eval(expr, scope, {"v": default})
    except Exception:
        return msgspec.field(name=name)
    if kept is default or (type(kept) is type(default) and kept == default):
        return msgspec.field(name=name, default=default)
    return msgspec.field(name=name)


class TypedDecoder(Generic[A]):
    """A msgspec JSON decoder of one answer type that steps aside when it does not help.

    :meth:`decode` gives ``None`` for an answer it does not take, and the generic path takes
    it. Once it has given up :data:`GIVE_UP_AFTER` answers, more than it took, it tries only
    one answer in :data:`RETRY_EVERY`, and is back on at the first it takes: a vendor that
    starts sending a new key in every record costs a failed attempt per answer only for a
    while, and a vendor that stops doing so gets the fast path back."""

    def __init__(self, answer: type[A], name: str) -> None:
        self._decoder = msgspec.json.Decoder(answer)
        self._name = name
        self._skipped = 0
        self.hits = 0
        self.misses = 0
        self.enabled = True

    def decode(self, body: bytes, finish: Callable[[A], R | None]) -> R | None:
        """``finish(answer)``: the result, or ``None`` for an answer that is not the typed
        path's to take (an error code: not counted as a miss). ``None`` too when the body does
        not decode to the answer type or ``finish`` raises a shape error (a miss)."""
        if not self.enabled:
            self._skipped += 1
            if self._skipped < RETRY_EVERY:
                return None
            self._skipped = 0
        try:
            result = finish(self._decoder.decode(body))
        except (msgspec.DecodeError, *SHAPE_ERRORS):
            self._miss()
            return None
        if result is not None:
            self._hit()
        return result

    def _hit(self) -> None:
        self.hits += 1
        if not self.enabled:
            self.enabled, self.hits, self.misses = True, 1, 0
            log.debug("typed decoding of %s answers on again", self._name)

    def _miss(self) -> None:
        self.misses += 1
        if self.enabled and self.misses >= GIVE_UP_AFTER and self.misses > self.hits:
            self.enabled = False
            log.debug("typed decoding of %s answers off: %d given up", self._name, self.misses)
