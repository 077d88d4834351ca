"""Q2: WithReplacementSampler really samples with replacement: an epoch has
repeats, covers about 1 - 1/e of the data, and every index is equally likely.

How the bands are chosen (a correct sampler fails each check with probability
at most `failure_probability` = 1e-6, see autograder/bounds.py):
- repeats: one epoch of n = 100 draws from 100 values has no repeat with
  probability 100!/100^100 < 1e-42;
- coverage: the number D of distinct indices in one epoch of n = 10,000 draws
  has mean n (1 - (1 - 1/n)^n) = 0.6321 n; changing one draw changes D by at
  most 1, so McDiarmid gives P(|D - E D| >= t) <= 2 exp(-2 t^2 / n), and
  t = 0.027 n at 1e-6 (about 8.6 standard deviations). A without-replacement
  epoch gives exactly 1;
- uniform: 100,000 draws from 100 values (1,000 expected each); Pearson's
  statistic sum (count - 1000)^2 / 1000 is close to chi-square with 99 degrees
  of freedom, and must lie in (44.5, 184.0), the Wilson-Hilferty band with
  5e-7 in each tail. Too small means too even: e.g. a sampler that cycles
  through permutations (without replacement in disguise).
The probes are seeded, so a given sampler gets the same verdict every run.
"""

import torch

from autograder.checks import only_when_right
from autograder.checks.bounds import chi_square_band, distinct_band
from autograder.testing import config, probe, support, test_case

OK_FORMAT = False
name = "q2_statistics"
points = None

CFG = config()
epochs = support("epochs")
DELTA = CFG["failure_probability"]


@probe
def one_epoch(WithReplacementSampler):
    return {"small": epochs.listed(WithReplacementSampler(epochs.dataset(CFG["repeat_size"]),
                                                   generator=epochs.generator(12))),
            "large": epochs.listed(WithReplacementSampler(epochs.dataset(CFG["coverage_size"]),
                                                   generator=epochs.generator(13)))}


@probe
def long_run(WithReplacementSampler):
    return epochs.listed(WithReplacementSampler(epochs.dataset(CFG["uniform_size"]),
                                         num_samples=CFG["uniform_draws"], generator=epochs.generator(11)))


def indices_of(seen, n, draws, what):
    assert not seen["bad"], (f"{what} yielded values of type {', '.join(seen['bad'])}; a "
                             f"sampler must yield integer indices.")
    indices = seen["indices"]
    assert len(indices) == draws, f"{what} yielded {len(indices)} indices instead of {draws}."
    assert len(indices) == 0 or (int(indices.min()) >= 0 and int(indices.max()) < n), (
        f"{what} yielded indices outside 0 .. {n - 1}.")
    return indices


@test_case(points=1, hidden=False)
def test_repeats_in_an_epoch(env):
    """One epoch (100 draws from 100 samples) contains repeated indices."""
    n = CFG["repeat_size"]
    only_when_right(lambda: expect_coverage(env), "the fraction of samples an epoch sees")
    indices = indices_of(one_epoch(env)["small"], n, n, f"One epoch over {n} samples")
    distinct = len(set(indices.tolist()))
    assert distinct < n, (
        f"One epoch over {n} samples drew {distinct} different indices, i.e. no index twice. "
        f"With replacement, repeats are all but certain (no repeat has probability "
        f"100!/100^100 < 1e-42): each draw must be independent of the others.")


@test_case(points=2, hidden=False)
def test_coverage_near_1_minus_1_over_e(env):
    """One epoch of 10,000 draws from 10,000 samples sees about 1 - 1/e = 63.2% of them."""
    expect_coverage(env)


def expect_coverage(env):
    n = CFG["coverage_size"]
    indices = indices_of(one_epoch(env)["large"], n, n, f"One epoch over {n} samples")
    distinct = len(set(indices.tolist()))
    low, high = distinct_band(n, n, DELTA)
    assert low <= distinct <= high, (
        f"One epoch over {n} samples saw {distinct / n:.4f} of them; with replacement each "
        f"sample is missed with probability (1 - 1/n)^n, about 1/e, so the fraction seen "
        f"should lie between {low / n:.4f} and {high / n:.4f}.")


@test_case(points=2, hidden=True)
def test_uniform(env):
    """Over 100,000 draws from 100 samples every index comes about equally often (chi-square test)."""
    n, draws = CFG["uniform_size"], CFG["uniform_draws"]
    indices = indices_of(long_run(env), n, draws, f"{draws} draws over {n} samples")
    counts = torch.bincount(indices, minlength=n).double()
    expected = draws / n
    statistic = float(((counts - expected) ** 2 / expected).sum())
    low, high = chi_square_band(n - 1, DELTA)
    rare, common = int(counts.argmin()), int(counts.argmax())
    assert statistic <= high, (
        f"{draws} draws over {n} samples are not uniform: index {rare} came "
        f"{int(counts[rare])} times and index {common} {int(counts[common])} times (about "
        f"{expected:.0f} each was expected; chi-square {statistic:.1f} > {high:.1f}). "
        f"Every index from 0 to len(data_source) - 1 must be equally likely.")
    assert statistic >= low, (
        f"{draws} draws over {n} samples are too even to be independent draws (chi-square "
        f"{statistic:.1f} < {low:.1f}; counts range from {int(counts.min())} to "
        f"{int(counts.max())}). Draw each index independently, with replacement.")
