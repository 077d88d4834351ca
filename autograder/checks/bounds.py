"""Acceptance bands for checks of random behaviour (judge side).

A grader test that looks at random output (a sampler's indices, a dropout
mask) must pass a correct implementation essentially always. Each function
here returns a band that a correct implementation leaves with probability at
most `failure_probability` (the assignments use 1e-6: at most one failure in
a million seeds). Probes are seeded, so a given submission gets the same
verdict every run; the band is what makes the verdict fair for every seed a
correct implementation might effectively use.

All bounds are two-sided and, except the chi-square one, exact inequalities
(not normal approximations), so they are a little wider than 5 sigma.
"""

import math
from statistics import NormalDist


def hoeffding_margin(trials: int, failure_probability: float, value_range: float = 1.0) -> float:
    """Half-width t of the band for the mean of `trials` independent values,
    each in an interval of length `value_range`, around its expectation.

    Hoeffding: P(|mean - E mean| >= t) <= 2 exp(-2 trials t^2 / range^2);
    setting the right side to the failure probability gives
    t = range * sqrt(ln(2 / failure_probability) / (2 trials)).
    For fractions (range 1) of 100,000 trials at 1e-6: t = 0.0085.
    """
    return value_range * math.sqrt(math.log(2 / failure_probability) / (2 * trials))


def expected_distinct(n: int, draws: int) -> float:
    """Expected number of distinct values among `draws` independent uniform
    draws from n values: each value is missed with probability (1 - 1/n)^draws."""
    return n * (1 - (1 - 1 / n) ** draws)


def distinct_band(n: int, draws: int, failure_probability: float) -> tuple[float, float]:
    """(low, high) for the number of distinct values among `draws` independent
    uniform draws from n values.

    McDiarmid's inequality: the count is a function of `draws` independent
    draws, and changing one draw changes it by at most 1, so
    P(|D - E D| >= t) <= 2 exp(-2 t^2 / draws), i.e.
    t = sqrt(draws * ln(2 / failure_probability) / 2).
    For one epoch of n = 10,000 draws: E D / n = 0.6321 (about 1 - 1/e), t / n = 0.027
    (the standard deviation is 0.0031, so the band is about 8.6 sigma wide each way),
    while a without-replacement epoch gives exactly 1.
    """
    centre = expected_distinct(n, draws)
    t = math.sqrt(draws * math.log(2 / failure_probability) / 2)
    return centre - t, centre + t


def chi_square_band(degrees_of_freedom: int, failure_probability: float) -> tuple[float, float]:
    """(low, high) for Pearson's chi-square statistic with the given degrees of
    freedom, each tail holding half the failure probability.

    Wilson-Hilferty: (X / k)^(1/3) is close to normal with mean 1 - 2/(9k) and
    variance 2/(9k). For k = 99 at 1e-6 this gives (44.5, 184.0); the exact
    chi-square quantiles are (44.7, 183.7), so the band is slightly wider than
    exact (conservative). The statistic of a multinomial count is close to
    chi-square when every expected count is large (the tests use 1,000).
    """
    k = degrees_of_freedom
    z = NormalDist().inv_cdf(1 - failure_probability / 2)
    s = math.sqrt(2 / (9 * k))
    low = k * max(1 - 2 / (9 * k) - z * s, 0.0) ** 3
    high = k * (1 - 2 / (9 * k) + z * s) ** 3
    return low, high
