"""Column mapping for :mod:`geo.importer`: Chinese aliases, units, enum values, presets, conversion."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geo import i18n, schema, settings, units
from geo._import_report import ImportRefusedError, norm_header, refuse, tr, without_paths

MAPPINGS_DIR = settings.DATA_DIR / "mappings"
"""Where mapping presets are saved (one JSON file each)."""


# --------------------------------------------------------------------------- columns, units, values

# Schema field -> column names recognised in the county's files (after _norm: no brackets, spaces, case).
# The first alias is the field's Chinese label in messages.
ALIASES: dict[str, tuple[str, ...]] = {
    "parcel_id": ("宗地编号", "宗地代码", "宗地号", "地块编号", "地块代码", "zdbh", "zddm", "dkbh"),
    "town_code": ("乡镇代码", "乡镇编码", "街道代码", "所在乡镇代码", "xzqdm"),
    "platform_id": ("平台编号", "平台代码"),
    "park_id": ("园区编号", "小微园编号", "园区代码"),
    "land_use": ("土地用途", "用途", "地类", "tdyt"),
    "lifecycle": ("供地状态", "用地状态", "阶段", "状态"),
    "approved_year": ("批准年份", "批复年份", "批准年度", "pznf"),
    "plot_ratio": ("容积率", "rjl"),
    "floor_area_m2": ("建筑面积", "总建筑面积", "jzmj"),
    "holder": ("权利人", "土地使用权人", "使用权人", "权利人名称", "qlr"),
    "holder_uscc": ("权利人统一社会信用代码", "权利人信用代码", "统一社会信用代码", "社会信用代码",
                    "信用代码"),
    "enterprise_id": ("企业编号", "企业代码"),
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "tyshxydm"),
    "name": ("企业名称", "单位名称", "纳税人名称", "名称"),
    "industry": ("行业", "所属行业", "产业"),
    "above_scale": ("规上企业", "是否规上", "规上"),
    "specialised": ("专精特新", "是否专精特新"),
    "land_area_mu": ("用地面积", "占地面积"),
    "year": ("年份", "年度", "统计年度"),
    "tax_10k": ("税收", "实缴税金", "实缴税收", "税收收入", "纳税额"),
    "value_added_10k": ("增加值", "工业增加值"),
    "revenue_10k": ("营业收入", "销售收入", "主营业务收入"),
    "energy_tce": ("能耗", "综合能耗", "能源消费量"),
    "employees": ("从业人员", "职工人数", "员工数", "年平均职工人数"),
    "rnd_10k": ("研发投入", "研发经费"),
    "name_zh": ("名称", "中文名称", "园区名称"),
    "name_en": ("英文名称",),
    "status": ("状态", "建设状态"),
    "industry_theme": ("主导产业", "产业主题"),
    "planned_area_mu": ("规划面积", "规划用地", "规划占地"),
    "sale_id": ("电子监管号", "合同编号"),
    "sale_date": ("成交日期", "签订日期", "出让日期"),
    "method": ("供应方式", "出让方式", "供地方式"),
    "invest_intensity_10k_per_mu": ("投资强度", "固定资产投资强度"),
    "tax_per_mu_10k": ("亩均税收", "亩均税收承诺"),
    "plot_ratio_min": ("容积率下限", "最低容积率"),
    "agreed_start": ("约定开工时间", "约定开工日期"),
    "agreed_completion": ("约定竣工时间", "约定竣工日期"),
    "actual_start": ("实际开工时间", "实际开工日期"),
    "actual_completion": ("实际竣工时间", "实际竣工日期"),
    "is_expansion": ("是否扩区", "扩区"),
    "buyer": ("竞得单位", "受让人", "受让单位"),
    "price_10k_yuan": ("成交价格", "出让价款", "成交价"),
    "contract_area_m2": ("出让面积", "合同面积"),
    "case_id": ("案例编号", "项目编号"),
    "constraint_id": ("约束编号",),
    "kind": ("类型", "种类"),
    "road_id": ("道路编号",),
    "road_class": ("道路等级",),
}
RECORDED_AREA = "recorded_area_m2"
"""Pseudo-field for 宗地面积 of parcels: not stored (areas come from geometry), compared with it."""
ALIASES[RECORDED_AREA] = ("宗地面积", "土地面积", "zdmj")
RECORDED_AREA_TOLERANCE = 0.10

ENUM_ALIASES: dict[str, dict[str, str]] = {
    "land_use": {"工业": "industrial", "工业用地": "industrial", "仓储": "warehouse", "仓储用地": "warehouse",
                 "物流仓储用地": "warehouse", "改变用途": "changed", "已改变用途": "changed"},
    "lifecycle": {"批": "approved", "已批": "approved", "供": "supplied", "已供": "supplied", "用": "in_use",
                  "在用": "in_use", "动工": "in_use", "建": "built", "已建": "built", "投": "producing",
                  "已投": "producing", "投产": "producing", "达": "meeting", "达标": "meeting"},
    "sale_method": {"拍卖出让": "auction", "挂牌出让": "listing", "招标出让": "tender",
                    "拍卖": "auction", "挂牌": "listing", "招标": "tender"},
}
_TRUE = {"是", "true", "1", "y", "yes", "√", "t"}
_FALSE = {"否", "false", "0", "n", "no", "×", "f", ""}
_AREA_UNITS = {"亩": "亩", "mu": "亩", "公顷": "公顷", "ha": "公顷", "平方米": "平方米", "㎡": "平方米", "m2": "平方米",
               "m²": "平方米"}
_MONEY_UNITS = {"万元": "万元", "元": "元"}
_UNIT_OF_SCHEMA = {"m2": "平方米", "mu": "亩", "10k_yuan": "万元", "10k_yuan/mu": "万元"}
# Accepted ranges beyond "not negative" for fields with a unit.
RANGES: dict[str, tuple[float, float]] = {
    "plot_ratio": (0.0, 20.0), "occupancy_pct": (0.0, 100.0), "star_rating": (0, 5),
    "approved_year": (1949, 2100), "year": (1949, 2100), "identified_year": (1949, 2100),
}


def field_label(name: str, lang: str = i18n.DEFAULT_LANG) -> str:
    """How a field is named in messages: in ``zh`` its usual header or label, with the schema
    name a saved mapping uses; in ``en`` the schema name."""
    if lang != "zh":
        return name
    if name in ALIASES:
        return f"{ALIASES[name][0]}({name})"
    label = i18n.column_label(name, lang)
    return f"{label}({name})" if label != name else name


@dataclass
class ColumnMapping:
    """How a file's columns map onto a layer: saved and reloaded as a JSON preset.

    ``columns``: schema field -> source column; ``units``: schema field -> unit
    of the source column (亩/公顷/平方米, 元/万元); ``values``: schema field ->
    {source value: code}; ``defaults``: schema field -> value used where the
    file has none.
    """

    layer: str
    columns: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, object] = field(default_factory=dict)
    name: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, data: Mapping) -> ColumnMapping:
        known = {k: data[k] for k in ("layer", "columns", "units", "values", "defaults", "name") if k in data}
        return cls(**known)


def _unit_in_header(header: str) -> str | None:
    inside = re.findall(r"[（(【\[]\s*(.*?)\s*[)）】\]]", str(header))
    for text in [*inside, str(header)]:
        key = text.strip().lower()
        if key in _AREA_UNITS:
            return _AREA_UNITS[key]
        if key in _MONEY_UNITS:
            return _MONEY_UNITS[key]
    for suffix, unit in (("万元", "万元"), ("公顷", "公顷"), ("平方米", "平方米"), ("亩", "亩")):
        if str(header).strip().endswith(suffix):
            return unit
    return None


def layer_fields(layer: str) -> list[str]:
    """Fields of ``layer`` a file may fill (schema fields plus the recorded area of parcels)."""
    names = schema.LAYERS[layer].field_names
    if layer == "parcels":
        return [*names, RECORDED_AREA]
    if layer == "enterprise_figures":
        return [*names, "uscc", "name"]  # to find the enterprise_id
    return names


def auto_mapping(columns, layer: str) -> ColumnMapping:
    """Guess the mapping of ``columns`` onto ``layer`` from field names and Chinese aliases."""
    mapping = ColumnMapping(layer=layer)
    by_norm: dict[str, str] = {}
    for col in columns:
        by_norm.setdefault(norm_header(col), str(col))
    taken: set[str] = set()
    fields = layer_fields(layer)
    # exact field names first, then aliases in order, so 名称 goes to name_zh only when no better column exists
    # Shapefiles (DBF) cut field names to 10 characters: approved_year -> approved_y.
    for pass_names in (lambda f: (f,), lambda f: ALIASES.get(f, ()), lambda f: (f[:10],)):
        for f in fields:
            if f in mapping.columns:
                continue
            for alias in pass_names(f):
                col = by_norm.get(norm_header(alias))
                if col is not None and col not in taken:
                    mapping.columns[f] = col
                    taken.add(col)
                    unit = _unit_in_header(col)
                    if unit:
                        mapping.units[f] = unit
                    break
    return mapping


def merge_mapping(auto: ColumnMapping, preset: ColumnMapping | Mapping | None, columns) -> ColumnMapping:
    """``preset`` over ``auto``: the preset's columns win where the file has them."""
    if preset is None:
        return auto
    if not isinstance(preset, ColumnMapping):
        preset = ColumnMapping.from_dict({"layer": auto.layer, **preset})
    present = set(map(str, columns))
    out = ColumnMapping(layer=auto.layer, columns=dict(auto.columns), units=dict(auto.units),
                        values={**auto.values, **preset.values}, defaults={**auto.defaults, **preset.defaults},
                        name=preset.name)
    for f, col in preset.columns.items():
        if col in present:
            for other, c in list(out.columns.items()):
                if c == col and other != f:
                    del out.columns[other]
            out.columns[f] = col
            if col not in auto.columns.values() or f not in preset.units:
                unit = _unit_in_header(col)
                if unit:
                    out.units[f] = unit
    out.units.update(preset.units)
    return out


