"""Byte-pair-encoding vocabulary in the llama2.c `tokenizer.bin` conventions.

Vocabulary layout: 0 `<unk>`, 1 `<s>` (BOS), 2 `</s>` (EOS), 3..258 the byte-fallback tokens `<0x00>`..`<0xFF>`,
then the single characters seen often in the corpus, then the merged pieces in merge order. A space is a literal
' ' (llama2.c stores sentencepiece's U+2581 as a space). Merged pieces never contain a newline and have a space
only in first position, so merges never cross a word boundary and encoding a text chunk by chunk equals
llama2.c's whole-prompt encoding (which `encode` reproduces: dummy-prefix ' ', char lookup with byte fallback,
then repeatedly merge the adjacent pair whose concatenation has the highest score).
"""

import collections
import re
import struct

SPECIALS = ["<unk>", "<s>", "</s>"]
BYTE_BASE = len(SPECIALS)  # token id of <0x00>
CHUNK_RE = re.compile(r"\n| ?[^ \n]+| ")


def chunks(text):
    """Split text into word chunks (' word', 'word', ' ', '\\n'); merges stay inside a chunk."""
    return CHUNK_RE.findall(text)


def train(texts, vocab_size, min_char_count=16, log=print):
    """Learn pieces from texts (each gets the dummy-prefix space). Returns (pieces, scores)."""
    word_counts = collections.Counter()
    for t in texts:
        word_counts.update(chunks(" " + t))
    char_counts = collections.Counter()
    for w, n in word_counts.items():
        for c in w:
            char_counts[c] += n
    chars = [c for c, n in sorted(char_counts.items(), key=lambda kv: (-kv[1], kv[0])) if n >= min_char_count]
    pieces = SPECIALS + ["<0x%02X>" % b for b in range(256)] + chars
    scores = [0.0] * len(pieces)
    n_merges = vocab_size - len(pieces)
    if n_merges < 0:
        raise SystemExit(f"bpe: vocab_size {vocab_size} is smaller than the {len(pieces)} base pieces")
    known = set(chars)
    # Words as symbol lists; a character outside the base set is None (byte fallback, never merged).
    words = [[c if c in known else None for c in w] for w in word_counts]
    freqs = list(word_counts.values())
    pair_counts = collections.Counter()
    where = collections.defaultdict(set)
    for i, syms in enumerate(words):
        for a, b in zip(syms, syms[1:]):
            if a is not None and b is not None:
                pair_counts[(a, b)] += freqs[i]
                where[(a, b)].add(i)
    existing = set(pieces)
    merges_done = 0
    while merges_done < n_merges and pair_counts:
        best = max(pair_counts.items(), key=lambda kv: (kv[1], kv[0]))[0]
        new = best[0] + best[1]
        for i in list(where.pop(best, ())):
            syms = words[i]
            f = freqs[i]
            for a, b in zip(syms, syms[1:]):
                if a is not None and b is not None:
                    pair_counts[(a, b)] -= f
                    if pair_counts[(a, b)] <= 0:
                        del pair_counts[(a, b)]
                    where[(a, b)].discard(i)
            out, j = [], 0
            while j < len(syms):
                if j + 1 < len(syms) and syms[j] == best[0] and syms[j + 1] == best[1]:
                    out.append(new)
                    j += 2
                else:
                    out.append(syms[j])
                    j += 1
            words[i] = out
            for a, b in zip(out, out[1:]):
                if a is not None and b is not None:
                    pair_counts[(a, b)] += f
                    where[(a, b)].add(i)
        pair_counts.pop(best, None)
        if new not in existing:
            existing.add(new)
            pieces.append(new)
            scores.append(-float(merges_done))
            merges_done += 1
    log(f"bpe: {len(chars)} base characters, {merges_done} merges, vocab {len(pieces)}")
    return pieces, scores


def write(path, pieces, scores):
    """Write tokenizer.bin: int32 max_token_length, then per token float32 score, int32 length, bytes."""
    blobs = [p.encode("utf-8") for p in pieces]
    with open(path, "wb") as f:
        f.write(struct.pack("<i", max(len(b) for b in blobs)))
        for b, s in zip(blobs, scores):
            f.write(struct.pack("<fi", s, len(b)))
            f.write(b)


class Encoder:
    """llama2.c-compatible encoder for a vocabulary built by `train` (chunk-wise, cached)."""

    def __init__(self, pieces, scores):
        self.pieces = list(pieces)
        self.ids = {p: i for i, p in enumerate(pieces)}
        self.scores = scores
        self.cache = {}

    def encode_chunk(self, chunk):
        """Ids of one chunk: characters (or their UTF-8 bytes), then best-score merges, leftmost first."""
        got = self.cache.get(chunk)
        if got is not None:
            return got
        toks = []
        for c in chunk:
            i = self.ids.get(c)
            if i is None:
                toks.extend(BYTE_BASE + b for b in c.encode("utf-8"))
            else:
                toks.append(i)
        strs = [self.pieces[t] for t in toks]
        while True:
            best, best_k = None, -1
            for k in range(len(toks) - 1):
                j = self.ids.get(strs[k] + strs[k + 1])
                if j is not None and (best is None or self.scores[j] > self.scores[best]):
                    best, best_k = j, k
            if best is None:
                break
            toks[best_k : best_k + 2] = [best]
            strs[best_k : best_k + 2] = [self.pieces[best]]
        self.cache[chunk] = toks
        return toks

    def encode(self, text, bos=True):
        """Token ids of text as llama2.c encodes a prompt (BOS, dummy-prefix space)."""
        out = [1] if bos else []
        if text:
            for ch in chunks(" " + text):
                out.extend(self.encode_chunk(ch))
        return out
