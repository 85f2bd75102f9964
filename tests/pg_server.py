"""A throwaway PostgreSQL + PostGIS server for the tests, in a temporary folder.

Debian's ``postgresql-15-postgis-3`` (installed by ``make test`` and ``.ci/run``),
started with ``initdb``/``pg_ctl`` on 127.0.0.1 at a free port; as root the
server runs as the ``postgres`` user, which PostgreSQL requires. Each test gets
its own database, made from a template that already has PostGIS.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

BIN = Path(os.environ.get("JINYUN_PG_BIN", "/usr/lib/postgresql/15/bin"))
TEMPLATE = "jinyun_template"


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, folder: Path | None = None):
        # by default not under a root-only temporary folder: the server runs as postgres
        folder = folder or Path(tempfile.mkdtemp(prefix="jinyun-pg-"))
        if not (BIN / "initdb").exists():
            msg = (f"PostgreSQL is not installed ({BIN}/initdb missing): `make sysdeps` installs "
                   f"postgresql-15-postgis-3")
            raise RuntimeError(msg)
        self.folder = folder
        self.data = folder / "pgdata"
        self.port = _free_port()
        self._as_postgres = os.geteuid() == 0
        self._counter = itertools.count(1)

    def _run(self, *cmd: str) -> None:
        if self._as_postgres:
            cmd = ("runuser", "-u", "postgres", "--", *cmd)
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode:
            msg = f"{' '.join(cmd)} failed: {done.stderr.strip() or done.stdout.strip()}"
            raise RuntimeError(msg)

    def start(self) -> Server:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self._as_postgres:
            shutil.chown(self.folder, "postgres")
            self.folder.chmod(0o755)
        self._run(str(BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--locale=C.UTF-8")
        self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"),
                  "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                  f"-c fsync=off -c synchronous_commit=off -c full_page_writes=off", "-w", "start")
        self.sql("postgres", f"CREATE DATABASE {TEMPLATE}")
        self.sql(TEMPLATE, "CREATE EXTENSION postgis")
        return self

    def stop(self) -> None:
        self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, database: str, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as con:
            con.execute(statement)

    def new_database(self, prefix: str = "t") -> str:
        """A fresh empty database with PostGIS; its URL."""
        name = f"{prefix}_{next(self._counter)}"
        self.sql("postgres", f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)
