"""Calibration: a logistic model per kind of bead, fitted so that a score reads as a chance."""

from __future__ import annotations

import numpy as np

from aligner.align.calibration import Evidence, fit, fit_logistic, probability


def test_fit_logistic_recovers_known_coefficients() -> None:
    rng = np.random.default_rng(0)
    x = np.column_stack([np.ones(4000), rng.uniform(0, 2, 4000)])
    truth = np.array([3.0, -4.0])
    y = (rng.uniform(size=4000) < 1 / (1 + np.exp(-x @ truth))).astype(float)
    weights = fit_logistic(x, y, l2=0.0)
    assert np.allclose(weights, truth, atol=0.4)


def test_fitted_scores_are_calibrated_per_kind() -> None:
    # Pairs are right with probability 1 - cost / 2; nulls are right three times in four.
    rng = np.random.default_rng(1)
    evidence, correct = [], []
    for _ in range(3000):
        cost = float(rng.uniform(0, 2))
        evidence.append(Evidence("pair", cost, float(rng.uniform(0, 1)), 2))
        correct.append(bool(rng.uniform() < 1 - cost / 2))
        evidence.append(Evidence("null", float(rng.uniform(0.5, 1.5)), 0.0, 1))
        correct.append(bool(rng.uniform() < 0.75))
    coefficients = fit(evidence, correct)
    for kind in ("pair", "null"):
        rows = [(probability(e, coefficients), ok) for e, ok in zip(evidence, correct, strict=True)
                if e.kind == kind]
        for low, high in ((0.0, 0.3), (0.3, 0.7), (0.7, 1.0)):
            inside = [ok for p, ok in rows if low <= p < high]
            scores = [p for p, _ in rows if low <= p < high]
            if len(inside) > 200:  # the observed rate of a well-filled bin matches its scores
                assert abs(np.mean(inside) - np.mean(scores)) < 0.06
        assert abs(np.mean([p for p, _ in rows]) - np.mean([ok for _, ok in rows])) < 0.02
    # A kind without examples keeps the shipped model; cheaper beads always score higher.
    assert coefficients["cut"] == fit([], [])["cut"]
    assert (probability(Evidence("pair", 0.2, 0.5, 2), coefficients)
            > probability(Evidence("pair", 1.2, 0.5, 2), coefficients))


def test_probability_stays_in_the_unit_interval_for_extreme_evidence() -> None:
    for cost in (-50.0, 0.0, 50.0):
        p = probability(Evidence("pair", cost, 100.0, 6))
        assert 0.0 <= p <= 1.0
