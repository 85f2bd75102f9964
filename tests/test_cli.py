import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*args):
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_help_lists_the_commands():
    out = _run("--help")
    assert out.returncode == 0
    assert "demo" in out.stdout and "check" in out.stdout


def test_check_a_store(demo_store):
    out = _run("check", "--store", str(demo_store))
    assert out.returncode == 0, out.stderr
    assert "schema version" in out.stdout and "demo=1" in out.stdout


def test_check_refuses_a_missing_store_with_its_name(tmp_path):
    out = _run("check", "--store", str(tmp_path / "nope.gpkg"))
    assert out.returncode == 2
    assert "nope.gpkg：找不到文件" in out.stderr  # the command line speaks Chinese by default
