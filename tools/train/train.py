"""Train the tinyllama model and export it in the llama2.c formats.

    python train.py [--steps N] [--out-dir DIR] [--work-dir DIR] ...

Builds the corpus (corpus.py), learns a BPE vocabulary on it (bpe.py), trains a Llama-2-architecture model
(model.py) with AdamW on random windows, then writes DIR/model.bin, DIR/tokenizer.bin and DIR/train-log.txt.
Deterministic given --seed (up to XLA's floating-point reduction order).
"""

import argparse
import json
import math
import os
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bpe  # noqa: E402
import corpus  # noqa: E402
import model  # noqa: E402


def parse_args():
    a = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    a.add_argument("--dim", type=int, default=128)
    a.add_argument("--hidden-dim", type=int, default=384)
    a.add_argument("--n-layers", type=int, default=5)
    a.add_argument("--n-heads", type=int, default=4)
    a.add_argument("--n-kv-heads", type=int, default=2)
    a.add_argument("--vocab-size", type=int, default=1024)
    a.add_argument("--seq-len", type=int, default=256)
    a.add_argument("--batch", type=int, default=16)
    a.add_argument("--steps", type=int, default=1000)
    a.add_argument("--lr", type=float, default=3e-3)
    a.add_argument("--min-lr", type=float, default=3e-4)
    a.add_argument("--warmup", type=int, default=60)
    a.add_argument("--weight-decay", type=float, default=0.1)
    a.add_argument("--eval-every", type=int, default=100)
    a.add_argument("--eval-windows", type=int, default=64)
    a.add_argument("--seed", type=int, default=1337)
    a.add_argument("--out-dir", default="app-tinyllama/model")
    a.add_argument("--work-dir", default="build/train")
    a.add_argument("--prompt", default="In the beginning")
    return a.parse_args()


def lr_at(step, args):
    """Linear warm-up then cosine decay to min-lr."""
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    t = (step - args.warmup) / max(1, args.steps - args.warmup)
    return args.min_lr + 0.5 * (args.lr - args.min_lr) * (1 + math.cos(math.pi * t))


def make_step(cfg, wd):
    """Jitted AdamW step (no decay on RMSNorm gains) with global-norm clipping at 1.0."""
    b1, b2, eps = 0.9, 0.95, 1e-8

    def step(p, m, v, t, lr, batch):
        loss, g = jax.value_and_grad(model.loss_fn)(p, cfg, batch)
        norm = jnp.sqrt(sum(jnp.sum(x * x) for x in jax.tree_util.tree_leaves(g)))
        scale = jnp.minimum(1.0, 1.0 / (norm + 1e-6))
        g = jax.tree_util.tree_map(lambda x: x * scale, g)
        m = jax.tree_util.tree_map(lambda a, b: b1 * a + (1 - b1) * b, m, g)
        v = jax.tree_util.tree_map(lambda a, b: b2 * a + (1 - b2) * b * b, v, g)
        c1, c2 = 1 - b1**t, 1 - b2**t

        def upd(name, w):
            u = (m[name] / c1) / (jnp.sqrt(v[name] / c2) + eps)
            decay = 0.0 if name.startswith("rms") else wd
            return w - lr * (u + decay * w)

        p = {n: upd(n, w) for n, w in p.items()}
        return p, m, v, loss, norm

    return jax.jit(step)


def windows(stream, n, T, rng):
    starts = rng.integers(0, len(stream) - T - 1, size=n)
    return np.stack([stream[s : s + T + 1] for s in starts]).astype(np.int32)


def fixed_windows(stream, n, T):
    """Up to n evenly spaced windows covering the stream (a fixed evaluation set)."""
    last = len(stream) - T - 1
    starts = np.linspace(0, last, num=n).astype(np.int64)
    return np.stack([stream[s : s + T + 1] for s in starts]).astype(np.int32)


def evaluate(loss_jit, p, data, bs):
    return float(np.mean([loss_jit(p, data[i : i + bs]) for i in range(0, len(data), bs)]))


def greedy(p, cfg, enc, prompt, n):
    """Greedy continuation with the JAX model (no KV cache; for the log only)."""
    ids = enc.encode(prompt)
    fwd = jax.jit(lambda p, t: model.forward(p, cfg, t))
    for _ in range(n):
        toks = np.zeros((1, cfg["seq_len"]), np.int32)
        toks[0, : len(ids)] = ids
        nxt = int(np.argmax(np.asarray(fwd(p, toks))[0, len(ids) - 1]))
        if nxt == 1 or len(ids) >= cfg["seq_len"]:
            break
        ids.append(nxt)
    text = "".join(enc.pieces[i] for i in ids[1:])
    return text[1:] if text.startswith(" ") else text


