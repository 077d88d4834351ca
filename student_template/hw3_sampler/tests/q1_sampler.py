"""Q1: WithReplacementSampler has the right length and index range, draws from
its generator (same seed, same indices) and works inside a DataLoader."""
import torch
from torch.utils.data import DataLoader, TensorDataset
from autograder.checks import expect_equal, only_when_right
from autograder.testing import config, probe, support, test_case
OK_FORMAT = False
name = 'q1_sampler'
points = None
CFG = config()
epochs = support('epochs')
N, DRAWS = (CFG['basic_size'], CFG['basic_draws'])

@probe
def lengths(WithReplacementSampler):
    data = epochs.dataset(N)
    seen = {}
    for key, num_samples in (('default', None), ('more', 3 * N), ('fewer', 5)):
        if num_samples is None:
            sampler = WithReplacementSampler(data, generator=epochs.generator(1))
        else:
            sampler = WithReplacementSampler(data, num_samples=num_samples, generator=epochs.generator(1))
        seen[key] = {'len': len(sampler), 'drawn': len(list(sampler))}
    return seen

@probe
def seeded_draws(WithReplacementSampler):
    data = epochs.dataset(N)

    def draw(seed, global_seed):
        torch.manual_seed(global_seed)
        return epochs.listed(WithReplacementSampler(data, num_samples=DRAWS, generator=epochs.generator(seed)))
    seen = {'a': draw(3, 100), 'b': draw(3, 200), 'c': draw(4, 100)}
    sampler = WithReplacementSampler(data, num_samples=DRAWS, generator=epochs.generator(5))
    seen['epoch1'], seen['epoch2'] = (epochs.listed(sampler), epochs.listed(sampler))
    return seen

def indices_of(seen, what):
    """The drawn indices as a tensor, after checking they are integers."""
    assert not seen['bad'], f"{what} yielded values of type {', '.join(seen['bad'])} (for example {', '.join(seen['examples'])}); a sampler must yield integer indices (use .tolist() on a tensor of indices)."
    return seen['indices']

def expect_random(indices, other):
    assert len(set(indices.tolist())) > 1 and (not torch.equal(indices, other)), 'The sampler drew the same index every time, or the same indices for other seeds: draw them at random from self.generator.'

@test_case(points=1, hidden=False)
def test_length(env):
    """len(sampler) and the number of indices drawn equal num_samples (default: len(data_source))."""
    seen = lengths(env)
    for key, expected, how in (('default', N, f'WithReplacementSampler(data) with len(data) = {N}'), ('more', 3 * N, f'WithReplacementSampler(data, num_samples={3 * N})'), ('fewer', 5, 'WithReplacementSampler(data, num_samples=5)')):
        expect_equal(seen[key]['len'], expected, f'len() of {how}')
        expect_equal(seen[key]['drawn'], expected, f'The number of indices one epoch of {how} yields')

@test_case(points=1, hidden=False)
def test_index_range(env):
    """Every index is an integer from 0 to len(data_source) - 1."""
    seen = seeded_draws(env)
    indices = indices_of(seen['a'], 'The sampler')
    only_when_right(lambda: expect_random(indices, indices_of(seen['c'], 'The sampler')), "the sampler's draws")
    low, high = (int(indices.min()), int(indices.max()))
    assert low >= 0 and high < N, f'For a data set of {N} samples the indices must lie in 0 .. {N - 1}, but they range from {low} to {high}.'

@test_case(points=2, hidden=False)
def test_same_seed_same_indices(env):
    """Two samplers whose generators have the same seed draw the same indices; other seeds, other indices."""
    seen = seeded_draws(env)
    a, b, c = (indices_of(seen[k], 'The sampler') for k in 'abc')
    assert torch.equal(a, b), 'Two samplers built with torch.Generator().manual_seed(3) drew different indices. Draw all random numbers from self.generator (e.g. torch.randint(..., generator=self.generator)), not from the global random state.'
    assert not torch.equal(a, c), 'Samplers with generators seeded 3 and 4 drew the same indices: the draws should come from the generator.'
