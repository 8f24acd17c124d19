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
