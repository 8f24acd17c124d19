"""Interval estimates and rounding used by every table: one definition, tested once.

Wilson score intervals (no continuity correction) match
`scipy.stats.binomtest(k, n).proportion_ci(method="wilson")`; they are computed here
vectorised because a dashboard asks for thousands at a time. A test checks the two agree.
"""

from __future__ import annotations

import numpy as np

CONFIDENCE = 0.95


def z_value(confidence: float = CONFIDENCE) -> float:
    from scipy.special import ndtri  # here, not at import: the CLI's `validate` never needs scipy

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


def newcombe_interval(k_a, n_a, k_b, n_b, confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Newcombe's hybrid score interval for the difference of two proportions p_a − p_b.

    The standard companion of the Wilson interval (Newcombe 1998, method 10): it combines
    the two groups' Wilson limits, so it stays inside [−1, 1], behaves at 0 % and 100 % and
    keeps close to nominal coverage in groups as small as ours, where the textbook Wald
    interval (p_a − p_b ± z·SE) is too narrow. NaN where either group is empty.
    """
    k_a, n_a, k_b, n_b = (np.asarray(v, dtype=float) for v in (k_a, n_a, k_b, n_b))
    low_a, high_a = wilson_interval(k_a, n_a, confidence)
    low_b, high_b = wilson_interval(k_b, n_b, confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_a = k_a / n_a
        p_b = k_b / n_b
        diff = p_a - p_b
        low = diff - np.sqrt((p_a - low_a) ** 2 + (high_b - p_b) ** 2)
        high = diff + np.sqrt((high_a - p_a) ** 2 + (p_b - low_b) ** 2)
    valid = (n_a > 0) & (n_b > 0)
    return np.where(valid, np.clip(low, -1, 1), np.nan), np.where(valid, np.clip(high, -1, 1), np.nan)


def minimum_detectable_difference(n_a: int, n_b: int, alpha: float = 0.05, power: float = 0.8, p: float = 0.5) -> float:
    """The smallest true difference in proportions that two groups of n_a and n_b detect
    with the given power in a two-sided test at level alpha (normal approximation).

    d = (z_{1−α/2} + z_{power}) · sqrt(p(1 − p)(1/n_a + 1/n_b)), with the variance taken at
    the share p (0.5 is the worst case, so the answer is an upper bound for other shares).
    It is the honest answer to "could this survey have seen a difference?": with the 2022
    groups (55 administrative vs 38 elected) it is about 30 percentage points, so smaller
    observed gaps are mostly noise. Returns a proportion (0.30 = 30 percentage points).
    """
    if n_a <= 0 or n_b <= 0:
        return float("nan")
    from scipy.special import ndtri

    z = z_value(1 - alpha) + float(ndtri(power))
    return float(z * np.sqrt(p * (1 - p) * (1 / n_a + 1 / n_b)))


# --- the ordinal test: Mann–Whitney U, exact where it matters, asymptotic for large groups ---

EXACT_ENUMERATION_LIMIT = 2_000_000
ASYMPTOTIC_MIN_GROUP = 100
"""Both groups at least this large: the tie-corrected normal approximation (documented in
docs/statistics.md) replaces the exact enumeration, whose cost grows with the group sizes."""


def _midrank_scores(totals: np.ndarray) -> np.ndarray:
    """Pooled mid-ranks of each ordered category (ties share the average rank)."""
    upper = np.cumsum(totals)
    return upper - (totals - 1) / 2.0


def mann_whitney_exact(counts_a, counts_b) -> tuple[float, float, str]:
    """Two-sided Mann–Whitney U test for two groups' counts over ordered categories.

    Returns (U_a, p_value, method). With five answer categories and 93 people, almost every
    answer is a tie, so the normal approximation is rough and the classic exact tables do
    not apply. Under the null hypothesis (both groups draw from the same distribution) every
    split of the pooled answers into groups of n_a and n_b is equally likely; conditional
    on the observed category totals, the number of group-A answers in each category follows
    a multivariate hypergeometric distribution. We enumerate every such split of the counts
    and add up the probabilities — the exact permutation p-value that
    `scipy.stats.mannwhitneyu(method=PermutationMethod())` estimates by random resampling,
    with the same two-sided definition (twice the smaller tail, at most 1). Being exact, it
    is deterministic and needs no seed.

    When both groups have at least ASYMPTOTIC_MIN_GROUP answers, or the number of splits
    exceeds EXACT_ENUMERATION_LIMIT, the exact p-value is not needed and would be costly: the
    tie-corrected normal approximation with continuity correction is used
    (`mann_whitney_asymptotic`, scipy's `method="asymptotic"`); `method` says which was used.
    """
    a = np.asarray(counts_a, dtype=np.int64)
    b = np.asarray(counts_b, dtype=np.int64)
    n_a, n_b = int(a.sum()), int(b.sum())
    if n_a == 0 or n_b == 0:
        return float("nan"), float("nan"), "none"
    totals = a + b
    keep = totals > 0
    a, b, totals = a[keep], b[keep], totals[keep]
    scores = _midrank_scores(totals)
    u_observed = float(a @ scores - n_a * (n_a + 1) / 2)
    if len(totals) == 1:  # everyone gave the same answer: no evidence of any difference
        return u_observed, 1.0, "exact"
    size = float(np.prod(np.minimum(totals, n_a)[:-1] + 1))
    if min(n_a, n_b) >= ASYMPTOTIC_MIN_GROUP or size > EXACT_ENUMERATION_LIMIT:
        return u_observed, _asymptotic_p(totals, u_observed, n_a, n_b), "asymptotic"
    # Every split of the pooled counts: the group-A count j_c in every category but the last
    # (broadcast over one axis per category); the last category takes what is left of n_a.
    ndim = len(totals) - 1
    taken = np.zeros((1,) * ndim, dtype=np.int64)
    log_p = np.zeros((1,) * ndim)
    u = np.zeros((1,) * ndim)
    for c in range(ndim):
        j = np.arange(min(totals[c], n_a) + 1)
        shape = [1] * ndim
        shape[c] = len(j)
        taken = taken + j.reshape(shape)
        log_p = log_p + _log_binomial(totals[c], j).reshape(shape)
        u = u + (j * scores[c]).reshape(shape)
    rest = n_a - taken
    ok = (rest >= 0) & (rest <= totals[-1])
    rest = np.where(ok, rest, 0)
    log_p = log_p + _log_binomial(totals[-1], rest) - _log_binomial(n_a + n_b, n_a)
    probability = np.where(ok, np.exp(log_p), 0.0).ravel()
    u = (u + rest * scores[-1] - n_a * (n_a + 1) / 2).ravel()
    tolerance = 1e-9 * max(1.0, abs(u_observed))
    lower = probability[u <= u_observed + tolerance].sum()
    upper = probability[u >= u_observed - tolerance].sum()
    return u_observed, float(min(1.0, 2 * min(lower, upper))), "exact"


def _log_binomial(n, k):
    from scipy.special import gammaln

    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


def _asymptotic_p(totals: np.ndarray, u_a: float, n_a: int, n_b: int) -> float:
    """Two-sided p of the normal approximation to U with the tie correction of the variance,
    σ² = n_a·n_b/12 · ((N + 1) − Σ(t³ − t) / (N(N − 1))), and a continuity correction of ½ —
    the definition of `scipy.stats.mannwhitneyu(method="asymptotic")`, from the counts."""
    from scipy.special import ndtr

    n = n_a + n_b
    ties = float(np.sum(totals.astype(float) ** 3 - totals))
    variance = n_a * n_b / 12 * ((n + 1) - ties / (n * (n - 1)))
    if variance <= 0:
        return 1.0
    u = max(u_a, n_a * n_b - u_a)
    z = (u - n_a * n_b / 2 - 0.5) / np.sqrt(variance)
    return float(min(1.0, 2 * ndtr(-z)))


# --- the tests of `compare`, from scipy.special alone ----------------------------------------------
# `import scipy.stats` costs ~0.5 s (a quarter of a command's budget at 6 000 rows), so the three
# tests below are written out from their definitions; tests/analysis/test_stats.py checks each against
# `scipy.stats` (`fisher_exact`, `ttest_ind(equal_var=False)`, `false_discovery_control`).

_FISHER_TOLERANCE = 1e-7
"""Relative tolerance for "as likely as the observed table" (R's `fisher.test` uses the same;
scipy's 1e-14 assumes its more exact pmf — ties such as 4 of 9 and 3 of 9 differ by ~1e-13
when computed from `gammaln`)."""


def fisher_exact_p(table) -> float:
    """Two-sided p of Fisher's exact test on a 2 × 2 table: the probability, under the
    hypergeometric distribution of the first cell given the margins, of every table at most
    as likely as the observed one (`scipy.stats.fisher_exact`)."""
    (a, b), (c, d) = np.asarray(table, dtype=np.int64)
    row, column, total = a + b, a + c, a + b + c + d
    if 0 in (row, c + d, column, b + d):
        return 1.0
    support = np.arange(max(0, column - (c + d)), min(row, column) + 1)
    log_pmf = _log_binomial(row, support) + _log_binomial(total - row, column - support) - _log_binomial(total, column)
    pmf = np.exp(log_pmf)
    observed = pmf[a - support[0]]
    mode = pmf[int((column + 1) * (row + 1) / (total + 2)) - support[0]]  # scipy's mode, its rule for p = 1
    if abs(observed - mode) / max(observed, mode) <= _FISHER_TOLERANCE:
        return 1.0
    return float(min(1.0, pmf[pmf <= observed * (1 + _FISHER_TOLERANCE)].sum()))


def welch_test(a, b, confidence: float = CONFIDENCE) -> tuple[float, float, float, float]:
    """Welch's t-test of two samples (unequal variances): the difference of means, its
    interval from the t distribution with Welch–Satterthwaite degrees of freedom, and the
    two-sided p (`scipy.stats.ttest_ind(equal_var=False)`). NaN when either sample has fewer
    than two values; with no spread in either, the interval is the difference itself and p is
    0 (NaN when the means are equal), as scipy has it."""
    from scipy.special import stdtr, stdtrit

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    difference = float(a.mean() - b.mean()) if len(a) and len(b) else np.nan
    if len(a) < 2 or len(b) < 2:
        return difference, np.nan, np.nan, np.nan
    share_a, share_b = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = np.sqrt(share_a + share_b)
    if se == 0:
        return difference, difference, difference, np.nan if difference == 0 else 0.0
    df = (share_a + share_b) ** 2 / (share_a ** 2 / (len(a) - 1) + share_b ** 2 / (len(b) - 1))
    half = float(stdtrit(df, 1 - (1 - confidence) / 2)) * se
    p = float(min(1.0, 2 * stdtr(df, -abs(difference) / se)))
    return difference, difference - half, difference + half, p


def benjamini_hochberg(p_values) -> np.ndarray:
    """BH-adjusted p-values (`scipy.stats.false_discovery_control(method="bh")`); NaN stays
    NaN and is not counted in the family."""
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(p.shape, np.nan)
    present = np.flatnonzero(~np.isnan(p))
    if len(present):
        order = present[np.argsort(p[present], kind="stable")]
        scaled = p[order] * len(order) / np.arange(1, len(order) + 1)
        adjusted[order] = np.clip(np.minimum.accumulate(scaled[::-1])[::-1], 0, 1)
    return adjusted