def list_presets(directory: str | os.PathLike = MAPPINGS_DIR) -> list[str]:
    """Names of the saved mapping presets (JSON files in ``directory``)."""
    return sorted(p.stem for p in Path(directory).glob("*.json"))


def planner_label(name: str, lang: str = i18n.DEFAULT_LANG) -> str:
    """How the import page names a field to a planner: in ``zh`` the header county files
    usually give it (else its label), in ``en`` its label; never the schema's column name when
    the table has a label (messages and the command line keep :func:`field_label`, which adds
    the name a mapping file uses)."""
    if lang == "zh" and name in ALIASES:
        return ALIASES[name][0]
    return i18n.column_label(name, lang)


@dataclass(frozen=True)
class FieldName:
    """A field as messages name it (:func:`field_label`), in the language they are shown in."""

    name: str

    def text(self, lang: str = i18n.DEFAULT_LANG) -> str:
        return field_label(self.name, lang)


@dataclass(frozen=True)
class EnumChoices:
    """The values an enum field takes, as a message lists them (规划/在建/…)."""

    enum: str

    def text(self, lang: str = i18n.DEFAULT_LANG) -> str:
        return "/".join(i18n.enum_label(self.enum, c, lang) for c in schema.ENUMS[self.enum])


def load_preset(name_or_path: str | os.PathLike, *, directory: str | os.PathLike = MAPPINGS_DIR) -> ColumnMapping:
    """A preset by name (in ``directory``) or by path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = Path(directory) / f"{path}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise refuse("err.preset", preset=str(name_or_path), detail=without_paths(exc),
                      presets=", ".join(list_presets(directory)) or "-") from exc
    mapping = ColumnMapping.from_dict(data)
    mapping.name = mapping.name or path.stem
    return mapping


def save_preset(mapping: ColumnMapping, name: str, *, directory: str | os.PathLike = MAPPINGS_DIR) -> Path:
    """Save ``mapping`` as ``<directory>/<name>.json`` (written whole or not at all)."""
    if not re.fullmatch(r"[\w\-\u4e00-\u9fff]+", name):
        raise ImportRefusedError(i18n.Message.of("err.preset.bad_name", name=name))
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    mapping.name = name
    target = directory / f"{name}.json"
    fd, tmp = tempfile.mkstemp(dir=directory, suffix=".json.tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(mapping.to_json())
    os.replace(tmp, target)
    return target


# --------------------------------------------------------------------------- converting values

def _text_of(v) -> str | None:
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, float | np.floating) and float(v).is_integer():
        return str(int(v))
    text = str(v).strip()
    return text or None


def as_text(col: pd.Series) -> pd.Series:
    """Text values; numbers that are whole (e.g. 331122002.0 from Excel) lose their '.0'."""
    if pd.api.types.is_string_dtype(col.dtype) and not pd.api.types.is_object_dtype(col.dtype):
        text = col.str.strip()
        return text.where(text.notna() & (text != ""), None).astype(object)
    if pd.api.types.is_integer_dtype(col.dtype):
        return col.astype(str).astype(object)
    # object / float / bool columns: convert each distinct value once
    uniq = pd.unique(col.to_numpy(dtype=object))
    lookup = {u: _text_of(u) for u in uniq if not (isinstance(u, float) and np.isnan(u))}
    return col.astype(object).map(lookup).where(col.notna(), None).astype(object)


def convert_field(f: schema.Field, raw: pd.Series, mapping: ColumnMapping) -> tuple[pd.Series, pd.Series]:
    """Values of ``f`` and, per row, a problem text (None when fine)."""
    numeric_source = pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype)
    # numbers stay numbers: no round trip through text
    text = raw if f.dtype in ("int", "float") and numeric_source else as_text(raw)
    missing = text.isna()
    problems = pd.Series(None, index=raw.index, dtype=object)
    label = FieldName(f.name)
    if f.dtype == "str":
        values = text
        if f.enum:
            lookup = _enum_lookup(f.enum, mapping.values.get(f.name, {}))
            codes = {u: lookup.get(norm_header(u)) for u in text.dropna().unique()}
            values = text.map(codes).where(text.notna(), None)
            bad = values.isna() & ~missing
            allowed = EnumChoices(f.enum)
            problems[bad] = [tr("val.enum", field=label, value=v, allowed=allowed) for v in text[bad]]
    elif f.dtype in ("int", "float"):
        if numeric_source:
            values = raw.astype("float64")
        else:
            cleaned = text.str.replace(",", "", regex=False).str.replace("，", "", regex=False)
            values = pd.to_numeric(cleaned, errors="coerce")
        bad = values.isna() & ~missing
        problems[bad] = [tr("val.number", field=label, value=v) for v in text[bad]]
        if f.dtype == "int":
            frac = values.notna() & (values % 1 != 0)
            problems[frac] = [tr("val.integer", field=label, value=v) for v in text[frac]]
        values = _convert_unit(f, values, mapping.units.get(f.name))
        values, out_of_range = _check_range(f, values)
        problems = problems.where(problems.notna(), out_of_range)
    elif f.dtype == "bool":
        low = text.map(lambda v: v.lower() if v is not None else None)
        values = low.map(lambda v: True if v in _TRUE else (False if v in _FALSE else None))
        bad = values.isna() & ~missing
        problems[bad] = [tr("val.bool", field=label, value=v) for v in text[bad]]
    else:  # date
        norm = text.str.replace("年", "-", regex=False).str.replace("月", "-", regex=False).str.replace(
            "日", "", regex=False).str.replace("/", "-", regex=False).str.replace(".", "-", regex=False)
        values = _days(norm)
        bad = values.isna() & ~missing
        problems[bad] = [tr("val.date", field=label, value=v) for v in text[bad]]
    if f.required:
        problems[missing] = tr("val.required", field=label)
    return values, problems


_TZ_SUFFIX = r"(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$"
BEIJING = "Asia/Shanghai"


def _days(text: pd.Series) -> pd.Series:
    """Each text as the day it names in Beijing: a time with a zone (``2019-12-31T16:30:00Z``)
    is converted to Asia/Shanghai first (that one is 2020-01-01), a time without one is taken as
    Beijing time already; what is not a date is NaT (the row is then rejected). Values are
    parsed one by one, so a file mixing zones, or zones and none, is read, not refused."""
    def one(value):
        if value is None:
            return pd.NaT
        try:
            moment = pd.Timestamp(value)
        except (ValueError, TypeError, OverflowError):
            return pd.NaT
        if moment is pd.NaT:
            return pd.NaT
        if moment.tzinfo is not None:
            moment = moment.tz_convert(BEIJING).tz_localize(None)
        return moment.normalize()

    return pd.to_datetime(pd.Series([one(v) for v in text], index=text.index, dtype=object))


def _enum_lookup(enum: str, extra: Mapping[str, str]) -> dict[str, str]:
    lookup = {}
    for code in schema.ENUMS[enum]:
        lookup[norm_header(code)] = code
        for lang in i18n.LANGS:
            lookup[norm_header(i18n.enum_label(enum, code, lang))] = code
    for source, code in {**ENUM_ALIASES.get(enum, {}), **extra}.items():
        lookup[norm_header(source)] = code
    return lookup


def _convert_unit(f: schema.Field, values: pd.Series, unit: str | None) -> pd.Series:
    target = _UNIT_OF_SCHEMA.get(f.unit or "")
    if unit is None or target is None or unit == target:
        return values
    if target in ("平方米", "亩"):
        m2 = units.area_to_m2(values, unit)
        return m2 if target == "平方米" else units.m2_to_mu(m2)
    return units.money_to_10k_yuan(values, unit)


def _check_range(f: schema.Field, values: pd.Series) -> tuple[pd.Series, pd.Series]:
    low, high = RANGES.get(f.name, (0.0, np.inf) if f.unit else (-np.inf, np.inf))
    bad = values.notna() & ((values < low) | (values > high))
    problems = pd.Series(None, index=values.index, dtype=object)
    label = FieldName(f.name)
    rng = f"{low:g}…{high:g}" if np.isfinite(high) else f"≥ {low:g}"
    problems[bad] = [tr("val.range", field=label, value=f"{v:g}", range=rng) for v in values[bad]]
    return values, problems
