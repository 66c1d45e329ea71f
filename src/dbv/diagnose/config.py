"""The diagnose config file (``diag.yaml``): which LA, which data, which scenarios, which outputs.

Paths are relative to the config file. Unknown keys are errors (a typo must not silently drop
a scenario). Example::

    la: Anyshire                 # the name printed on the pack
    public_la: Derby             # optional: an English LA in the public data (benchmarks)
    return: anyshire             # the council's data return (folder or .xlsx); optional
    engagement: anyshire/engagement   # default: <return>/engagement
    plan: anyshire/plan          # default: <return>/plan
    data_dir: null               # public data; default $DBV_DATA_DIR, else none
    scenarios: [inclusion.yaml]
    origin: null                 # January to forecast from; default: the latest census
    horizon: 5
    sims: 1000
    seed: 2025
    outputs: [html, xlsx, pdf]
    insight_free_text: false     # true: insight-export.json also holds the programme's own
                                 # text (grant initiatives, workstream aims), never case notes
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dbv.errors import ParameterError

OUTPUTS = ("html", "xlsx", "pdf")
KEYS = {
    "la", "public_la", "return", "engagement", "plan", "data_dir", "scenarios", "origin",
    "horizon", "sims", "seed", "outputs", "title", "insight_free_text",
}  # fmt: skip


@dataclass(frozen=True)
class DiagnoseConfig:
    la: str
    return_dir: Path | None = None
    engagement: Path | None = None
    plan: Path | None = None
    public_la: str | None = None
    data_dir: Path | None = None
    scenarios: tuple[Path, ...] = ()
    origin: int | None = None
    horizon: int = 5
    sims: int = 1000
    seed: int = 2025
    outputs: tuple[str, ...] = OUTPUTS
    title: str = "Delivering Better Value in SEND: diagnostic pack"
    insight_free_text: bool = False  # share programme text (grant, workstreams) in the export
    source: Path | None = None  # the config file
    extra: dict[str, Any] = field(default_factory=dict)

    def engagement_dir(self) -> Path | None:
        if self.engagement is not None:
            return self.engagement
        return None if self.return_dir is None else self.return_dir / "engagement"

    def plan_dir(self) -> Path | None:
        if self.plan is not None:
            return self.plan
        return None if self.return_dir is None else self.return_dir / "plan"

    def as_dict(self) -> dict[str, Any]:
        def s(p: Path | None) -> str | None:
            return None if p is None else str(p)

        return {
            "la": self.la,
            "public_la": self.public_la,
            "return": s(self.return_dir),
            "engagement": s(self.engagement_dir()),
            "plan": s(self.plan_dir()),
            "data_dir": s(self.data_dir),
            "scenarios": [str(p) for p in self.scenarios],
            "origin": self.origin,
            "horizon": self.horizon,
            "sims": self.sims,
            "seed": self.seed,
            "outputs": list(self.outputs),
            "insight_free_text": self.insight_free_text,
            "config_file": s(self.source),
        }


def _err(msg: str, path: Path, key: str, fix: str) -> ParameterError:
    return ParameterError(msg, file=path, column=key, fix=fix)


def _read(path: Path) -> dict[str, Any]:
    import yaml

    from dbv.params import _StrictLoader  # duplicate keys are errors here too

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ParameterError(f"cannot read the config: {exc}", file=path,
                             fix="give the path of a diag.yaml file") from None  # fmt: skip
    loader = _StrictLoader(text)
    loader.name = str(path)
    try:
        raw = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ParameterError(f"invalid YAML: {getattr(exc, 'problem', exc)}", file=path,
                             row=None if mark is None else mark.line + 1,
                             fix="check indentation and quoting") from None  # fmt: skip
    finally:
        loader.dispose()
    if not isinstance(raw, dict):
        raise ParameterError("the config must be a mapping of keys to values", file=path,
                             fix="e.g. 'la: Anyshire' on its own line")  # fmt: skip
    return raw


def _flag(raw: dict[str, Any], key: str, path: Path) -> bool:
    v = raw.get(key, False)
    if not isinstance(v, bool):
        raise _err(f"{key} must be true or false", path, key, f"{key}: false")
    return v


def load_config(path: Path) -> DiagnoseConfig:
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise _err("the config must be a .yaml file", path, "file", "e.g. diag.yaml")
    raw = _read(path)
    unknown = sorted(set(raw) - KEYS)
    if unknown:
        raise _err(f"unknown keys {unknown}", path, unknown[0], f"use only {sorted(KEYS)}")
    if not raw.get("la"):
        raise _err("the config does not name the LA", path, "la", "add 'la: <name>'")
    base = path.parent

    def p(key: str) -> Path | None:
        v = raw.get(key)
        if v is None:
            return None
        q = Path(str(v)).expanduser()
        return q if q.is_absolute() else base / q

    ints = {}
    for key, lo, hi, default in (("horizon", 1, 10, 5), ("sims", 100, 20_000, 1000),
                                 ("seed", 0, 2**32 - 1, 2025)):  # fmt: skip
        v = raw.get(key, default)
        if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
            raise _err(
                f"{key} must be a whole number from {lo} to {hi}", path, key, f"{key}: {default}"
            )
        ints[key] = v
    origin = raw.get("origin")
    if origin is not None and (not isinstance(origin, int) or not 2000 <= origin <= 2100):
        raise _err("origin must be a January census year", path, "origin", "origin: 2025")
    outputs = tuple(raw.get("outputs") or OUTPUTS)
    bad = [o for o in outputs if o not in OUTPUTS]
    if bad:
        raise _err(f"unknown outputs {bad}", path, "outputs", f"choose from {list(OUTPUTS)}")
    scen = raw.get("scenarios") or []
    if not isinstance(scen, list):
        raise _err("scenarios must be a list of files", path, "scenarios", "scenarios: [a.yaml]")
    scenarios = tuple((q if q.is_absolute() else base / q) for q in (Path(str(x)) for x in scen))
    for s in scenarios:
        if not s.is_file():
            raise _err(f"scenario file {s} does not exist", path, "scenarios", "check the path")
    data_dir = p("data_dir")
    if data_dir is None and os.environ.get("DBV_DATA_DIR"):
        data_dir = Path(os.environ["DBV_DATA_DIR"])
    cfg = DiagnoseConfig(
        la=str(raw["la"]),
        return_dir=p("return"),
        engagement=p("engagement"),
        plan=p("plan"),
        public_la=None if raw.get("public_la") is None else str(raw["public_la"]),
        data_dir=data_dir,
        scenarios=scenarios,
        origin=origin,
        horizon=ints["horizon"],
        sims=ints["sims"],
        seed=ints["seed"],
        outputs=outputs,
        title=str(raw.get("title") or DiagnoseConfig.title),
        insight_free_text=_flag(raw, "insight_free_text", path),
        source=path,
    )
    if cfg.return_dir is None and cfg.public_la is None:
        raise _err(
            "the config names neither a data return nor a public LA",
            path,
            "return",
            "add 'return: <folder>' (the council's data return) or 'public_la: <LA name>'",
        )
    if cfg.return_dir is not None and not cfg.return_dir.exists():
        raise _err(
            f"the data return {cfg.return_dir} does not exist",
            path,
            "return",
            "give the folder holding the CSV files; 'dbv template' writes blank ones",
        )
    return cfg
