"""Generate the blocking facade (``NXCC``, ``CEC`` and their resources) from the async source.

Unasync-style: the async modules are read as SOURCE (``ast``), never imported. For each target,
the async client class is found in ``client_module``; its resources are its class-level
annotations whose type is a class named ``...API`` (``agents: AgentsAPI``), looked up through
the client module's ``from X import Y`` statements. Every public method of the client and of
each resource gets a blocking twin that crosses the portal once:

- ``async def m(...) -> R``                 ->  ``def m(...) -> R: return portal.call(...)``
- ``def m(...) -> ItemStream[X]``           ->  ``def m(...) -> Iterator[X]: portal.iterate(...)``
- ``@classmethod from_env(...)``            ->  wraps ``Async.from_env(...)``
- ``@property p`` (read-only)               ->  ``@property p``: reads the async object's
- ``__init__``                              ->  the same parameters minus ``session``

Anything else public (a plain ``def``, an async generator, an unknown decorator) stops the
generator with an error rather than being skipped silently.

    python tools/gen_blocking.py           # (re)write the generated modules
    python tools/gen_blocking.py --check   # exit 1 and print a diff when one is stale
"""

from __future__ import annotations

import argparse
import ast
import builtins
import difflib
import sys
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "tools/gen_blocking.py"


@dataclass(frozen=True)
class Target:
    """One generated module: the blocking twin of ``async_class`` (and its resources)."""

    output: str
    client_module: str
    async_class: str
    blocking_class: str


# --- configuration ------------------------------------------------------------------------------
# Paths are relative to the repository root. When an async client moves, edit its line here.
TARGETS: list[Target] = [
    Target(
        output="nxcc_async/client/blocking.py",
        client_module="nxcc_async/client/client.py",
        async_class="AsyncNXCC",
        blocking_class="NXCC",
    ),
    Target(
        output="nxcc_async/cec/blocking.py",
        client_module="nxcc_async/cec/client.py",
        async_class="AsyncCEC",
        blocking_class="CEC",
    ),
]
# constructor parameters the blocking clients do not take (a session belongs to one loop)
ASYNC_ONLY_PARAMETERS = frozenset({"session"})
# public methods with no blocking twin (``close()`` replaces ``aclose()``)
SKIPPED_METHODS = frozenset({"aclose"})
# the only classmethod mirrored
MIRRORED_CLASSMETHODS = frozenset({"from_env"})
# a class-level annotation of the async client names a resource when its class ends with this
RESOURCE_SUFFIX = "API"
# where the facade's base classes live
BLOCKING_CLIENT = ("nxcc_async._core.lifecycle", "BlockingClient")
SYNC_RESOURCE = ("nxcc_async._core.portal", "SyncResource")
# the stream type of the async side, and what the blocking side returns instead
STREAM_TYPE = "ItemStream"
ITERATOR = ("collections.abc", "Iterator")
LINE_LENGTH = 100
# -------------------------------------------------------------------------------------------------

INDENT = "    "
# decorators of methods with no twin: setters, cached properties, static methods (a plain
# read-only ``@property`` is mirrored: it reads the async object's)
SKIPPED_DECORATORS = frozenset({"cached_property", "staticmethod", "setter", "getter", "deleter"})


class GenerationError(Exception):
    """The async source has a shape the generator does not know how to mirror."""


# --- reading the source --------------------------------------------------------------------------


@dataclass(frozen=True)
class Binding:
    """How a module binds a name: ``import module [as asname]`` or ``from module import name``."""

    module: str
    name: str | None = None  # None: a plain ``import module``
    asname: str | None = None
    type_checking: bool = False  # imported under ``if TYPE_CHECKING:``

    @property
    def bound(self) -> str:
        if self.asname:
            return self.asname
        if self.name is None:
            return self.module.split(".")[0]
        return self.name

    def key(self) -> tuple[str, str | None, str | None]:
        return (self.module, self.name, self.asname)


