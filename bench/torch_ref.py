"""PyTorch reference for bench/fast.js: chars/s of a char-level RNN/GRU/LSTM training step on the CPU.

The same model as the tfjs runs: one-hot inputs (vocabulary 27) -> recurrent layer (H units, time-major)
-> linear -> softmax cross-entropy, Adam. Prints one JSON line per configuration:
{"cell": "lstm", "H": 128, "B": 64, "T": 40, "ms": <median step>, "chars_per_s": ...}

Usage: OMP_NUM_THREADS=1 /usr/bin/python3 bench/torch_ref.py [steps [cell H B T]]
"""
import json
import os
import statistics
import sys
import time

import torch

VOCAB = 27
SIZES = [(128, 64, 40), (64, 32, 20)]  # (H, B, T)
CELLS = {"rnn": torch.nn.RNN, "gru": torch.nn.GRU, "lstm": torch.nn.LSTM}


def bench(cell, H, B, T, steps, warmup=10):
    torch.manual_seed(0)
    rnn = CELLS[cell](VOCAB, H)  # time-major: inputs [T, B, VOCAB]
    out = torch.nn.Linear(H, VOCAB)
    params = list(rnn.parameters()) + list(out.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    ids = torch.randint(0, VOCAB, (T + 1, B))
    x = torch.nn.functional.one_hot(ids[:-1], VOCAB).float()
    y = ids[1:].reshape(-1)
    times = []
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        opt.zero_grad()
        hs, _ = rnn(x)
        loss = torch.nn.functional.cross_entropy(out(hs.reshape(T * B, H)), y)
        loss.backward()
        opt.step()
        dt = time.perf_counter() - t0
        if i >= warmup:
            times.append(dt)
    ms = statistics.median(times) * 1000
    return {"cell": cell, "H": H, "B": B, "T": T, "ms": ms, "chars_per_s": B * T / (ms / 1000)}


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    if len(sys.argv) > 5:
        cell, H, B, T = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
        print(json.dumps(bench(cell, H, B, T, steps)), flush=True)
        return
    for H, B, T in SIZES:
        for cell in CELLS:
            print(json.dumps(bench(cell, H, B, T, steps)), flush=True)


if __name__ == "__main__":
    main()
