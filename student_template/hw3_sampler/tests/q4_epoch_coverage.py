"""Q4: epoch_coverage(loader) is the fraction of distinct samples one epoch
visits: exactly 1 without replacement, about 1 - 1/e with replacement.

Loaders with a fixed order give exact answers. For RandomSampler loaders over
n = 10,000 samples the answer must lie in McDiarmid's band around
1 - (1 - 1/n)^draws that a correct count leaves with probability below 1e-6
(0.632 +- 0.027 for n draws, 0.865 +- 0.038 for 2n draws; autograder/bounds.py).
"""
import torch
from torch.utils.data import DataLoader, RandomSampler, Sampler, TensorDataset
from autograder.checks import expect_number
from autograder.checks.bounds import distinct_band
from autograder.testing import config, probe, test_case
OK_FORMAT = False
name = 'q4_epoch_coverage'
points = None
CFG = config()
N, BATCH = (CFG['coverage_loader_size'], CFG['coverage_loader_batch'])
FIXED = {'some repeated': (10, [0, 1, 1, 2, 2, 2, 9], 3), 'all, reversed': (10, list(range(9, -1, -1)), 4), 'one sample twelve times': (8, [5] * 12, 5)}

class FixedOrder(Sampler):
    """Yields the same indices every epoch, so the coverage is known exactly."""

    def __init__(self, indices):
        self.indices = list(indices)

    def __iter__(self):
        return iter(self.indices)

    def __len__(self):
        return len(self.indices)

def generator(seed):
    return torch.Generator().manual_seed(seed)

@probe
def fixed_orders(epoch_coverage):
    seen = {}
    for key, (n, indices, batch) in FIXED.items():
        data = TensorDataset(torch.arange(n))
        seen[key] = epoch_coverage(DataLoader(data, batch_size=batch, sampler=FixedOrder(indices)))
    return seen

@probe
def random_orders(epoch_coverage):
    data = TensorDataset(torch.arange(N))
    samplers = {'without': RandomSampler(data, generator=generator(21)), 'with': RandomSampler(data, replacement=True, generator=generator(22)), 'twice': RandomSampler(data, replacement=True, num_samples=2 * N, generator=generator(23))}
    return {key: epoch_coverage(DataLoader(data, batch_size=BATCH, sampler=sampler)) for key, sampler in samplers.items()}

def expect_band(seen, draws, what):
    value = expect_number(seen, what)
    low, high = distinct_band(N, draws, CFG['failure_probability'])
    assert low / N <= value <= high / N, f'{what} is {value:.4f}; {draws} draws with replacement from {N} samples see each sample with probability 1 - (1 - 1/n)^{draws}, so it should lie between {low / N:.4f} and {high / N:.4f}. Count distinct indices and divide by len(loader.dataset).'

@test_case(points=2, hidden=False)
def test_known_orders(env):
    """For loaders whose order is known the result is exactly distinct indices / len(dataset)."""
    seen = fixed_orders(env)
    for key, (n, indices, batch) in FIXED.items():
        value = expect_number(seen[key], f'epoch_coverage for an epoch with indices {indices}')
        expected = len(set(indices)) / n
        assert abs(value - expected) < 1e-06, f'For a data set of {n} samples and an epoch drawing the indices {indices}, epoch_coverage should be {expected:g} ({len(set(indices))} distinct / {n}), but it is {value:g}.'

@test_case(points=1, hidden=False)
def test_without_replacement_is_one(env):
    """Without replacement one epoch sees every sample: the coverage is 1."""
    value = expect_number(random_orders(env)['without'], 'epoch_coverage without replacement')
    assert abs(value - 1) < 1e-09, f'epoch_coverage of a loader without replacement over {N} samples is {value:g}; every sample comes once, so it is 1.'

@test_case(points=1, hidden=False)
def test_with_replacement_near_1_minus_1_over_e(env):
    """With replacement one epoch sees about 1 - 1/e = 63.2% of the samples."""
    expect_band(random_orders(env)['with'], N, 'epoch_coverage with replacement')