class Module:
    """One source file, parsed: its imports, top-level classes and names."""

    def __init__(self, root: Path, rel: str) -> None:
        self.rel = rel
        self.source = (root / rel).read_text(encoding="utf-8")
        self.tree = ast.parse(self.source, filename=rel)
        parts = rel.removesuffix(".py").split("/")
        self.is_package = parts[-1] == "__init__"
        self.name = ".".join(parts[:-1] if self.is_package else parts)
        self.imports: dict[str, Binding] = {}
        self.classes: dict[str, ast.ClassDef] = {}
        self.defined: set[str] = set()
        self._scan(self.tree.body, type_checking=False)

    def _scan(self, body: Iterable[ast.stmt], *, type_checking: bool) -> None:
        for node in body:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    self._bind(Binding(alias.name, None, alias.asname, type_checking))
            elif isinstance(node, ast.ImportFrom):
                module = self._absolute(node.module, node.level)
                for alias in node.names:
                    self._bind(Binding(module, alias.name, alias.asname, type_checking))
            elif isinstance(node, ast.If) and _is_type_checking(node.test):
                self._scan(node.body, type_checking=True)
            elif isinstance(node, ast.ClassDef):
                self.classes[node.name] = node
                self.defined.add(node.name)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self.defined.add(node.name)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    self.defined.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))

    def _bind(self, binding: Binding) -> None:
        known = self.imports.get(binding.bound)
        if known is not None and not known.type_checking:
            return  # a runtime import wins over a TYPE_CHECKING one
        self.imports[binding.bound] = binding

    def _absolute(self, module: str | None, level: int) -> str:
        if level == 0:
            return module or ""
        package = self.name.split(".") if self.is_package else self.name.split(".")[:-1]
        base = package[: len(package) - (level - 1)]
        return ".".join([*base, module] if module else base)

    def segment(self, node: ast.AST, *, lines: bool = False) -> str:
        """The source text of ``node`` as written (on one line unless ``lines``), or else its
        unparsed form."""
        text = ast.get_source_segment(self.source, node)
        if text is None or ("\n" in text and not lines):
            return ast.unparse(node)
        return text


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class Sources:
    """The project's modules, parsed on demand (the generator never imports them)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._modules: dict[str, Module] = {}
        self.read: list[str] = []  # files that shaped the output, in order of first use

    def file(self, rel: str) -> Module:
        if rel not in self._modules:
            if not (self.root / rel).is_file():
                raise GenerationError(f"{rel}: no such file")
            self._modules[rel] = Module(self.root, rel)
        return self._modules[rel]

    def module(self, dotted: str) -> Module | None:
        base = dotted.replace(".", "/")
        for rel in (f"{base}.py", f"{base}/__init__.py"):
            if (self.root / rel).is_file():
                return self.file(rel)
        return None

    def uses(self, module: Module) -> None:
        if module.rel not in self.read:
            self.read.append(module.rel)

    def find_class(self, module: Module, name: str) -> tuple[Module, ast.ClassDef] | None:
        """The class ``name`` means in ``module``: defined there or brought by ``from X import``
        (followed through re-exports); None outside the project."""
        seen: set[tuple[str, str]] = set()
        while (module.rel, name) not in seen:
            seen.add((module.rel, name))
            if name in module.classes:
                return module, module.classes[name]
            binding = module.imports.get(name)
            if binding is None or binding.name is None:
                return None
            target = self.module(binding.module)
            if target is None:
                return None
            module, name = target, binding.name
        return None


# --- the model of a generated module -------------------------------------------------------------


@dataclass
class Param:
    name: str
    kind: str  # "posonly", "positional", "vararg", "kwonly", "kwarg"
    annotation: ast.expr | None
    default: ast.expr | None


@dataclass
class Method:
    """One public method of an async class, as found in ``module``."""

    module: Module
    node: ast.FunctionDef | ast.AsyncFunctionDef
    mode: str  # "call", "iterate", "from_env", "property", "init"

    @property
    def name(self) -> str:
        return self.node.name

    def params(self) -> list[Param]:
        args = self.node.args
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
        defaults += args.defaults
        params = [
            Param(a.arg, "posonly" if i < len(args.posonlyargs) else "positional", a.annotation, d)
            for i, (a, d) in enumerate(zip(positional, defaults, strict=True))
        ]
        if args.vararg:
            params.append(Param(args.vararg.arg, "vararg", args.vararg.annotation, None))
        params += [
            Param(a.arg, "kwonly", a.annotation, d)
            for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
        ]
        if args.kwarg:
            params.append(Param(args.kwarg.arg, "kwarg", args.kwarg.annotation, None))
        return params

    def docstring(self) -> str | None:
        body = self.node.body
        if (
            body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            return self.module.segment(body[0].value, lines=True)
        return None


@dataclass
class Resource:
    attribute: str  # ``agents``
    annotation: ast.expr  # ``AgentsAPI`` in the client class
    module: Module
    node: ast.ClassDef
    methods: list[Method]

    @property
    def async_name(self) -> str:
        return self.node.name

    @property
    def blocking_name(self) -> str:
        return self.node.name.removesuffix(RESOURCE_SUFFIX)


@dataclass
class Plan:
    target: Target
    client: Module
    client_class: ast.ClassDef
    init: Method
    methods: list[Method]
    resources: list[Resource]
    imports: Imports = field(init=False)


def _decorators(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    names = []
    for decorator in node.decorator_list:
        expr = decorator.func if isinstance(decorator, ast.Call) else decorator
        names.append(ast.unparse(expr))
    return names


def _classify(module: Module, cls: str, node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """How ``node`` is mirrored: "call", "iterate", "from_env", "property", or None (no
    twin)."""
    where = f"{module.rel}: {cls}.{node.name}"
    decorators = _decorators(node)
    if node.name.startswith("_") or node.name in SKIPPED_METHODS:
        return None
    if any(d.split(".")[-1] in SKIPPED_DECORATORS for d in decorators):
        return None
    if decorators == ["classmethod"]:
        return "from_env" if node.name in MIRRORED_CLASSMETHODS else None
    if decorators == ["property"]:
        return "property"
    if decorators:
        raise GenerationError(f"{where}: no blocking twin for decorators {decorators}")
    if isinstance(node, ast.AsyncFunctionDef):
        if _yields(node):
            raise GenerationError(
                f"{where}: an async generator; return an {STREAM_TYPE} from a plain def instead"
            )
        return "call"
    if _stream_item(node) is not None:
        return "iterate"
    raise GenerationError(
        f"{where}: a public plain def not returning {STREAM_TYPE}[...]; make it async, "
        f"private, or teach {SCRIPT} how to mirror it"
    )


def _yields(node: ast.AST) -> bool:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Yield | ast.YieldFrom):
            return True
        if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) and _yields(
            child
        ):
            return True
    return False


def _stream_item(node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.expr | None:
    """``X`` when the return annotation is ``ItemStream[X]``."""
    returns = node.returns
    if isinstance(returns, ast.Subscript):
        value = returns.value
        name = value.id if isinstance(value, ast.Name) else getattr(value, "attr", None)
        if name == STREAM_TYPE:
            return returns.slice
    return None


def _methods(sources: Sources, module: Module, cls: ast.ClassDef) -> dict[str, Method]:
    """Public methods of ``cls`` and of its bases defined in the project (subclass wins)."""
    found: dict[str, Method] = {}
    for base in cls.bases:
        if isinstance(base, ast.Name):
            resolved = sources.find_class(module, base.id)
            if resolved is not None:
                found.update(_methods(sources, *resolved))
    own: dict[str, Method] = {}
    for node in cls.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.pop(node.name, None)  # overridden, even when the override has no twin
            if node.name == "__init__":
                own[node.name] = Method(module, node, "init")
                continue
            mode = _classify(module, cls.name, node)
            if mode is not None:
                own[node.name] = Method(module, node, mode)
    if any(method.mode != "init" for method in own.values()):
        sources.uses(module)
    return {**found, **own}


def plan(target: Target, root: Path = ROOT) -> Plan:
    sources = Sources(root)
    client = sources.file(target.client_module)
    sources.uses(client)
    client_class = client.classes.get(target.async_class)
    if client_class is None:
        raise GenerationError(f"{target.client_module}: no class {target.async_class}")
    everything = _methods(sources, client, client_class)
    init = everything.pop("__init__", None)
    if init is None:
        raise GenerationError(f"{target.async_class} has no __init__")
    methods = [m for m in everything.values() if m.mode != "init"]
    resources = []
    for node in client_class.body:
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)):
            continue
        annotation = node.annotation
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            annotation = ast.parse(annotation.value, mode="eval").body  # ``agents: "AgentsAPI"``
        name = annotation.id if isinstance(annotation, ast.Name) else None
        if name is None or not name.endswith(RESOURCE_SUFFIX) or node.target.id.startswith("_"):
            continue
        resolved = sources.find_class(client, name)
        if resolved is None:
            raise GenerationError(
                f"{target.client_module}: {target.async_class}.{node.target.id}: {name} is "
                "not a class found through the module's imports"
            )
        module, cls = resolved
        sources.uses(module)
        found = _methods(sources, module, cls)
        found.pop("__init__", None)
        resource_methods = list(found.values())
        if any(m.mode == "from_env" for m in resource_methods):
            raise GenerationError(f"{module.rel}: {name}.from_env: classmethods on a resource")
        resources.append(Resource(node.target.id, annotation, module, cls, resource_methods))
    result = Plan(target, client, client_class, init, methods, resources)
    result.imports = Imports(sources)
    return result


# --- imports -------------------------------------------------------------------------------------


class Imports:
    """The import statements the generated module needs: for each name used in an emitted
    annotation or default, the statement that bound it in the module it was copied from."""

    def __init__(self, sources: Sources) -> None:
        self.sources = sources
        self.bindings: dict[str, Binding] = {}

    def add(self, binding: Binding, owner: str) -> None:
        known = self.bindings.get(binding.bound)
        if known is None or (known.type_checking and not binding.type_checking):
            if known is not None and known.key() != binding.key():
                raise GenerationError(f"{owner}: {binding.bound} means two things")
            self.bindings[binding.bound] = binding
        elif known.key() != binding.key():
            raise GenerationError(
                f"{owner}: the name {binding.bound} means {_describe(binding)} here and "
                f"{_describe(known)} elsewhere in the same generated module"
            )

    def names_of(self, module: Module, node: ast.expr | None, *, annotation: bool) -> None:
        """Import what ``node`` (an annotation or a default, copied from ``module``) uses."""
        if node is None:
            return
        for child in ast.walk(node):
            if isinstance(child, ast.Name):
                self._name(module, child.id, annotation=annotation)
            elif annotation and isinstance(child, ast.Constant) and isinstance(child.value, str):
                self.names_of(module, ast.parse(child.value, mode="eval").body, annotation=True)

    def _name(self, module: Module, name: str, *, annotation: bool) -> None:
        binding = module.imports.get(name)
        if binding is not None:
            if binding.type_checking and not annotation:
                raise GenerationError(f"{module.rel}: {name} is needed at run time")
            self.add(binding, module.rel)
        elif name in module.defined:
            if name.startswith("_"):
                raise GenerationError(
                    f"{module.rel}: the generated module would import the private name {name}; "
                    "make it public"
                )
            self.add(Binding(module.name, name), module.rel)
        elif not hasattr(builtins, name):
            raise GenerationError(f"{module.rel}: cannot tell where the name {name} comes from")

    def render(self, first_party: set[str]) -> list[str]:
        runtime = [b for b in self.bindings.values() if not b.type_checking]
        type_only = [b for b in self.bindings.values() if b.type_checking]
        if type_only:
            self.add(Binding("typing", "TYPE_CHECKING"), SCRIPT)
            runtime.append(self.bindings["TYPE_CHECKING"])
        lines = ["from __future__ import annotations", ""]
        lines += _import_block(runtime, first_party, "")
        if type_only:
            lines += ["", "if TYPE_CHECKING:"]
            lines += _import_block(type_only, first_party, INDENT)
        return lines


def _describe(binding: Binding) -> str:
    if binding.name is None:
        return f"`import {binding.module}`"
    return f"`from {binding.module} import {binding.name}`"


def _section(module: str, first_party: set[str]) -> int:
    top = module.split(".", maxsplit=1)[0]
    if top == "__future__":
        return 0
    if top in sys.stdlib_module_names:
        return 1
    if top in first_party:
        return 3
    return 2


def _natural(text: str) -> list[tuple[int, int | str]]:
    """isort's natural order: case-insensitive, digit runs compared as numbers."""
    key: list[tuple[int, int | str]] = []
    digits = ""
    for char in text.lower() + "\0":
        if char.isdigit():
            digits += char
            continue
        if digits:
            key.append((0, int(digits)))
            digits = ""
        if char != "\0":
            key.append((1, char))
    return key


