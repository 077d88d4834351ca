"""Known-wrong variants of hw2_logistic's solution (logistic.py), each losing the points of
the cases it names, and other correct answers, each earning full marks. Each
replaces definitions of logistic.py by name (autograder/variants.py). Never shipped."""
FILE = "logistic.py"

MUTANTS = {
    'forgets zero_grad': {
        "replace": {
            'train': """\
def train(model, loader, epochs=1, lr=0.1):
    \"\"\"Train with SGD (step size lr) on the cross-entropy loss.

    Returns a list with the mean loss of each epoch.\"\"\"
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(epochs):
        total, count = 0.0, 0
        for images, labels in loader:
            loss = criterion(model(images), labels)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(labels)
            count += len(labels)
        losses.append(total / count)
    return losses
""",
        },
        "loses": ['q2_train: matches_sgd'],
    },
    'evaluates in train mode': {
        "replace": {
            'evaluate': """\
def evaluate(model, loader):
    \"\"\"Fraction of correctly classified samples in loader, in [0, 1].

    Uses eval mode and no gradient tracking.\"\"\"
    correct, total = 0, 0
    with torch.no_grad():
        for images, labels in loader:
            predicted = model(images).argmax(dim=1)
            correct += (predicted == labels).sum().item()
            total += len(labels)
    return correct / total
""",
        },
        "loses": ['q3_evaluate: eval_mode'],
    },
    'evaluates with gradients on': {
        "replace": {
            'evaluate': """\
def evaluate(model, loader):
    \"\"\"Fraction of correctly classified samples in loader, in [0, 1].

    Uses eval mode and no gradient tracking.\"\"\"
    model.eval()
    correct, total = 0, 0
    for images, labels in loader:
        predicted = model(images).argmax(dim=1)
        correct += (predicted == labels).sum().item()
        total += len(labels)
    return correct / total
""",
        },
        "loses": ['q3_evaluate: no_grad'],
    },
    'flattens column by column': {
        "replace": {
            'LogisticRegression.forward': """\
def forward(self, x):
    \"\"\"x: (N, 1, 28, 28) images or (N, 784) vectors -> (N, 10) logits.\"\"\"
    x = x.reshape(x.shape[0], 28, 28).transpose(1, 2)
    return self.linear(x.reshape(x.shape[0], 28 * 28))
""",
        },
        "loses": ['q1_model: logits_are_linear'],
    },
    'returns probabilities instead of logits': {
        "replace": {
            'LogisticRegression.forward': """\
def forward(self, x):
    \"\"\"x: (N, 1, 28, 28) images or (N, 784) vectors -> (N, 10) logits.\"\"\"
    return self.linear(x.reshape(x.shape[0], 28 * 28)).softmax(dim=1)
""",
        },
        "loses": ['q1_model: logits_are_linear'],
    },
    'adds a hidden layer': {
        "replace": {
            'LogisticRegression.__init__': """\
def __init__(self):
    super().__init__()
    self.linear = nn.Sequential(nn.Linear(28 * 28, 32), nn.ReLU(), nn.Linear(32, 10))
""",
        },
        "loses": ['q1_model: parameter_count'],
    },
    'ignores the lr argument': {
        "replace": {
            'train': """\
def train(model, loader, epochs=1, lr=0.1):
    \"\"\"Train with SGD (step size lr) on the cross-entropy loss.

    Returns a list with the mean loss of each epoch.\"\"\"
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    model.train()
    losses = []
    for _ in range(epochs):
        total, count = 0.0, 0
        for images, labels in loader:
            optimizer.zero_grad()
            loss = criterion(model(images), labels)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(labels)
            count += len(labels)
        losses.append(total / count)
    return losses
""",
        },
        "loses": ['q2_train: matches_sgd'],
    },
    'accuracy assumes full batches': {
        "replace": {
            'evaluate': """\
def evaluate(model, loader):
    \"\"\"Fraction of correctly classified samples in loader, in [0, 1].

    Uses eval mode and no gradient tracking.\"\"\"
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for images, labels in loader:
            predicted = model(images).argmax(dim=1)
            correct += (predicted == labels).sum().item()
            total += len(labels)
    return correct / (len(loader) * loader.batch_size)
""",
        },
        "loses": ['q3_evaluate: accuracy_value'],
    },
    'returns the summed loss': {
        "replace": {
            'train': """\
def train(model, loader, epochs=1, lr=0.1):
    \"\"\"Train with SGD (step size lr) on the cross-entropy loss.

    Returns a list with the mean loss of each epoch.\"\"\"
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(epochs):
        total, count = 0.0, 0
        for images, labels in loader:
            optimizer.zero_grad()
            loss = criterion(model(images), labels)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(labels)
            count += len(labels)
        losses.append(total)
    return losses
""",
        },
        "loses": ['q2_train: losses_are_epoch_means'],
    },
    'hard-codes lr to its default 0.1': {
        "replace": {
            'train': """\
def train(model, loader, epochs=1, lr=0.1):
    \"\"\"Train with SGD (step size lr) on the cross-entropy loss.

    Returns a list with the mean loss of each epoch.\"\"\"
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    model.train()
    losses = []
    for _ in range(epochs):
        total, count = 0.0, 0
        for images, labels in loader:
            optimizer.zero_grad()
            loss = criterion(model(images), labels)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(labels)
            count += len(labels)
        losses.append(total / count)
    return losses
""",
        },
        "loses": ['q2_train: matches_sgd', 'q2_train: losses_are_epoch_means'],
    },
    'always trains one epoch (ignores epochs)': {
        "replace": {
            'train': """\
def train(model, loader, epochs=1, lr=0.1):
    \"\"\"Train with SGD (step size lr) on the cross-entropy loss.

    Returns a list with the mean loss of each epoch.\"\"\"
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(1):
        total, count = 0.0, 0
        for images, labels in loader:
            optimizer.zero_grad()
            loss = criterion(model(images), labels)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(labels)
            count += len(labels)
        losses.append(total / count)
    return losses
""",
        },
        "loses": ['q2_train: returns_epoch_losses', 'q2_train: matches_sgd'],
    },
    'trains a copy, not the model it was given': {
        "replace": {
            'train': """\
def train(model, loader, epochs=1, lr=0.1):
    \"\"\"Train with SGD (step size lr) on the cross-entropy loss.

    Returns a list with the mean loss of each epoch.\"\"\"
    import copy
    model = copy.deepcopy(model)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(epochs):
        total, count = 0.0, 0
        for images, labels in loader:
            optimizer.zero_grad()
            loss = criterion(model(images), labels)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(labels)
            count += len(labels)
        losses.append(total / count)
    return losses
""",
        },
        "loses": ['q2_train: returns_epoch_losses', 'q2_train: matches_sgd'],
    },
    'never learns (no optimizer step)': {
        "replace": {
            'train': """\
def train(model, loader, epochs=1, lr=0.1):
    \"\"\"Train with SGD (step size lr) on the cross-entropy loss.

    Returns a list with the mean loss of each epoch.\"\"\"
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(epochs):
        total, count = 0.0, 0
        for images, labels in loader:
            optimizer.zero_grad()
            loss = criterion(model(images), labels)
            loss.backward()
            total += loss.item() * len(labels)
            count += len(labels)
        losses.append(total / count)
    return losses
""",
        },
        "loses": ['q2_train: loss_falls', 'q4_accuracy: accuracy_floor', 'q4_accuracy: accuracy_threshold'],
    },
}

