"""Q4: trained with your train(), the model classifies the MNIST test set well.

The probe trains your model with your train() on the training images; the
judge evaluates the trained weights on the whole test set in the grading
process. Full marks at the threshold, partial credit from the floor up.
Offline without MNIST, an embedded digits set stands in, with its own
thresholds, and the output says so.
"""
import torch
from autograder import datasets
from autograder.checks import expect_rung, expect_shape
from autograder.testing import config, probe, test_case
OK_FORMAT = False
name = 'q4_accuracy'
points = None
CFG = config()

@probe
def trained(LogisticRegression, train):
    images, labels, source = datasets.mnist_tensors(True, limit=CFG['train_images'])
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, labels), batch_size=CFG['batch_size'], shuffle=True, generator=torch.Generator().manual_seed(0))
    model = LogisticRegression()
    train(model, loader, epochs=CFG['epochs'], lr=CFG['lr'])
    parameters = {'weight' if p.dim() == 2 else 'bias': p for p in model.parameters()}
    return {'parameters': parameters, 'source': source}

def accuracy(env):
    """(accuracy on the test set, data source) for the trained weights."""
    seen = trained(env)
    weight = expect_shape(seen['parameters'].get('weight'), (10, 784), 'The trained weight')
    bias = expect_shape(seen['parameters'].get('bias'), (10,), 'The trained bias')
    images, labels, source = datasets.mnist_tensors(False)
    assert seen['source'] == source, f"Grader set-up problem: training used {seen['source']} but the test set is {source}; tell your instructor."
    predicted = (images.reshape(len(images), 784) @ weight.T.float() + bias.float()).argmax(1)
    return ((predicted == labels).float().mean().item(), source)

def expect_accuracy(env, step, steps=2):
    seen, source = accuracy(env)
    kind = 'mnist' if datasets.is_real(source) else 'digits'
    expect_rung(seen, CFG[f'floor_{kind}'], CFG[f'threshold_{kind}'], step, steps, message=f'Test accuracy {seen:.4f} on {source} is below {{needed:.3f}}. Check train() (learning rate, zero_grad) and forward().', figure=f"test accuracy on {('MNIST' if kind == 'mnist' else 'digits')}")
    return f'Test accuracy {seen:.4f} on {source}.'

@test_case(points=2, hidden=False)
def test_accuracy_threshold(env):
    """Accuracy reaches the full-marks threshold (0.90 on MNIST)."""
    return expect_accuracy(env, 2)
