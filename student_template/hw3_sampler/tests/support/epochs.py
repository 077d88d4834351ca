"""What hw3's sampler tests share: data sets, generators and one epoch of a sampler
as plain data."""
import operator

import torch
from torch.utils.data import TensorDataset


def dataset(n):
    return TensorDataset(torch.arange(n))


def generator(seed):
    return torch.Generator().manual_seed(seed)


def is_index(value):
    if isinstance(value, bool):
        return False
    try:
        operator.index(value)
        return True
    except TypeError:
        return False


def listed(sampler):
    """One epoch of `sampler`: its indices as a tensor, and the types of values
    that were not integers (a DataLoader needs integers to index a data set)."""
    values = list(sampler)
    bad = sorted({type(v).__name__ for v in values if not is_index(v)})
    indices = torch.tensor([operator.index(v) for v in values] if not bad else [],
                           dtype=torch.int64)
    return {"indices": indices, "bad": bad, "examples": [repr(v) for v in values[:3]]}
