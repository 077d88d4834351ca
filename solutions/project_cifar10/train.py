"""Train build_model() on CIFAR10 and write what you hand in: model.pt.

    python train.py                      # real CIFAR10, downloaded into ./data once
    python train.py --epochs 30 --device cuda
    python train.py --data generated --epochs 2   # offline smoke test (see below)

Writes into --out (default: this folder):
    model.pt               state_dict of the best epoch (highest test accuracy)
    training_curves.png    train/test loss and accuracy per epoch
    metrics.json           final numbers, the settings and the per-epoch history

Data: torchvision's CIFAR10 (50,000 training / 10,000 test images), downloaded
into --data the first time; this needs only torch and torchvision. With
`--data generated` it uses the course autograder's generated stand-in
(coloured shapes in CIFAR10's file format: no network needed, but NOT CIFAR10,
so a model trained on it is useless on the real test set); that needs the
`autograder` package, which is found when you run from the course repository.

Recipe: random crops (4 pixels of padding) and horizontal flips; SGD with
Nesterov momentum 0.9 and weight decay 5e-4; a one-cycle learning rate
schedule peaking at --lr; cross entropy. Change anything you like: the grader
only reads model.pt (and the classes in models.py).

Importing this file does nothing (the grader imports it): all work happens
under `if __name__ == "__main__"`.
"""
import argparse
import json
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from models import build_model

HERE = Path(__file__).resolve().parent


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--data", default=str(HERE / "data"),
                   help="folder for torchvision's CIFAR10 (downloaded there if missing), "
                        "or 'generated' for the autograder's offline stand-in")
    p.add_argument("--out", default=str(HERE), help="folder for model.pt, the plot and metrics")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=0.1, help="peak learning rate")
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:1, mps, ...")
    p.add_argument("--workers", type=int, default=None,
                   help="data loading processes (default: 4 on a GPU, 0 on the CPU)")
    p.add_argument("--limit", type=int, default=None,
                   help="train on the first N training images only (quick tries)")
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args(argv)


def pick_device(name: str) -> torch.device:
    if name != "auto":
        return torch.device(name)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def load_data(data: str, train_transform, test_transform):
    """(train set, test set, words saying which data this is)."""
    if data == "generated":
        try:
            from autograder import datasets
        except ImportError:  # running inside the repo's folders: find the package above
            found = [f for f in HERE.parents if (f / "autograder" / "datasets.py").is_file()]
            if not found:
                sys.exit("--data generated needs the course's `autograder` package: run this "
                         "inside the course repository (or put it on PYTHONPATH), or train "
                         "on real CIFAR10 with --data <folder>.")
            sys.path.insert(0, str(found[0]))
            from autograder import datasets
        train_set, source = datasets.cifar10(True, transform=train_transform)
        test_set, _ = datasets.cifar10(False, transform=test_transform)
        return train_set, test_set, source
    from torchvision.datasets import CIFAR10
    train_set = CIFAR10(data, train=True, transform=train_transform, download=True)
    test_set = CIFAR10(data, train=False, transform=test_transform, download=True)
    return train_set, test_set, f"CIFAR10 from {data}"


def run_epoch(model, loader, device, optimizer=None, scheduler=None, scaler=None,
              description=""):
    """One pass over `loader`: trains if an optimizer is given, else evaluates.
    Returns (mean loss, accuracy)."""
    from tqdm import tqdm
    training = optimizer is not None
    model.train(training)
    total_loss, correct, seen = 0.0, 0, 0
    bar = tqdm(loader, desc=description, leave=False, unit="batch", dynamic_ncols=True)
    with torch.set_grad_enabled(training):
        for images, labels in bar:
            images = images.to(device, non_blocking=True)
            labels = labels.to(device, non_blocking=True)
            with torch.autocast(device.type, dtype=torch.float16, enabled=scaler is not None):
                logits = model(images)
                loss = F.cross_entropy(logits, labels)
            if training:
                optimizer.zero_grad(set_to_none=True)
                if scaler is not None:
                    scaler.scale(loss).backward()
                    scaler.step(optimizer)
                    scaler.update()
                else:
                    loss.backward()
                    optimizer.step()
                scheduler.step()
            total_loss += loss.item() * len(labels)
            correct += (logits.argmax(1) == labels).sum().item()
            seen += len(labels)
            bar.set_postfix(loss=f"{total_loss / seen:.3f}", acc=f"{correct / seen:.3f}")
    return total_loss / seen, correct / seen


