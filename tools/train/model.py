"""Llama-2 architecture in JAX with exactly the llama2.c conventions, so the export runs unchanged in C.

Weights keep llama2.c's shapes (out_features, in_features) so export is a flat dump. RoPE rotates the
interleaved pairs (2j, 2j+1) of each head with frequency 10000^(-2j/head_size); RMSNorm eps is 1e-5;
attention uses grouped KV heads (head h reads KV head h // (n_heads / n_kv_heads)); the FFN is SwiGLU
w2(silu(w1 x) * w3 x); the classifier shares the token embedding.
"""

import math
import struct

import jax
import jax.numpy as jnp
import numpy as np


def init_params(cfg, key):
    """Random weights: N(0, 0.02), output projections (wo, w2) scaled by 1/sqrt(2 n_layers)."""
    d, h, L = cfg["dim"], cfg["hidden_dim"], cfg["n_layers"]
    hs = d // cfg["n_heads"]
    kv = cfg["n_kv_heads"] * hs
    std, out_std = 0.02, 0.02 / math.sqrt(2 * L)
    shapes = {
        "tok": ((cfg["vocab_size"], d), std),
        "wq": ((L, d, d), std),
        "wk": ((L, kv, d), std),
        "wv": ((L, kv, d), std),
        "wo": ((L, d, d), out_std),
        "w1": ((L, h, d), std),
        "w2": ((L, d, h), out_std),
        "w3": ((L, h, d), std),
    }
    keys = jax.random.split(key, len(shapes))
    p = {n: s * jax.random.normal(k, shape, jnp.float32) for k, (n, (shape, s)) in zip(keys, shapes.items())}
    p["rms_att"] = jnp.ones((L, d), jnp.float32)
    p["rms_ffn"] = jnp.ones((L, d), jnp.float32)
    p["rms_final"] = jnp.ones((d,), jnp.float32)
    return p


def rope_tables(seq_len, head_size):
    """cos/sin of shape (seq_len, head_size/2), llama2.c's frequencies."""
    j = np.arange(0, head_size, 2, dtype=np.float64)
    freq = 1.0 / (10000.0 ** (j / head_size))
    ang = np.outer(np.arange(seq_len, dtype=np.float64), freq)
    return np.cos(ang).astype(np.float32), np.sin(ang).astype(np.float32)


def rmsnorm(x, w):
    return x * jax.lax.rsqrt(jnp.mean(x * x, axis=-1, keepdims=True) + 1e-5) * w


def rope(x, cos, sin):
    """x: (B, T, H, hs); rotate interleaved pairs."""
    x0, x1 = x[..., 0::2], x[..., 1::2]
    c, s = cos[None, :, None, :], sin[None, :, None, :]
    y0 = x0 * c - x1 * s
    y1 = x0 * s + x1 * c
    return jnp.stack([y0, y1], axis=-1).reshape(x.shape)


def forward(p, cfg, tokens):
    """Logits (B, T, vocab) for tokens (B, T)."""
    B, T = tokens.shape
    d, H, KVH = cfg["dim"], cfg["n_heads"], cfg["n_kv_heads"]
    hs = d // H
    cos, sin = rope_tables(T, hs)
    x = p["tok"][tokens]
    mask = jnp.tril(jnp.ones((T, T), bool))
    for l in range(cfg["n_layers"]):
        h = rmsnorm(x, p["rms_att"][l])
        q = (h @ p["wq"][l].T).reshape(B, T, H, hs)
        k = (h @ p["wk"][l].T).reshape(B, T, KVH, hs)
        v = (h @ p["wv"][l].T).reshape(B, T, KVH, hs)
        q, k = rope(q, cos, sin), rope(k, cos, sin)
        rep = H // KVH
        k = jnp.repeat(k, rep, axis=2)
        v = jnp.repeat(v, rep, axis=2)
        att = jnp.einsum("bthd,bshd->bhts", q, k) / math.sqrt(hs)
        att = jnp.where(mask[None, None], att, -1e30)
        att = jax.nn.softmax(att, axis=-1)
        o = jnp.einsum("bhts,bshd->bthd", att, v).reshape(B, T, d)
        x = x + o @ p["wo"][l].T
        h = rmsnorm(x, p["rms_ffn"][l])
        f = jax.nn.silu(h @ p["w1"][l].T) * (h @ p["w3"][l].T)
        x = x + f @ p["w2"][l].T
    x = rmsnorm(x, p["rms_final"])
    return x @ p["tok"].T


def loss_fn(p, cfg, batch):
    """Mean next-token cross-entropy; batch (B, T+1)."""
    logits = forward(p, cfg, batch[:, :-1])
    logp = jax.nn.log_softmax(logits, axis=-1)
    nll = -jnp.take_along_axis(logp, batch[:, 1:, None], axis=-1)
    return jnp.mean(nll)


def export(path, p, cfg):
    """Write a llama2.c version-0 checkpoint (shared classifier, legacy RoPE tables included)."""
    hs = cfg["dim"] // cfg["n_heads"]
    header = struct.pack(
        "<7i", cfg["dim"], cfg["hidden_dim"], cfg["n_layers"], cfg["n_heads"],
        cfg["n_kv_heads"], cfg["vocab_size"], cfg["seq_len"],
    )
    cos, sin = rope_tables(cfg["seq_len"], hs)
    order = ["tok", "rms_att", "wq", "wk", "wv", "wo", "rms_ffn", "w1", "w2", "w3", "rms_final"]
    with open(path, "wb") as f:
        f.write(header)
        for name in order:
            f.write(np.asarray(p[name], dtype="<f4").tobytes())
        f.write(cos.astype("<f4").tobytes())
        f.write(sin.astype("<f4").tobytes())
