"""Known-wrong variants of hw3_sampler's solution (sampler.py), each losing the points of
the cases it names, and other correct answers, each earning full marks. Each
replaces definitions of sampler.py by name (autograder/variants.py). Never shipped."""
FILE = "sampler.py"

MUTANTS = {
    'sampler cycles through permutations (without replacement in disguise)': {
        "replace": {
            'WithReplacementSampler.__iter__': """\
def __iter__(self):
    n = len(self.data_source)
    rounds = -(-self.num_samples // n)
    indices = torch.cat([torch.randperm(n, generator=self.generator)
                         for _ in range(rounds)])[: self.num_samples]
    return iter(indices.tolist())
""",
        },
        "loses": ['q2_statistics: repeats_in_an_epoch', 'q2_statistics: coverage_near_1_minus_1_over_e', 'q2_statistics: uniform'],
    },
    'sampler never draws the last index': {
        "replace": {
            'WithReplacementSampler.__iter__': """\
def __iter__(self):
    n = len(self.data_source)
    indices = torch.randint(n - 1, (self.num_samples,), generator=self.generator)
    return iter(indices.tolist())
""",
        },
        "loses": ['q2_statistics: uniform'],
    },
    'sampler draws 1 .. n instead of 0 .. n-1': {
        "replace": {
            'WithReplacementSampler.__iter__': """\
def __iter__(self):
    n = len(self.data_source)
    indices = torch.randint(1, n + 1, (self.num_samples,), generator=self.generator)
    return iter(indices.tolist())
""",
        },
        "loses": ['q1_sampler: index_range', 'q1_sampler: works_in_a_dataloader'],
    },
    'sampler ignores its generator': {
        "replace": {
            'WithReplacementSampler.__iter__': """\
def __iter__(self):
    n = len(self.data_source)
    indices = torch.randint(n, (self.num_samples,))
    return iter(indices.tolist())
""",
        },
        "loses": ['q1_sampler: same_seed_same_indices'],
    },
    'sampler re-seeds a copy of its generator every epoch': {
        "replace": {
            'WithReplacementSampler.__iter__': """\
def __iter__(self):
    n = len(self.data_source)
    g = torch.Generator().manual_seed(self.generator.initial_seed())
    indices = torch.randint(n, (self.num_samples,), generator=g)
    return iter(indices.tolist())
""",
        },
        "loses": ['q1_sampler: new_indices_each_epoch'],
    },
    'len ignores num_samples': {
        "replace": {
            'WithReplacementSampler.__len__': """\
def __len__(self):
    return len(self.data_source)
""",
        },
        "loses": ['q1_sampler: length'],
    },
    'sampler yields floats': {
        "replace": {
            'WithReplacementSampler.__iter__': """\
def __iter__(self):
    n = len(self.data_source)
    indices = torch.randint(n, (self.num_samples,), generator=self.generator)
    return iter(indices.double().tolist())
""",
        },
        "loses": ['q1_sampler: index_range'],
    },
    'make_loader ignores the seed': {
        "replace": {
            'make_loader': """\
def make_loader(dataset, batch_size, replacement, seed=None):
    \"\"\"A DataLoader over `dataset` in batches of `batch_size` whose order comes
    from torch.utils.data.RandomSampler, with or without replacement. With a
    `seed`, the sampler draws from a torch.Generator seeded with it, so two
    loaders made with the same seed give the same order. Pass the sampler,
    not shuffle=True: DataLoader refuses both at once (ValueError).\"\"\"
    generator = None
    sampler = RandomSampler(dataset, replacement=replacement, generator=generator)
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)
""",
        },
        "loses": ['q3_make_loader: same_seed_same_order'],
    },
    'make_loader seeds the global random state instead of a generator': {
        "replace": {
            'make_loader': """\
def make_loader(dataset, batch_size, replacement, seed=None):
    \"\"\"A DataLoader over `dataset` in batches of `batch_size` whose order comes
    from torch.utils.data.RandomSampler, with or without replacement. With a
    `seed`, the sampler draws from a torch.Generator seeded with it, so two
    loaders made with the same seed give the same order. Pass the sampler,
    not shuffle=True: DataLoader refuses both at once (ValueError).\"\"\"
    generator = None
    if seed is not None:
        torch.manual_seed(seed)
    sampler = RandomSampler(dataset, replacement=replacement, generator=generator)
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)
""",
        },
        "loses": ['q3_make_loader: same_seed_same_order'],
    },
    'make_loader always samples without replacement': {
        "replace": {
            'make_loader': """\
def make_loader(dataset, batch_size, replacement, seed=None):
    \"\"\"A DataLoader over `dataset` in batches of `batch_size` whose order comes
    from torch.utils.data.RandomSampler, with or without replacement. With a
    `seed`, the sampler draws from a torch.Generator seeded with it, so two
    loaders made with the same seed give the same order. Pass the sampler,
    not shuffle=True: DataLoader refuses both at once (ValueError).\"\"\"
    generator = None if seed is None else torch.Generator().manual_seed(seed)
    sampler = RandomSampler(dataset, replacement=False, generator=generator)
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)
""",
        },
        "loses": ['q3_make_loader: repeats_with_replacement', 'q3_make_loader: uses_random_sampler'],
    },
    "make_loader passes shuffle=True beside the sampler (the notes' ValueError)": {
        "replace": {
            'make_loader': """\
def make_loader(dataset, batch_size, replacement, seed=None):
    \"\"\"A DataLoader over `dataset` in batches of `batch_size` whose order comes
    from torch.utils.data.RandomSampler, with or without replacement. With a
    `seed`, the sampler draws from a torch.Generator seeded with it, so two
    loaders made with the same seed give the same order. Pass the sampler,
    not shuffle=True: DataLoader refuses both at once (ValueError).\"\"\"
    generator = None if seed is None else torch.Generator().manual_seed(seed)
    sampler = RandomSampler(dataset, replacement=replacement, generator=generator)
    return DataLoader(dataset, batch_size=batch_size, shuffle=True, sampler=sampler)
""",
        },
        "loses": ['q3_make_loader: once_each_without_replacement', 'q3_make_loader: same_seed_same_order'],
    },
    'make_loader shuffles with shuffle=True instead of a RandomSampler': {
        "replace": {
            'make_loader': """\
def make_loader(dataset, batch_size, replacement, seed=None):
    \"\"\"A DataLoader over `dataset` in batches of `batch_size` whose order comes
    from torch.utils.data.RandomSampler, with or without replacement. With a
    `seed`, the sampler draws from a torch.Generator seeded with it, so two
    loaders made with the same seed give the same order. Pass the sampler,
    not shuffle=True: DataLoader refuses both at once (ValueError).\"\"\"
    generator = None if seed is None else torch.Generator().manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=not replacement,
                      generator=generator)
""",
        },
        "loses": ['q3_make_loader: repeats_with_replacement', 'q3_make_loader: uses_random_sampler'],
    },
    'make_loader without a seed uses an unseeded torch.Generator() (a fixed order)': {
        "replace": {
            'make_loader': """\
def make_loader(dataset, batch_size, replacement, seed=None):
    \"\"\"A DataLoader over `dataset` in batches of `batch_size` whose order comes
    from torch.utils.data.RandomSampler, with or without replacement. With a
    `seed`, the sampler draws from a torch.Generator seeded with it, so two
    loaders made with the same seed give the same order. Pass the sampler,
    not shuffle=True: DataLoader refuses both at once (ValueError).\"\"\"
    generator = torch.Generator() if seed is None else torch.Generator().manual_seed(seed)
    sampler = RandomSampler(dataset, replacement=replacement, generator=generator)
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)
""",
        },
        "loses": ['q3_make_loader: without_seed_is_random'],
    },
    'make_loader falls back to seed 0': {
        "replace": {
            'make_loader': """\
def make_loader(dataset, batch_size, replacement, seed=None):
    \"\"\"A DataLoader over `dataset` in batches of `batch_size` whose order comes
    from torch.utils.data.RandomSampler, with or without replacement. With a
    `seed`, the sampler draws from a torch.Generator seeded with it, so two
    loaders made with the same seed give the same order. Pass the sampler,
    not shuffle=True: DataLoader refuses both at once (ValueError).\"\"\"
    generator = torch.Generator().manual_seed(0 if seed is None else seed)
    sampler = RandomSampler(dataset, replacement=replacement, generator=generator)
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)
""",
        },
        "loses": ['q3_make_loader: without_seed_is_random'],
    },
    'make_loader hard-codes batch_size 32': {
        "replace": {
            'make_loader': """\
def make_loader(dataset, batch_size, replacement, seed=None):
    \"\"\"A DataLoader over `dataset` in batches of `batch_size` whose order comes
    from torch.utils.data.RandomSampler, with or without replacement. With a
    `seed`, the sampler draws from a torch.Generator seeded with it, so two
    loaders made with the same seed give the same order. Pass the sampler,
    not shuffle=True: DataLoader refuses both at once (ValueError).\"\"\"
    generator = None if seed is None else torch.Generator().manual_seed(seed)
    sampler = RandomSampler(dataset, replacement=replacement, generator=generator)
    return DataLoader(dataset, batch_size=32, sampler=sampler)
""",
        },
        "loses": ['q3_make_loader: once_each_without_replacement', 'q3_make_loader: without_seed'],
    },
    'sampler always draws len(data_source) indices': {
        "replace": {
            'WithReplacementSampler.__init__': """\
def __init__(self, data_source, num_samples=None, generator=None):
    self.data_source = data_source
    self.num_samples = len(data_source)
    self.generator = generator
""",
        },
        "loses": ['q1_sampler: length', 'q2_statistics: uniform'],
    },
    'epoch_coverage divides by the number of draws': {
        "replace": {
            'epoch_coverage': """\
def epoch_coverage(loader):
    \"\"\"The fraction of the samples of loader.dataset that one epoch of `loader`
    visits at least once: (number of distinct indices drawn) / len(dataset).
    About 1 - 1/e = 0.632 with replacement, exactly 1 without.\"\"\"
    seen = set()
    for batch in loader.batch_sampler:
        seen.update(int(i) for i in batch)
    return len(seen) / len(loader.sampler)
""",
        },
        "loses": ['q4_epoch_coverage: more_draws_than_samples'],
    },
    'epoch_coverage counts distinct values, not samples': {
        "replace": {
            'epoch_coverage': """\
def epoch_coverage(loader):
    \"\"\"The fraction of the samples of loader.dataset that one epoch of `loader`
    visits at least once: (number of distinct indices drawn) / len(dataset).
    About 1 - 1/e = 0.632 with replacement, exactly 1 without.\"\"\"
    seen = set()
    for batch in loader:
        seen.update(tuple(row.flatten().tolist()) for row in batch[0])
    return len(seen) / len(loader.dataset)
""",
        },
        "loses": ['q4_epoch_coverage: counts_samples_not_values'],
    },
}

