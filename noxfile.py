"""Project automation: ``nox -s tests lint typecheck docs bench demo``.

Each session builds its own virtual environment from the package's extras, so a fresh machine
with only Python needs nothing but ``python -m pip install nox``.
"""

from __future__ import annotations

import nox

nox.options.sessions = ["lint", "typecheck", "docs", "tests"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite (unit tests and integration tests against the emulator on loopback)."""
    session.install("-e", ".[test]")
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
    """Docs checks: code blocks compile, links resolve, every public name has a docstring."""
    session.install("-e", ".[test]")  # the emulator's pytest plugin is a public module too
    session.run("python", "docs/check_docs.py")


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