ALTERNATIVES = {
    'tensors for numbers: a tuple of 0-d tensor losses, a 0-d tensor accuracy': {
        "replace": {
            'train': """\
def train(model, loader, epochs=1, lr=0.1):
    \"\"\"Train with SGD (step size lr) on the cross-entropy loss.

    Returns a list with the mean loss of each epoch.\"\"\"
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(epochs):
        total, count = 0.0, 0
        for images, labels in loader:
            optimizer.zero_grad()
            loss = criterion(model(images), labels)
            loss.backward()
            optimizer.step()
            total += loss.detach() * len(labels)
            count += len(labels)
        losses.append(total / count)
    return tuple(losses)
""",
            'evaluate': """\
def evaluate(model, loader):
    \"\"\"Fraction of correctly classified samples in loader, in [0, 1].

    Uses eval mode and no gradient tracking.\"\"\"
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for images, labels in loader:
            predicted = model(images).argmax(dim=1)
            correct += (predicted == labels).sum()
            total += len(labels)
    return correct / total
""",
        },
    },
    "the notes' style: Sequential, view, model.zero_grad, per-batch mean": {
        "replace": {
            'LogisticRegression.__init__': """\
def __init__(self):
    super().__init__()
    self.dense_linear = nn.Sequential(nn.Linear(28 * 28, 10))
""",
            'LogisticRegression.forward': """\
def forward(self, x):
    \"\"\"x: (N, 1, 28, 28) images or (N, 784) vectors -> (N, 10) logits.\"\"\"
    x = x.view(-1, 28 * 28)
    return self.dense_linear(x)
""",
            'train': """\
def train(model, loader, epochs=1, lr=0.1):
    \"\"\"Train with SGD (step size lr) on the cross-entropy loss.

    Returns a list with the mean loss of each epoch.\"\"\"
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(epochs):
        total, count = 0.0, 0
        for images, labels in loader:
            model.zero_grad()
            loss = criterion(model(images), labels)
            loss.backward()
            optimizer.step()
            total += loss.item()
            count += 1
        losses.append(total / count)
    return losses
""",
            'evaluate': """\
def evaluate(model, loader):
    \"\"\"Fraction of correctly classified samples in loader, in [0, 1].

    Uses eval mode and no gradient tracking.\"\"\"
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for images, labels in loader:
            _, predicted = torch.max(model(images).data, 1)
            correct += (predicted == labels).sum().item()
            total += len(labels)
    return correct / total
""",
        },
    },
    'functional: F.cross_entropy, manual SGD step, inference_mode, flatten': {
        "replace": {
            'LogisticRegression.forward': """\
def forward(self, x):
    \"\"\"x: (N, 1, 28, 28) images or (N, 784) vectors -> (N, 10) logits.\"\"\"
    return self.linear(torch.flatten(x, start_dim=1))
""",
            'train': """\
def train(model, loader, epochs=1, lr=0.1):
    \"\"\"Train with SGD (step size lr) on the cross-entropy loss.

    Returns a list with the mean loss of each epoch.\"\"\"
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(epochs):
        total, count = 0.0, 0
        for images, labels in loader:
            loss = nn.functional.cross_entropy(model(images), labels)
            grads = torch.autograd.grad(loss, list(model.parameters()))
            with torch.inference_mode():
                for p, g in zip(model.parameters(), grads):
                    p -= lr * g
            total += loss.item() * len(labels)
            count += len(labels)
        losses.append(total / count)
    return losses
""",
            'evaluate': """\
def evaluate(model, loader):
    \"\"\"Fraction of correctly classified samples in loader, in [0, 1].

    Uses eval mode and no gradient tracking.\"\"\"
    model.eval()
    correct, total = 0, 0
    with torch.inference_mode():
        for images, labels in loader:
            predicted = model(images).argmax(dim=1)
            correct += (predicted == labels).sum().item()
            total += len(labels)
    return correct / total
""",
        },
    },
}
