"""Checks the docs (``nox -s docs``): every ```python block of README.md and docs/*.md compiles
as what it is (a complete program, a fragment of the prelude program of docs/examples.md, or a
block marked not to run, with its reason), every relative link resolves, and every public name
of the package has a docstring. ``tests/test_docs_examples.py`` runs the blocks against the
emulator with :func:`blocks` and :func:`program`."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
MARK = re.compile(r"<!--\s*(no-run|fragment|prelude|pytest)\s*(?::\s*(.*?))?\s*-->\s*$", re.DOTALL)
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
SLOT = "        ...  # the fragment\n"


@dataclass(frozen=True)
class Block:
    """One ```python block: where it is, its kind and its text."""

    page: Path
    line: int
    kind: str  # "program", "fragment", "pytest" (a test module), "no-run" or "prelude"
    reason: str
    source: str

    @property
    def name(self) -> str:
        """``README.md:42``."""
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(pages: list[Path] = PAGES) -> list[Block]:
    """Every python block of ``pages``, with the marker on the line before it (if any)."""
    found = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for match in BLOCK.finditer(text):
            before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
            mark = MARK.search(before)
            kind, reason = (mark.group(1), mark.group(2) or "") if mark else ("program", "")
            line = text.count("\n", 0, match.start()) + 1
            found.append(Block(page, line, kind, reason.strip(), match.group(1)))
    return found


def prelude() -> str:
    """The program fragments run in (the prelude block of docs/examples.md)."""
    (block,) = [b for b in blocks() if b.kind == "prelude"]
    if SLOT not in block.source:
        raise ValueError(f"{block.name}: the prelude has no line {SLOT.strip()!r}")
    return block.source


def program(block: Block) -> str:
    """The program a block runs as: itself, or the prelude with the fragment in its slot."""
    if block.kind == "fragment":
        return prelude().replace(SLOT, textwrap.indent(block.source, " " * 8))
    return block.source


def check_blocks() -> list[str]:
    problems = []
    for block in blocks():
        source = program(block)
        if block.kind == "no-run":
            if not block.reason:
                problems.append(f"{block.name}: no-run without a reason")
            source = "async def __doc_block():\n" + textwrap.indent(source, "    ")
        try:
            compile(source, block.name, "exec")
        except SyntaxError as exc:
            problems.append(f"{block.name}: python block ({block.kind}): {exc}")
    return problems


def check_links(page: Path) -> list[str]:
    problems = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if "://" in target or target.startswith("mailto:"):
            continue
        if not (page.parent / target).exists():
            problems.append(f"{page.relative_to(ROOT)}: broken link {target}")
        elif ".." in Path(target).parts and not (page.parent / target).resolve().is_relative_to(
            ROOT
        ):
            problems.append(f"{page.relative_to(ROOT)}: link outside the repository {target}")
    return problems


def public_names() -> list[tuple[str, object]]:
    import nxcc_async

    found: list[tuple[str, object]] = []
    for info in pkgutil.walk_packages(nxcc_async.__path__, "nxcc_async."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]):
            continue
        module = importlib.import_module(info.name)
        found.append((info.name, module))
        for name in getattr(module, "__all__", []):
            found.append((f"{info.name}.{name}", getattr(module, name)))
    return found


def check_docstrings() -> list[str]:
    problems = []
    for qualified, obj in public_names():
        if not (inspect.ismodule(obj) or inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        if not inspect.getdoc(obj):
            problems.append(f"{qualified}: no docstring")
        if inspect.isclass(obj):
            for name, member in vars(obj).items():
                if name.startswith("_") or not inspect.isfunction(member):
                    continue
                if not inspect.getdoc(member):
                    problems.append(f"{qualified}.{name}: no docstring")
    return problems


def main() -> int:
    problems = check_blocks() + [p for page in PAGES for p in check_links(page)]
    problems += check_docstrings()
    for problem in problems:
        print(problem)
    print(f"docs: {len(PAGES)} pages, {len(blocks())} python blocks, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
