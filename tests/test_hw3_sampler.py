"""hw3_sampler graders are right: the solution earns everything, the stub
nothing, each known-wrong variant loses the points of the test aimed at it,
and alternative correct answers earn full marks."""
import pytest

from harness import SOLUTIONS, TEMPLATE, assert_full_marks, assert_zero, grade, grade_alternative, grade_mutant

HW, FILE = "hw3_sampler", "sampler.py"

DRAW = "        indices = torch.randint(n, (self.num_samples,), generator=self.generator)\n"
SEEDED = "    generator = None if seed is None else torch.Generator().manual_seed(seed)\n"
SAMPLER = "    sampler = RandomSampler(dataset, replacement=replacement, generator=generator)\n"
COVERAGE = ("    seen = set()\n    for batch in loader.batch_sampler:\n"
            "        seen.update(int(i) for i in batch)\n"
            "    return len(seen) / len(loader.dataset)\n")

MUTANTS = {
    "sampler cycles through permutations (without replacement in disguise)": (
        [(DRAW, "        rounds = -(-self.num_samples // n)\n"
                "        indices = torch.cat([torch.randperm(n, generator=self.generator)\n"
                "                             for _ in range(rounds)])[: self.num_samples]\n")],
        ["q2_statistics: repeats_in_an_epoch", "q2_statistics: coverage_near_1_minus_1_over_e",
         "q2_statistics: uniform"]),
    "sampler never draws the last index": (
        [(DRAW, DRAW.replace("torch.randint(n,", "torch.randint(n - 1,"))],
        ["q2_statistics: uniform"]),
    "sampler draws 1 .. n instead of 0 .. n-1": (
        [(DRAW, DRAW.replace("torch.randint(n,", "torch.randint(1, n + 1,"))],
        ["q1_sampler: index_range", "q1_sampler: works_in_a_dataloader"]),
    "sampler ignores its generator": (
        [(DRAW, DRAW.replace(", generator=self.generator)", ")"))],
        ["q1_sampler: same_seed_same_indices"]),
    "sampler re-seeds a copy of its generator every epoch": (
        [(DRAW, "        g = torch.Generator().manual_seed(self.generator.initial_seed())\n"
                "        indices = torch.randint(n, (self.num_samples,), generator=g)\n")],
        ["q1_sampler: new_indices_each_epoch"]),
    "len ignores num_samples": (
        [("        return self.num_samples\n", "        return len(self.data_source)\n")],
        ["q1_sampler: length"]),
    "sampler yields floats": (
        [("        return iter(indices.tolist())\n", "        return iter(indices.double().tolist())\n")],
        ["q1_sampler: index_range"]),
    "make_loader ignores the seed": (
        [(SEEDED, "    generator = None\n")],
        ["q3_make_loader: same_seed_same_order"]),
    "make_loader seeds the global random state instead of a generator": (
        [(SEEDED, "    generator = None\n    if seed is not None:\n        torch.manual_seed(seed)\n")],
        ["q3_make_loader: same_seed_same_order"]),
    "make_loader always samples without replacement": (
        [(SAMPLER, SAMPLER.replace("replacement=replacement", "replacement=False"))],
        ["q3_make_loader: repeats_with_replacement", "q3_make_loader: uses_random_sampler"]),
    "make_loader passes shuffle=True beside the sampler (the notes' ValueError)": (
        [("    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)\n",
          "    return DataLoader(dataset, batch_size=batch_size, shuffle=True, sampler=sampler)\n")],
        ["q3_make_loader: once_each_without_replacement", "q3_make_loader: same_seed_same_order"]),
    "make_loader shuffles with shuffle=True instead of a RandomSampler": (
        [(SAMPLER + "    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)\n",
          "    return DataLoader(dataset, batch_size=batch_size, shuffle=not replacement,\n"
          "                      generator=generator)\n")],
        ["q3_make_loader: repeats_with_replacement", "q3_make_loader: uses_random_sampler"]),
    "make_loader without a seed uses an unseeded torch.Generator() (a fixed order)": (
        [(SEEDED, "    generator = torch.Generator() if seed is None else torch.Generator().manual_seed(seed)\n")],
        ["q3_make_loader: without_seed_is_random"]),
    "make_loader falls back to seed 0": (
        [(SEEDED, "    generator = torch.Generator().manual_seed(0 if seed is None else seed)\n")],
        ["q3_make_loader: without_seed_is_random"]),
    "make_loader hard-codes batch_size 32": (
        [("    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)\n",
          "    return DataLoader(dataset, batch_size=32, sampler=sampler)\n")],
        ["q3_make_loader: once_each_without_replacement", "q3_make_loader: without_seed"]),
    "sampler always draws len(data_source) indices": (
        [("        self.num_samples = len(data_source) if num_samples is None else int(num_samples)\n",
          "        self.num_samples = len(data_source)\n")],
        ["q1_sampler: length", "q2_statistics: uniform"]),
    "epoch_coverage divides by the number of draws": (
        [(COVERAGE, COVERAGE.replace("len(loader.dataset)", "len(loader.sampler)"))],
        ["q4_epoch_coverage: more_draws_than_samples"]),
    "epoch_coverage counts distinct values, not samples": (
        [(COVERAGE, "    seen = set()\n    for batch in loader:\n"
                    "        seen.update(tuple(row.flatten().tolist()) for row in batch[0])\n"
                    "    return len(seen) / len(loader.dataset)\n")],
        ["q4_epoch_coverage: counts_samples_not_values"]),
}

