"""Corpus for the tinyllama model: English text from Debian packages.

- `fortunes`, `fortunes-min`: /usr/share/games/fortunes/*.u8, one document per fortune ('%' separated).
- `bible-kjv` + `bible-kjv-text`: the King James Bible, dumped with `bible -l0`, one document per chapter.

Text is normalised so a tiny model spends its capacity on words: overstrike sequences removed, whitespace
inside a line collapsed to one space, lines stripped, ASCII-art-like documents dropped.
"""

import glob
import os
import re
import subprocess

FORTUNE_DIR = "/usr/share/games/fortunes"
# Not prose: pictures, or a collection of untranslated foreign text.
FORTUNE_SKIP = {"ascii-art.u8", "translate-me.u8"}
BIBLE_RANGE = "Gen1:1-Rev22:21"


def normalise(text):
    """Remove overstrike, collapse spaces, strip lines, drop empty leading/trailing lines."""
    text = re.sub(r".\x08", "", text)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


def is_prose(text):
    """True when the document is mostly letters and spaces (drops ASCII art and tables)."""
    if not text:
        return False
    good = sum(1 for c in text if c.isalpha() or c in " \n.,;:'\"!?-")
    return good / len(text) >= 0.85


def fortunes():
    """List of (source, text) for every prose fortune."""
    docs = []
    for path in sorted(glob.glob(os.path.join(FORTUNE_DIR, "*.u8"))):
        name = os.path.basename(path)
        if name in FORTUNE_SKIP:
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            raw = f.read()
        for chunk in re.split(r"\n%\n", "\n" + raw):
            text = normalise(chunk.strip("%"))
            if is_prose(text):
                docs.append(("fortunes/" + name, text))
    return docs


def bible():
    """List of (source, text), one per chapter, verse numbers removed, one verse per line."""
    try:
        out = subprocess.run(["bible", "-l0", BIBLE_RANGE], check=True, capture_output=True, text=True).stdout
    except FileNotFoundError:
        raise SystemExit("corpus: 'bible' not found: install the Debian packages bible-kjv and bible-kjv-text")
    docs = []
    verses = []
    title = None
    for line in out.split("\n"):
        m = re.match(r"^\s+(\d+) (.*)$", line)
        if m:
            verses.append(" ".join(m.group(2).split()))
        elif line.strip():
            if verses:
                docs.append(("bible/" + title, "\n".join(verses)))
            title, verses = line.strip(), []
    if verses:
        docs.append(("bible/" + title, "\n".join(verses)))
    return docs


def load():
    """All documents, fortunes first then the Bible, in a deterministic order."""
    return fortunes() + bible()


if __name__ == "__main__":
    docs = load()
    print(len(docs), "documents,", sum(len(t) for _, t in docs), "characters")
    for src, t in docs[:3] + docs[-2:]:
        print("---", src)
        print(t[:300])
