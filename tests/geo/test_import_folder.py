"""Only files inside the configured import folder can be opened from the server."""

from __future__ import annotations

import os

import pytest

from geo import import_folder
from geo.errors import AccessError


@pytest.fixture
def folder(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    (inbox / "parcels.geojson").write_text("{}")
    (inbox / "sub" / "sales.csv").write_text("a\n1\n")
    (inbox / "notes.docx").write_text("not importable")
    secret = tmp_path / "secret.csv"
    secret.write_text("password\nhunter2\n")
    os.symlink(secret, inbox / "link_out.csv")
    os.symlink(tmp_path, inbox / "up")
    return inbox


def test_lists_importable_files_inside_only(folder):
    assert import_folder.list_files(folder) == ["parcels.geojson", "sub/sales.csv"]


def test_resolves_a_file_inside(folder):
    assert import_folder.resolve(folder, "sub/sales.csv") == (folder / "sub" / "sales.csv").resolve()


@pytest.mark.parametrize("name", ["../secret.csv", "/etc/passwd", "sub/../../secret.csv",
                                  "link_out.csv", "up/secret.csv", "..\\secret.csv", "", "C:/x.csv"])
def test_refuses_anything_outside(folder, name):
    with pytest.raises(AccessError, match="不在导入文件夹内"):
        import_folder.resolve(folder, name)


def test_a_missing_file_is_named(folder):
    with pytest.raises(AccessError, match="no_such.csv"):
        import_folder.resolve(folder, "no_such.csv")
