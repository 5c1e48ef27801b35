"""PyTorch reference for bench/fast.js and bench/architectures.js: tokens/s of a training step on the CPU.

Cells (bench/fast.js): one-hot inputs (vocabulary 27) -> recurrent layer (H units, time-major) -> linear ->
softmax cross-entropy, Adam. Architectures (bench/architectures.js, sizes passed as JSON so both sides read one
definition): a 2-layer LSTM language model with an embedding, a bidirectional GRU tagger on padded batches
(packed sequences, loss on real tokens), and a GRU encoder-decoder with Bahdanau (additive) attention whose decoder
runs one step at a time. Prints one JSON line per configuration with the median step ("ms") and "per_s" (tokens/s).

Warm-up as bench/common.js: at least 10 steps and 2 s (at most 400 steps) before the timed steps.

Usage: OMP_NUM_THREADS=1 /usr/bin/python3 bench/torch_ref.py [steps [cell H B T]]
       OMP_NUM_THREADS=1 /usr/bin/python3 bench/torch_ref.py steps arch '<json>'
"""
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

VOCAB = 27
SIZES = [(128, 64, 40), (64, 32, 20)]  # (H, B, T)
CELLS = {"rnn": torch.nn.RNN, "gru": torch.nn.GRU, "lstm": torch.nn.LSTM}
WARMUP_MIN_STEPS, WARMUP_MIN_S, WARMUP_MAX_STEPS = 10, 2.0, 400


def time_steps(step, steps):
    """Median seconds of `steps` calls of step() after the warm-up."""
    t0 = time.perf_counter()
    warm = 0
    while warm < WARMUP_MIN_STEPS or (warm < WARMUP_MAX_STEPS and time.perf_counter() - t0 < WARMUP_MIN_S):
        step()
        warm += 1
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    return statistics.median(times), warm


def train_step(params, loss_fn):
    opt = torch.optim.Adam(params, lr=1e-3)

    def step():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        opt.step()

    return step


def bench(cell, H, B, T, steps):
    torch.manual_seed(0)
    rnn = CELLS[cell](VOCAB, H)  # time-major: inputs [T, B, VOCAB]
    out = torch.nn.Linear(H, VOCAB)
    ids = torch.randint(0, VOCAB, (T + 1, B))
    x = F.one_hot(ids[:-1], VOCAB).float()
    y = ids[1:].reshape(-1)

    def loss():
        hs, _ = rnn(x)
        return F.cross_entropy(out(hs.reshape(T * B, H)), y)

    s, warm = time_steps(train_step(list(rnn.parameters()) + list(out.parameters()), loss), steps)
    return {"cell": cell, "H": H, "B": B, "T": T, "ms": s * 1000, "warmup": warm, "per_s": B * T / s}


def lm(c):
    """Embedding -> L-layer LSTM -> linear over the vocabulary; next-token loss on every position."""
    V, E, H, L, B, T = c["V"], c["E"], c["H"], c["layers"], c["B"], c["T"]
    emb, rnn, out = torch.nn.Embedding(V, E), torch.nn.LSTM(E, H, num_layers=L), torch.nn.Linear(H, V)
    ids = torch.randint(0, V, (T + 1, B))

    def loss():
        hs, _ = rnn(emb(ids[:-1]))
        return F.cross_entropy(out(hs.reshape(T * B, H)), ids[1:].reshape(-1))

    params = [*emb.parameters(), *rnn.parameters(), *out.parameters()]
    return params, loss, B * T


def tagger(c):
    """Embedding -> bidirectional GRU over packed (padded) rows -> linear per token; loss on real tokens."""
    V, E, H, K, B, T = c["V"], c["E"], c["H"], c["tags"], c["B"], c["T"]
    emb, rnn, out = torch.nn.Embedding(V, E), torch.nn.GRU(E, H, bidirectional=True), torch.nn.Linear(2 * H, K)
    lens = torch.tensor(c["lens"])
    ids = torch.randint(1, V, (T, B))
    tags = torch.randint(0, K, (T, B))
    mask = torch.arange(T)[:, None] < lens[None, :]  # [T, B]

    def loss():
        packed = torch.nn.utils.rnn.pack_padded_sequence(emb(ids), lens, enforce_sorted=False)
        hs, _ = torch.nn.utils.rnn.pad_packed_sequence(rnn(packed)[0], total_length=T)
        return F.cross_entropy(out(hs[mask]), tags[mask])

    params = [*emb.parameters(), *rnn.parameters(), *out.parameters()]
    return params, loss, int(lens.sum())


def attention(c):
    """GRU encoder; decoder s_t = GRUCell([e(y_{t-1}), c_t], s_{t-1}) with c_t additive attention of s_{t-1}."""
    Vs, Vt, E, H, B, S, T = c["srcV"], c["tgtV"], c["E"], c["H"], c["B"], c["srcT"], c["tgtT"]
    src_emb, enc = torch.nn.Embedding(Vs, E), torch.nn.GRU(E, H)
    tgt_emb, cell, out = torch.nn.Embedding(Vt, E), torch.nn.GRUCell(E + H, H), torch.nn.Linear(H, Vt)
    W_q, W_k, w_v = torch.nn.Linear(H, H, bias=False), torch.nn.Linear(H, H, bias=False), torch.nn.Linear(H, 1, bias=False)
    src = torch.randint(1, Vs, (S, B))
    tgt = torch.randint(3, Vt, (T, B))
    dec_in = torch.cat([torch.ones(1, B, dtype=torch.long), tgt[:-1]])  # <bos> then the target, teacher forcing

    def loss():
        keys_v, s = enc(src_emb(src))  # [S, B, H], [1, B, H]
        keys = W_k(keys_v)  # prepared once per sequence
        s = s[0]
        e = tgt_emb(dec_in)
        logits = []
        for t in range(T):
            scores = w_v(torch.tanh(keys + W_q(s)[None])).squeeze(-1)  # [S, B]
            ctx = (torch.softmax(scores, 0)[..., None] * keys_v).sum(0)  # [B, H]
            s = cell(torch.cat([e[t], ctx], -1), s)
            logits.append(out(s))
        return F.cross_entropy(torch.stack(logits).reshape(T * B, Vt), tgt.reshape(-1))

    mods = [src_emb, enc, tgt_emb, cell, out, W_q, W_k, w_v]
    return [p for m in mods for p in m.parameters()], loss, B * T


ARCHS = {"lm": lm, "tagger": tagger, "attention": attention}


def bench_arch(c, steps):
    torch.manual_seed(0)
    params, loss, tokens = ARCHS[c["kind"]](c)
    s, warm = time_steps(train_step(params, loss), steps)
    return {"arch": c["name"], "ms": s * 1000, "warmup": warm, "per_s": tokens / s}


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    if len(sys.argv) > 3 and sys.argv[2] == "arch":
        print(json.dumps(bench_arch(json.loads(sys.argv[3]), steps)), flush=True)
        return
    if len(sys.argv) > 5:
        cell, H, B, T = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
        print(json.dumps(bench(cell, H, B, T, steps)), flush=True)
        return
    for H, B, T in SIZES:
        for cell in CELLS:
            print(json.dumps(bench(cell, H, B, T, steps)), flush=True)


if __name__ == "__main__":
    main()
