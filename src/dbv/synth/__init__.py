"""Seeded synthetic data return for a fictional LA, "Anyshire" (code 999).

``generate(out, seed=2025, size=1.0, defects=True)`` writes every data-return table as CSV (the
formats of ``dbv/schemas/data_return.yaml``), demo engagement evidence under ``engagement/``
(``dbv/schemas/engagement.yaml``), a demo Module 3 plan under ``plan/``
(``dbv/schemas/plan.yaml``) and ``_defects.json``, calibrated to published England
patterns (``dbv/parameters/synthetic_la.yaml``). No real child's data is used or produced.
"""

from __future__ import annotations

from dbv.synth.defects import Defect
from dbv.synth.generate import generate
from dbv.synth.summary import SynthSummary

__all__ = ["Defect", "SynthSummary", "generate"]
