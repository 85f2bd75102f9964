"""``python -m geo tiles``: parcel tiles built ahead of time; a bad store is refused."""

from __future__ import annotations

from geo import cadastre, cli, settings, store


def test_tiles_command_builds_the_tiles_the_app_uses(demo_store, capsys):
    assert cli.main(["tiles", "--store", str(demo_store)]) == 0
    parcels = store.read_layer(demo_store, "parcels")
    out = settings.TILES_DIR / cadastre.content_key(parcels)
    assert (out / "metadata.json").exists()
    assert f"{len(parcels):,} parcels" in capsys.readouterr().out


def test_tiles_command_refuses_a_file_that_is_not_a_store(tmp_path, capsys):
    bad = tmp_path / "parcels.gpkg"
    bad.write_text("not a geopackage")
    assert cli.main(["tiles", "--store", str(bad)]) == 2
    assert "不是 GeoPackage 文件" in capsys.readouterr().err  # the command line speaks Chinese by default
