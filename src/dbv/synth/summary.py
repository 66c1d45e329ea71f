"""What a generation produced: counts, caseload by January, defects and file hashes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dbv.synth.defects import Defect


@dataclass(frozen=True)
class SynthSummary:
    """The result of :func:`dbv.synth.generate` (also written to ``_synth.json``)."""

    seed: int
    size: float
    with_defects: bool
    counts: dict[str, int]  # rows per table (return tables and engagement/<table>)
    active_plans: dict[int, int]  # plans active at each January census
    defects: tuple[Defect, ...] = ()
    files: dict[str, str] = field(default_factory=dict)  # relative path -> sha256

    def as_dict(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "size": self.size,
            "with_defects": self.with_defects,
            "counts": self.counts,
            "active_plans": {str(k): v for k, v in self.active_plans.items()},
            "defects": [d.as_dict() for d in self.defects],
            "files": self.files,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SynthSummary:
        return cls(
            seed=int(data["seed"]),
            size=float(data["size"]),
            with_defects=bool(data["with_defects"]),
            counts={str(k): int(v) for k, v in data["counts"].items()},
            active_plans={int(k): int(v) for k, v in data["active_plans"].items()},
            defects=tuple(Defect(**d) for d in data["defects"]),
            files={str(k): str(v) for k, v in data["files"].items()},
        )
