"""Independent NumPy reference for app-tinyllama: checkpoint and tokenizer readers, a full-sequence forward
pass (no KV cache, float64), llama2.c-style BPE encoding, decoding, and the greedy / temperature / top-p
sampler with the same xorshift* generator. Written from the format description, not from the C code.
"""

import struct

import numpy as np

BOS = 1


# ---------------------------------------------------------------- checkpoint

FIELDS = ("dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len")


def load_checkpoint(path):
    """(cfg, weights) from a llama2.c version-0 checkpoint; weights are float64 arrays."""
    with open(path, "rb") as f:
        raw = f.read()
    cfg = dict(zip(FIELDS, struct.unpack("<7i", raw[:28])))
    shared = cfg["vocab_size"] > 0
    cfg["vocab_size"] = abs(cfg["vocab_size"])
    data = np.frombuffer(raw, dtype="<f4", offset=28).astype(np.float64)
    d, h, L, V = cfg["dim"], cfg["hidden_dim"], cfg["n_layers"], cfg["vocab_size"]
    hs = d // cfg["n_heads"]
    kv = hs * cfg["n_kv_heads"]
    shapes = [
        ("tok", (V, d)), ("rms_att", (L, d)), ("wq", (L, d, d)), ("wk", (L, kv, d)), ("wv", (L, kv, d)),
        ("wo", (L, d, d)), ("rms_ffn", (L, d)), ("w1", (L, h, d)), ("w2", (L, d, h)), ("w3", (L, h, d)),
        ("rms_final", (d,)), ("rope_legacy", (cfg["seq_len"] * hs,)),
    ]
    if not shared:
        shapes.append(("cls", (V, d)))
    w, off = {}, 0
    for name, shape in shapes:
        n = int(np.prod(shape))
        w[name] = data[off : off + n].reshape(shape)
        off += n
    if off != len(data):
        raise ValueError(f"{path}: {len(data)} floats, header implies {off}")
    if shared:
        w["cls"] = w["tok"]
    return cfg, w


def write_checkpoint(path, cfg, w, shared=True):
    """Write a version-0 checkpoint from float arrays (used to make random test models)."""
    hs = cfg["dim"] // cfg["n_heads"]
    vocab = cfg["vocab_size"] if shared else -cfg["vocab_size"]
    header = struct.pack("<7i", cfg["dim"], cfg["hidden_dim"], cfg["n_layers"], cfg["n_heads"],
                         cfg["n_kv_heads"], vocab, cfg["seq_len"])
    order = ["tok", "rms_att", "wq", "wk", "wv", "wo", "rms_ffn", "w1", "w2", "w3", "rms_final"]
    with open(path, "wb") as f:
        f.write(header)
        for name in order:
            f.write(np.asarray(w[name], dtype="<f4").tobytes())
        f.write(np.zeros(cfg["seq_len"] * hs, dtype="<f4").tobytes())
        if not shared:
            f.write(np.asarray(w["cls"], dtype="<f4").tobytes())


def random_weights(cfg, seed):
    """Gaussian weights with a scale that keeps activations O(1), RMSNorm gains around 1."""
    rng = np.random.default_rng(seed)
    d, h, L, V = cfg["dim"], cfg["hidden_dim"], cfg["n_layers"], cfg["vocab_size"]
    kv = d // cfg["n_heads"] * cfg["n_kv_heads"]

    def mat(*shape):
        return (rng.standard_normal(shape) / np.sqrt(shape[-1])).astype(np.float32)

    return {
        "tok": rng.standard_normal((V, d)).astype(np.float32), "rms_att": 1 + 0.1 * mat(L, d),
        "wq": mat(L, d, d), "wk": mat(L, kv, d), "wv": mat(L, kv, d), "wo": mat(L, d, d),
        "rms_ffn": 1 + 0.1 * mat(L, d), "w1": mat(L, h, d), "w2": mat(L, d, h), "w3": mat(L, h, d),
        "rms_final": 1 + 0.1 * mat(d), "cls": mat(V, d),
    }


# ---------------------------------------------------------------- forward

def _rmsnorm(x, g):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + 1e-5) * g


def _rotate(x, pos, hs):
    """RoPE on (T, heads, hs): pair (2j, 2j+1) turns by pos * 10000^(-2j/hs)."""
    theta = 10000.0 ** (-np.arange(0, hs, 2) / hs)
    ang = np.asarray(pos)[:, None] * theta[None, :]
    c, s = np.cos(ang)[:, None, :], np.sin(ang)[:, None, :]
    a, b = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = a * c - b * s
    out[..., 1::2] = a * s + b * c
    return out


