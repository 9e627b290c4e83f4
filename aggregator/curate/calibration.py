"""Scores to likelihoods: Platt's sigmoid fitted on scores the model gave items it had not been trained on."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Sigmoid:
    """A likelihood as a function of a score: 1 / (1 + exp(-(slope * score + offset)))."""

    slope: float
    offset: float

    def __call__(self, scores: FloatArray) -> FloatArray:
        z = np.clip(self.slope * scores + self.offset, -35.0, 35.0)
        return 1.0 / (1.0 + np.exp(-z))


def fit_sigmoid(scores: FloatArray, relevant: npt.NDArray[np.bool_], iterations: int = 50) -> Sigmoid:
    """Return Platt's sigmoid for the scores, with his smoothed targets (a few labels never give 0 or 1)."""
    positives = int(relevant.sum())
    negatives = len(relevant) - positives
    targets = np.where(relevant, (positives + 1.0) / (positives + 2.0), 1.0 / (negatives + 2.0))
    # Newton's method on the two parameters, started where every score gets the prior's likelihood.
    slope, offset = 0.0, math.log((positives + 1.0) / (negatives + 1.0))
    for _ in range(iterations):
        z = np.clip(slope * scores + offset, -35.0, 35.0)
        p = 1.0 / (1.0 + np.exp(-z))
        gradient = np.array([np.dot(p - targets, scores), np.sum(p - targets)])
        w = np.maximum(p * (1.0 - p), 1e-12)
        hessian = np.array(
            [[np.dot(w, scores * scores), np.dot(w, scores)], [np.dot(w, scores), np.sum(w)]]
        ) + 1e-9 * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        slope, offset = slope - float(step[0]), offset - float(step[1])
        if float(np.abs(step).max()) < 1e-9:
            break
    return Sigmoid(slope, offset)
