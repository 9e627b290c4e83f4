"""Scores to likelihoods: a sigmoid fitted on scores the model gave items it had not been trained on."""

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
    # The share of relevant items among those it was fitted on.
    prevalence: float = 0.5

    def __call__(self, scores: FloatArray) -> FloatArray:
        z = np.clip(self.slope * scores + self.offset, -35.0, 35.0)
        return 1.0 / (1.0 + np.exp(-z))


def fit_sigmoid(
    scores: FloatArray,
    relevant: npt.NDArray[np.bool_],
    weights: FloatArray | None = None,
    smoothed: bool = False,
    ridge: float = 1e-3,
    iterations: int = 50,
) -> Sigmoid:
    """Return the sigmoid that fits the labels best, its slope held back by a ridge penalty.

    Platt's smoothed targets (smoothed=True) keep a few labels from giving 0 or 1, but they also put a floor
    of about 1 / (negatives + 2) under every likelihood, which summed over a long queue of unlikely items
    promises many relevant items that are not there; the ridge alone keeps the slope finite when the
    scores separate the labels.
    """
    positives = int(relevant.sum())
    negatives = len(relevant) - positives
    if smoothed:
        targets = np.where(relevant, (positives + 1.0) / (positives + 2.0), 1.0 / (negatives + 2.0))
    else:
        targets = relevant.astype(np.float64)
    weight = np.ones(len(scores)) if weights is None else weights
    # Newton's method on the two parameters, started where every score gets the prior's likelihood.
    slope, offset = 0.0, math.log((positives + 1.0) / (negatives + 1.0))
    for _ in range(iterations):
        z = np.clip(slope * scores + offset, -35.0, 35.0)
        p = 1.0 / (1.0 + np.exp(-z))
        residual = weight * (p - targets)
        gradient = np.array([np.dot(residual, scores) + ridge * slope, np.sum(residual)])
        w = weight * np.maximum(p * (1.0 - p), 1e-12)
        hessian = np.array(
            [[np.dot(w, scores * scores) + ridge, np.dot(w, scores)], [np.dot(w, scores), np.sum(w)]]
        ) + 1e-9 * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        slope, offset = slope - float(step[0]), offset - float(step[1])
        if float(np.abs(step).max()) < 1e-9:
            break
    return Sigmoid(slope, offset, float(np.dot(weight, relevant) / max(weight.sum(), 1e-12)))
