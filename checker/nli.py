"""NLI backends: pairs of (premise, hypothesis) -> entailment / neutral / contradiction probabilities.

One backend interface, one implementation for Hugging Face sequence-classification models, loaded
through transformers directly (``AutoTokenizer`` + ``AutoModelForSequenceClassification``; not
sentence-transformers, whose import alone cost seconds of every cold run). The label order is
read from the model's ``config.id2label``, never assumed, so any MNLI-style model on the hub or on
disk works. Hub names load from the local Hugging Face cache when the hub is unreachable
(checker.registry.hub_offline), so no run waits on download retries.

Number format, decided here and only here (:func:`compute_dtype`, setting ``nli_dtype``):
bfloat16 autocast on CPUs with native BF16 (AVX-512 BF16 / AMX) and on CUDA (float16 on GPUs
without bf16), float32 elsewhere: without the instructions torch emulates bf16 and is slower.
The cache keys NLI results by :func:`precision_tag` (device kind + format), so results of
different formats never mix. Results are the same for a pair alone or in any batch: in float32
attention masks make padding inert (to ~1e-7); in bf16 the padding is visible in the rounding
(~2e-3), so each pair is padded to its own length bucket (:data:`PAD_MULTIPLE`) and batched only
with pairs of that bucket, in forward passes of exactly :data:`ROWS_PER_PASS` rows (AMX/oneDNN
kernels choose their blocking by the matrix shape), which makes the results identical, bit for bit.
Linear weights are stored in the reduced format once at load (:func:`cast_linear_weights`).

``quantize="dynamic-int8"`` (a registry field or a ``load_nli`` keyword) swaps every ``nn.Linear``
for torch's dynamically quantized int8 version, on CPU only (other devices keep the fp32 model).
Dynamic quantization picks one activation scale per input tensor, so a padded batch would make a
pair's probabilities depend on its batch-mates; the quantized model therefore runs each pair in
its own forward pass, which keeps results identical alone or in any batch. The registry names it
as a separate entry (``nli-minilm-l6-int8``) so cached results never mix with the fp32 model's.
scripts/bench_frontier.py measures what it costs and gains (BENCHMARKS.md, "frontier"): on 2 CPU
cores it is not faster than fp32 and flips ~10 % of labels, so the default stays fp32.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from checker.errors import ModelError
from checker.registry import resolve

LABELS = ("entailment", "neutral", "contradiction")
Probs = dict[str, float]
Progress = Callable[[int, int], None]
QUANTIZE_MODES = ("dynamic-int8",)
NLI_DTYPES = ("auto", "float32", "bfloat16", "float16")
# setting: nli_pad_multiple — in bfloat16/float16 every pair is padded to a multiple of this many
# tokens and batched only with pairs of the same padded length, so results stay batch-invariant.
PAD_MULTIPLE = 16
# In bfloat16/float16 every forward pass holds exactly this many rows
# (filler rows complete the last one): the CPU's matrix kernels (AMX, oneDNN) pick their blocking
# from the matrix shape, which moved a pair's probabilities by ~2e-4 with the number of batch-mates.
# Small passes also waste little filler on small calls; a call's batch_size only applies in float32.
ROWS_PER_PASS = 4
_FROM_REGISTRY = "registry"


class NLIBackend(Protocol):
    name: str

    def predict(self, pairs: Sequence[tuple[str, str]], *, batch_size: int = 32, progress: Progress | None = None) -> list[Probs]:
        """One {"entailment", "neutral", "contradiction"} -> probability mapping per pair."""
        ...


def cpu_has_native_bf16() -> bool:
    """Whether this CPU executes bfloat16 matrix work natively (AVX-512 BF16 or AMX-BF16).

    Why a flag check and not torch's capability string: "AVX512" does not imply BF16 (Zen 4/5 and
    Sapphire Rapids have it, Skylake-X does not), and without the instructions oneDNN emulates bf16,
    which is slower than fp32. Linux reports the flags in /proc/cpuinfo; elsewhere we answer False
    (fp32 is always correct)."""
    return _cpu_flags() >= {"avx512_bf16"} or "amx_bf16" in _cpu_flags()


@lru_cache(maxsize=1)
def _cpu_flags() -> frozenset[str]:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()


def _normalise_quantize(quantize: str | None) -> str | None:
    if quantize in (None, "", "none", "fp32"):
        return None
    if quantize not in QUANTIZE_MODES:
        raise ModelError(f"unknown quantize mode {quantize!r}; expected one of {list(QUANTIZE_MODES)} or none")
    return quantize


def quantize_dynamic_int8(model):
    """Replace the model's ``nn.Linear`` layers in place by dynamically quantized int8 ones (CPU kernels)."""
    import warnings

    import torch

    with warnings.catch_warnings():  # torch.ao eager quantization announces its move to torchao
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)


