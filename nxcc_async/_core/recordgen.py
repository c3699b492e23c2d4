"""Generated load and dump functions for records: the hot path of bulk harvesting.

For each record class, one ``load`` and one ``dump`` function are compiled from the field plan
(vendor name, codec, type), the way cattrs generates its functions, but specialised further:
values that already have the field's class pass through an inline check (``str | None``, ``int``,
``bool``, a codec's ``accept`` class); times, money and enum codes a
:class:`~nxcc_async._core.lazy.Lazy` rule vouches for are stored raw and converted on first read;
unknown keys are looked for only when the key count says there are some; and the slots are
filled on a plain twin class before the object becomes the record (see :func:`twin_class`). The
functions are then registered as the cattrs converter's hooks, so ``converter.structure`` gives
the same result.

Measured (``timeit``, one emulator ``CallRecord`` of 33 keys with six epoch-millisecond times
and a price, 2-core reference machine, old and new side by side): 3.0-3.6 µs per record, against
4.8-6.6 µs when each slot was set through its member descriptor, 13.2 µs for the eager loader
before that, and 27-31 µs for cattrs' generic ``make_dict_structure_fn``; ``orjson.loads`` of
the same record takes 2.6-3.7 µs.

Guard rails: :func:`check_plain` refuses classes whose validators, converters or init hooks the
generated ``load`` would skip; each generated source is registered with ``linecache`` under a
unique name, so tracebacks show the generated lines.
"""

from __future__ import annotations

import itertools
import linecache
import math
import typing
from collections.abc import Callable, Mapping
from typing import Annotated, Any

import attrs
import msgspec

from nxcc_async._core import lazy
from nxcc_async._core.lazy import Lazy

INLINE_OPTIONAL_STR = (typing.Optional[str], str | None)  # noqa: UP045 - both spellings
_PRIMITIVES = (str, int, float, bool, type(None))


def keep(value: Any) -> Any:
    """A codec's ``dump`` for values the wire takes as they are: the generated dump then reads
    the attribute straight, without calling it."""
    return value


@attrs.frozen
class Codec:
    """How one field crosses the wire: ``load`` vendor value -> Python, ``dump`` back.

    Optional fast paths the generated loader inlines: ``accept``, a class whose wire values are
    already the Python value; ``lazy``, a rule for raw wire values stored as they are and
    converted on first read; ``exact``, what the typed decoder (:mod:`nxcc_async._core.typed`)
    may let msgspec check instead.
    """

    load: Callable[[Any], Any]
    dump: Callable[[Any], Any]
    accept: type | None = None
    lazy: Lazy | None = None
    exact: Exact | None = None


#: The integer type of an :class:`Exact`: 64-bit signed. ``orjson.loads`` reads larger JSON
#: integers as ``float``, msgspec exactly, so larger ones go down the generic path and both
#: paths give the same numbers (msgspec bounds stop at 64-bit signed).
WIRE_INT = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]


@attrs.frozen
class Exact:
    """A codec's typed fast path: a wire value of the msgspec type ``type`` becomes exactly
    what ``load`` (or its ``lazy`` rule) would put in the slot by the expression ``expr`` over
    ``v`` (``"v"``: as it is). Wire values of any other type go through ``load``."""

    type: Any
    expr: str = "v"


@attrs.frozen
class FieldPlan:
    """How one attribute crosses the wire."""

    attr: str
    wire: str
    codec: Codec | None
    type: Any


@attrs.frozen
class RecordPlan:
    """A registered record's wire plan: its fields, its ``extra`` attribute (or ``None``) and
    the converter's structure hooks (``type_hook``) for fields without a codec."""

    cls: type[Any]
    fields: tuple[FieldPlan, ...]
    extra_attr: str | None
    type_hook: Callable[[Any], Callable[[Any, Any], Any]]


def _is_plain(tp: Any) -> bool:
    """A type whose values JSON takes as they are (primitives and unions of them)."""
    if tp in _PRIMITIVES:
        return True
    args = typing.get_args(tp)
    return bool(args) and all(arg in _PRIMITIVES for arg in args)