def _member_key(name: str) -> tuple[int, list[tuple[int, int | str]], str]:
    # ruff's isort ``order-by-type``: CONSTANTS, then Classes, then variables
    if len(name) > 1 and name.upper() == name and name.lower() != name:
        kind = 0
    elif name[0].isupper():
        kind = 1
    else:
        kind = 2
    return kind, _natural(name), name


def _import_block(bindings: Sequence[Binding], first_party: set[str], indent: str) -> list[str]:
    statements: dict[tuple[str, str, str | None], set[tuple[str, str | None]]] = {}
    for binding in bindings:
        if binding.name is None:
            statements[("import", binding.module, binding.asname)] = set()
        elif binding.asname is None:
            statements.setdefault(("from", binding.module, None), set()).add((binding.name, None))
        else:  # ``from m import a as b`` stays its own statement (ruff: combine-as-imports off)
            aliased = ("from", binding.module, f"{binding.name} as {binding.asname}")
            statements[aliased] = {(binding.name, binding.asname)}
    sections: dict[int, list[tuple[Any, str]]] = {}
    for (kind, module, extra), members in statements.items():
        names = sorted(members, key=lambda m: _member_key(m[0]))
        if kind == "import":
            text = f"import {module}" + (f" as {extra}" if extra else "")
            order: Any = (0, _natural(module), module, extra or "")
        else:
            parts = [n if a is None else f"{n} as {a}" for n, a in names]
            text = _wrap_from(module, parts, indent)
            order = (1, _natural(module), module, _member_key(names[0][0]))
        sections.setdefault(_section(module, first_party), []).append((order, text))
    lines: list[str] = []
    for section in sorted(sections):
        if lines:
            lines.append("")
        lines += [text for _, text in sorted(sections[section], key=lambda kt: kt[0])]
    return lines