def plot_curves(history, path: Path, title: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    epochs = [h["epoch"] for h in history]
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    for split in ("train", "test"):
        ax_loss.plot(epochs, [h[f"{split}_loss"] for h in history], marker="o", label=split)
        ax_acc.plot(epochs, [h[f"{split}_accuracy"] for h in history], marker="o", label=split)
    ax_loss.set(xlabel="epoch", ylabel="cross-entropy loss", title="loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="accuracy", ylim=(0, 1))
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None) -> dict:
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    device = pick_device(args.device)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from torchvision import transforms
    train_transform = transforms.Compose([transforms.RandomCrop(32, padding=4),
                                          transforms.RandomHorizontalFlip(),
                                          transforms.ToTensor()])
    train_set, test_set, source = load_data(args.data, train_transform, transforms.ToTensor())
    if args.limit:
        train_set = torch.utils.data.Subset(train_set, range(min(args.limit, len(train_set))))
    workers = args.workers if args.workers is not None else (4 if device.type == "cuda" else 0)
    loader_options = dict(num_workers=workers, pin_memory=device.type == "cuda",
                          persistent_workers=workers > 0)
    train_loader = torch.utils.data.DataLoader(
        train_set, batch_size=args.batch_size, shuffle=True, drop_last=True,
        generator=torch.Generator().manual_seed(args.seed), **loader_options)
    test_loader = torch.utils.data.DataLoader(test_set, batch_size=500, **loader_options)

    model = build_model().to(device)
    parameters = sum(p.numel() for p in model.parameters())
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, nesterov=True,
                                weight_decay=args.weight_decay)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=args.lr, total_steps=args.epochs * len(train_loader), pct_start=0.25)
    scaler = torch.amp.GradScaler("cuda") if device.type == "cuda" else None
    print(f"{type(model).__name__}: {parameters:,} parameters | data: {source} "
          f"({len(train_set)} train / {len(test_set)} test) | device: {device}")

    history, best, started = [], None, time.time()
    for epoch in range(1, args.epochs + 1):
        train_loss, train_acc = run_epoch(model, train_loader, device, optimizer, scheduler,
                                          scaler, f"epoch {epoch}/{args.epochs} train")
        test_loss, test_acc = run_epoch(model, test_loader, device,
                                        description=f"epoch {epoch}/{args.epochs} test")
        history.append({"epoch": epoch, "train_loss": train_loss, "train_accuracy": train_acc,
                        "test_loss": test_loss, "test_accuracy": test_acc,
                        "seconds": time.time() - started})
        saved = best is None or test_acc > best["test_accuracy"]
        if saved:
            best = history[-1]
            state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
            torch.save(state, out / "model.pt")
        print(f"epoch {epoch:3d}/{args.epochs}  train loss {train_loss:.3f} acc {train_acc:.3f}"
              f"  test loss {test_loss:.3f} acc {test_acc:.3f}"
              f"  {time.time() - started:6.0f} s" + ("  -> model.pt" if saved else ""),
              flush=True)
        plot_curves(history, out / "training_curves.png",
                    f"{type(model).__name__} on {source}")

    metrics = {"model": type(model).__name__, "parameters": parameters, "data": source,
               "device": str(device), "epochs": args.epochs, "best_epoch": best["epoch"],
               "best_test_accuracy": best["test_accuracy"],
               "final_test_accuracy": history[-1]["test_accuracy"],
               "final_train_loss": history[-1]["train_loss"],
               "seconds": time.time() - started, "settings": vars(args), "history": history}
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    print(f"best test accuracy {best['test_accuracy']:.4f} (epoch {best['epoch']}); wrote "
          f"{out / 'model.pt'}, {out / 'training_curves.png'}, {out / 'metrics.json'}")
    return metrics


if __name__ == "__main__":
    main()