def convert_expr(i: int, p: FieldPlan, scope: dict[str, Any], type_hook: Any) -> str:
    """The expression turning the wire value ``v`` into field ``i``'s slot content."""
    codec = p.codec
    if codec is not None:
        scope[f"L{i}"] = codec.load
        if codec.lazy is not None:
            rule = codec.lazy
            scope[f"RC{i}"], scope[f"LO{i}"], scope[f"HI{i}"] = rule.cls, rule.low, rule.high
            if rule.low == -math.inf and rule.high == math.inf:
                return f"v if v.__class__ is RC{i} else L{i}(v)"
            return f"v if v.__class__ is RC{i} and LO{i} <= v <= HI{i} else L{i}(v)"
        if codec.accept is not None:
            scope[f"A{i}"] = codec.accept
            return f"v if v.__class__ is A{i} else L{i}(v)"
        return f"L{i}(v)"
    if p.type in INLINE_OPTIONAL_STR:
        return "v if v is None or v.__class__ is str else str(v)"
    scope[f"H{i}"], scope[f"T{i}"] = type_hook(p.type), p.type
    if p.type in _PRIMITIVES:
        return f"v if v.__class__ is T{i} else H{i}(v, T{i})"
    return f"H{i}(v, T{i})"


def make_load(
    cls: type[Any],
    plan: list[FieldPlan],
    extra_attr: str | None,
    type_hook: Callable[[Any], Callable[[Any, Any], Any]],
) -> Callable[[Any, Any], Any]:
    """Compile ``load(obj, _=None) -> cls`` for ``plan``; unknown keys go to ``extra_attr``.

    The instance's slots are filled without the frozen ``__init__``'s per-field
    ``object.__setattr__``: on a *twin* (see :func:`twin_class`) with plain attribute stores, which
    then becomes a ``cls``, or else through each slot's member descriptor. Records have no
    validators or post-init hooks (``check_plain`` enforces it). The common case, an object
    holding every known key, runs straight through (a ``try`` costs nothing until it raises)
    and looks for unknown keys only when the key count says there are some; an object lacking
    a key falls back to a per-key path that fills defaults.
    """
    defaults = {f.name: f.default for f in attrs.fields(cls)}
    known = frozenset(p.wire for p in plan)
    twin = twin_class(cls)
    scope: dict[str, Any] = {"CLS": cls, "NEW": object.__new__, "Mapping": Mapping, "KNOWN": known}
    scope["N"], scope["TWIN"] = len(known), twin
    check = [
        "    if o.__class__ is not dict and not isinstance(o, Mapping):",
        f"        raise TypeError('{cls.__name__} expects a JSON object, got ' + type(o).__name__)",
        "    r = NEW(TWIN)" if twin is not None else "    r = NEW(CLS)",
    ]
    fast = ["def load(o, _=None):", *check, "    try:"]
    slow = ["def load_slow(o):", *check]
    for i, p in enumerate(plan):
        expr = convert_expr(i, p, scope, type_hook)
        store = store_stmt(i, p.attr, expr, twin is not None, cls, scope)
        fast += [f"        v = o[{p.wire!r}]", f"        {store}"]
        slow += [
            f"    if {p.wire!r} in o:",
            f"        v = o[{p.wire!r}]",
            f"        {store}",
            "    else:",
            "        " + _default(i, p, defaults[p.attr], scope, cls, twin is not None),
        ]
    fast += ["    except KeyError:", "        return load_slow(o)"]
    if extra_attr is not None:
        fast_extra = "{} if len(o) == N else {k: o[k] for k in o if k not in KNOWN}"
        slow_extra = "{k: o[k] for k in o if k not in KNOWN} if not KNOWN.issuperset(o) else {}"
        fast.append("    " + store_stmt("X", extra_attr, fast_extra, twin is not None, cls, scope))
        slow.append("    " + store_stmt("X", extra_attr, slow_extra, twin is not None, cls, scope))
    if twin is not None:
        fast.append("    r.__class__ = CLS")
        slow.append("    r.__class__ = CLS")
    fast.append("    return r")
    slow.append("    return r")
    scope["load_slow"] = compile_generated(slow, scope, "load_slow", cls)
    load: Callable[[Any, Any], Any] = compile_generated(fast, scope, "load", cls)
    for p in plan:
        if p.codec is not None and p.codec.lazy is not None:
            lazy.install(cls, p.attr, p.codec.load, p.codec.lazy)
    return load


def twin_class(cls: type[Any]) -> type[Any] | None:
    """A plain class with ``cls``'s slot layout, or ``None`` when ``cls`` cannot have one.

    Storing into a slot of a plain class is one specialised bytecode; storing into a frozen
    record's slot takes a call of the slot's member descriptor (about five times the cost:
    34 slots took 4.2 µs per record through descriptors, 0.8 µs as plain stores). A twin
    instance filled that way is then turned into a ``cls`` by assigning ``__class__``, which
    CPython allows between classes of the same layout. A class with a ``__weakref__`` slot
    (attrs' default; records say ``weakref_slot=False``), a base other than ``object`` or
    mangled slot names has no twin; whether the assignment works is tried here once.
    """
    slots = cls.__dict__.get("__slots__")
    if cls.__bases__ != (object,) or not isinstance(slots, tuple) or cls.__weakrefoffset__:
        return None
    if any(name.startswith("__") for name in slots):
        return None
    twin = type(f"{cls.__name__}Slots", (), {"__slots__": slots, "__module__": cls.__module__})
    try:
        object.__setattr__(object.__new__(twin), "__class__", cls)
    except TypeError:
        return None
    return twin