def cast_linear_weights(model, dtype: str) -> None:
    """Store every Linear layer's weight and bias in the autocast dtype, once.

    Autocast casts a Linear's fp32 weight to bf16 on every forward pass (its cast cache lives only
    inside one ``autocast`` block, and each batch is its own block), which cost about a quarter of
    MPNet's CPU inference time. Weights already in the target dtype are used as they are, so the
    arithmetic is the one autocast does (measured: identical probabilities); LayerNorm, embeddings
    and softmax stay in float32 as autocast wants them."""
    import torch

    target = getattr(torch, dtype)
    for module in model.modules():
        if isinstance(module, torch.nn.Linear):
            module.weight.data = module.weight.data.to(target)
            if module.bias is not None:
                module.bias.data = module.bias.data.to(target)


def _label_index(id2label: dict) -> dict[str, int]:
    """Map our three labels to the model's output indices from its config, tolerating common spellings."""
    aliases = {"entailment": "entailment", "entails": "entailment", "neutral": "neutral", "contradiction": "contradiction", "contradicts": "contradiction"}
    found: dict[str, int] = {}
    for idx, label in id2label.items():
        key = aliases.get(str(label).strip().lower())
        if key:
            found[key] = int(idx)
    missing = [name for name in LABELS if name not in found]
    if missing:
        raise ModelError(f"the model's config.id2label {dict(id2label)} lacks NLI labels {missing}; set id2label to entailment/neutral/contradiction")
    return found


def default_device() -> str:
    """ "cuda" where a CUDA (or ROCm) GPU is usable, else "cpu".

    Why not just ``torch.cuda.is_available()``: the cache asks for the run's precision before any
    model loads, and a fully cached run should not pay for importing torch. Without a GPU device
    node there is no GPU, so torch is imported only where one may exist."""
    if not any(os.path.exists(node) for node in _GPU_NODES):
        return "cpu"
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


_GPU_NODES = ("/dev/nvidiactl", "/dev/nvidia0", "/dev/kfd", "/dev/dxg")


def compute_dtype(device: str | None = None, dtype: str | None = None, quantize: str | None = None) -> str:
    """The number format NLI runs in: "float32", "bfloat16" or "float16" (the last two by autocast).

    ``dtype`` (the ``nli_dtype`` setting; default "auto"): "auto" is bfloat16 on CPUs with native BF16 and on CUDA
    GPUs that support it (float16 on older GPUs), float32 elsewhere; "float32" / "bfloat16" /
    "float16" force one (bfloat16 on a CPU without it is emulated: correct but slow). The int8
    model computes in its own format, so it reports "int8-dynamic"."""
    choice = (dtype or "auto").lower()
    if choice not in NLI_DTYPES:
        raise ModelError(f"unknown NLI dtype {dtype!r}; expected one of {list(NLI_DTYPES)}")
    device = device or default_device()
    kind = device.split(":")[0]
    if quantize and kind == "cpu":
        return "int8-dynamic"
    if choice != "auto":
        return choice
    if kind == "cuda":
        import torch

        return "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
    if kind == "cpu" and cpu_has_native_bf16():
        return "bfloat16"
    return "float32"


def precision_tag(*, quantize: str | None = None, dtype: str | None = None, device: str | None = None) -> str:
    """What the NLI cache keys results by besides the model: device kind and number format, e.g.
    "cpu-bfloat16". Probabilities differ slightly between formats, so they must never mix."""
    device = device or default_device()
    return f"{device.split(':')[0]}-{compute_dtype(device, dtype, _normalise_quantize(quantize))}"


