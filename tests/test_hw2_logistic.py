"""hw2_logistic graders are right: solution full, stub zero, mutants lose the
test aimed at them, alternative correct answers full."""
import pytest

from harness import SOLUTIONS, TEMPLATE, assert_full_marks, assert_zero, grade, grade_alternative, grade_mutant

HW, FILE = "hw2_logistic", "logistic.py"

MUTANTS = {
    "forgets zero_grad": (
        [("            optimizer.zero_grad()\n", "")],
        ["q2_train: matches_sgd"]),
    "evaluates in train mode": (
        [("    model.eval()\n", "")],
        ["q3_evaluate: eval_mode"]),
    "evaluates with gradients on": (
        [("    with torch.no_grad():\n        for images, labels in loader:\n"
          "            predicted = model(images).argmax(dim=1)\n"
          "            correct += (predicted == labels).sum().item()\n"
          "            total += len(labels)",
          "    for images, labels in loader:\n        predicted = model(images).argmax(dim=1)\n"
          "        correct += (predicted == labels).sum().item()\n        total += len(labels)")],
        ["q3_evaluate: no_grad"]),
    "flattens column by column": (
        [("        return self.linear(x.reshape(x.shape[0], 28 * 28))",
          "        x = x.reshape(x.shape[0], 28, 28).transpose(1, 2)\n"
          "        return self.linear(x.reshape(x.shape[0], 28 * 28))")],
        ["q1_model: logits_are_linear"]),
    "returns probabilities instead of logits": (
        [("        return self.linear(x.reshape(x.shape[0], 28 * 28))",
          "        return self.linear(x.reshape(x.shape[0], 28 * 28)).softmax(dim=1)")],
        ["q1_model: logits_are_linear"]),
    "adds a hidden layer": (
        [("        self.linear = nn.Linear(28 * 28, 10)",
          "        self.linear = nn.Sequential(nn.Linear(28 * 28, 32), nn.ReLU(), nn.Linear(32, 10))")],
        ["q1_model: parameter_count"]),
    "ignores the lr argument": (
        [("optim.SGD(model.parameters(), lr=lr)", "optim.SGD(model.parameters(), lr=0.01)")],
        ["q2_train: matches_sgd"]),
    "accuracy assumes full batches": (
        [("    return correct / total", "    return correct / (len(loader) * loader.batch_size)")],
        ["q3_evaluate: accuracy_value"]),
    "returns the summed loss": (
        [("        losses.append(total / count)", "        losses.append(total)")],
        ["q2_train: losses_are_epoch_means"]),
    "hard-codes lr to its default 0.1": (
        [("optim.SGD(model.parameters(), lr=lr)", "optim.SGD(model.parameters(), lr=0.1)")],
        ["q2_train: matches_sgd", "q2_train: losses_are_epoch_means"]),
    "always trains one epoch (ignores epochs)": (
        [("    for _ in range(epochs):", "    for _ in range(1):")],
        ["q2_train: returns_epoch_losses", "q2_train: matches_sgd"]),
    "trains a copy, not the model it was given": (
        [("    criterion = nn.CrossEntropyLoss()\n",
          "    import copy\n    model = copy.deepcopy(model)\n    criterion = nn.CrossEntropyLoss()\n")],
        ["q2_train: returns_epoch_losses", "q2_train: matches_sgd"]),
    "never learns (no optimizer step)": (
        [("            optimizer.step()\n", "")],
        ["q2_train: loss_falls", "q4_accuracy: accuracy_floor", "q4_accuracy: accuracy_threshold"]),
}

ALTERNATIVES = {
    "tensors for numbers: a tuple of 0-d tensor losses, a 0-d tensor accuracy": [
        ("            total += loss.item() * len(labels)\n",
         "            total += loss.detach() * len(labels)\n"),
        ("    return losses\n", "    return tuple(losses)\n"),
        ("            correct += (predicted == labels).sum().item()\n",
         "            correct += (predicted == labels).sum()\n")],
    "the notes' style: Sequential, view, model.zero_grad, per-batch mean": [
        ("        self.linear = nn.Linear(28 * 28, 10)",
         "        self.dense_linear = nn.Sequential(nn.Linear(28 * 28, 10))"),
        ("        return self.linear(x.reshape(x.shape[0], 28 * 28))",
         "        x = x.view(-1, 28 * 28)\n        return self.dense_linear(x)"),
        ("            optimizer.zero_grad()\n", "            model.zero_grad()\n"),
        ("            total += loss.item() * len(labels)\n            count += len(labels)",
         "            total += loss.item()\n            count += 1"),
        ("            predicted = model(images).argmax(dim=1)",
         "            _, predicted = torch.max(model(images).data, 1)")],
    "functional: F.cross_entropy, manual SGD step, inference_mode, flatten": [
        ("        return self.linear(x.reshape(x.shape[0], 28 * 28))",
         "        return self.linear(torch.flatten(x, start_dim=1))"),
        ("            optimizer.zero_grad()\n            loss = criterion(model(images), labels)\n"
         "            loss.backward()\n            optimizer.step()",
         "            loss = nn.functional.cross_entropy(model(images), labels)\n"
         "            grads = torch.autograd.grad(loss, list(model.parameters()))\n"
         "            with torch.no_grad():\n"
         "                for p, g in zip(model.parameters(), grads):\n"
         "                    p -= lr * g"),
        ("    with torch.no_grad():", "    with torch.inference_mode():")],
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
