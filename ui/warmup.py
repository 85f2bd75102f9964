"""Warm the server's caches right after it starts, so the first planner is not the one
who waits for them.

On a county cadastre of 100,000 parcels the first view of a fresh server spends
about 8 s of server CPU reading the store, building the parcel tiles and the
overview map (``bench/cadastre_browser_bench.py``). :func:`start` runs one
headless session of the default page (the overview) over the app's own
WebSocket, the way a browser does, as soon as the server answers; every cache
it fills (``st.cache_resource``) is the one later sessions use.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
import urllib.request

logger = logging.getLogger(__name__)

ENV = "JINYUN_WARMUP"  # "0" turns the warm-up off
DONE_LINE = "jinyun warm-up finished"


def enabled() -> bool:
    return os.environ.get(ENV, "1") != "0"


def _wait_healthy(base: str, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


async def run_default_page(port: int, *, timeout_s: float = 300) -> bool:
    """One script run of the default page over ``ws://127.0.0.1:port``; True when it finished."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = BackMsg()
    msg.rerun_script.query_string = ""
    msg.rerun_script.page_script_hash = ""
    async with websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
                                  max_size=None, open_timeout=30) as ws:
        await ws.send(msg.SerializeToString())
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            raw = await asyncio.wait_for(ws.recv(), timeout=max(deadline - time.monotonic(), 1))
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            if fwd.WhichOneof("type") == "script_finished":
                return True
    return False


def _warm(port: int) -> None:
    base = f"http://127.0.0.1:{port}"
    if not _wait_healthy(base, 120):
        logger.warning("warm-up: the server did not answer at %s", base)
        return
    t0 = time.perf_counter()
    try:
        done = asyncio.run(run_default_page(port))
    except Exception as exc:  # a failed warm-up only costs the first visitor the wait
        logger.warning("warm-up failed: %s", exc)
        return
    # printed, not logged: Streamlit shows only its own loggers, and the bench waits for it
    print(f"{DONE_LINE if done else 'jinyun warm-up timed out'} in {time.perf_counter() - t0:.1f} s",
          flush=True)


def start(port: int) -> threading.Thread | None:
    """Warm the caches in a background thread once the server on ``port`` answers."""
    if not enabled():
        return None
    thread = threading.Thread(target=_warm, args=(port,), name="jinyun-warmup", daemon=True)
    thread.start()
    return thread


def port_from_argv(argv: list[str], default: int = 8501) -> int:
    """The ``--server.port`` given to ``streamlit run`` (``--server.port 8502`` or ``=8502``)."""
    for i, arg in enumerate(argv):
        if arg == "--server.port" and i + 1 < len(argv):
            return int(argv[i + 1])
        if arg.startswith("--server.port="):
            return int(arg.split("=", 1)[1])
    return int(os.environ.get("STREAMLIT_SERVER_PORT", default))
