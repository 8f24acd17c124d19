"""Interval estimates and rounding used by every table: one definition, tested once.

Wilson score intervals (no continuity correction) match
`scipy.stats.binomtest(k, n).proportion_ci(method="wilson")`; they are computed here
vectorised because a dashboard asks for thousands at a time. A test checks the two agree.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

CONFIDENCE = 0.95


def z_value(confidence: float = CONFIDENCE) -> float:
    return float(ndtri(1 - (1 - confidence) / 2))


def wilson_interval(k, n, confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for k successes of n, as proportions; NaN where n == 0."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    z = z_value(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
        low = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
        high = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    # k == 0 and k == n have exact bounds; avoid -1e-17 style noise.
    low = np.where((n > 0) & (k == 0), 0.0, low)
    high = np.where((n > 0) & (k == n), 1.0, high)
    return low, high


def pct_half_up(k, n) -> np.ndarray:
    """100·k/n rounded half-up to one decimal, in exact integer arithmetic (NaN if n == 0).

    Floating point rounding would turn 0.125 into 0.12 now and then; the report rounds
    half up, so this works on integers: round(1000·k/n) = (2000·k + n) // (2n).
    """
    k = np.asarray(k, dtype=np.int64)
    n = np.asarray(n, dtype=np.int64)
    safe = np.where(n > 0, n, 1)
    tenths = (2000 * k + safe) // (2 * safe)
    return np.where(n > 0, tenths / 10, np.nan)