def _wrap_from(module: str, names: list[str], indent: str) -> str:
    one = f"{indent}from {module} import {', '.join(names)}"
    if len(one) <= LINE_LENGTH:
        return one
    inner = "".join(f"{indent}{INDENT}{name},\n" for name in names)
    return f"{indent}from {module} import (\n{inner}{indent})"


# --- emitting code -------------------------------------------------------------------------------


@dataclass
class Call:
    """A call expression to lay out: on one line, or one argument per line."""

    func: str
    args: list[str | Call]

    def flat(self) -> str:
        return f"{self.func}({', '.join(_flat(a) for a in self.args)})"


def _flat(expr: str | Call) -> str:
    return expr if isinstance(expr, str) else expr.flat()


def _layout(expr: str | Call, indent: str, prefix: str = "", suffix: str = "") -> list[str]:
    one = f"{indent}{prefix}{_flat(expr)}{suffix}"
    if len(one) <= LINE_LENGTH or isinstance(expr, str) or not expr.args:
        return [one]
    lines = [f"{indent}{prefix}{expr.func}("]
    for arg in expr.args:
        lines += _layout(arg, indent + INDENT, suffix=",")
    lines.append(f"{indent}){suffix}")
    return lines


def _signature(
    method: Method, params: list[Param], returns: str, imports: Imports, indent: str
) -> list[str]:
    module = method.module
    parts: list[str] = []
    seen_kwonly = False
    for index, param in enumerate(params):
        if param.kind == "positional" and index > 0 and params[index - 1].kind == "posonly":
            parts.append("/")
        if param.kind == "kwonly" and not seen_kwonly:
            seen_kwonly = True
            if not any(p.kind == "vararg" for p in params):
                parts.append("*")
        star = {"vararg": "*", "kwarg": "**"}.get(param.kind, "")
        text = star + param.name
        if param.annotation is not None:
            text += f": {module.segment(param.annotation)}"
            imports.names_of(module, param.annotation, annotation=True)
        if param.default is not None:
            equals = " = " if param.annotation is not None else "="
            text += equals + module.segment(param.default)
            imports.names_of(module, param.default, annotation=False)
        parts.append(text)
    if params and params[-1].kind == "posonly":
        parts.append("/")
    head = f"{indent}def {method.name}("
    tail = f") -> {returns}:"
    one = head + ", ".join(parts) + tail
    if len(one) <= LINE_LENGTH:
        return [one]
    return [head, *(f"{indent}{INDENT}{part}," for part in parts), f"{indent}{tail}"]


