"""Wilson intervals and half-up rounding against independent references."""

import numpy as np
import pytest
from scipy.stats import binomtest

from analysis.stats import pct_half_up, wilson_interval


@pytest.mark.parametrize("k,n", [(0, 1), (1, 1), (0, 10), (3, 10), (34, 52), (23, 38), (50, 55), (55, 55), (1, 1000)])
def test_wilson_matches_scipy(k, n):
    expected = binomtest(k, n).proportion_ci(method="wilson")
    low, high = wilson_interval([k], [n])
    assert low[0] == pytest.approx(expected.low, abs=1e-12)
    assert high[0] == pytest.approx(expected.high, abs=1e-12)


def test_wilson_textbook_value():
    # Newcombe (1998), Statistics in Medicine 17:857, table I: 81/263 → 0.2553 to 0.3662.
    low, high = wilson_interval([81], [263])
    assert round(low[0], 4) == 0.2553
    assert round(high[0], 4) == 0.3662


def test_wilson_empty_group_is_nan():
    low, high = wilson_interval([0], [0])
    assert np.isnan(low[0]) and np.isnan(high[0])


@pytest.mark.parametrize(
    "k,n,expected",
    [(1, 8, 12.5), (1, 16, 6.3), (3, 16, 18.8), (1, 3, 33.3), (2, 3, 66.7), (0, 5, 0.0), (5, 5, 100.0)],
)
def test_half_up_rounding(k, n, expected):
    # 1/16 = 6.25 % and 3/16 = 18.75 % are exact halves: half-up gives 6.3 and 18.8,
    # where Python's round() (banker's rounding on binary floats) gives 6.2 and 18.8.
    assert pct_half_up([k], [n])[0] == expected


def test_half_up_empty_is_nan():
    assert np.isnan(pct_half_up([0], [0])[0])


# --- difference of proportions, power, the ordinal test ---------------------------------------

from itertools import combinations  # noqa: E402

from scipy.stats import PermutationMethod, mannwhitneyu, norm  # noqa: E402

from analysis.stats import mann_whitney_exact, minimum_detectable_difference, newcombe_interval  # noqa: E402


