#!/usr/bin/env python3
"""Store a trained NLI classifier in int8 row-wise form, to ship it under the repository's size cap.

usage: python scripts/export_nli_int8.py SRC_DIR DST_DIR
       python scripts/export_nli_int8.py --restore SHIPPED_DIR DST_DIR   (int8 back to an fp32 folder)

MPNet-base in fp32 is 438 MB; the cap for a shipped model is ~120 MB. Each 2-D weight matrix with at
least MIN_ROWS rows (embeddings, attention and feed-forward projections, the head's dense layer) is
stored as ``NAME.int8`` (int8) + ``NAME.scale`` (float32, max-abs / 127 per row); every other tensor
(biases, LayerNorm, the 3-row output layer, the relative-attention bias) stays float32. The loader
(:func:`checker.nli.read_int8_rowwise`) dequantizes at load to float32, so inference runs exactly the
code path of an fp32 model; the cost in accuracy is measured by scripts/eval_nli.py on the result.
Tokenizer and config files are copied as they are; the sha256 of the int8 file is printed for the
model card.

``--restore`` goes the other way: a shipped int8 folder becomes a plain fp32 ``model.safetensors``
folder (with its ``training_manifest.json``), the base of a further training stage
(``scripts/train_nli.py --base DST_DIR``), whose manifest then records the earlier stage.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
from pathlib import Path

#: matrices with fewer rows stay float32 (the 3-way output layer: a rounding there moves every score)
MIN_ROWS = 64
COPIED = ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")
#: copied as well by --restore, so that a further stage's manifest keeps this one's record
RESTORED = (*COPIED, "training_manifest.json")


def quantize(tensors: dict) -> dict:
    """int8 + per-row scale for each large 2-D float matrix; everything else as it is."""
    import torch

    out = {}
    for name, t in tensors.items():
        if t.dim() == 2 and t.is_floating_point() and t.shape[0] >= MIN_ROWS:
            t = t.float()
            scale = (t.abs().amax(dim=1) / 127.0).clamp(min=1e-12)
            out[name + ".int8"] = torch.round(t / scale[:, None]).clamp(-127, 127).to(torch.int8).contiguous()
            out[name + ".scale"] = scale.contiguous()
        else:
            out[name] = t.contiguous()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src", type=Path, help="a transformers / sentence-transformers folder with model.safetensors")
    ap.add_argument("dst", type=Path)
    ap.add_argument("--restore", action="store_true", help="SRC_DIR is a shipped int8 folder: write it back as fp32")
    args = ap.parse_args(argv)
    if args.restore:
        return restore(args.src, args.dst)
    weights = args.src / "model.safetensors"
    if not weights.is_file():
        print(f"export_nli_int8: error: {weights} not found", file=sys.stderr)
        return 2
    from safetensors.torch import load_file, save_file

    args.dst.mkdir(parents=True, exist_ok=True)
    target = args.dst / "model.int8.safetensors"
    save_file(quantize(load_file(str(weights))), str(target))
    for name in COPIED:
        if (args.src / name).is_file():
            shutil.copy(args.src / name, args.dst / name)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB), sha256 {digest}")
    return 0


def restore(src: Path, dst: Path) -> int:
    """The fp32 folder of a shipped int8 model (dequantized exactly as the run-time loader does)."""
    weights = src / "model.int8.safetensors"
    if not weights.is_file():
        print(f"export_nli_int8: error: {weights} not found", file=sys.stderr)
        return 2
    from safetensors.torch import save_file

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from checker.nli import read_int8_rowwise

    dst.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in read_int8_rowwise(weights).items()}, str(dst / "model.safetensors"))
    for name in RESTORED:
        if (src / name).is_file():
            shutil.copy(src / name, dst / name)
    print(f"wrote {dst / 'model.safetensors'} (fp32)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