def _forward(params: list[Param], dropped: frozenset[str] = frozenset()) -> list[str | Call]:
    """The arguments that pass ``params`` on unchanged (less ``dropped``)."""
    args: list[str | Call] = []
    by_keyword = False
    for param in params:
        if param.name in dropped:
            if param.kind in {"posonly", "positional", "vararg"}:
                by_keyword = True
            continue
        if param.kind == "posonly" and by_keyword:
            raise GenerationError(f"cannot drop a parameter before the positional {param.name}")
        if param.kind in {"posonly", "positional"} and not by_keyword:
            args.append(param.name)
        elif param.kind == "vararg":
            args.append(f"*{param.name}")
        elif param.kind == "kwarg":
            args.append(f"**{param.name}")
        else:
            args.append(f"{param.name}={param.name}")
    return args


def _docstring(text: str | None, fallback: str, indent: str) -> list[str]:
    if text is not None:
        return [indent + text]
    return _paragraphs([fallback], indent)


def _paragraphs(paragraphs: list[str], indent: str) -> list[str]:
    """A docstring of wrapped paragraphs (multi-line ones close on their own line)."""
    wrapped = [
        textwrap.wrap(p, LINE_LENGTH - len(indent), break_long_words=False, break_on_hyphens=False)
        for p in paragraphs
    ]
    wrapped[0] = textwrap.wrap(
        '"""' + paragraphs[0],
        LINE_LENGTH - len(indent),
        break_long_words=False,
        break_on_hyphens=False,
    )
    if (
        len(wrapped) == 1
        and len(wrapped[0]) == 1
        and len(indent + wrapped[0][0]) + 3 <= LINE_LENGTH
    ):
        return [indent + wrapped[0][0] + '"""']
    lines: list[str] = []
    for index, paragraph in enumerate(wrapped):
        if index:
            lines.append("")
        lines += [indent + line for line in paragraph]
    return [*lines, indent + '"""']


