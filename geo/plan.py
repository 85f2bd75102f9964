"""The plan file: targets (and later, evaluation rules) in TOML.

The Jinyun 2019-2021 plan is ``data/plans/jinyun.toml``; another county loads
its own file (``JINYUN_PLAN``) without code changes.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.errors import PlanFileError
from geo.i18n import Message
from geo.settings import plan_path

_TARGET_KEYS = ("id", "area", "name_zh", "name_en", "value", "unit", "per", "comparison", "text_zh")
_PER = ("total", "year", "cumulative")
_COMPARISONS = (">=", "<=", "==")


@dataclass(frozen=True)
class Target:
    """One target of the plan, with the plan's own words."""

    id: str
    area: str
    name_zh: str
    name_en: str
    value: float
    unit: str
    per: str
    comparison: str
    text_zh: str

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    def met(self, actual: float) -> bool:
        if self.comparison == ">=":
            return actual >= self.value
        if self.comparison == "<=":
            return actual <= self.value
        return actual == self.value


@dataclass(frozen=True)
class Plan:
    """A county's plan: its period, targets and contextual figures."""

    path: Path
    title_zh: str
    title_en: str
    start_year: int
    end_year: int
    targets: dict[str, Target]
    context: tuple[dict, ...]
    raw: dict

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh

    def target(self, target_id: str) -> Target:
        try:
            return self.targets[target_id]
        except KeyError:
            raise PlanFileError(Message.of("err.plan.no_target", path=str(self.path), target=target_id,
                                           targets=sorted(self.targets))) from None

    def targets_frame(self) -> pd.DataFrame:
        """Targets as the store's ``targets`` layer."""
        return pd.DataFrame([{"target_id": t.id, "area": t.area, "value": float(t.value),
                              "unit": t.unit, "text_zh": t.text_zh} for t in self.targets.values()])


def _target(path: Path, i: int, raw: dict) -> Target:
    missing = [k for k in _TARGET_KEYS if k not in raw]
    if missing:
        raise PlanFileError(Message.of("err.plan.target_lacks", path=str(path), n=i + 1,
                                       target=str(raw.get("id", "?")), keys=missing))
    if raw["per"] not in _PER or raw["comparison"] not in _COMPARISONS:
        raise PlanFileError(Message.of("err.plan.target_per", path=str(path), target=raw["id"],
                                       pers=list(_PER), comparisons=list(_COMPARISONS)))
    if not isinstance(raw["value"], int | float) or isinstance(raw["value"], bool):
        raise PlanFileError(Message.of("err.plan.target_value", path=str(path), target=raw["id"],
                                       value=repr(raw["value"])))
    return Target(**{k: raw[k] for k in _TARGET_KEYS})


def load_plan(path: str | Path | None = None) -> Plan:
    """Read and check a plan file (default: ``JINYUN_PLAN`` or the Jinyun plan)."""
    path = Path(path) if path else plan_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlanFileError(Message.of("err.plan.not_found", path=str(path))) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PlanFileError(Message.of("err.plan.not_toml", path=str(path), detail=str(exc))) from exc
    head = raw.get("plan", {})
    for key in ("title_zh", "title_en", "start_year", "end_year"):
        if key not in head:
            raise PlanFileError(Message.of("err.plan.head_lacks", path=str(path), setting=key))
    targets = [_target(path, i, t) for i, t in enumerate(raw.get("targets", []))]
    return Plan(path=path, title_zh=head["title_zh"], title_en=head["title_en"],
                start_year=int(head["start_year"]), end_year=int(head["end_year"]),
                targets={t.id: t for t in targets}, context=tuple(raw.get("context", [])), raw=raw)


def plan_of(layers, plan: Plan | None = None) -> Plan:
    """The plan to measure ``layers`` against: the one given, else the store's own
    (a :class:`geo.store.Store` carries its plan), else the configured plan file."""
    if plan is not None:
        return plan
    own = getattr(layers, "plan", None)
    return own if isinstance(own, Plan) else load_plan()
