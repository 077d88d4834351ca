"""Q3: make_loader builds a DataLoader on RandomSampler: every sample exactly
once per epoch without replacement, repeats with replacement, and the same
seed gives the same order.

The data set holds the numbers 0 .. n-1, so a batch shows the indices drawn.
With replacement, the fraction of distinct samples in one epoch of n = 1,000
draws must lie in 0.632 +- 0.085, McDiarmid's band that a correct sampler
leaves with probability below 1e-6 (see autograder/bounds.py); without
replacement it is exactly 1.
"""
import torch
from torch.utils.data import RandomSampler, TensorDataset
from autograder.checks import expect_equal, only_when_right
from autograder.checks.bounds import distinct_band
from autograder.testing import config, probe, test_case
OK_FORMAT = False
name = 'q3_make_loader'
points = None
CFG = config()

def dataset(n):
    return TensorDataset(torch.arange(n))

def epoch(loader):
    """One pass over the loader: the batches of indices."""
    return [batch[0] for batch in loader]

def runs(make_loader, n, batch_size, replacement):
    data = dataset(n)
    first_loader = make_loader(data, batch_size, replacement=replacement, seed=7)
    torch.manual_seed(1)
    same_loader = make_loader(data, batch_size, replacement=replacement, seed=7)
    torch.manual_seed(2)
    first, second = (epoch(first_loader), epoch(first_loader))
    same = epoch(same_loader)
    other = epoch(make_loader(data, batch_size, replacement=replacement, seed=8))
    return {'first': first, 'second': second, 'same': same, 'other': other}

@probe
def without_replacement(make_loader):
    return runs(make_loader, CFG['once_size'], CFG['once_batch'], False)

@probe
def with_replacement(make_loader):
    return runs(make_loader, CFG['repeat_loader_size'], CFG['repeat_loader_batch'], True)

def order(batches, what, n, batch_size):
    """The indices of one epoch, after checking the batch sizes."""
    sizes = [len(b) for b in batches]
    full, rest = divmod(n, batch_size)
    expected = [batch_size] * full + ([rest] if rest else [])
    expect_equal(sizes, expected, f'The batch sizes of {what} (n = {n}, batch_size = {batch_size})')
    return torch.cat(batches).tolist()

def expect_once_each(batches, what):
    n, batch = (CFG['once_size'], CFG['once_batch'])
    indices = order(batches, what, n, batch)
    missing = sorted(set(range(n)) - set(indices))
    twice = sorted((i for i in set(indices) if indices.count(i) > 1))
    assert not missing and (not twice), f'Without replacement every sample must come exactly once per epoch, but in {what} ' + (f'samples {missing[:5]} never came' if missing else '') + (' and ' if missing and twice else '') + (f'samples {twice[:5]} came more than once' if twice else '') + '.'
    return indices

@test_case(points=2, hidden=False)
def test_once_each_without_replacement(env):
    """With replacement=False one epoch yields every sample exactly once, in batches of batch_size."""
    only_when_right(lambda: expect_shuffled(without_replacement(env)['first']), 'the order (random, not 0, 1, 2, ...)')
    expect_once_each(without_replacement(env)['first'], 'one epoch of make_loader(data, 10, replacement=False, seed=7)')

@test_case(points=1, hidden=False)
def test_shuffled(env):
    """Without replacement the order is random, not 0, 1, 2, ..."""
    expect_shuffled(without_replacement(env)['first'])

def expect_shuffled(batches):
    indices = expect_once_each(batches, 'one epoch')
    n = CFG['once_size']
    assert indices != list(range(n)), 'The epoch came in the order 0, 1, 2, ...: pass a RandomSampler to the DataLoader so the order is random.'

@test_case(points=2, hidden=False)
def test_repeats_with_replacement(env):
    """With replacement=True an epoch has n draws and sees about 1 - 1/e of the samples."""
    n, batch = (CFG['repeat_loader_size'], CFG['repeat_loader_batch'])
    indices = order(with_replacement(env)['first'], 'one epoch with replacement', n, batch)
    assert min(indices) >= 0 and max(indices) < n, f'Indices must lie in 0 .. {n - 1}.'
    distinct = len(set(indices))
    low, high = distinct_band(n, n, CFG['failure_probability'])
    assert low <= distinct <= high, f'One epoch of make_loader(data, {batch}, replacement=True) over {n} samples saw {distinct / n:.3f} of them; sampling with replacement should see between {low / n:.3f} and {high / n:.3f} (about 1 - 1/e). Pass replacement to RandomSampler.'

@test_case(points=2, hidden=False)
def test_same_seed_same_order(env):
    """Two loaders made with the same seed give the same order, with and without replacement."""
    for label, seen in (('without', without_replacement(env)), ('with', with_replacement(env))):
        first, same = (torch.cat(seen['first']), torch.cat(seen['same']))
        only_when_right(lambda: expect_seed_matters(first, torch.cat(seen['other']), label), f'the order ({label} replacement)')
        assert torch.equal(first, same), f'Two loaders made with seed=7 ({label} replacement) gave different orders: {first[:6].tolist()}... and {same[:6].tolist()}.... Give the RandomSampler its own torch.Generator seeded with `seed` (seeding the global random state is not enough: anything else drawing random numbers changes the order).'

def expect_seed_matters(first, other, label):
    assert not torch.equal(first, other), f'seed=7 and seed=8 gave the same order ({label} replacement).'
