"""A bead's score as the chance that it is right, so that a translator's threshold means
something.

The search's costs rank beads well but are no probabilities: a cost of 0.6 means
one thing for a 1-1 bead between two clear neighbours and another for a 2-1
bead among near-duplicates.  Each bead therefore carries its ``Evidence`` (its
normalised cost, how much cheaper it is than its nearest rival, how many
sentences it joins), and a logistic model per kind of bead turns that into a
probability.  The coefficients are fitted once, on the dev set as a whole (both
its raw and its pre-split form), by ``benchmarks/fit_calibration.py``, and
checked on held-out sets; no rule looks at a document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

EvidenceKind = Literal["pair", "cut", "null"]
KINDS: tuple[EvidenceKind, ...] = ("pair", "cut", "null")
Coefficients = dict[EvidenceKind, tuple[float, ...]]
MARGIN_CAP = 2.0  # beyond this a rival is simply far away; a longer lever only adds noise


@dataclass(frozen=True)
class Evidence:
    """What the aligner knows about one bead when it scores it.

    ``kind``: a bead the search chose (``pair``), one the refinement made by cutting a
    sentence (``cut``), or a sentence left unaligned (``null``).  ``cost``: the normalised
    cosine cost of the bead's two sides (for a null, that of the sentence's best nearby
    partner).  ``margin``: how much more the best rival costs (another window of the other
    side for the same sentences, or the coarser alignment a cut replaced); 0 for a null.
    ``sentences``: sentences on both sides together.
    """

    kind: EvidenceKind
    cost: float
    margin: float
    sentences: int
    # The document's first bead, where an unmarked title glued to the first sentence hides.
    opens_document: bool = False
    # A side whose last sentence has no sentence-final punctuation: a heading, a verse ending
    # on a comma, a title glued to its sentence; its pairing is less certain.
    unended: bool = False
    # Sentences are the splitter's guess (raw text), not the user's own units: a bead over
    # them can be glued or cut wrong even when its two sides match well.
    split_by_us: bool = False

    def features(self) -> np.ndarray:
        margin = min(max(self.margin, -MARGIN_CAP), MARGIN_CAP)
        return np.array([1.0, self.cost, margin, self.sentences - 2.0,
                         float(self.opens_document), float(self.unended),
                         float(self.split_by_us)])


# Fitted by benchmarks/fit_calibration.py on the dev set (hard variant, raw and pre-split
# together, 3,956 beads; only 78 are cut beads, 5 of them wrong, so that model is rough);
# rerun it after any change to the costs and paste its output here.
# Order: intercept, cost, margin, extra sentences, opens_document, unended, split_by_us.
COEFFICIENTS: Coefficients = {
    "pair": (6.1774, -2.7929, 3.0739, -1.9541, -4.0853, 1.2331, -2.2699),
    "cut": (1.7694, 0.928, 1.2627, 0.0, 0.0, 0.4514, -0.0),
    "null": (-4.6785, 9.18, 0.0, 0.0, 0.0, -0.767, -1.4148),
}


def probability(evidence: Evidence, coefficients: Coefficients = COEFFICIENTS) -> float:
    """The chance that the bead is right, under the fitted model for its kind."""
    logit = float(np.dot(coefficients[evidence.kind], evidence.features()))
    return float(1.0 / (1.0 + np.exp(-np.clip(logit, -30.0, 30.0))))


def fit_logistic(features: np.ndarray, outcomes: np.ndarray, l2: float = 1e-2,
                 iterations: int = 50) -> np.ndarray:
    """Logistic-regression coefficients by Newton's method, with a small ridge so that a
    kind with few or perfectly separated examples still gets finite coefficients."""
    weights = np.zeros(features.shape[1])
    penalty = l2 * np.eye(features.shape[1])
    penalty[0, 0] = 0.0  # the intercept is not shrunk
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(features @ weights, -30.0, 30.0)))
        gradient = features.T @ (p - outcomes) + penalty @ weights
        hessian = (features * (p * (1 - p))[:, None]).T @ features + penalty
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if np.abs(step).max() < 1e-9:
            break
    return weights


def fit(evidence: Sequence[Evidence], correct: Sequence[bool]) -> Coefficients:
    """One logistic model per kind of bead; a kind with no examples keeps its old model."""
    fitted = dict(COEFFICIENTS)
    for kind in KINDS:
        rows = [k for k, e in enumerate(evidence) if e.kind == kind]
        if not rows:
            continue
        x = np.stack([evidence[k].features() for k in rows])
        y = np.array([bool(correct[k]) for k in rows], dtype=np.float64)
        weights = fit_logistic(x, y)
        fitted[kind] = tuple(round(float(w), 4) for w in weights)
    return fitted