def main():
    args = parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    os.makedirs(args.work_dir, exist_ok=True)
    log_lines = []

    def log(msg):
        print(msg, flush=True)
        log_lines.append(msg)

    t0 = time.time()
    docs = corpus.load()
    val_docs = [t for i, (_, t) in enumerate(docs) if i % 20 == 7]
    train_docs = [t for i, (_, t) in enumerate(docs) if i % 20 != 7]
    log(f"corpus: {len(docs)} documents, {sum(len(t) for _, t in docs)} chars "
        f"({len(train_docs)} train / {len(val_docs)} validation documents)")
    pieces, scores = bpe.train(train_docs, args.vocab_size, log=log)
    enc = bpe.Encoder(pieces, scores)
    train_stream = np.array([i for t in train_docs for i in enc.encode(t)], np.int32)
    val_stream = np.array([i for t in val_docs for i in enc.encode(t)], np.int32)
    log(f"tokens: {len(train_stream)} train, {len(val_stream)} validation; prep {time.time() - t0:.1f}s")

    cfg = {
        "dim": args.dim, "hidden_dim": args.hidden_dim, "n_layers": args.n_layers, "n_heads": args.n_heads,
        "n_kv_heads": args.n_kv_heads, "vocab_size": len(pieces), "seq_len": args.seq_len,
    }
    log("config: " + json.dumps(cfg) + " " + json.dumps({k: getattr(args, k) for k in (
        "batch", "steps", "lr", "min_lr", "warmup", "weight_decay", "seed")}))
    p = model.init_params(cfg, jax.random.PRNGKey(args.seed))
    n_params = sum(int(np.prod(x.shape)) for x in p.values())
    log(f"parameters: {n_params}")
    m = jax.tree_util.tree_map(jnp.zeros_like, p)
    v = jax.tree_util.tree_map(jnp.zeros_like, p)
    step = make_step(cfg, args.weight_decay)
    loss_jit = jax.jit(lambda p, b: model.loss_fn(p, cfg, b))
    rng = np.random.default_rng(args.seed)
    T, bs = args.seq_len, args.batch
    val_set = fixed_windows(val_stream, args.eval_windows, T)
    train_set = fixed_windows(train_stream, args.eval_windows, T)

    t_train = time.time()
    for s in range(args.steps):
        batch = windows(train_stream, bs, T, rng)
        p, m, v, loss, norm = step(p, m, v, s + 1, lr_at(s, args), batch)
        if s % 20 == 0 or s == args.steps - 1:
            log(f"step {s:5d} loss {float(loss):.4f} grad-norm {float(norm):.3f} lr {lr_at(s, args):.2e} "
                f"{time.time() - t_train:7.1f}s")
        if (s + 1) % args.eval_every == 0 and s + 1 < args.steps:
            log(f"eval step {s + 1}: validation loss {evaluate(loss_jit, p, val_set, bs):.4f}")
    train_secs = time.time() - t_train
    final_train = evaluate(loss_jit, p, train_set, bs)
    final_val = evaluate(loss_jit, p, val_set, bs)
    log(f"final: train loss {final_train:.4f}, validation loss {final_val:.4f} "
        f"({args.eval_windows} fixed windows of {T} tokens each); training {train_secs:.0f}s, "
        f"total {time.time() - t0:.0f}s")

    model_path = os.path.join(args.out_dir, "model.bin")
    tok_path = os.path.join(args.out_dir, "tokenizer.bin")
    np.savez(os.path.join(args.work_dir, "params.npz"), **{k: np.asarray(x) for k, x in p.items()})
    model.export(model_path, p, cfg)
    bpe.write(tok_path, pieces, scores)
    log(f"wrote {model_path} ({os.path.getsize(model_path)} bytes), {tok_path} ({os.path.getsize(tok_path)} bytes)")
    log(f"greedy sample (JAX, prompt {args.prompt!r}): {greedy(p, cfg, enc, args.prompt, 60)!r}")
    with open(os.path.join(args.out_dir, "train-log.txt"), "w") as f:
        f.write("\n".join(log_lines) + "\n")
    with open(os.path.join(args.work_dir, "summary.json"), "w") as f:
        json.dump({"config": cfg, "params": n_params, "train_loss": final_train, "val_loss": final_val,
                   "train_seconds": train_secs, "args": vars(args)}, f, indent=1)


if __name__ == "__main__":
    main()