def _emit_method(
    method: Method, owner: str, target_expr: str, imports: Imports, blocking_class: str
) -> list[str]:
    params = method.params()
    self_name = params[0].name if params else "self"
    rest = params[1:]
    module = method.module
    indent = INDENT
    if method.mode == "call":
        returns = module.segment(method.node.returns) if method.node.returns else "None"
        imports.names_of(module, method.node.returns, annotation=True)
        body: str | Call = Call(
            f"{self_name}._portal.call",
            [f"{self_name}.{target_expr}.{method.name}", *_forward(rest)],
        )
    elif method.mode == "property":
        returns = module.segment(method.node.returns) if method.node.returns else "Any"
        imports.names_of(module, method.node.returns, annotation=True)
        body = f"{self_name}.{target_expr}.{method.name}"
    elif method.mode == "iterate":
        item = _stream_item(method.node)
        assert item is not None
        returns = f"{ITERATOR[1]}[{module.segment(item)}]"
        imports.add(Binding(*ITERATOR), SCRIPT)
        imports.names_of(module, item, annotation=True)
        inner = Call(f"{self_name}.{target_expr}.{method.name}", _forward(rest))
        body = Call(f"{self_name}._portal.iterate", [inner])
    else:  # from_env
        returns = blocking_class
        inner = Call(f"{owner}.{method.name}", _forward(rest))
        body = Call(f"{self_name}._wrap", [inner])
    decorator = {"from_env": "classmethod", "property": "property"}.get(method.mode)
    lines = [f"{indent}@{decorator}"] if decorator else []
    lines += _signature(method, params, returns, imports, indent)
    lines += _docstring(method.docstring(), f"Blocking ``{owner}.{method.name}``.", indent * 2)
    lines += _layout(body, indent * 2, prefix="return ")
    return lines


def _emit_init(plan: Plan, imports: Imports) -> list[str]:
    params = [p for p in plan.init.params() if p.name not in ASYNC_ONLY_PARAMETERS]
    full = plan.init.params()
    self_name = full[0].name
    construct = Call(plan.target.async_class, _forward(full[1:], ASYNC_ONLY_PARAMETERS))
    lines = _signature(plan.init, params, "None", imports, INDENT)
    docstring = plan.init.docstring()
    if docstring is not None:
        lines.append(INDENT * 2 + docstring)
    lines += _layout(Call(f"{self_name}._attach", [construct]), INDENT * 2)
    return lines