def forward(cfg, w, tokens):
    """Logits (T, vocab) for every position of tokens, recomputing the whole causal sequence."""
    T = len(tokens)
    d, H, KVH = cfg["dim"], cfg["n_heads"], cfg["n_kv_heads"]
    hs = d // H
    x = w["tok"][np.asarray(tokens)]
    pos = np.arange(T)
    causal = np.tril(np.ones((T, T), dtype=bool))
    for l in range(cfg["n_layers"]):
        a = _rmsnorm(x, w["rms_att"][l])
        q = _rotate((a @ w["wq"][l].T).reshape(T, H, hs), pos, hs)
        k = _rotate((a @ w["wk"][l].T).reshape(T, KVH, hs), pos, hs)
        v = (a @ w["wv"][l].T).reshape(T, KVH, hs)
        group = np.arange(H) // (H // KVH)  # KV head of each query head
        out = np.empty((T, H, hs))
        for h in range(H):
            s = q[:, h, :] @ k[:, group[h], :].T / np.sqrt(hs)
            s = np.where(causal, s, -np.inf)
            p = np.exp(s - s.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            out[:, h, :] = p @ v[:, group[h], :]
        x = x + out.reshape(T, d) @ w["wo"][l].T
        f = _rmsnorm(x, w["rms_ffn"][l])
        g1, g3 = f @ w["w1"][l].T, f @ w["w3"][l].T
        x = x + (g1 / (1 + np.exp(-g1)) * g3) @ w["w2"][l].T
    return _rmsnorm(x, w["rms_final"]) @ w["cls"].T


# ---------------------------------------------------------------- tokenizer

class Tokenizer:
    def __init__(self, path):
        with open(path, "rb") as f:
            raw = f.read()
        (self.max_token_length,) = struct.unpack_from("<i", raw, 0)
        self.pieces, self.scores = [], []
        off = 4
        while off < len(raw):
            score, n = struct.unpack_from("<fi", raw, off)
            self.pieces.append(raw[off + 8 : off + 8 + n])
            self.scores.append(score)
            off += 8 + n
        self.ids = {}
        for i, p in enumerate(self.pieces):
            self.ids.setdefault(p, i)
        self.byte_ids = [self.ids.get(b"<0x%02X>" % b, 0) for b in range(256)]

    def encode(self, text):
        """BOS, the dummy-prefix ' ', one piece per UTF-8 character (else its bytes), then merges."""
        data = text.encode("utf-8")
        toks = [BOS]
        if data and b" " in self.ids:
            toks.append(self.ids[b" "])
        # split into characters: a lead byte plus up to three continuation bytes
        chars, i = [], 0
        while i < len(data):
            j = i + 1
            while j < len(data) and j - i < 4 and (data[j] & 0xC0) == 0x80:
                j += 1
            chars.append(data[i:j])
            i = j
        for c in chars:
            if c in self.ids:
                toks.append(self.ids[c])
            else:
                toks.extend(self.byte_ids[b] for b in c)
        while True:
            cands = [(self.scores[self.ids[m]], -k, self.ids[m]) for k in range(len(toks) - 1)
                     for m in [self.pieces[toks[k]] + self.pieces[toks[k + 1]]] if m in self.ids]
            if not cands:
                return toks
            _, negk, new = max(cands)
            toks[-negk : -negk + 2] = [new]

    def decode(self, prev, tok):
        p = self.pieces[tok]
        if len(p) == 6 and p.startswith(b"<0x") and p.endswith(b">"):
            try:
                return bytes([int(p[3:5], 16)])
            except ValueError:
                pass
        if prev == BOS and p.startswith(b" "):
            p = p[1:]
        return p


def visible(piece):
    """What the C program prints for a piece: lone control bytes other than \\n \\t \\r are dropped."""
    if len(piece) == 1 and ((piece[0] < 0x20 and piece not in (b"\n", b"\t", b"\r")) or piece[0] == 0x7F):
        return b""
    return piece


# ---------------------------------------------------------------- sampler

class Rng:
    """xorshift* with 64-bit state; floats from the top 24 of 32 output bits."""

    MASK = (1 << 64) - 1

    def __init__(self, seed):
        self.state = seed & self.MASK

    def u32(self):
        s = self.state
        s ^= s >> 12
        s ^= (s << 25) & self.MASK
        s ^= s >> 27
        self.state = s
        return ((s * 0x2545F4914F6CDD1D) & self.MASK) >> 32

    def f32(self):
        return np.float32((self.u32() >> 8) / 16777216.0)


def sample(logits, temperature, topp, rng):
    """Next token: argmax at T=0; otherwise softmax(logits/T), full or top-p (probabilities in float32)."""
    if temperature == 0:
        return int(np.argmax(logits))
    z = np.asarray(logits, np.float64) / np.float32(temperature)
    p = np.exp(z - z.max())
    p = (p / p.sum()).astype(np.float32)
    coin = rng.f32()
    if topp <= 0 or topp >= 1:
        c = np.cumsum(p, dtype=np.float32)
        hit = np.nonzero(coin < c)[0]
        return int(hit[0]) if len(hit) else len(p) - 1
    cutoff = np.float32((1 - np.float32(topp)) / (len(p) - 1))
    idx = [i for i in range(len(p)) if p[i] >= cutoff]
    idx.sort(key=lambda i: (-p[i], i))
    c = np.cumsum(p[idx], dtype=np.float32)
    over = np.nonzero(c > np.float32(topp))[0]
    last = int(over[0]) if len(over) else len(idx) - 1
    r = coin * c[last]
    hit = np.nonzero(r < c[: last + 1])[0]
    return idx[int(hit[0])] if len(hit) else idx[last]


def generate(cfg, w, tok, prompt, steps, temperature=0.0, topp=0.9, seed=1):
    """(tokens fed, tokens out, logits per position, printed bytes) as `tinyllama` runs: feed the prompt,
    then sampled tokens; stop after `steps` positions or when BOS comes out."""
    ids = tok.encode(prompt)
    steps = cfg["seq_len"] if steps == 0 or steps > cfg["seq_len"] else steps
    rng = Rng(seed)
    fed, outs, rows, text = [], [], [], b""
    token = ids[0]
    for pos in range(steps):
        fed.append(token)
        logits = forward(cfg, w, fed)[-1]
        rows.append(logits)
        nxt = ids[pos + 1] if pos < len(ids) - 1 else sample(logits, temperature, topp, rng)
        outs.append(nxt)
        if nxt == BOS:
            break
        text += visible(tok.decode(token, nxt))
        token = nxt
    return fed, outs, np.array(rows), text + b"\n"
