"""Random streams (one per generation stage, all from the user's seed) and vectorised draws.

Each stage gets ``Generator(PCG64(SeedSequence([seed, crc32(stage)])))``, so adding draws to one
stage never changes what another stage produces.
"""

from __future__ import annotations

import zlib

import numpy as np
import numpy.typing as npt


def stream(seed: int, stage: str) -> np.random.Generator:
    """The random generator of one named stage."""
    key = zlib.crc32(stage.encode("utf-8"))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, key])))


def categorical(
    rng: np.random.Generator, weights: npt.NDArray[np.float64]
) -> npt.NDArray[np.int64]:
    """One category index per row of a matrix of (unnormalised) weights."""
    cum = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    pick = (cum < rng.random(len(weights))[:, None]).sum(axis=1)
    return np.asarray(np.minimum(pick, weights.shape[1] - 1), dtype=np.int64)
