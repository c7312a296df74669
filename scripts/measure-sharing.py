#!/usr/bin/env python3
"""How much content distinct documents share, chunk for chunk (issue 22): what keys per
record, rather than per library or per person, give up in deduplication.

Chunks every distinct file of a folder (identical files are one document: an import finds
them by their content hash) with content-defined chunking at Dossier's sizes (16 KiB
minimum, 64 KiB average, 256 KiB maximum; the `fastcdc` package from PyPI, FastCDC as
published in 2016, close to the Rust crate's v2020), and compares the bytes stored when
chunks are shared across the whole library with those stored when they are shared only
within each document.

    pip install fastcdc==1.5.0
    python3 scripts/measure-sharing.py [FOLDER]     # default: tests/corpus
"""
import hashlib
import os
import sys

import fastcdc

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "tests", "corpus")
seen, total, shared, per_record, count = set(), 0, {}, 0, 0
for folder, _, names in os.walk(root):
    for name in sorted(names):
        path = os.path.join(folder, name)
        if os.path.islink(path) or not os.path.isfile(path):
            continue
        data = open(path, "rb").read()
        whole = hashlib.blake2b(data).digest()
        if not data or whole in seen:
            continue
        seen.add(whole)
        count += 1
        total += len(data)
        # The package's chunk lengths can overlap; the cut points are what count.
        cuts = [c.offset for c in fastcdc.fastcdc(data, 16 * 1024, 64 * 1024, 256 * 1024)] + [len(data)]
        own = set()
        for start, end in zip(cuts, cuts[1:]):
            key = hashlib.blake2b(data[start:end]).digest()
            if key not in own:
                own.add(key)
                per_record += end - start
            shared.setdefault(key, end - start)
library = sum(shared.values())
mib = 1024 * 1024
print(f"{count} distinct documents, {total / mib:.2f} MiB")
print(f"chunks shared across the library: {library / mib:.3f} MiB stored")
print(f"chunks shared within each record: {per_record / mib:.3f} MiB stored")
print(f"given up by keys per record: {(per_record - library) / 1024:.1f} KiB, "
      f"{100 * (per_record - library) / max(total, 1):.3f}% of the content")
