"""MkDocs hooks: a page linking to a repository file outside docs/ (``../benchmarks/RESULTS.md``)
gets that file published as a page of the site under ``repo/``, and its link pointed there, so
``mkdocs build --strict`` resolves every link and the site has no dead ones."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE = re.compile(r"\]\((\.\./[^)#\s]+\.md)(#[^)]*)?\)")


def _targets(docs: Path) -> set[str]:
    """Repository paths of the .md files outside docs/ that a page links to."""
    found = set()
    for page in docs.glob("*.md"):
        for target, _ in OUTSIDE.findall(page.read_text(encoding="utf-8")):
            path = (docs / target).resolve()
            if path.is_file() and path.is_relative_to(ROOT):
                found.add(path.relative_to(ROOT).as_posix())
    return found


def on_files(files: Files, config: Any) -> Files:
    """Publish each linked outside file as ``repo/<its path>``."""
    for target in sorted(_targets(Path(config["docs_dir"]))):
        text = (ROOT / target).read_text(encoding="utf-8")
        files.append(File.generated(config, f"repo/{target}", content=text))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """Point links that leave docs/ at the published copies."""
    depth = posixpath.dirname(page.file.src_uri)

    def swap(match: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join("docs", depth, match.group(1)))
        new = posixpath.relpath(f"repo/{target}", depth or ".")
        return f"]({new}{match.group(2) or ''})"

    return OUTSIDE.sub(swap, markdown)
