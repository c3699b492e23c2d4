"""One cattrs converter for every record, driven by attrs field metadata.

A record field is declared with :func:`wire`: its vendor name (camelCase derived from the
attribute name unless given) and an optional :class:`Codec` that turns the vendor value into the
Python one and back. Keys the record does not know are kept in its ``extra`` mapping, never an
error, and put back when the record is converted to the vendor shape.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Optional, TypeVar

import attrs
import cattrs

from nxcc_async._core.recordgen import (
    Codec,
    FieldPlan,
    RecordPlan,
    check_plain,
    keep,
    make_dump,
    make_load,
)

__all__ = [
    "Codec",
    "converter",
    "dump",
    "extra_field",
    "keep",
    "load",
    "load_list",
    "register",
    "wire",
]

T = TypeVar("T")


def camel(name: str) -> str:
    """``call_id`` -> ``callId``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def wire(
    default: Any = attrs.NOTHING,
    *,
    name: str | None = None,
    codec: Codec | None = None,
    factory: Callable[[], Any] | None = None,
) -> Any:
    """Declare a record field: its vendor ``name`` (default: camelCase) and its ``codec``."""
    meta = {"wire": name, "codec": codec}
    if factory is not None:
        return attrs.field(factory=factory, metadata=meta)
    return attrs.field(default=default, metadata=meta)


def extra_field() -> Any:
    """The ``extra`` field of a record: vendor keys it does not know, kept as they came."""
    return attrs.field(factory=dict, hash=False, repr=False, metadata={"extra": True})


def _identity(value: Any) -> Any:
    return value


def _lenient_int(value: Any, _: type) -> int:
    if value is None or value == "":
        return 0
    return int(value)


def _lenient_bool(value: Any, _: type) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    return bool(value)


def _lenient_float(value: Any, _: type) -> float:
    return 0.0 if value is None or value == "" else float(value)


def _lenient_str(value: Any, _: type) -> str:
    return value if type(value) is str else ("" if value is None else str(value))


def _optional_str(value: Any, _: type) -> str | None:
    return value if value is None or type(value) is str else str(value)


def _optional_bool(value: Any, _: type) -> bool | None:
    return None if value is None else _lenient_bool(value, bool)


# detailed_validation off: records are built from trusted-shape vendor JSON on the hot path of
# bulk harvesting, and the per-field error bookkeeping would cost about a third of the time.
converter = cattrs.Converter(detailed_validation=False)
converter.register_structure_hook(int, _lenient_int)
converter.register_structure_hook(bool, _lenient_bool)
converter.register_structure_hook(float, _lenient_float)
converter.register_structure_hook(str, _lenient_str)
for _optional, _load in ((str, _optional_str), (bool, _optional_bool)):
    # both spellings: typing.Optional[X] and the X | None that annotations evaluate to
    for _type in (Optional[_optional], _optional | None):  # noqa: UP045
        converter.register_structure_hook(_type, _load)
        converter.register_unstructure_hook(_type, _identity)


def register(cls: type[T]) -> type[T]:
    """Class decorator: teach the converter to load and dump ``cls`` by its field metadata.

    ``TypeError`` for a class with attrs validators, converters or ``__attrs_post_init__``:
    the generated loader does not run them."""
    check_plain(cls)
    attrs.resolve_types(cls)  # type: ignore[type-var]
    plan: list[FieldPlan] = []
    extra_attr: str | None = None
    for f in attrs.fields(cls):  # type: ignore[arg-type]
        if f.metadata.get("extra"):
            extra_attr = f.name
            continue
        wire_name = f.metadata.get("wire") or camel(f.name)
        plan.append(FieldPlan(f.name, wire_name, f.metadata.get("codec"), f.type))
    load_record = make_load(cls, plan, extra_attr, converter.get_structure_hook)
    dump_record = make_dump(cls, plan, extra_attr, converter.get_unstructure_hook)
    converter.register_structure_hook(cls, load_record)
    converter.register_unstructure_hook(cls, dump_record)
    _LOADERS[cls] = load_record
    _PLANS[cls] = RecordPlan(cls, tuple(plan), extra_attr, converter.get_structure_hook)
    return cls


_LOADERS: dict[type[Any], Callable[[Any, Any], Any]] = {}
_PLANS: dict[type[Any], RecordPlan] = {}


def plan_of(cls: type[Any]) -> RecordPlan:
    """How a registered record crosses the wire (``KeyError`` for a class not registered)."""
    return _PLANS[cls]


def load(cls: type[T], data: Any) -> T:
    """Build a ``cls`` record from the vendor's JSON object."""
    loader = _LOADERS.get(cls)
    return loader(data, cls) if loader is not None else converter.structure(data, cls)


def load_list(cls: type[T], data: Any) -> list[T]:
    """Build a list of ``cls`` records from a JSON array (``None`` and ``{}`` are empty)."""
    if not data:
        return []
    if isinstance(data, Mapping):
        return [load(cls, data)]
    hook = _LOADERS.get(cls) or converter.get_structure_hook(cls)
    return [hook(item, cls) for item in data]


def dump(record: Any) -> dict[str, Any]:
    """The vendor's JSON shape of a record (unknown fields put back)."""
    result: dict[str, Any] = converter.unstructure(record)
    return result
