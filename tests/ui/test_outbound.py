"""The server asks no host but its own: every connection it opens at start is to loopback.

The server runs as ``make run`` starts it (``python -m ui.serve``, headless, no
``server.address``), with an audit hook (``sys.addaudithook``, loaded through a
``sitecustomize`` on ``PYTHONPATH``) that records every ``socket.connect`` and
``socket.getaddrinfo`` of the process, the warm-up's own session included.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from ui import warmup

ROOT = Path(__file__).resolve().parents[2]

HOOK = '''
import os, socket, sys
_log = open(os.environ["JINYUN_OUTBOUND_LOG"], "a", buffering=1)
def _hook(event, args):
    if event == "socket.connect":
        sock, address = args
        _log.write(f"connect\\t{int(sock.type)}\\t{address!r}\\n")
    elif event == "socket.getaddrinfo":
        _log.write(f"getaddrinfo\\t{args[0]!r}\\n")
sys.addaudithook(_hook)
'''


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _loopback(host) -> bool:
    if host in (None, "localhost", b"localhost"):
        return True
    host = host.decode() if isinstance(host, bytes) else str(host)
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def test_server_start_connects_to_loopback_only(tmp_path, demo_store):
    (tmp_path / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    log = tmp_path / "outbound.log"
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}",
           "JINYUN_OUTBOUND_LOG": str(log), "JINYUN_STORE": str(demo_store)}
    out = tmp_path / "server.out"
    proc = subprocess.Popen([sys.executable, "-m", "ui.serve", "--server.port", str(port),
                             "--server.headless", "true", "--server.fileWatcherType", "none"],
                            cwd=ROOT, env=env, stdout=out.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and warmup.DONE_LINE not in out.read_text("utf-8"):
            assert proc.poll() is None, out.read_text("utf-8")
            time.sleep(0.5)
        assert warmup.DONE_LINE in out.read_text("utf-8")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as resp:
            assert resp.status == 200
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    records = [line.split("\t") for line in log.read_text("utf-8").splitlines()]
    assert any(r[0] == "connect" for r in records)  # the hook saw the warm-up's own connection
    outside = []
    for rec in records:
        if rec[0] == "getaddrinfo" and not _loopback(eval(rec[1])):  # noqa: S307 (our own repr)
            outside.append(rec)
        # A datagram socket's connect sends nothing: Streamlit uses one to learn which
        # local address routes outward (its "Network URL"); no packet leaves the machine.
        if rec[0] == "connect" and int(rec[1]) == socket.SOCK_STREAM:
            address = eval(rec[2])  # noqa: S307
            host = address[0] if isinstance(address, tuple) else None  # None: a Unix socket
            if not _loopback(host):
                outside.append(rec)
    assert outside == [], outside
    assert "External URL" not in out.read_text("utf-8")
