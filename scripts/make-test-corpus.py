#!/usr/bin/env python3
"""Copy a representative subset of the shared corpus under tests/corpus.

Usage: scripts/make-test-corpus.py SHARED_CORPUS (the folder holding files/, CLASSES.tsv,
SOURCES.tsv and licenses/)

The subset is what the tests import: every class of the corpus's CLASSES.tsv (PDFs with a
text layer, with none, image-only scans, encrypted and broken ones; images) and every file
type beside them (office files, spreadsheets including the malformed ones, text in UTF-8,
UTF-16, UTF-32 and ISO-8859), the smallest few of each group so the whole stays under
10 MiB, plus the files the tests name. It keeps each file's path under the corpus, copies
the rows of CLASSES.tsv and SOURCES.tsv that describe what it took and the licence files of
those sources. Run again after the shared corpus changes; the result is deterministic.
"""

import csv
import os
import shutil
import sys
from collections import defaultdict
from pathlib import Path

BUDGET = 10 * 1024 * 1024
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "corpus"

# Named by tests (crates/cli/tests, tests/app/*.mjs, tests/e2e) or by the README.
REQUIRED = [
    "py-pdf+sample-files/001-trivial/minimal-document.pdf",
    "py-pdf+sample-files/005-libreoffice-writer-password/libreoffice-writer-password.pdf",
    "py-pdf+sample-files/006-pdflatex-outline/pdflatex-outline.pdf",
    "Unstructured-IO+unstructured/example-docs/2023-half-year-analyses-by-segment.xlsx",
    "Unstructured-IO+unstructured/example-docs/page-breaks.docx",
    "Unstructured-IO+unstructured/example-docs/sample-presentation.pptx",
    "Unstructured-IO+unstructured/example-docs/stanley-cups.csv",
    "Unstructured-IO+unstructured/example-docs/empty.txt",
    "Unstructured-IO+unstructured/example-docs/fake-text-all-whitespace.txt",
    "Unstructured-IO+unstructured/example-docs/fake-text-utf-16.txt",
    "Unstructured-IO+unstructured/example-docs/fake-text-utf-16-be.txt",
    "Unstructured-IO+unstructured/example-docs/fake-text-utf-32.txt",
    "Unstructured-IO+unstructured/example-docs/umlauts-non-utf8.md",
    "Unstructured-IO+unstructured/example-docs/stanley-cups-utf-16.csv",
    "ianare+exif-samples/jpg/Kodak_CX7530.jpg",
    "ianare+exif-samples/jpg/orientation/landscape_1.jpg",
    "ianare+exif-samples/jpg/orientation/landscape_3.jpg",
    "ianare+exif-samples/jpg/orientation/portrait_6.jpg",
    "ianare+exif-samples/jpg/orientation/portrait_8.jpg",
    "openpreserve+format-corpus/office/wordprocessing/odt/demoLibreOfficeImagePasteBug.odt",
    "tafia+calamine/tests/pass_protected.xlsx",
    "tafia+calamine/tests/OOM_alloc.xls",
    "tafia+calamine/tests/issue_594_dos.ods",
    "tafia+calamine/tests/issue_666_panic.xlsb",
    "tesseract-ocr+test/testing/phototest.tif",
]
# How many of the smallest files to take from each group: more PDFs, the records schools
# receive most.
PER_GROUP = {"pdf": 5}


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: scripts/make-test-corpus.py SHARED_CORPUS")
    shared = Path(sys.argv[1])
    files = shared / "files"
    classes = {}
    with open(shared / "CLASSES.tsv", newline="") as f:
        for row in csv.reader(f, delimiter="\t"):
            classes[row[0].removeprefix("files/")] = row

    groups = defaultdict(list)
    for path in sorted(p for p in files.rglob("*") if p.is_file()):
        rel = path.relative_to(files).as_posix()
        ext = path.suffix.lower().lstrip(".")
        row = classes.get(rel)
        # PDFs and images by class and kind; everything else by extension.
        key = (row[1], row[2], ext) if row else ("file", "", ext)
        groups[key].append((path.stat().st_size, rel))

    chosen = set(REQUIRED)
    for key in sorted(groups):
        for _, rel in sorted(groups[key])[: PER_GROUP.get(key[0], 3)]:
            chosen.add(rel)
    total = sum((files / rel).stat().st_size for rel in chosen)
    if total > BUDGET:
        sys.exit(f"the subset is {total} bytes, over the {BUDGET}-byte budget")

    if OUT.exists():
        shutil.rmtree(OUT)
    (OUT / "files").mkdir(parents=True)
    for rel in sorted(chosen):
        dst = OUT / "files" / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(files / rel, dst)
        os.chmod(dst, 0o644)

    with open(OUT / "CLASSES.tsv", "w", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        for rel in sorted(chosen):
            if rel in classes:
                w.writerow(classes[rel])

    sources = {rel.split("/")[0] for rel in chosen}
    with open(shared / "SOURCES.tsv", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    with open(OUT / "SOURCES.tsv", "w", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(rows[0])
        for row in rows[1:]:
            if row[0].replace("/", "+") in sources:
                w.writerow(row)

    (OUT / "licenses").mkdir()
    for lic in sorted((shared / "licenses").iterdir()):
        if lic.name.split(".")[0] in sources:
            shutil.copyfile(lic, OUT / "licenses" / lic.name)

    print(f"{len(chosen)} files, {total} bytes, from {len(sources)} sources")


if __name__ == "__main__":
    main()
