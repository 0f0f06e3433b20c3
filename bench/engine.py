"""Microseconds per update: the numpy engine next to a plain PyTorch CPU loop of the same math.

Both sides run the same data, model, loss, optimizer (plain SGD), per-epoch shuffling and a
per-update read of the mini-batch loss (the app streams every one), measured in this one run.
The engine runs with the machine's BLAS threads and with one thread, to decide the app setting.

    make bench            # or: .venv/bin/python bench/engine.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from app.engine import TrainConfig, Trainer, Updates  # noqa: E402
from support import train_config  # noqa: E402
from targets import record  # noqa: E402

try:
    import torch
except ImportError:  # the bench extra is missing
    torch = None


@dataclass
class Case:
    name: str
    config: TrainConfig


CASES = [
    Case("linear regression, batch 1", train_config(batch_size=1, epochs=5)),
    Case("linear regression, batch 100", train_config(batch_size=100, epochs=300)),
    Case("linear regression, full batch", train_config(batch_size="full", epochs=1000)),
    Case("softmax on digits, batch 1", train_config(dataset="digits", batch_size=1, epochs=2)),
    Case("softmax on digits, batch 32", train_config(dataset="digits", batch_size=32, epochs=40)),
    Case("MLP 16x16 relu on digits, batch 32",
         train_config(dataset="digits", model="mlp", hidden="16x16", batch_size=32, epochs=40)),
]


def engine_us_per_update(config: TrainConfig, compiled: bool = False) -> float:
    trainer = Trainer(config, compiled=compiled)
    n = 0
    start = time.perf_counter()
    for step in trainer.steps():
        if type(step) is Updates:
            n += len(step.losses)
    return (time.perf_counter() - start) / n * 1e6


def torch_us_per_update(config: TrainConfig) -> float:
    """The same training written the ordinary PyTorch way: autograd, torch.optim.SGD, .item()."""
    trainer = Trainer(config)  # only for identical data and initial weights
    X = torch.from_numpy(trainer.data.X_train.copy())  # the engine's data is read-only
    y = torch.from_numpy(trainer.data.y_train.copy())
    layers = [trainer.model.named_views[k] for k in trainer.model.named_views]
    params = [torch.tensor(v.copy(), requires_grad=True) for v in layers]
    regression = trainer.data.task == "regression"
    hidden = len(params) > 2

    def forward(xb):
        out = xb
        for i in range(0, len(params), 2):
            out = out @ params[i] + params[i + 1]
            if hidden and i < len(params) - 2:
                out = torch.relu(out)
        return out

    loss_fn = torch.nn.functional.mse_loss if regression else torch.nn.functional.cross_entropy
    opt = torch.optim.SGD(params, lr=config.learning_rate)
    plan = trainer.plan
    gen = torch.Generator().manual_seed(config.seed)
    n = 0
    start = time.perf_counter()
    for _ in range(plan.epochs):
        order = torch.randperm(plan.n_train, generator=gen)
        Xs, ys = X[order], y[order]
        for s in range(0, plan.n_train, plan.batch_size):
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(forward(Xs[s:s + plan.batch_size]), ys[s:s + plan.batch_size])
            loss.backward()
            opt.step()
            loss.item()
            n += 1
    return (time.perf_counter() - start) / n * 1e6


def best_of(fn, config, repeat):
    return min(fn(config) for _ in range(repeat))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per case; the best counts")
    args = parser.parse_args()
    if torch is None:
        print("torch is missing: run `make bench` (installs the bench extra)")
        return 2
    torch.set_num_threads(1)
    print(f"numpy {np.__version__}, torch {torch.__version__}, best of {args.repeat} runs\n")
    head = f"{'case':38} {'engine':>9} {'1 thread':>9} {'compiled':>9} {'torch':>9} {'torch/engine':>13}"
    print(head + "\n" + "-" * len(head))
    ok = True
    slower_with_one_thread = 0
    for case in CASES:
        engine = best_of(engine_us_per_update, case.config, args.repeat)
        with threadpool_limits(limits=1):
            one = best_of(engine_us_per_update, case.config, args.repeat)
        ref = best_of(torch_us_per_update, case.config, args.repeat)
        fast = best_of(lambda c: engine_us_per_update(c, compiled=True), case.config, args.repeat)
        best = min(engine, one)
        slower_with_one_thread += one > engine * 1.05
        ratio = ref / best
        print(f"{case.name:38} {engine:8.1f}u {one:8.1f}u {fast:8.1f}u {ref:8.1f}u {ratio:12.1f}x")
        # targets are judged on the path the app trains with (compiled where numba is)
        ok &= record("engine", f"{case.name}: compiled not slower than PyTorch", f"{ref / fast:.1f}x faster", ref >= fast)
        if case.name.endswith("batch 1") and case.config.dataset == "linear":
            ok &= record("engine", "linear batch 1: <= 15 us per update (compiled)", f"{fast:.1f} us", fast <= 15)
            ok &= record("engine", "linear batch 1: >= 10x PyTorch (compiled)", f"{ref / fast:.1f}x", ref / fast >= 10)
    print("\nus per update (u); targets: linear batch 1 <= 15 us and >= 10x PyTorch; no case slower.")
    verdict = "one BLAS thread is as fast or faster" if not slower_with_one_thread else \
        f"one BLAS thread was slower in {slower_with_one_thread} case(s)"
    print(f"BLAS threads: {verdict}.")
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
