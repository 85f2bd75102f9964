"""Files an admin may import from the server: one configured folder, nothing outside it.

The import page offers files by upload. Files too large to upload through the
browser can be placed by IT in the folder named by ``JINYUN_IMPORT_DIR``; the
page lists that folder and imports only what :func:`resolve` accepts: a
relative name of a regular file under the folder, with no ``..`` and no
symbolic link leading out of it. Nothing else on the server can be opened.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from geo import settings
from geo._import_read import SUPPORTED_SUFFIXES
from geo.errors import AccessError
from geo.i18n import Message


def configured() -> Path | None:
    """The import folder, or None when none is configured (the option is then not offered)."""
    return settings.import_dir()


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def list_files(folder: Path) -> list[str]:
    """Names (relative, ``/``-separated) of the importable files under ``folder``, sorted."""
    root = folder.resolve()
    names = []
    for p in folder.rglob("*"):
        if p.suffix.lower() in SUPPORTED_SUFFIXES and p.is_file() and _inside(p.resolve(), root):
            names.append(p.relative_to(folder).as_posix())
    return sorted(names)


def resolve(folder: Path, name: str) -> Path:
    """The file ``name`` under ``folder``; refused unless it is a file inside the folder."""
    rel = PurePosixPath(name.replace("\\", "/"))
    if not name or rel.is_absolute() or ".." in rel.parts or ":" in name:
        raise AccessError(Message.of("err.import_dir.outside", name=name))
    root = folder.resolve()
    target = (folder / rel).resolve()
    if not _inside(target, root):
        raise AccessError(Message.of("err.import_dir.outside", name=name))
    if not target.is_file():
        raise AccessError(Message.of("err.import_dir.missing", name=name))
    return target
