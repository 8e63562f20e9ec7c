"""Build a Transformer-base-shaped ``.argosmodel`` for the production-size benches (no torch).

Why: the bundled test model has ~10M parameters; the official Argos packages
are Transformer-base sized (6+6 layers, d_model 512, FFN 2048, 8 heads, ~32k
vocabulary), about ten times the compute per token. Speed, memory and
int8/float32 figures must come from that size. No such model can be downloaded
here, and training one is out of reach on 2 CPU cores, so this module writes
one with CTranslate2's own model specification API (numpy weights, nothing to
download, no torch) and packs it the way Argos packages are packed.

What the weights do: compute cost depends only on shapes and on how many
tokens are decoded, so weights are random, except for one planted "copy" path
that makes the model emit the source pieces, in order, then ``</s>``. Without
it a random model never emits ``</s>`` and decodes 256 tokens for every
sentence, ten times the work of a real translation. The copy path:

* token embeddings are large random vectors in 224 of the dimensions; the
  sinusoidal positions CTranslate2 adds are small next to them, and 64
  dimensions (sin and cos of 32 frequencies) carry positions only;
* the first decoder layer's cross-attention compares decoder and encoder
  positions through those 64 dimensions (query = key projection), so decoder
  step t attends to source position t, and copies that position's token
  vector into the residual stream with a large gain;
* the output projection is the token embedding table, so the copied token
  wins; the source ends with ``</s>`` (``add_source_eos``), which is copied
  last and ends decoding.

Every other weight is small and random: it costs the same compute as a trained
weight and barely moves the copy path. The SentencePiece model is trained on
the bench texts in seconds; its vocabulary is padded to ``VOCAB_SIZE`` entries
so the output layer has the production size.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np

D_MODEL, LAYERS, HEADS, FFN, VOCAB_SIZE = 512, 6, 8, 2048, 32000
HEAD_DIM = D_MODEL // HEADS
# CTranslate2's sinusoidal positions: dims [0, 256) hold sin(pos * w_i), [256, 512) cos.
# Position matching uses the 32 highest frequencies (w from 1 down to 0.33): their sin and
# cos dims; sum_i cos(d * w_i) is then at most 0.81 of its d = 0 value for any offset
# d in 1..600. Token vectors use the other sin-half dims.
MATCH_FREQS = np.arange(32)
POSITION_DIMS = np.concatenate([MATCH_FREQS, D_MODEL // 2 + MATCH_FREQS])  # 64 dims
TOKEN_DIMS = np.setdiff1d(np.arange(D_MODEL // 2), MATCH_FREQS)  # 224 dims
MAX_POSITIONS = 1024
COPY_HEADS = 4  # heads 0-3 match positions; their 4 x 64 value dims carry the 224 token dims
TOKEN_SCALE = 1.0  # std of token-embedding entries (then x sqrt(d_model) by CTranslate2)
NOISE = 0.01  # std of the random weights off the copy path (copy still exact)
COPY_GAIN = 150.0  # cross-attention output gain: copied token >> previous token
POSITION_GAIN = 60.0  # query/key gain on the position dims: a sharp position match
# Output projection = token table x this: the copied token's logit is then a few units
# above the rest, so probabilities (and hypothesis scores) are not saturated at 1 and
# numeric differences between batches remain visible in the scores.
PROJECTION_SCALE = 0.02
PACKAGE_DIR = "translate-nl_en-base_bench-1_0"
METADATA = {
    "package_version": "1.0",
    "argos_version": "1.9",
    "from_code": "nl",
    "from_name": "Dutch",
    "to_code": "en",
    "to_name": "English",
    "type": "translate",
    "package_name": "Transformer-base BENCH model (synthetic, copies its input)",
    "description": "Synthetic Transformer-base-shaped model built by bench/base_model.py for "
    "speed and memory benches only: it copies the Dutch input. Never ship it.",
    "links": [],
}


def train_sentencepiece(texts: list[str], prefix: Path) -> Path:
    """Unigram model on the bench texts; as many pieces as the text supports, up to 32k."""
    import sentencepiece as spm

    corpus = prefix.with_suffix(".txt")
    corpus.write_text("\n".join(texts) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(prefix),
        vocab_size=VOCAB_SIZE - 1000,
        hard_vocab_limit=False,  # small corpus: take what it supports, pad below
        model_type="unigram",
        character_coverage=1.0,
        byte_fallback=True,
        num_threads=2,
        minloglevel=2,
    )
    return prefix.with_suffix(".model")


def _vocabulary(sp_model: Path) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(sp_model))
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    padding = [f"<bench_pad_{i}>" for i in range(VOCAB_SIZE - len(pieces))]
    return pieces + padding  # unk=<unk>, bos=<s>, eos=</s> are SentencePiece's defaults


def _noise(rng: np.random.Generator, *shape: int) -> np.ndarray:
    return (rng.standard_normal(shape) * NOISE).astype(np.float32)


def _linear(spec, rng: np.random.Generator, out_dim: int, in_dim: int) -> None:  # noqa: ANN001
    spec.weight = _noise(rng, out_dim, in_dim)
    spec.bias = np.zeros(out_dim, dtype=np.float32)


def _norm(spec) -> None:  # noqa: ANN001
    spec.gamma = np.ones(D_MODEL, dtype=np.float32)
    spec.beta = np.zeros(D_MODEL, dtype=np.float32)


def _layer(layer, rng: np.random.Generator, cross: bool) -> None:  # noqa: ANN001
    _norm(layer.self_attention.layer_norm)
    _linear(layer.self_attention.linear[0], rng, 3 * D_MODEL, D_MODEL)
    _linear(layer.self_attention.linear[1], rng, D_MODEL, D_MODEL)
    if cross:
        _norm(layer.attention.layer_norm)
        _linear(layer.attention.linear[0], rng, D_MODEL, D_MODEL)
        _linear(layer.attention.linear[1], rng, 2 * D_MODEL, D_MODEL)
        _linear(layer.attention.linear[2], rng, D_MODEL, D_MODEL)
    _norm(layer.ffn.layer_norm)
    _linear(layer.ffn.linear_0, rng, FFN, D_MODEL)
    _linear(layer.ffn.linear_1, rng, D_MODEL, FFN)


def sinusoidal_positions(length: int = MAX_POSITIONS) -> np.ndarray:
    """Transformer positions: sin(pos * w_i) in the first half, cos in the second.

    Written into the model (not left to CTranslate2's default) so the copy path
    knows exactly which dimensions hold which frequency.
    """
    half = D_MODEL // 2
    freqs = np.exp(-np.log(10000.0) * np.arange(half) / (half - 1))
    angles = np.arange(length)[:, None] * freqs[None, :]
    table = np.concatenate([np.sin(angles), np.cos(angles)], axis=1)
    # Zero mean per position, like the token vectors, so layer norm's mean subtraction
    # leaves the matching dims exactly as written: the row sum is taken out of the
    # dims that neither tokens nor the position match use.
    spare = np.setdiff1d(np.arange(half, D_MODEL), POSITION_DIMS)
    table[:, spare] -= table.sum(axis=1, keepdims=True) / spare.size
    return table.astype(np.float32)


def _plant_copy_path(layer) -> None:  # noqa: ANN001 - a CTranslate2 decoder layer spec
    """Cross-attention that attends to the same position and copies the token vector.

    In each of heads 0-3, query and key are the 64 position dims (sin and cos of
    32 frequencies), so q.k = gain^2 * sum_i cos((t - j) w_i): largest at j = t.
    Values carry the token dims, and the output projection writes them back,
    amplified, where token vectors live.
    """
    query = layer.attention.linear[0].weight
    keys_values = layer.attention.linear[1].weight
    out = layer.attention.linear[2].weight
    for head in range(COPY_HEADS):
        rows = head * HEAD_DIM + np.arange(HEAD_DIM)
        query[rows, POSITION_DIMS] += POSITION_GAIN
        keys_values[rows, POSITION_DIMS] += POSITION_GAIN  # keys: first D_MODEL rows
    value_rows = D_MODEL + np.arange(TOKEN_DIMS.size)  # values: rows D_MODEL.. of the fusion
    keys_values[value_rows, TOKEN_DIMS] += 1.0
    out[TOKEN_DIMS, np.arange(TOKEN_DIMS.size)] += COPY_GAIN


def build_ct2_model(vocabulary: list[str], out_dir: Path, seed: int = 7) -> Path:
    """Write the CTranslate2 model (float32 weights on disk; int8 chosen at load time)."""
    from ctranslate2.specs import TransformerSpec

    rng = np.random.default_rng(seed)
    spec = TransformerSpec.from_config((LAYERS, LAYERS), HEADS)
    tokens = np.zeros((VOCAB_SIZE, D_MODEL), dtype=np.float32)
    values = rng.standard_normal((VOCAB_SIZE, TOKEN_DIMS.size)) * TOKEN_SCALE
    # Zero mean per token: layer norm subtracts the mean of all dims, which would
    # otherwise leak each token's mean into the position dims.
    # Equal norms: layer norm then scales every position's dims alike.
    values -= values.mean(axis=1, keepdims=True)
    values *= np.sqrt(TOKEN_DIMS.size) / np.linalg.norm(values, axis=1, keepdims=True)
    tokens[:, TOKEN_DIMS] = values
    spec.encoder.embeddings[0].weight = tokens
    spec.decoder.embeddings.weight = tokens.copy()
    spec.encoder.position_encodings.encodings = sinusoidal_positions()
    spec.decoder.position_encodings.encodings = sinusoidal_positions()
    _norm(spec.encoder.layer_norm)
    _norm(spec.decoder.layer_norm)
    for layer in spec.encoder.layer:
        _layer(layer, rng, cross=False)
    for layer in spec.decoder.layer:
        _layer(layer, rng, cross=True)
    _plant_copy_path(spec.decoder.layer[0])
    spec.decoder.projection.weight = tokens * PROJECTION_SCALE
    spec.decoder.projection.bias = np.zeros(VOCAB_SIZE, dtype=np.float32)
    spec.config.add_source_eos = True
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization="float32")
    out_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(out_dir))
    return out_dir


def parameter_count() -> int:
    """Parameters of the layers built here (embeddings counted once per table)."""
    per_attention = 4 * D_MODEL * D_MODEL + 4 * D_MODEL
    per_ffn = 2 * D_MODEL * FFN + FFN + D_MODEL
    encoder = LAYERS * (per_attention + per_ffn)
    decoder = LAYERS * (2 * per_attention + per_ffn)
    embeddings = 3 * VOCAB_SIZE * D_MODEL  # source, target, output projection
    return encoder + decoder + embeddings


def build_argosmodel(texts: list[str], out: Path) -> Path:
    """The whole ``.argosmodel`` (zip), built in a temporary folder next to ``out``."""
    with tempfile.TemporaryDirectory(prefix="nieuwsstroom-base-model-") as tmp:
        root = Path(tmp) / PACKAGE_DIR
        root.mkdir()
        sp_model = train_sentencepiece(texts, Path(tmp) / "spm")
        shutil.copy(sp_model, root / "sentencepiece.model")
        build_ct2_model(_vocabulary(sp_model), root / "model")
        (root / "metadata.json").write_text(json.dumps(METADATA, indent=2), encoding="utf-8")
        (root / "README.md").write_text(METADATA["description"] + "\n", encoding="utf-8")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    zf.write(path, path.relative_to(Path(tmp)).as_posix())
    return out