def render(target: Target, root: Path = ROOT) -> str:
    """The text of ``target.output``, generated from the async source."""
    p = plan(target, root)
    imports = p.imports
    client_module = p.client.name
    async_class = target.async_class
    blocking = target.blocking_class
    taken = {blocking, *(r.blocking_name for r in p.resources)}
    imports.add(Binding(*BLOCKING_CLIENT), SCRIPT)
    imports.add(Binding(client_module, async_class), SCRIPT)

    classes: list[list[str]] = []
    for resource in p.resources:
        imports.names_of(p.client, resource.annotation, annotation=True)
        lines = [f"class {resource.blocking_name}({SYNC_RESOURCE[1]}):"]
        lines += _paragraphs(
            [
                f"Blocking ``client.{resource.attribute}``: see "
                f":class:`~{resource.module.name}.{resource.async_name}`."
            ],
            INDENT,
        )
        lines += ["", f"{INDENT}_async: {resource.async_name}"]
        for method in resource.methods:
            lines += ["", *_emit_method(method, resource.async_name, "_async", imports, blocking)]
        classes.append(lines)

    lines = [f"class {blocking}({BLOCKING_CLIENT[1]}):"]
    lines += _paragraphs(
        [
            f"Blocking twin of :class:`~{client_module}.{async_class}`: the same names, "
            "no ``await``.",
            "The work runs on one private event loop in a daemon thread (an anyio blocking "
            "portal), so it also works where an event loop already runs (Jupyter). Use "
            f"``with {blocking}(...) as client`` or call ``close()``; a client never closed is "
            "closed at garbage collection or at exit.",
        ],
        INDENT,
    )
    lines += ["", f"{INDENT}async_client: {async_class}"]
    for resource in p.resources:
        lines.append(f"{INDENT}{resource.attribute}: {resource.blocking_name}")
    if p.resources:
        imports.add(Binding("typing", "ClassVar"), SCRIPT)
        imports.add(Binding(*SYNC_RESOURCE), SCRIPT)
        lines.append(f"{INDENT}_resources: ClassVar[dict[str, type[{SYNC_RESOURCE[1]}]]] = {{")
        lines += [f'{INDENT * 2}"{r.attribute}": {r.blocking_name},' for r in p.resources]
        lines.append(f"{INDENT}}}")
    lines += ["", *_emit_init(p, imports)]
    for method in p.methods:
        lines += ["", *_emit_method(method, async_class, "async_client", imports, blocking)]
    classes.append(lines)

    clashes = taken & set(imports.bindings)
    if clashes:
        raise GenerationError(f"{target.output}: generated classes clash with imports: {clashes}")
    first_party = {path.name for path in root.iterdir() if (path / "__init__.py").is_file()}
    header = (
        f"# Generated by {SCRIPT} from {', '.join(imports.sources.read)} — do not edit; "
        f"run `python {SCRIPT}`."
    )
    if len(header) > LINE_LENGTH:
        header += "  # noqa: E501"
    doc = _paragraphs(
        [
            f"The blocking facade of ``{async_class}``: ``{blocking}``"
            + (
                f" and its resources ({', '.join(r.blocking_name for r in p.resources)})"
                if p.resources
                else ""
            )
            + ". Each method crosses the portal once (see ``nxcc_async._core.portal``); "
            "streams become blocking iterators that cross it once per batch."
        ],
        "",
    )
    out = [header, *doc, "", *imports.render(first_party)]
    for block in classes:
        out += ["", "", *block]
    return "\n".join(out) + "\n"


# --- command line --------------------------------------------------------------------------------


def main(
    argv: Sequence[str] | None = None, targets: Sequence[Target] = TARGETS, root: Path = ROOT
) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 with a diff when a file is stale"
    )
    args = parser.parse_args(argv)
    status = 0
    for target in targets:
        try:
            text = render(target, root)
        except GenerationError as error:
            print(f"{SCRIPT}: {error}", file=sys.stderr)
            return 2
        path = root / target.output
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == text:
            continue
        if args.check:
            status = 1
            sys.stdout.writelines(_diff(current, text, target.output))
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {target.output}")
    return status


def _diff(current: str, text: str, name: str) -> Iterator[str]:
    return difflib.unified_diff(
        current.splitlines(keepends=True),
        text.splitlines(keepends=True),
        fromfile=f"{name} (on disk)",
        tofile=f"{name} (generated)",
    )


if __name__ == "__main__":
    sys.exit(main())
