"""A throwaway PostgreSQL server for tests and benchmarks: ``initdb`` + ``pg_ctl`` from the
distribution's packages, on 127.0.0.1 and a free port, in a temporary directory.

As root (PostgreSQL refuses to run as root) the server runs as the unprivileged user ``nobody``
through ``runuser``; the data directory is handed to that user. ``find_bin_dir()`` returns
``None`` when no server binary is installed (callers skip with that reason).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

UNPRIVILEGED_USER = "nobody"
NOT_FOUND = (
    "no PostgreSQL server binary (initdb, pg_ctl) on PATH or in /usr/lib/postgresql/*/bin; "
    "install one (Debian: apt-get install postgresql) to run the PostgreSQL tests"
)


def find_bin_dir() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl`` (the newest version), or ``None``."""
    candidates: list[Path] = []
    found = shutil.which("pg_ctl")
    if found:
        candidates.append(Path(found).resolve().parent)
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted(
        (Path(p) for p in versions),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for directory in candidates:
        if (directory / "pg_ctl").exists() and (directory / "initdb").exists():
            return directory
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", UNPRIVILEGED_USER, "--", *command]


@contextlib.contextmanager
def postgres_server(bin_dir: Path) -> Iterator[str]:
    """Run a server until the block ends; yields the URL of its ``postgres`` database
    (superuser ``postgres``, trust authentication on 127.0.0.1 only)."""
    root = Path(tempfile.mkdtemp(prefix="nxcc-pg-"))
    data = root / "data"
    data.mkdir()
    if os.geteuid() == 0:
        os.chmod(root, 0o755)
        shutil.chown(data, UNPRIVILEGED_USER)
        os.chmod(data, 0o700)
    port = _free_port()
    log = root / "server.log"
    log.touch()
    if os.geteuid() == 0:
        shutil.chown(log, UNPRIVILEGED_USER)

    def run(command: list[str]) -> None:
        subprocess.run(
            _as_server_user(command),
            check=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=root,
        )

    try:
        run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ]
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories='' "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=50"
        )
        start = ["-o", options, "-l", str(log), "-w", "-t", "60", "start"]
        run([str(bin_dir / "pg_ctl"), "-D", str(data), *start])
    except subprocess.CalledProcessError as exc:
        output = exc.stdout.decode(errors="replace") if exc.stdout else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"could not start PostgreSQL: {output}\n{log.read_text()}") from None
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=root,
        )
        shutil.rmtree(root, ignore_errors=True)


def create_database(server_url: str, name: str) -> str:
    """Create database ``name`` on the server; its URL."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + f"/{name}"
