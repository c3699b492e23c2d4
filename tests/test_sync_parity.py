"""Every public async method has a blocking twin with the same signature (the facade adds none)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator

import pytest
from nxcc_async.nxcc.resources import agents, cdrs, numbers, queues, tasks

from nxcc_async import NXCC, AsyncNXCC
from nxcc_async.nxcc import sync_resources

PAIRS = [
    (agents.AgentsAPI, sync_resources.Agents),
    (queues.QueuesAPI, sync_resources.Queues),
    (cdrs.CdrsAPI, sync_resources.Cdrs),
    (tasks.TasksAPI, sync_resources.Tasks),
    (numbers.NumbersAPI, sync_resources.Numbers),
]

# The async client borrows an aiohttp session; a session is bound to one loop, so the blocking
# client (whose loop is private) cannot take one.
ASYNC_ONLY_PARAMETERS = {"session"}


def public_methods(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in vars(cls).items()
        if callable(member) and not name.startswith("_")
    }


def plain(annotation: object) -> str:
    return str(annotation).replace("builtins.", "")


def as_blocking(annotation: object) -> str:
    text = plain(annotation)
    text = re.sub(r"\bItemStream\[", "Iterator[", text)
    return re.sub(r"\bAsyncIterator\[", "Iterator[", text)


def signature_rows(sig: inspect.Signature) -> list[tuple[str, object, object, str]]:
    return [(p.name, p.kind, p.default, plain(p.annotation)) for p in sig.parameters.values()]


def resource_pairs() -> Iterator[tuple[str, type, type]]:
    for async_cls, sync_cls in PAIRS:
        yield async_cls.__name__, async_cls, sync_cls


@pytest.mark.parametrize(("name", "async_cls", "sync_cls"), list(resource_pairs()))
def test_every_async_method_has_a_twin_with_the_same_signature(
    name: str, async_cls: type, sync_cls: type
) -> None:
    async_methods = public_methods(async_cls)
    sync_methods = public_methods(sync_cls)
    assert set(async_methods) == set(sync_methods), name
    for method, async_sig in async_methods.items():
        sync_sig = sync_methods[method]
        assert signature_rows(sync_sig) == signature_rows(async_sig), f"{name}.{method}"
        assert plain(sync_sig.return_annotation) == as_blocking(async_sig.return_annotation), (
            f"{name}.{method}"
        )
        assert inspect.iscoroutinefunction(getattr(async_cls, method)) or plain(
            async_sig.return_annotation
        ).startswith("ItemStream["), method
        assert not inspect.iscoroutinefunction(getattr(sync_cls, method))
        assert getattr(sync_cls, method).__doc__, f"{name}.{method} has no docstring"


def test_every_resource_of_the_async_client_is_mirrored() -> None:
    client = AsyncNXCC(access_key="k", access_secret="s")
    resources = {name for name, value in vars(client).items() if isinstance(value, agents.Resource)}
    assert resources == {"agents", "queues", "cdrs", "tasks", "numbers"}
    mirrored = {type(getattr(client, name)) for name in resources}
    assert mirrored == {a for a, _ in PAIRS}


def test_client_constructors_match() -> None:
    async_rows = [
        row
        for row in signature_rows(inspect.signature(AsyncNXCC))
        if row[0] not in ASYNC_ONLY_PARAMETERS
    ]
    assert signature_rows(inspect.signature(NXCC)) == async_rows
    assert signature_rows(inspect.signature(NXCC.call)) == signature_rows(
        inspect.signature(AsyncNXCC.call)
    )
