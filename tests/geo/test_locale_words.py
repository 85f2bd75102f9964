"""The translation table speaks one language per file: no Chinese in the English strings, no
English words (beyond units, formats and codes) in the Chinese ones."""

from __future__ import annotations

import re

from geo import i18n

HAN = re.compile(r"[\u3400-\u9fff]")
# bilingual on purpose: the language switch, and the notice every export carries in both
BILINGUAL_KEYS = {"app.language", "export.internal"}
# Latin a Chinese planner reads as it is: units, file formats, coordinate systems, codes, grades
LATIN_OK = {
    "mu", "km", "ID", "USCC", "PDF", "PNG", "PPTX", "HTML", "GeoPackage", "GeoJSON", "GeoTIFF",
    "Shapefile", "KML", "KMZ", "CSV", "XLSX", "Excel", "JSON", "SQLite", "WKT", "DEM", "MB",
    "zip", "shp", "shx", "dbf", "prj", "cpg", "GPS", "OpenStreetMap", "Leaflet", "dpi",
    "YYYY-MM-DD", "A", "B", "C", "D", "X", "Y", "Z", "Language", "TIANDITU_KEY",
    "I", "O", "S", "V",  # the letters a credit code may not hold, named as they are
    "TOML", "JPEG", "WebP", "MBTiles", "PMTiles", "XYZ",
}


def _latin_words(text: str) -> set[str]:
    text = re.sub(r"\{[^}]*\}", " ", text)  # placeholders are filled in
    text = re.sub(r"`[^`]*`", " ", text)  # a command or a plan-file setting, typed as it is written
    text = re.sub(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b", " ", text)  # an environment variable
    text = re.sub(r"\S*\d\S*", " ", text)  # codes with digits (GCJ-02, CGCS2000, EPSG:4549)
    return set(re.findall(r"[A-Za-z][A-Za-z_\-]*", text))


def test_english_strings_have_no_chinese():
    found = {k: v for k, v in i18n.load_locale("en").items()
             if k not in BILINGUAL_KEYS and HAN.search(v)}
    assert found == {}


def test_chinese_strings_have_no_english_words():
    found = {}
    for key, text in i18n.load_locale("zh").items():
        # the command line's options are typed as they are written
        words = _latin_words(re.sub(r"--[a-z][a-z-]*( [a-z0-9]+)?", " ", text))
        if key not in BILINGUAL_KEYS and words - LATIN_OK:
            found[key] = sorted(words - LATIN_OK)
    assert found == {}


def test_the_checks_catch_a_word_of_the_other_language():
    assert HAN.search("Upgrade within industry (退二优二)")
    assert _latin_words("评分方法（计划文件 [evaluation]）") - LATIN_OK == {"evaluation"}
    assert not _latin_words("坐标 GCJ-02，面积 {n} 亩") - LATIN_OK
