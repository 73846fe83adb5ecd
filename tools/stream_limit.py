"""The read-bandwidth limit of a Llama-2 checkpoint's tokens, shared by tools/bench-stories.py and
tools/bench-threads.py: the bytes of weights one token reads, and tools/stream-probe.c's measure of how
many times a second one or several threads can read that many bytes."""
import re
import struct
import subprocess


class ProbeError(Exception):
    """A checkpoint that cannot be read, or a probe run that gave no figure (the message names which)."""


def weight_bytes(model):
    """Bytes of weights one token reads: every layer's matrices and gains, the final gain, and the
    (shared) classifier, which is the whole embedding table."""
    try:
        with open(model, "rb") as f:
            head = f.read(28)
    except OSError as e:
        raise ProbeError(f"{model}: cannot read the checkpoint: {e.strerror}") from e
    if len(head) != 28:
        raise ProbeError(f"{model}: truncated checkpoint: no 28-byte header")
    dim, hid, layers, heads, kv_heads, vocab, _seq = struct.unpack("<7i", head)
    if min(dim, hid, layers, heads, kv_heads) <= 0 or dim % heads:
        raise ProbeError(f"{model}: bad checkpoint header: dim {dim} hidden {hid} layers {layers} heads {heads}/{kv_heads}")
    kv_dim = dim // heads * kv_heads
    per_layer = 2 * dim * dim + 2 * kv_dim * dim + 3 * hid * dim + 2 * dim
    return 4 * (layers * per_layer + dim + abs(vocab) * dim)


def probe(path, nbytes, threads=1, passes=20):
    """(tok/s limit, the probe's line): `threads` threads reading `nbytes` bytes, median of `passes`."""
    cmd = [path, str(nbytes), str(passes), str(threads)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    m = re.search(r"limit ([0-9.]+) tok/s", p.stdout)
    if p.returncode != 0 or not m:
        raise ProbeError(f"probe: `{' '.join(cmd)}` exited with status {p.returncode} and no limit: "
                         f"{(p.stderr or p.stdout).strip()}")
    return float(m.group(1)), p.stdout.strip()
