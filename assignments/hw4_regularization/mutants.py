"""Known-wrong variants of hw4_regularization's solution (nets.py), each losing the points of
the cases it names, and other correct answers, each earning full marks. Each
replaces definitions of nets.py by name (autograder/variants.py). Never shipped."""
FILE = "nets.py"

MUTANTS = {
    'conv_output_size forgets the dilation': {
        "replace": {
            'conv_output_size': """\
def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    \"\"\"The side length of the output of nn.Conv2d (or nn.MaxPool2d with the same
    arguments) applied to an n x n image, as an int.\"\"\"
    return (n + 2 * padding - (kernel_size - 1) - 1) // stride + 1
""",
        },
        "loses": ['q1_conv_output_size: stride_padding_dilation', 'q1_conv_output_size: many_combinations'],
    },
    'conv_output_size pads one side only': {
        "replace": {
            'conv_output_size': """\
def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    \"\"\"The side length of the output of nn.Conv2d (or nn.MaxPool2d with the same
    arguments) applied to an n x n image, as an int.\"\"\"
    return (n + padding - dilation * (kernel_size - 1) - 1) // stride + 1
""",
        },
        "loses": ['q1_conv_output_size: stride_padding_dilation', 'q1_conv_output_size: many_combinations'],
    },
    'conv_output_size returns a float (/ instead of //)': {
        "replace": {
            'conv_output_size': """\
def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    \"\"\"The side length of the output of nn.Conv2d (or nn.MaxPool2d with the same
    arguments) applied to an n x n image, as an int.\"\"\"
    return (n + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1
""",
        },
        "loses": ['q1_conv_output_size: notes_examples'],
    },
    'Net forgets the ReLU after fc2': {
        "replace": {
            'Net.forward': """\
def forward(self, x):
    x = self.pool(F.relu(self.conv1(x)))
    x = self.pool(F.relu(self.conv2(x)))
    x = x.view(-1, 16 * 5 * 5)
    x = F.relu(self.fc1(x))
    x = self.fc2(x)
    x = self.fc3(x)
    return x
""",
        },
        "loses": ['q2_net: forward_matches_notes'],
    },
    'Net has 100 units in its second linear layer': {
        "replace": {
            'Net.__init__': """\
def __init__(self):
    super().__init__()
    self.conv1 = nn.Conv2d(3, 6, 5)
    self.pool = nn.MaxPool2d(2, 2)
    self.conv2 = nn.Conv2d(6, 16, 5)
    self.fc1 = nn.Linear(16 * 5 * 5, 120)
    self.fc2 = nn.Linear(120, 100)
    self.fc3 = nn.Linear(100, 10)
""",
        },
        "loses": ['q2_net: parameter_count', 'q2_net: layer_shapes'],
    },
    'DropoutNet drops after the ReLU of fc2 instead of fc1': {
        "replace": {
            'DropoutNet.forward': """\
def forward(self, x):
    x = self.pool(F.relu(self.conv1(x)))
    x = self.pool(F.relu(self.conv2(x)))
    x = x.view(-1, 16 * 5 * 5)
    x = F.relu(self.fc1(x))
    x = self.dropout(F.relu(self.fc2(x)))
    x = self.fc3(x)
    return x
""",
        },
        "loses": ['q3_dropout_net: dropout_after_fc1_relu'],
    },
    'DropoutNet with p = 0.5': {
        "replace": {
            'DropoutNet.__init__': """\
def __init__(self):
    super().__init__()
    self.conv1 = nn.Conv2d(3, 6, 5)
    self.pool = nn.MaxPool2d(2, 2)
    self.conv2 = nn.Conv2d(6, 16, 5)
    self.fc1 = nn.Linear(16 * 5 * 5, 120)
    self.fc2 = nn.Linear(120, 84)
    self.fc3 = nn.Linear(84, 10)
    self.dropout = nn.Dropout(p=0.5)
""",
        },
        "loses": ['q3_dropout_net: dropout_after_fc1_relu'],
    },
    'DropoutNet uses F.dropout without training=self.training': {
        "replace": {
            'DropoutNet.forward': """\
def forward(self, x):
    x = self.pool(F.relu(self.conv1(x)))
    x = self.pool(F.relu(self.conv2(x)))
    x = x.view(-1, 16 * 5 * 5)
    x = F.dropout(F.relu(self.fc1(x)), 0.3)
    x = F.relu(self.fc2(x))
    x = self.fc3(x)
    return x
""",
        },
        "loses": ['q3_dropout_net: no_dropout_in_eval'],
    },
    'DropoutNet defines dropout but never applies it': {
        "replace": {
            'DropoutNet.forward': """\
def forward(self, x):
    x = self.pool(F.relu(self.conv1(x)))
    x = self.pool(F.relu(self.conv2(x)))
    x = x.view(-1, 16 * 5 * 5)
    x = F.relu(self.fc1(x))
    x = F.relu(self.fc2(x))
    x = self.fc3(x)
    return x
""",
        },
        "loses": ['q3_dropout_net: dropout_active_in_train', 'q3_dropout_net: dropout_after_fc1_relu'],
    },
    'BNNet normalises fc2 before its ReLU': {
        "replace": {
            'BNNet.forward': """\
def forward(self, x):
    x = self.bn_image(self.pool(F.relu(self.conv1(x))))
    x = self.pool(F.relu(self.conv2(x)))
    x = x.view(-1, 16 * 5 * 5)
    x = self.dropout(F.relu(self.fc1(x)))
    x = F.relu(self.bn(self.fc2(x)))
    x = self.fc3(x)
    return x
""",
        },
        "loses": ['q4_bn_net: batch_norm_placement', 'q4_bn_net: eval_matches_notes'],
    },
    'BNNet normalises conv1 before the ReLU and pool': {
        "replace": {
            'BNNet.forward': """\
def forward(self, x):
    x = self.pool(F.relu(self.bn_image(self.conv1(x))))
    x = self.pool(F.relu(self.conv2(x)))
    x = x.view(-1, 16 * 5 * 5)
    x = self.dropout(F.relu(self.fc1(x)))
    x = self.bn(F.relu(self.fc2(x)))
    x = self.fc3(x)
    return x
""",
        },
        "loses": ['q4_bn_net: batch_norm_placement', 'q4_bn_net: eval_matches_notes'],
    },
    'BNNet keeps no running statistics': {
        "replace": {
            'BNNet.__init__': """\
def __init__(self):
    super().__init__()
    self.conv1 = nn.Conv2d(3, 6, 5)
    self.pool = nn.MaxPool2d(2, 2)
    self.conv2 = nn.Conv2d(6, 16, 5)
    self.fc1 = nn.Linear(16 * 5 * 5, 120)
    self.fc2 = nn.Linear(120, 84)
    self.fc3 = nn.Linear(84, 10)
    self.dropout = nn.Dropout(p=0.3)
    self.bn_image = nn.BatchNorm2d(6, track_running_stats=False)
    self.bn = nn.BatchNorm1d(84, track_running_stats=False)
""",
        },
        "loses": ['q4_bn_net: running_statistics', 'q4_bn_net: output_shape'],
    },
    'BNNet forgets BatchNorm1d': {
        "replace": {
            'BNNet.__init__': """\
def __init__(self):
    super().__init__()
    self.conv1 = nn.Conv2d(3, 6, 5)
    self.pool = nn.MaxPool2d(2, 2)
    self.conv2 = nn.Conv2d(6, 16, 5)
    self.fc1 = nn.Linear(16 * 5 * 5, 120)
    self.fc2 = nn.Linear(120, 84)
    self.fc3 = nn.Linear(84, 10)
    self.dropout = nn.Dropout(p=0.3)
    self.bn_image = nn.BatchNorm2d(6)
""",
            'BNNet.forward': """\
def forward(self, x):
    x = self.bn_image(self.pool(F.relu(self.conv1(x))))
    x = self.pool(F.relu(self.conv2(x)))
    x = x.view(-1, 16 * 5 * 5)
    x = self.dropout(F.relu(self.fc1(x)))
    x = F.relu(self.fc2(x))
    x = self.fc3(x)
    return x
""",
        },
        "loses": ['q4_bn_net: parameter_count', 'q4_bn_net: running_statistics', 'q4_bn_net: batch_norm_placement'],
    },
    'MaxConvNet with a ReLU after every convolution': {
        "replace": {
            'MaxConvNet.__init__': """\
def __init__(self):
    super().__init__()
    self.conv_step = nn.Sequential(
        nn.Conv2d(1, 4, 2), nn.ReLU(),
        nn.MaxPool2d(kernel_size=(2, 2), stride=(1, 1)),
        nn.Conv2d(4, 8, 4), nn.ReLU(),
        nn.MaxPool2d(kernel_size=(4, 4), stride=(1, 1)),
        nn.Conv2d(8, 15, 4),
        nn.MaxPool2d(kernel_size=(4, 4)))
    self.dense_linear = nn.Linear(4 * 4 * 15, 10)
""",
        },
        "loses": ['q5_maxconv_net: no_relu'],
    },
    'MaxConvNet calls F.relu in forward': {
        "replace": {
            'MaxConvNet.forward': """\
def forward(self, x):
    x = self.conv_step(x)
    x = F.relu(x).view(-1, 4 * 4 * 15)
    x = self.dense_linear(x)
    return x
""",
        },
        "loses": ['q5_maxconv_net: no_relu'],
    },
    'MaxConvNet with average pooling (a linear network)': {
        "replace": {
            'MaxConvNet.__init__': """\
def __init__(self):
    super().__init__()
    self.conv_step = nn.Sequential(
        nn.Conv2d(1, 4, 2),
        nn.AvgPool2d(kernel_size=(2, 2), stride=(1, 1)),
        nn.Conv2d(4, 8, 4),
        nn.AvgPool2d(kernel_size=(4, 4), stride=(1, 1)),
        nn.Conv2d(8, 15, 4),
        nn.AvgPool2d(kernel_size=(4, 4)))
    self.dense_linear = nn.Linear(4 * 4 * 15, 10)
""",
        },
        "loses": ['q5_maxconv_net: convolutions_and_max_pooling'],
    },
    'MaxConvNet flattens across the batch': {
        "replace": {
            'MaxConvNet.forward': """\
def forward(self, x):
    x = self.conv_step(x)
    x = x.view(4 * 4 * 15, -1).t()
    x = self.dense_linear(x)
    return x
""",
        },
        "loses": ['q5_maxconv_net: learns', 'q5_maxconv_net: learns_well'],
    },
    'MyDropout forgets to rescale': {
        "replace": {
            'MyDropout.forward': """\
def forward(self, x):
    if not self.training or self.p == 0:
        return x
    keep = torch.rand_like(x) >= self.p
    return x * keep
""",
        },
        "loses": ['q6_my_dropout: survivors_scaled', 'q6_my_dropout: expectation_preserved', 'q6_my_dropout: gradient_through_kept_units'],
    },
    'MyDropout keeps with probability p': {
        "replace": {
            'MyDropout.forward': """\
def forward(self, x):
    if not self.training or self.p == 0:
        return x
    keep = torch.rand_like(x) < self.p
    return x * keep / (1 - self.p)
""",
        },
        "loses": ['q6_my_dropout: zero_fraction'],
    },
    'MyDropout is also active in eval mode': {
        "replace": {
            'MyDropout.forward': """\
def forward(self, x):
    if self.p == 0:
        return x
    keep = torch.rand_like(x) >= self.p
    return x * keep / (1 - self.p)
""",
        },
        "loses": ['q6_my_dropout: identity_in_eval'],
    },
    'MyDropout modifies its input in place': {
        "replace": {
            'MyDropout.forward': """\
def forward(self, x):
    if not self.training or self.p == 0:
        return x
    keep = torch.rand_like(x) >= self.p
    return x.mul_(keep).div_(1 - self.p)
""",
        },
        "loses": ['q6_my_dropout: input_unchanged'],
    },
    'MyDropout shares one mask across the batch': {
        "replace": {
            'MyDropout.forward': """\
def forward(self, x):
    if not self.training or self.p == 0:
        return x
    keep = torch.rand_like(x[0]) >= self.p
    return x * keep / (1 - self.p)
""",
        },
        "loses": ['q6_my_dropout: expectation_preserved'],
    },
    'MyDropout calls F.dropout': {
        "replace": {
            'MyDropout.forward': """\
def forward(self, x):
    if not self.training or self.p == 0:
        return x
    return F.dropout(x, self.p, training=True)
""",
        },
        "loses": ['q6_my_dropout: written_by_hand'],
    },
    'train_epoch forgets model.train()': {
        "replace": {
            'train_epoch': """\
def train_epoch(model, loader, optimizer, criterion):
    \"\"\"One pass over `loader`: put the model in training mode, and for each batch
    zero the gradients, compute the loss, backpropagate and step. Return the
    mean of the batch losses as a Python float.\"\"\"
    total, batches = 0.0, 0
    for inputs, labels in loader:
        optimizer.zero_grad()
        loss = criterion(model(inputs), labels)
        loss.backward()
        optimizer.step()
        total += loss.item()
        batches += 1
    return total / batches
""",
        },
        "loses": ['q7_train_evaluate: train_mode'],
    },
    'train_epoch forgets optimizer.zero_grad()': {
        "replace": {
            'train_epoch': """\
def train_epoch(model, loader, optimizer, criterion):
    \"\"\"One pass over `loader`: put the model in training mode, and for each batch
    zero the gradients, compute the loss, backpropagate and step. Return the
    mean of the batch losses as a Python float.\"\"\"
    model.train()
    total, batches = 0.0, 0
    for inputs, labels in loader:
        loss = criterion(model(inputs), labels)
        loss.backward()
        optimizer.step()
        total += loss.item()
        batches += 1
    return total / batches
""",
        },
        "loses": ['q7_train_evaluate: sgd_updates'],
    },
    'train_epoch returns the sum of the batch losses': {
        "replace": {
            'train_epoch': """\
def train_epoch(model, loader, optimizer, criterion):
    \"\"\"One pass over `loader`: put the model in training mode, and for each batch
    zero the gradients, compute the loss, backpropagate and step. Return the
    mean of the batch losses as a Python float.\"\"\"
    model.train()
    total, batches = 0.0, 0
    for inputs, labels in loader:
        optimizer.zero_grad()
        loss = criterion(model(inputs), labels)
        loss.backward()
        optimizer.step()
        total += loss.item()
        batches += 1
    return total
""",
        },
        "loses": ['q7_train_evaluate: returns_mean_loss'],
    },
    'evaluate forgets model.eval()': {
        "replace": {
            'evaluate': """\
def evaluate(model, loader):
    \"\"\"Accuracy of `model` on `loader` (correct predictions / samples, in [0, 1]),
    in eval mode and without building a graph (torch.no_grad()).\"\"\"
    correct = total = 0
    with torch.no_grad():
        for inputs, labels in loader:
            predicted = model(inputs).argmax(dim=1)
            correct += (predicted == labels).sum().item()
            total += labels.numel()
    return correct / total
""",
        },
        "loses": ['q7_train_evaluate: eval_mode'],
    },
    'evaluate forgets torch.no_grad()': {
        "replace": {
            'evaluate': """\
def evaluate(model, loader):
    \"\"\"Accuracy of `model` on `loader` (correct predictions / samples, in [0, 1]),
    in eval mode and without building a graph (torch.no_grad()).\"\"\"
    model.eval()
    correct = total = 0
    if True:
        for inputs, labels in loader:
            predicted = model(inputs).argmax(dim=1)
            correct += (predicted == labels).sum().item()
            total += labels.numel()
    return correct / total
""",
        },
        "loses": ['q7_train_evaluate: no_grad'],
    },
    'evaluate averages the per-batch accuracies': {
        "replace": {
            'evaluate': """\
def evaluate(model, loader):
    \"\"\"Accuracy of `model` on `loader` (correct predictions / samples, in [0, 1]),
    in eval mode and without building a graph (torch.no_grad()).\"\"\"
    model.eval()
    accuracies = []
    with torch.no_grad():
        for inputs, labels in loader:
            predicted = model(inputs).argmax(dim=1)
            accuracies.append((predicted == labels).float().mean().item())
    return sum(accuracies) / len(accuracies)
""",
        },
        "loses": ['q7_train_evaluate: accuracy'],
    },
    'train_epoch ignores criterion (plain cross entropy)': {
        "replace": {
            'train_epoch': """\
def train_epoch(model, loader, optimizer, criterion):
    model.train()
    total, batches = 0.0, 0
    for inputs, labels in loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(inputs), labels)
        loss.backward()
        optimizer.step()
        total += loss.item()
        batches += 1
    return total / batches
""",
        },
        "loses": ['q7_train_evaluate: uses_given_optimizer_and_criterion'],
    },
    'train_epoch ignores optimizer (its own SGD with lr 0.5)': {
        "replace": {
            'train_epoch': """\
def train_epoch(model, loader, optimizer, criterion):
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    total, batches = 0.0, 0
    for inputs, labels in loader:
        optimizer.zero_grad()
        loss = criterion(model(inputs), labels)
        loss.backward()
        optimizer.step()
        total += loss.item()
        batches += 1
    return total / batches
""",
        },
        "loses": ['q7_train_evaluate: uses_given_optimizer_and_criterion'],
    },
}

