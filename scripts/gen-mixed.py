#!/usr/bin/env python3
"""Write SIZE MiB of synthetic 'mixed office data' into DIR, deterministically:
text documents (compressible), scan-like random blobs (incompressible, as JPEG/PDF
streams are), and revised copies of earlier files (shared content, as new versions are).

usage: gen-mixed.py DIR SIZE_MIB [SEED]
"""
import os
import random
import sys

WORDS = ("student transcript grade registrar semester credit course certificate birth "
         "application form letter parent guardian enrolment record date school district "
         "mathematics history biology chemistry literature attendance report signature").split()


def text(rng, size):
    out = []
    n = 0
    while n < size:
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))) + f" {rng.randint(1000000, 9999999)}\n"
        out.append(line)
        n += len(line)
    return "".join(out).encode()[:size]


def main():
    root, size_mib = sys.argv[1], int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    os.makedirs(root, exist_ok=True)
    budget = size_mib * 1024 * 1024
    written = 0
    earlier = []
    i = 0
    while written < budget:
        kind = rng.random()
        if kind < 0.45:
            data = text(rng, rng.randint(2_000, 400_000))
            name = f"doc-{i:05}.txt"
        elif kind < 0.85 or not earlier:
            data = rng.randbytes(rng.randint(50_000, 4_000_000))
            name = f"scan-{i:05}.bin"
        else:
            base = open(rng.choice(earlier), "rb").read()
            cut = rng.randint(0, len(base))
            data = base[:cut] + text(rng, rng.randint(100, 20_000)) + base[cut:]
            name = f"revised-{i:05}.bin"
        data = data[: budget - written] or b"x"
        path = os.path.join(root, f"dir{i % 20:02}", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        earlier.append(path)
        written += len(data)
        i += 1
    print(f"{i} files, {written / 1048576:.0f} MiB in {root}")


if __name__ == "__main__":
    main()
