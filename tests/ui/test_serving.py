"""Serving helpers: content-named static map pages, and the warm-up's port."""

from __future__ import annotations

import os

import pytest

from ui import maps, warmup


def test_publish_names_a_map_page_by_its_content(tmp_path):
    url, path = maps.publish("<html>a</html>", tmp_path, url_base="/app/static/maps/")
    assert path.read_text(encoding="utf-8") == "<html>a</html>"
    assert url == f"/app/static/maps/{path.name}" and path.suffix == ".html"
    again, same = maps.publish("<html>a</html>", tmp_path, url_base="/app/static/maps/")
    assert (again, same) == (url, path)
    other, _ = maps.publish("<html>b</html>", tmp_path, url_base="/app/static/maps/")
    assert other != url
    assert not list(tmp_path.glob("*.tmp"))


def test_publish_keeps_only_the_newest_pages(tmp_path):
    paths = []
    for i in range(5):
        _, p = maps.publish(f"<html>{i}</html>", tmp_path, keep=3)
        os.utime(p, (1_000_000 + i, 1_000_000 + i))  # distinct ages, oldest first
        paths.append(p)
    maps.publish("<html>new</html>", tmp_path, keep=3)
    kept = sorted(tmp_path.glob("*.html"))
    assert len(kept) == 3
    assert paths[-1] in kept and paths[0] not in kept and paths[1] not in kept


@pytest.mark.parametrize(("argv", "port"), [
    (["--server.port", "8502", "--server.headless", "true"], 8502),
    (["--server.port=8503"], 8503),
    (["--server.headless", "true"], 8501),
])
def test_warmup_finds_the_served_port(argv, port, monkeypatch):
    monkeypatch.delenv("STREAMLIT_SERVER_PORT", raising=False)
    assert warmup.port_from_argv(argv) == port


def test_warmup_can_be_turned_off(monkeypatch):
    monkeypatch.setenv(warmup.ENV, "0")
    assert warmup.start(1) is None
