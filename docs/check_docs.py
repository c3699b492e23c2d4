"""Checks the docs (``nox -s docs``): every ```python block of README.md and docs/*.md compiles,
every relative link resolves, and every public name of the package has a docstring."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def check_blocks(page: Path) -> list[str]:
    problems = []
    for number, block in enumerate(BLOCK.findall(page.read_text(encoding="utf-8")), 1):
        source = "async def __doc_block():\n" + "".join(
            f"    {line}\n" for line in block.splitlines()
        )
        try:
            compile(source, f"{page.name} block {number}", "exec")
        except SyntaxError as exc:
            problems.append(f"{page.relative_to(ROOT)}: python block {number}: {exc}")
    return problems


def check_links(page: Path) -> list[str]:
    problems = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if "://" in target or target.startswith("mailto:"):
            continue
        if not (page.parent / target).exists():
            problems.append(f"{page.relative_to(ROOT)}: broken link {target}")
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
    problems = [p for page in PAGES for p in check_blocks(page) + check_links(page)]
    problems += check_docstrings()
    for problem in problems:
        print(problem)
    print(f"docs: {len(PAGES)} pages checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