def store_stmt(
    i: int | str, attr: str, expr: str, twin: bool, cls: type[Any], scope: dict[str, Any]
) -> str:
    """The statement putting ``expr`` into slot ``attr`` of ``r``."""
    if twin:
        return f"r.{attr} = {expr}"
    scope[f"S{i}"] = lazy.slot(cls, attr).__set__
    return f"S{i}(r, {expr})"


def _default(
    i: int, p: FieldPlan, default: Any, scope: dict[str, Any], cls: type[Any], twin: bool
) -> str:
    """The statement that fills slot ``i`` when the object lacks its key."""
    if default is attrs.NOTHING:
        message = f"{cls.__name__} needs {p.wire!r}, which the object lacks"
        return f"raise TypeError({message!r})"
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        scope[f"F{i}"] = default.factory
        return store_stmt(i, p.attr, f"F{i}()", twin, cls, scope)
    scope[f"V{i}"] = default
    return store_stmt(i, p.attr, f"V{i}", twin, cls, scope)


def make_dump(
    cls: type[Any],
    plan: list[FieldPlan],
    extra_attr: str | None,
    type_hook: Callable[[Any], Callable[[Any], Any]],
) -> Callable[[Any], dict[str, Any]]:
    """Compile ``dump(record) -> dict`` in the vendor's shape, unknown fields put back."""
    scope: dict[str, Any] = {}
    items = []
    for i, p in enumerate(plan):
        if p.codec is not None and p.codec.lazy is not None:
            # a raw value still in the slot is what the vendor sent, already in its shape
            scope[f"D{i}"], scope[f"G{i}"] = p.codec.dump, lazy.slot(cls, p.attr).__get__
            scope[f"RC{i}"] = p.codec.lazy.cls
            items.append(f"{p.wire!r}: v if (v := G{i}(r)).__class__ is RC{i} else D{i}(v)")
        elif p.codec is not None and p.codec.dump is not keep:
            scope[f"D{i}"] = p.codec.dump
            items.append(f"{p.wire!r}: D{i}(r.{p.attr})")
        elif p.codec is not None or _is_plain(p.type):
            items.append(f"{p.wire!r}: r.{p.attr}")
        else:
            scope[f"U{i}"] = type_hook(p.type)
            items.append(f"{p.wire!r}: U{i}(r.{p.attr})")
    lines = ["def dump(r):", "    out = {" + ", ".join(items) + "}"]
    if extra_attr is not None:
        lines.append(f"    if r.{extra_attr}:")
        lines.append(f"        out.update(r.{extra_attr})")
    lines.append("    return out")
    dump: Callable[[Any], dict[str, Any]] = compile_generated(lines, scope, "dump", cls)
    return dump


_serial = itertools.count(1)


def compile_generated(lines: list[str], scope: dict[str, Any], name: str, cls: type[Any]) -> Any:
    """Compile the generated function ``name`` (for record class ``cls``) in ``scope``; its
    source goes to ``linecache`` under a unique file name, so tracebacks and debuggers show
    the generated lines."""
    source = "\n".join(lines) + "\n"
    filename = f"<nxcc_async generated {name} {cls.__module__}.{cls.__qualname__} #{next(_serial)}>"
    exec(compile(source, filename, "exec"), scope)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return scope[name]


def check_plain(cls: type[Any]) -> None:
    """``TypeError`` unless ``cls`` is a plain attrs record: the generated ``load`` sets slots
    directly, so validators, converters and ``__attrs_pre_init__``/``__attrs_post_init__``
    would be skipped silently."""
    hooks = [h for h in ("__attrs_pre_init__", "__attrs_post_init__") if hasattr(cls, h)]
    fields = [
        f"{f.name} ({'validator' if f.validator is not None else 'converter'})"
        for f in attrs.fields(cls)
        if f.validator is not None or f.converter is not None
    ]
    if hooks or fields:
        raise TypeError(
            f"{cls.__qualname__} cannot be a record: the generated loader would skip "
            + ", ".join(hooks + fields)
            + "; check values in a codec instead"
        )