@pytest.mark.parametrize(
    "k_a,n_a,k_b,n_b,low,high",
    [
        # Newcombe (1998), Statistics in Medicine 17:873, table II, method 10 (hybrid score, no CC).
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (0, 10, 0, 10, -0.2775, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
        (10, 10, 0, 10, 0.6075, 1.0000),
    ],
)
def test_newcombe_published_examples(k_a, n_a, k_b, n_b, low, high):
    found_low, found_high = newcombe_interval([k_a], [n_a], [k_b], [n_b])
    assert round(found_low[0], 4) == low
    assert round(found_high[0], 4) == high


def test_newcombe_is_antisymmetric_and_nan_for_empty_group():
    low, high = newcombe_interval([9], [10], [3], [10])
    low_r, high_r = newcombe_interval([3], [10], [9], [10])
    assert (low[0], high[0]) == pytest.approx((-high_r[0], -low_r[0]))
    assert np.isnan(newcombe_interval([1], [0], [1], [5])[0][0])


def test_minimum_detectable_difference_55_vs_38():
    # By hand: (1.959964 + 0.841621) · sqrt(0.25 · (1/55 + 1/38)) = 2.801585 · 0.105472 = 0.2955.
    assert minimum_detectable_difference(55, 38) == pytest.approx(0.2955, abs=5e-4)
    # Equal groups of 100: 2.801585 · sqrt(0.25 · 0.02) = 0.1981.
    assert minimum_detectable_difference(100, 100) == pytest.approx(0.1981, abs=5e-4)


def test_minimum_detectable_difference_has_about_80_percent_exact_power():
    """Independent check: at d = MDD around 50 %, the pooled two-sided z-test, evaluated
    exactly over every outcome (k_a, k_b) of the two binomials, rejects about 80 % of the time."""
    from scipy.stats import binom

    n_a, n_b = 55, 38
    d = minimum_detectable_difference(n_a, n_b)
    k_a, k_b = np.meshgrid(np.arange(n_a + 1), np.arange(n_b + 1), indexing="ij")
    pooled = (k_a + k_b) / (n_a + n_b)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(se > 0, (k_a / n_a - k_b / n_b) / se, 0)
    reject = np.abs(z) > norm.ppf(0.975)
    probability = binom.pmf(k_a, n_a, 0.5 + d / 2) * binom.pmf(k_b, n_b, 0.5 - d / 2)
    assert probability[reject].sum() == pytest.approx(0.80, abs=0.03)


def test_mann_whitney_exact_by_hand():
    # x = {0, 1}, y = {1, 2}; pooled mid-ranks 0→1, 1→2.5, 2→4. The six equally likely splits
    # give W(x) = 3.5, 3.5, 5, 5, 6.5, 6.5; observed 3.5 → P(W ≤ 3.5) = 2/6, two-sided 2/3.
    u, p, method = mann_whitney_exact([1, 1, 0], [0, 1, 1])
    assert (u, method) == (0.5, "exact")
    assert p == pytest.approx(2 / 3)


def _enumerated_p(x, y):
    """Brute force over every split of the pooled answers (an independent exact p-value)."""
    pooled = np.array(x + y)
    from scipy.stats import rankdata

    ranks = rankdata(pooled)
    observed = ranks[: len(x)].sum()
    sums = np.array([ranks[list(c)].sum() for c in combinations(range(len(pooled)), len(x))])
    lower, upper = np.mean(sums <= observed + 1e-9), np.mean(sums >= observed - 1e-9)
    return min(1.0, 2 * min(lower, upper))


@pytest.mark.parametrize(
    "x,y",
    [
        ([0, 1, 1, 2, 3], [1, 2, 3, 3, 3, 4]),
        ([4, 4, 3, 2, 2, 1, 0], [3, 3, 2, 1, 1, 0, 0, 0]),
        ([1, 1, 1, 1], [1, 1, 2]),
    ],
)
def test_mann_whitney_exact_matches_enumeration_and_scipy(x, y):
    counts_x, counts_y = np.bincount(x, minlength=5), np.bincount(y, minlength=5)
    u, p, _ = mann_whitney_exact(counts_x, counts_y)
    assert p == pytest.approx(_enumerated_p(x, y), abs=1e-12)
    # scipy enumerates every split too when there are fewer than n_resamples of them.
    reference = mannwhitneyu(x, y, method=PermutationMethod(n_resamples=99_999))
    assert u == reference.statistic
    assert p == pytest.approx(reference.pvalue, abs=1e-12)


def test_mann_whitney_exact_agrees_with_scipy_monte_carlo_on_survey_sized_groups():
    rng = np.random.default_rng(7)
    x, y = rng.integers(0, 5, 52), rng.integers(0, 5, 36)
    _, p, method = mann_whitney_exact(np.bincount(x, minlength=5), np.bincount(y, minlength=5))
    reference = mannwhitneyu(x, y, method=PermutationMethod(n_resamples=20_000, rng=np.random.default_rng(1)))
    assert method == "exact"
    assert p == pytest.approx(reference.pvalue, abs=4 * np.sqrt(0.25 / 20_000))


def test_mann_whitney_everyone_alike_is_p_one_and_empty_is_nan():
    assert mann_whitney_exact([0, 4, 0], [0, 3, 0])[1] == 1.0
    assert np.isnan(mann_whitney_exact([0, 0], [1, 2])[1])


@pytest.mark.parametrize("seed,n_a,n_b", [(3, 400, 250), (4, 120, 5000), (5, 30, 20_000)])
def test_mann_whitney_large_groups_use_scipys_asymptotic_test(seed, n_a, n_b):
    rng = np.random.default_rng(seed)
    x = rng.choice(7, n_a, p=[0.05, 0.1, 0.15, 0.2, 0.2, 0.2, 0.1])
    y = rng.choice(7, n_b, p=[0.06, 0.1, 0.16, 0.2, 0.2, 0.18, 0.1])
    u, p, method = mann_whitney_exact(np.bincount(x, minlength=7), np.bincount(y, minlength=7))
    reference = mannwhitneyu(x, y, method="asymptotic", use_continuity=True)
    assert method == "asymptotic"
    assert u == pytest.approx(reference.statistic)
    assert p == pytest.approx(reference.pvalue, rel=1e-9)


# --- the tests of `compare`, written out from scipy.special, against scipy.stats itself ---------------

from hypothesis import given, settings as hypothesis_settings, strategies as strategies
from scipy import stats as scipy_stats

from analysis.stats import benjamini_hochberg, fisher_exact_p, welch_test


@hypothesis_settings(max_examples=400, deadline=None)
@given(strategies.lists(strategies.integers(0, 60), min_size=4, max_size=4))
def test_fisher_exact_p_is_scipys(cells):
    table = [cells[:2], cells[2:]]
    assert fisher_exact_p(table) == pytest.approx(scipy_stats.fisher_exact(table).pvalue, rel=1e-9, abs=1e-15)


def test_fisher_exact_p_at_survey_sizes():
    for table in ([[1200, 3000], [900, 1266]], [[0, 5], [5, 0]], [[3, 1], [1, 4]], [[50, 50], [50, 50]]):
        assert fisher_exact_p(table) == pytest.approx(scipy_stats.fisher_exact(table).pvalue, rel=1e-9, abs=1e-300)


@pytest.mark.filterwarnings("ignore:Precision loss occurred in moment calculation:RuntimeWarning")  # scipy's, on the reference side
@hypothesis_settings(max_examples=200, deadline=None)
@given(strategies.lists(strategies.integers(0, 20), min_size=2, max_size=40),
       strategies.lists(strategies.integers(0, 20), min_size=2, max_size=40))
def test_welch_test_is_scipys(a, b):
    reference = scipy_stats.ttest_ind(np.array(a, float), np.array(b, float), equal_var=False)
    difference, low, high, p = welch_test(a, b)
    assert difference == pytest.approx(np.mean(a) - np.mean(b))
    if np.isnan(reference.pvalue):
        assert np.isnan(p)
        return
    interval = reference.confidence_interval(0.95)
    assert p == pytest.approx(reference.pvalue, rel=1e-9, abs=1e-15)
    assert (low, high) == pytest.approx((interval.low, interval.high), rel=1e-9)


@hypothesis_settings(max_examples=200, deadline=None)
@given(strategies.lists(strategies.one_of(strategies.floats(0, 1), strategies.just(float("nan"))), min_size=1, max_size=30))
def test_benjamini_hochberg_is_scipys(p_values):
    p = np.array(p_values, dtype=float)
    adjusted = benjamini_hochberg(p)
    assert np.array_equal(np.isnan(adjusted), np.isnan(p))
    if (~np.isnan(p)).any():
        expected = scipy_stats.false_discovery_control(p[~np.isnan(p)], method="bh")
        assert adjusted[~np.isnan(p)] == pytest.approx(expected, rel=1e-12, abs=1e-15)
