"""Q3: evaluate returns the accuracy, in eval mode and without tracking gradients."""
import torch
from autograder.checks import expect_number
from autograder.testing import probe, test_case
OK_FORMAT = False
name = 'q3_evaluate'
points = None
N, BATCH = (100, 16)

def data():
    g = torch.Generator().manual_seed(5)
    return (torch.rand(N, 1, 28, 28, generator=g), torch.randint(0, 10, (N,), generator=g))

def known_parameters():
    g = torch.Generator().manual_seed(6)
    return (torch.randn(10, 784, generator=g) * 0.1, torch.randn(10, generator=g) * 0.1)

@probe
def evaluation(LogisticRegression, evaluate):
    model = LogisticRegression()
    weight, bias = known_parameters()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(weight if p.dim() == 2 else bias)
    calls = []
    model.register_forward_pre_hook(lambda module, args: calls.append((module.training, torch.is_grad_enabled())))
    model.train()
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(*data()), batch_size=BATCH)
    accuracy = evaluate(model, loader)
    return {'accuracy': accuracy, 'training': [c[0] for c in calls], 'grad_enabled': [c[1] for c in calls]}

@test_case(points=2, hidden=False)
def test_accuracy_value(env):
    """evaluate returns the fraction of correct predictions over every sample (last batch included)."""
    x, y = data()
    weight, bias = known_parameters()
    expected = ((x.reshape(N, 784) @ weight.T + bias).argmax(1) == y).double().mean().item()
    seen = expect_number(evaluation(env)['accuracy'], 'evaluate(model, loader)')
    assert abs(seen - expected) < 1e-06, f'evaluate(model, loader) returned {seen:.4f}, but the model classifies {expected:.4f} of the {N} samples correctly (accuracy is a fraction in [0, 1], counted over all samples, including a smaller last batch).'

@test_case(points=1, hidden=False)
def test_eval_mode(env):
    """evaluate puts the model in eval mode (model.eval()) before predicting."""
    modes = evaluation(env)['training']
    assert modes, 'evaluate never called the model.'
    assert not any(modes), 'The model was still in training mode during evaluate; call model.eval() first (dropout and batch norm behave differently).'
