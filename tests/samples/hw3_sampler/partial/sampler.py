"""Homework 3: sampling with and without replacement (notes 1.2.3).

Fill in every place that raises NotImplementedError, then run
    python -m autograder check hw3_sampler
The handout (README.md) says what each name must do and what the tests check.
"""
import torch
from torch.utils.data import DataLoader, RandomSampler, Sampler


class WithReplacementSampler(Sampler):
    """Draws `num_samples` indices (default: len(data_source)) uniformly at
    random from 0 .. len(data_source) - 1, with replacement: each draw is
    independent of the others, so an index can come twice in one epoch.

    All randomness comes from `generator` (a torch.Generator) when one is
    given, so two samplers with equally seeded generators give the same
    indices; each new iteration (epoch) draws new indices."""

    def __init__(self, data_source, num_samples=None, generator=None):
        self.data_source = data_source
        self.num_samples = len(data_source) if num_samples is None else int(num_samples)
        self.generator = generator

    def __iter__(self):
        raise NotImplementedError("WithReplacementSampler.__iter__")

    def __len__(self):
        return self.num_samples


def make_loader(dataset, batch_size, replacement, seed=None):
    """A DataLoader over `dataset` in batches of `batch_size` whose order comes
    from torch.utils.data.RandomSampler, with or without replacement. With a
    `seed`, the sampler draws from a torch.Generator seeded with it, so two
    loaders made with the same seed give the same order. Pass the sampler,
    not shuffle=True: DataLoader refuses both at once (ValueError)."""
    generator = None if seed is None else torch.Generator().manual_seed(seed)
    sampler = RandomSampler(dataset, replacement=replacement, generator=generator)
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)


def epoch_coverage(loader):
    """The fraction of the samples of loader.dataset that one epoch of `loader`
    visits at least once: (number of distinct indices drawn) / len(dataset).
    About 1 - 1/e = 0.632 with replacement, exactly 1 without."""
    raise NotImplementedError("epoch_coverage")
