#!/usr/bin/env python3
"""Write a llama2.c version-0 checkpoint with seeded random weights (a benchmark workload, not a model).

The default shape is stories15M's (dim 288, hidden 768, 6 layers, 6 heads, vocab 32000, seq_len 256), so
the Llama-2 tokenizer (32000 pieces) reads with it. The same seed gives the same file, byte for byte.
Weights are N(0, 0.02^2), the RMSNorm gains 1.0; layout as tools/train/model.py's `export` (shared
classifier, legacy RoPE tables included).

usage: random-checkpoint.py OUT.bin [--seed S] [--dim D] [--hidden H] [--layers L] [--heads N] [--vocab V]
                            [--seq-len T]
"""
import argparse
import struct
import sys

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--dim", type=int, default=288)
    ap.add_argument("--hidden", type=int, default=768)
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--heads", type=int, default=6)
    ap.add_argument("--vocab", type=int, default=32000)
    ap.add_argument("--seq-len", type=int, default=256)
    a = ap.parse_args()
    if min(a.dim, a.hidden, a.layers, a.heads, a.vocab, a.seq_len) <= 0 or a.dim % a.heads or (a.dim // a.heads) % 2:
        sys.exit(f"random-checkpoint: {a.out}: bad shape: every size must be positive and dim {a.dim} "
                 f"n_heads {a.heads} times an even head size")
    rng = np.random.default_rng(a.seed)
    dim, hid, L, hs = a.dim, a.hidden, a.layers, a.dim // a.heads

    def normal(*shape):
        return (rng.standard_normal(shape, dtype=np.float32) * np.float32(0.02)).astype("<f4")

    ones = lambda *shape: np.ones(shape, dtype="<f4")
    # Order of llama2.c's legacy export: embedding, rms_att, wq, wk, wv, wo, rms_ffn, w1, w2, w3, rms_final.
    tensors = [normal(a.vocab, dim), ones(L, dim), normal(L, dim, dim), normal(L, dim, dim), normal(L, dim, dim),
               normal(L, dim, dim), ones(L, dim), normal(L, hid, dim), normal(L, dim, hid), normal(L, hid, dim),
               ones(dim)]
    freqs = 1.0 / (10000.0 ** (np.arange(0, hs, 2, dtype=np.float64) / hs))
    angles = np.outer(np.arange(a.seq_len, dtype=np.float64), freqs)
    with open(a.out, "wb") as f:
        f.write(struct.pack("<7i", dim, hid, L, a.heads, a.heads, a.vocab, a.seq_len))
        for t in tensors:
            f.write(t.tobytes())
        f.write(np.cos(angles).astype("<f4").tobytes())
        f.write(np.sin(angles).astype("<f4").tobytes())


if __name__ == "__main__":
    main()