class CrossEncoderNLI:
    """A sequence-classification NLI model by local path or hub name, through transformers directly.

    Why not sentence-transformers' CrossEncoder: importing sentence_transformers costs seconds that
    every cold ``factcheck`` run paid (BENCHMARKS.md, "cold-start"), for a tokenizer call and a
    forward pass. The computation is the same: pairs are tokenized together, truncated longest
    first to ``max_length``, and the raw logits go through a softmax here in float64."""

    def __init__(
        self,
        location: str,
        *,
        name: str | None = None,
        device: str | None = None,
        max_length: int = 256,
        local_only: bool = True,
        quantize: str | None = None,
        dtype: str | None = None,
    ) -> None:
        import torch

        quantize = _normalise_quantize(quantize)
        self.device = device or default_device()
        #: the quantization actually applied: None off the CPU, where the fp32 (or fp16) model stays
        self.quantize = quantize if quantize and torch.device(self.device).type == "cpu" else None
        #: the number format the forward pass runs in (see compute_dtype)
        self.dtype = compute_dtype(self.device, dtype, self.quantize)
        self.precision = precision_tag(quantize=self.quantize, dtype=dtype, device=self.device)
        self.tokenizer, self.model = _load_classifier(location, local_only=local_only)
        self.model.to(self.device).eval()
        self.name = name or location
        self.max_length = max_length
        if self.quantize == "dynamic-int8":
            quantize_dynamic_int8(self.model)
        if self.reduced_precision:
            cast_linear_weights(self.model, self.dtype)
        self.index = _label_index(self.model.config.id2label)

    @property
    def reduced_precision(self) -> bool:
        """bfloat16 / float16 (autocast, weights stored cast); the int8-dynamic path is neither."""
        return self.dtype in ("bfloat16", "float16")

    def _autocast(self):
        import contextlib

        import torch

        if self.reduced_precision:
            return torch.autocast(torch.device(self.device).type, dtype=getattr(torch, self.dtype))
        return contextlib.nullcontext()

    def _forward(self, features: list[dict]):
        """Raw logits of tokenized pairs in one padded forward pass (masks make the padding inert)."""
        import torch

        n = len(features)
        pad_to = None
        if self.dtype != "float32":  # every format but float32 (int8-dynamic too) runs fixed padded shapes
            pad_to = PAD_MULTIPLE
            features = features + [features[0]] * (-n % ROWS_PER_PASS)  # a fixed shape: see ROWS_PER_PASS
        batch = self.tokenizer.pad(features, padding=True, pad_to_multiple_of=pad_to, return_tensors="pt").to(self.device)
        with torch.inference_mode(), self._autocast():
            return self.model(**batch).logits.float().cpu().numpy()[:n]

    def _batches(self, lengths: list[int], batch_size: int) -> list[list[int]]:
        """Indices by token length, cut into batches. In reduced precision neither a pair's padded length
        nor the shape of its forward pass may depend on its batch-mates (bf16 rounding makes the padding
        visible, ~2e-3 in the logits, and the kernels' blocking follows the shape, ~2e-4), so each batch
        holds one length bucket only, padded to the bucket's edge, and ROWS_PER_PASS rows."""
        order = sorted(range(len(lengths)), key=lambda i: lengths[i])
        if self.quantize:  # one forward pass per pair: a per-tensor activation scale must not see batch-mates
            return [[i] for i in order]
        if not self.reduced_precision:
            return [order[k : k + batch_size] for k in range(0, len(order), batch_size)]
        batches: list[list[int]] = []
        for i in order:
            if batches and len(batches[-1]) < ROWS_PER_PASS and -(-lengths[batches[-1][0]] // PAD_MULTIPLE) == -(-lengths[i] // PAD_MULTIPLE):
                batches[-1].append(i)
            else:
                batches.append([i])
        return batches

    def predict(self, pairs: Sequence[tuple[str, str]], *, batch_size: int = 32, progress: Progress | None = None) -> list[Probs]:
        import numpy as np

        pairs = [(str(p), str(h)) for p, h in pairs]
        if not pairs:
            return []
        enc = self.tokenizer([p for p, _ in pairs], [h for _, h in pairs], truncation="longest_first", max_length=self.max_length)
        features = [{k: enc[k][i] for k in enc.keys()} for i in range(len(pairs))]
        probs = np.zeros((len(pairs), len(self.index)), dtype=np.float64)
        done = 0
        for chunk in self._batches([len(f["input_ids"]) for f in features], batch_size):
            logits = self._forward([features[i] for i in chunk]).astype(np.float64).reshape(len(chunk), -1)
            logits -= logits.max(axis=1, keepdims=True)
            e = np.exp(logits)
            probs[chunk] = e / e.sum(axis=1, keepdims=True)
            done += len(chunk)
            if progress:
                progress(done, len(pairs))
        return [{label: float(row[self.index[label]]) for label in LABELS} for row in probs]


#: the int8 row-wise weight file of a shipped model (scripts/export_nli_int8.py writes it)
INT8_WEIGHTS = "model.int8.safetensors"


def read_int8_rowwise(path: Path) -> dict[str, Any]:
    """float32 state dict of an int8 row-wise file: ``NAME.int8`` times ``NAME.scale`` per row.

    Shipping MPNet-base in fp32 would be 438 MB; stored this way it is 110 MB, and dequantizing
    at load keeps inference on the plain fp32 (or bf16 autocast) path, batch-invariant as before."""
    from safetensors.torch import load_file

    raw = load_file(str(path))
    out: dict[str, Any] = {}
    for name, tensor in raw.items():
        if name.endswith(".int8"):
            base = name[: -len(".int8")]
            out[base] = tensor.float().mul_(raw[base + ".scale"].float()[:, None])
        elif not name.endswith(".scale"):
            out[name] = tensor
    return out


def _int8_classifier(location: str, weights: Path):
    """The classifier built from its config without random initialisation, then given the dequantized weights."""
    from transformers import AutoConfig, AutoModelForSequenceClassification
    from transformers.initialization import no_init_weights

    config = AutoConfig.from_pretrained(location, local_files_only=True)
    with no_init_weights():
        model = AutoModelForSequenceClassification.from_config(config)
    model.load_state_dict(read_int8_rowwise(weights), strict=True, assign=True)
    return model.eval()


def _load_classifier(location: str, *, local_only: bool):
    """(tokenizer, model) of a sequence classifier; any load failure becomes one ModelError line."""
    from checker.registry import hub_offline, offline_hub_error

    offline = not local_only and hub_offline()
    try:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(location, local_files_only=local_only or offline)
        int8 = Path(location) / INT8_WEIGHTS
        if int8.is_file():
            model = _int8_classifier(location, int8)
        else:
            model = AutoModelForSequenceClassification.from_pretrained(location, local_files_only=local_only or offline)
    except Exception as exc:  # noqa: BLE001 - any load failure becomes one clear line
        if offline:
            raise offline_hub_error("NLI", location) from exc
        raise ModelError(f"cannot load NLI model {location!r}: {exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from exc
    return tokenizer, model


@lru_cache(maxsize=4)
def load_nli(name: str | None = None, *, device: str | None = None, quantize: str | None = _FROM_REGISTRY, dtype: str | None = None) -> NLIBackend:
    """Load an NLI backend by registry name, local path or hub name; cached so models load once.

    ``quantize``: by default the registry entry's ``quantize`` field (none for paths and hub names);
    ``"dynamic-int8"`` or ``None`` overrides it. Quantization applies on CPU only.
    ``dtype``: "auto" (default; the ``nli_dtype`` setting), "float32", "bfloat16" or "float16"."""
    ref = resolve("nli", name)
    if ref.backend != "hf-sequence-classification":
        raise ModelError(f"unknown NLI backend {ref.backend!r} for model {ref.name!r}")
    mode = ref.quantize if quantize == _FROM_REGISTRY else quantize
    return CrossEncoderNLI(ref.location, name=ref.name, device=device, local_only=ref.local, quantize=mode, dtype=dtype)