ALTERNATIVES = {
    "coverage as a 0-d tensor": [
        (COVERAGE, COVERAGE.replace("    return len(seen) / len(loader.dataset)\n",
                                    "    return torch.tensor(len(seen) / len(loader.dataset))\n"))],
    "multinomial draws yielded lazily, seeded generator via manual_seed, coverage from the sampler": [
        (DRAW + "        return iter(indices.tolist())\n",
         "        weights = torch.ones(n)\n"
         "        for i in torch.multinomial(weights, self.num_samples, replacement=True,\n"
         "                                   generator=self.generator):\n"
         "            yield int(i)\n"),
        (SEEDED, "    generator = None\n    if seed is not None:\n"
                 "        generator = torch.Generator()\n        generator.manual_seed(seed)\n"),
        (COVERAGE, "    indices = list(loader.sampler)\n"
                   "    return len(set(indices)) / len(loader.dataset)\n")],
    "draws in chunks of 32 like RandomSampler, Python ints, torch.unique coverage": [
        (DRAW + "        return iter(indices.tolist())\n",
         "        left = self.num_samples\n"
         "        while left > 0:\n"
         "            chunk = torch.randint(high=n, size=(min(32, left),), dtype=torch.int64,\n"
         "                                  generator=self.generator)\n"
         "            yield from chunk.tolist()\n"
         "            left -= len(chunk)\n"),
        (SAMPLER, "    sampler = RandomSampler(dataset, replacement=replacement,\n"
                  "                            num_samples=len(dataset), generator=generator)\n"),
        (COVERAGE, "    drawn = torch.cat([torch.as_tensor(b) for b in loader.batch_sampler])\n"
                   "    return torch.unique(drawn).numel() / len(loader.dataset)\n")],
}


def test_solution_full_marks():
    assert_full_marks(grade(HW, SOLUTIONS / HW))


def test_stub_scores_zero():
    assert_zero(grade(HW, TEMPLATE / HW))


@pytest.mark.parametrize("name", MUTANTS)
def test_mutant_loses_points(name, tmp_path):
    grade_mutant(HW, FILE, *MUTANTS[name], tmp_path / "mutant")


@pytest.mark.parametrize("name", ALTERNATIVES)
def test_alternative_full_marks(name, tmp_path):
    grade_alternative(HW, FILE, ALTERNATIVES[name], tmp_path / "alt")
