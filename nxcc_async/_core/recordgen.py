"""Generated load and dump functions for records: the hot path of bulk harvesting.

For each record class, one ``load`` and one ``dump`` function are compiled from the field plan
(vendor name, codec, type), the way cattrs generates its functions, but specialised further:
values that already have the field's class pass through an inline check (``str | None``, ``int``,
``bool``, a codec's ``accept`` class), enum codes are looked up in the codec's table inline,
times and money a :class:`~nxcc_async._core.lazy.Lazy` rule vouches for are stored raw and
converted on first read, and unknown keys are looked for only when the key count says there are
some. The functions are then registered as the cattrs converter's hooks, so
``converter.structure`` gives the same result.

Measured (``timeit``, one emulator ``CallRecord`` of 33 keys with six epoch-millisecond times
and a price, 2-core reference machine): 4.5 µs per record against 13.2 µs for the previous
eager loader (and 27-31 µs for cattrs' generic ``make_dict_structure_fn``); ``orjson.loads`` of
the same record takes about 3.1 µs. What is left is mostly setting 34 slots (about 3 µs).

Guard rails: :func:`check_plain` refuses classes whose validators, converters or init hooks the
generated ``load`` would skip; each generated source is registered with ``linecache`` under a
unique name, so tracebacks show the generated lines.
"""

from __future__ import annotations

import itertools
import linecache
import typing
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from nxcc_async._core import lazy
from nxcc_async._core.lazy import Lazy

_INLINE_OPTIONAL_STR = (typing.Optional[str], str | None)  # noqa: UP045 - both spellings
_PRIMITIVES = (str, int, float, bool, type(None))


@attrs.frozen
class Codec:
    """How one field crosses the wire: ``load`` vendor value -> Python, ``dump`` back.

    Optional fast paths the generated loader inlines: ``accept``, a class whose wire values are
    already the Python value; ``table``, an ``int`` -> value lookup for wire integers (enums);
    ``lazy``, a rule for raw wire values stored as they are and converted on first read.
    """

    load: Callable[[Any], Any]
    dump: Callable[[Any], Any]
    accept: type | None = None
    table: Mapping[int, Any] | None = None
    lazy: Lazy | None = None


@attrs.frozen
class FieldPlan:
    """How one attribute crosses the wire."""

    attr: str
    wire: str
    codec: Codec | None
    type: Any


def _is_plain(tp: Any) -> bool:
    """A type whose values JSON takes as they are (primitives and unions of them)."""
    if tp in _PRIMITIVES:
        return True
    args = typing.get_args(tp)
    return bool(args) and all(arg in _PRIMITIVES for arg in args)


def _convert(i: int, p: FieldPlan, scope: dict[str, Any], type_hook: Any) -> str:
    """The expression turning the wire value ``v`` into field ``i``'s slot content."""
    codec = p.codec
    if codec is not None:
        scope[f"L{i}"] = codec.load
        if codec.lazy is not None:
            rule = codec.lazy
            scope[f"RC{i}"], scope[f"LO{i}"], scope[f"HI{i}"] = rule.cls, rule.low, rule.high
            return f"v if v.__class__ is RC{i} and LO{i} <= v <= HI{i} else L{i}(v)"
        if codec.table is not None:
            scope[f"TB{i}"] = codec.table
            return f"TB{i}.get(v, v) if v.__class__ is int else L{i}(v)"
        if codec.accept is not None:
            scope[f"A{i}"] = codec.accept
            return f"v if v.__class__ is A{i} else L{i}(v)"
        return f"L{i}(v)"
    if p.type in _INLINE_OPTIONAL_STR:
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

    The instance is made with ``object.__new__`` and each slot set through its member
    descriptor (a C call), skipping the frozen ``__init__``'s per-field ``object.__setattr__``;
    records have no validators or post-init hooks (``check_plain`` enforces it). The common
    case, an object holding every known key, runs straight through (a ``try`` costs nothing
    until it raises) and looks for unknown keys only when the key count says there are some;
    an object lacking a key falls back to a per-key path that fills defaults.
    """
    defaults = {f.name: f.default for f in attrs.fields(cls)}
    known = frozenset(p.wire for p in plan)
    scope: dict[str, Any] = {"CLS": cls, "NEW": object.__new__, "Mapping": Mapping, "KNOWN": known}
    scope["N"] = len(known)
    check = [
        "    if o.__class__ is not dict and not isinstance(o, Mapping):",
        f"        raise TypeError('{cls.__name__} expects a JSON object, got ' + type(o).__name__)",
        "    r = NEW(CLS)",
    ]
    fast = ["def load(o, _=None):", *check, "    try:"]
    slow = ["def load_slow(o):", *check]
    for i, p in enumerate(plan):
        scope[f"S{i}"] = lazy.slot(cls, p.attr).__set__
        expr = _convert(i, p, scope, type_hook)
        fast += [f"        v = o[{p.wire!r}]", f"        S{i}(r, {expr})"]
        slow += [
            f"    if {p.wire!r} in o:",
            f"        v = o[{p.wire!r}]",
            f"        S{i}(r, {expr})",
            "    else:",
            "        " + _default(i, p, defaults[p.attr], scope, cls),
        ]
    fast += ["    except KeyError:", "        return load_slow(o)"]
    if extra_attr is not None:
        scope["SX"] = lazy.slot(cls, extra_attr).__set__
        fast.append("    SX(r, {} if len(o) == N else {k: o[k] for k in o if k not in KNOWN})")
        slow.append(
            "    SX(r, {k: o[k] for k in o if k not in KNOWN} if not KNOWN.issuperset(o) else {})"
        )
    fast.append("    return r")
    slow.append("    return r")
    scope["load_slow"] = _compile(slow, scope, "load_slow", cls)
    load: Callable[[Any, Any], Any] = _compile(fast, scope, "load", cls)
    for p in plan:
        if p.codec is not None and p.codec.lazy is not None:
            lazy.install(cls, p.attr, p.codec.load, p.codec.lazy)
    return load


def _default(i: int, p: FieldPlan, default: Any, scope: dict[str, Any], cls: type[Any]) -> str:
    """The statement that fills slot ``i`` when the object lacks its key."""
    if default is attrs.NOTHING:
        message = f"{cls.__name__} needs {p.wire!r}, which the object lacks"
        return f"raise TypeError({message!r})"
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        scope[f"F{i}"] = default.factory
        return f"S{i}(r, F{i}())"
    scope[f"V{i}"] = default
    return f"S{i}(r, V{i})"


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
        elif p.codec is not None:
            scope[f"D{i}"] = p.codec.dump
            items.append(f"{p.wire!r}: D{i}(r.{p.attr})")
        elif _is_plain(p.type):
            items.append(f"{p.wire!r}: r.{p.attr}")
        else:
            scope[f"U{i}"] = type_hook(p.type)
            items.append(f"{p.wire!r}: U{i}(r.{p.attr})")
    lines = ["def dump(r):", "    out = {" + ", ".join(items) + "}"]
    if extra_attr is not None:
        lines.append(f"    if r.{extra_attr}:")
        lines.append(f"        out.update(r.{extra_attr})")
    lines.append("    return out")
    dump: Callable[[Any], dict[str, Any]] = _compile(lines, scope, "dump", cls)
    return dump


_serial = itertools.count(1)


def _compile(lines: list[str], scope: dict[str, Any], name: str, cls: type[Any]) -> Any:
    """Compile one generated function; its source goes to ``linecache`` under a unique file
    name, so tracebacks and debuggers show the generated lines."""
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