ALTERNATIVES = {
    'coverage as a 0-d tensor': {
        "replace": {
            'epoch_coverage': """\
def epoch_coverage(loader):
    \"\"\"The fraction of the samples of loader.dataset that one epoch of `loader`
    visits at least once: (number of distinct indices drawn) / len(dataset).
    About 1 - 1/e = 0.632 with replacement, exactly 1 without.\"\"\"
    seen = set()
    for batch in loader.batch_sampler:
        seen.update(int(i) for i in batch)
    return torch.tensor(len(seen) / len(loader.dataset))
""",
        },
    },
    'multinomial draws yielded lazily, seeded generator via manual_seed, coverage from the sampler': {
        "replace": {
            'WithReplacementSampler.__iter__': """\
def __iter__(self):
    n = len(self.data_source)
    weights = torch.ones(n)
    for i in torch.multinomial(weights, self.num_samples, replacement=True,
                               generator=self.generator):
        yield int(i)
""",
            'make_loader': """\
def make_loader(dataset, batch_size, replacement, seed=None):
    \"\"\"A DataLoader over `dataset` in batches of `batch_size` whose order comes
    from torch.utils.data.RandomSampler, with or without replacement. With a
    `seed`, the sampler draws from a torch.Generator seeded with it, so two
    loaders made with the same seed give the same order. Pass the sampler,
    not shuffle=True: DataLoader refuses both at once (ValueError).\"\"\"
    generator = None
    if seed is not None:
        generator = torch.Generator()
        generator.manual_seed(seed)
    sampler = RandomSampler(dataset, replacement=replacement, generator=generator)
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)
""",
            'epoch_coverage': """\
def epoch_coverage(loader):
    \"\"\"The fraction of the samples of loader.dataset that one epoch of `loader`
    visits at least once: (number of distinct indices drawn) / len(dataset).
    About 1 - 1/e = 0.632 with replacement, exactly 1 without.\"\"\"
    indices = list(loader.sampler)
    return len(set(indices)) / len(loader.dataset)
""",
        },
    },
    'draws in chunks of 32 like RandomSampler, Python ints, torch.unique coverage': {
        "replace": {
            'WithReplacementSampler.__iter__': """\
def __iter__(self):
    n = len(self.data_source)
    left = self.num_samples
    while left > 0:
        chunk = torch.randint(high=n, size=(min(32, left),), dtype=torch.int64,
                              generator=self.generator)
        yield from chunk.tolist()
        left -= len(chunk)
""",
            'make_loader': """\
def make_loader(dataset, batch_size, replacement, seed=None):
    \"\"\"A DataLoader over `dataset` in batches of `batch_size` whose order comes
    from torch.utils.data.RandomSampler, with or without replacement. With a
    `seed`, the sampler draws from a torch.Generator seeded with it, so two
    loaders made with the same seed give the same order. Pass the sampler,
    not shuffle=True: DataLoader refuses both at once (ValueError).\"\"\"
    generator = None if seed is None else torch.Generator().manual_seed(seed)
    sampler = RandomSampler(dataset, replacement=replacement,
                            num_samples=len(dataset), generator=generator)
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)
""",
            'epoch_coverage': """\
def epoch_coverage(loader):
    \"\"\"The fraction of the samples of loader.dataset that one epoch of `loader`
    visits at least once: (number of distinct indices drawn) / len(dataset).
    About 1 - 1/e = 0.632 with replacement, exactly 1 without.\"\"\"
    drawn = torch.cat([torch.as_tensor(b) for b in loader.batch_sampler])
    return torch.unique(drawn).numel() / len(loader.dataset)
""",
        },
    },
}