ALTERNATIVES = {
    'Sequential blocks, F.dropout with self.training, bernoulli mask, inference_mode': {
        "replace": {
            'conv_output_size': """\
def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    \"\"\"The side length of the output of nn.Conv2d (or nn.MaxPool2d with the same
    arguments) applied to an n x n image, as an int.\"\"\"
    import math
    return int(math.floor((n + 2 * padding - dilation * (kernel_size - 1) - 1)
                          / stride)) + 1
""",
            'Net.__init__': """\
def __init__(self):
    super().__init__()
    self.features = nn.Sequential(nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
                                  nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2))
    self.classifier = nn.Sequential(nn.Linear(400, 120), nn.ReLU(),
                                    nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
""",
            'Net.forward': """\
def forward(self, x):
    return self.classifier(torch.flatten(self.features(x), 1))
""",
            'DropoutNet.forward': """\
def forward(self, x):
    x = self.pool(F.relu(self.conv1(x)))
    x = self.pool(F.relu(self.conv2(x)))
    x = x.view(-1, 16 * 5 * 5)
    x = F.dropout(F.relu(self.fc1(x)), 0.3, self.training)
    x = F.relu(self.fc2(x))
    x = self.fc3(x)
    return x
""",
            'MyDropout.forward': """\
def forward(self, x):
    if not self.training or self.p == 0:
        return x
    keep = torch.bernoulli(torch.full_like(x, 1 - self.p))
    return x * keep / (1 - self.p)
""",
            'evaluate': """\
def evaluate(model, loader):
    \"\"\"Accuracy of `model` on `loader` (correct predictions / samples, in [0, 1]),
    in eval mode and without building a graph (torch.no_grad()).\"\"\"
    model.eval()
    correct = total = 0
    with torch.inference_mode():
        for inputs, labels in loader:
            correct += int((model(inputs).argmax(1) == labels).sum())
            total += len(labels)
    return correct / total
""",
        },
    },
    'subclasses, pool before ReLU, named MaxConvNet layers, sample-weighted loss': {
        "replace": {
            'DropoutNet': """\
class DropoutNet(Net):
    \"\"\"Net with nn.Dropout(p=0.3) applied right after the ReLU of fc1 (notes 1.5).\"\"\"

    def __init__(self):
        super().__init__()
        self.drop = nn.Dropout(0.3)

    def forward(self, x):
        x = F.relu(self.pool(self.conv1(x)))
        x = F.relu(self.pool(self.conv2(x)))
        x = torch.flatten(x, start_dim=1)
        x = self.drop(F.relu(self.fc1(x)))
        return self.fc3(F.relu(self.fc2(x)))
""",
            'MaxConvNet.__init__': """\
def __init__(self):
    super().__init__()
    self.c1, self.c2, self.c3 = nn.Conv2d(1, 4, 2), nn.Conv2d(4, 8, 4), nn.Conv2d(8, 15, 4)
    self.out = nn.Linear(240, 10)
""",
            'MaxConvNet.forward': """\
def forward(self, x):
    x = F.max_pool2d(self.c1(x), 2, stride=1)
    x = F.max_pool2d(self.c2(x), 4, stride=1)
    x = F.max_pool2d(self.c3(x), 4)
    x = self.out(x.flatten(1))
    return x
""",
            'MyDropout.forward': """\
def forward(self, x):
    if not self.training or self.p == 0:
        return x
    mask = (torch.rand(x.shape) > self.p).to(x.dtype) / (1 - self.p)
    return mask * x
""",
            'train_epoch': """\
def train_epoch(model, loader, optimizer, criterion):
    \"\"\"One pass over `loader`: put the model in training mode, and for each batch
    zero the gradients, compute the loss, backpropagate and step. Return the
    mean of the batch losses as a Python float.\"\"\"
    model.train()
    total, count = 0.0, 0
    for inputs, labels in loader:
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(labels)
        count += len(labels)
    return total / count
""",
        },
    },
}
