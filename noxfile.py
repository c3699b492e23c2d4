"""Project automation: ``nox -s tests tests-latest lint typecheck docs build bench demo``.

Each session builds its own virtual environment from the package's extras, so a fresh machine
with only Python needs nothing but ``python -m pip install nox``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import nox

nox.options.sessions = ["lint", "typecheck", "docs", "tests"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite (unit tests and integration tests against the emulator on loopback)."""
    # aiohttp<3.14 only here: aioresponses (the HTTP mocks of some tests) cannot build 3.14's
    # responses; the library itself is tested on the newest aiohttp by "tests-latest"
    session.install("-e", ".[test]", "aiohttp>=3.9,<3.14")
    session.run("pytest", *session.posargs)


@nox.session(name="tests-latest")
def tests_latest(session: nox.Session) -> None:
    """The suite on the newest release of every dependency (the aioresponses tests skip on
    aiohttp >= 3.14, saying why); any warning raised from nxcc_async fails it."""
    session.install("--upgrade", "--upgrade-strategy", "eager", "-e", ".[test]")
    session.run("python", "-c", "import aiohttp; print('aiohttp', aiohttp.__version__)")
    session.run("pytest", *session.posargs)


@nox.session
def fuzz(session: nox.Session) -> None:
    """The fuzz suite's long profile: thousands of hostile replies per endpoint (minutes)."""
    session.install("-e", ".[test]")
    session.env["NXCC_FUZZ_PROFILE"] = "long"
    session.run("pytest", "tests/test_fuzz_replies.py", "-q", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: lint rules and formatting; the generated blocking facade is up to date."""
    session.install("ruff>=0.5")
    paths = ["nxcc_async", "tests", "tools", "benchmarks", "docs", "noxfile.py"]
    session.run("ruff", "check", *paths)
    session.run("ruff", "format", "--check", *paths)
    session.run("python", "tools/gen_blocking.py", "--check")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package, and on a user script of the blocking facade."""
    session.install("-e", ".[test]", "mypy>=1.10")
    session.run("mypy")
    session.run("mypy", "--strict", "tests/typing")


@nox.session
def docs(session: nox.Session) -> None:
    """Docs: code blocks compile as what they are, links resolve, every public name has a
    docstring; then the MkDocs site with ``mkdocs build --strict`` (into ``site/``)."""
    session.install("-e", ".[test,docs]")  # the emulator's pytest plugin is a public module too
    session.run("python", "docs/check_docs.py")
    session.env["NO_MKDOCS_2_WARNING"] = "1"
    session.run("mkdocs", "build", "--strict", "--site-dir", "site")


@nox.session
def build(session: nox.Session) -> None:
    """Build the wheel, install it in a fresh venv outside the source tree, run ``nxcc demo``."""
    session.install("build>=1.2")
    root = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="nxcc-wheel-") as temp:
        where = Path(temp)
        session.run("python", "-m", "build", "--wheel", "--outdir", str(where / "dist"), str(root))
        (wheel,) = (where / "dist").glob("nxcc_async-*.whl")
        session.run("python", "-m", "venv", str(where / "venv"))
        bindir = where / "venv" / ("Scripts" if sys.platform == "win32" else "bin")
        session.run(str(bindir / "python"), "-m", "pip", "install", "--quiet", str(wheel),
                    external=True)  # fmt: skip
        session.chdir(where)  # nothing of the source tree on the path
        session.run(str(bindir / "nxcc"), "--version", external=True)
        session.run(str(bindir / "nxcc"), "demo", "--days", "1", "--progress", "off",
                    "--out", str(where / "demo"), external=True)  # fmt: skip
        session.chdir(root)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks (ratios against a baseline of the same run); writes benchmarks/RESULTS.md."""
    session.install("-e", ".[parquet,postgres,bench]")
    session.run("python", "-m", "benchmarks", *session.posargs)


@nox.session
def demo(session: nox.Session) -> None:
    """The main job against the embedded emulator: ``nxcc demo``."""
    session.install("-e", ".")
    session.run("nxcc", "demo", *session.posargs)
