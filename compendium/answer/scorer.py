"""The answer's sentence scorer: a linear model over :data:`~compendium.answer.features.FEATURES`,
fitted on the dev split of the many-card evaluation collection by ``eval/fit_answer_weights.py``
(``data/answer_weights.json`` records the fit). One weight set with the embedding model, one
without it (keyword mode), as the dense columns are then empty."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from compendium.answer.features import FEATURES

MODES = ("dense", "keyword")
_REASON_FLOOR = 0.5


@dataclass(frozen=True)
class AnswerWeights:
    """Feature weights per mode, and the logit margin within which a second quote may follow."""

    weights: dict[str, np.ndarray]
    follower_margin: float

    def scores(self, features: np.ndarray, mode: str) -> np.ndarray:
        """One score per row of ``features`` (higher: more likely to hold the answer)."""
        return features @ self.weights[mode]

    def reasons(self, row: np.ndarray, mode: str, limit: int = 3) -> tuple[str, ...]:
        """The features that raised this candidate's score most (at least half a logit each):
        the reason, stated by the code, that it was quoted over sentences of higher-ranked
        sections."""
        contributions = row * self.weights[mode]
        order = np.argsort(-contributions)[:limit]
        return tuple(FEATURES[i] for i in order if contributions[i] >= _REASON_FLOOR)

    @classmethod
    def parse(cls, payload: dict, source: str = "answer weights") -> AnswerWeights:
        """Weights from their JSON form; raise ``ValueError`` when they do not fit :data:`FEATURES`."""
        if not isinstance(payload, dict) or tuple(payload.get("features", ())) != FEATURES:
            raise ValueError(f"{source}: its features do not match the code's; refit them")
        weights = {}
        for mode in MODES:
            values = np.asarray(payload.get("weights", {}).get(mode, ()), dtype=np.float64)
            if values.shape != (len(FEATURES),) or not np.isfinite(values).all():
                raise ValueError(f"{source}: weights for {mode!r} must be {len(FEATURES)} finite numbers")
            weights[mode] = values
        return cls(weights=weights, follower_margin=float(payload["follower_margin"]))


def weights_path() -> Path:
    """The weights file shipped with the package."""
    return Path(str(resources.files("compendium.data").joinpath("answer_weights.json")))


@lru_cache(maxsize=1)
def load_weights() -> AnswerWeights:
    """The shipped weights (read once per process; the file is static)."""
    path = weights_path()
    return AnswerWeights.parse(json.loads(path.read_text(encoding="utf-8")), str(path))
