"""SentencePiece + small Marian transformer, trained from scratch on CPU.

Design choices that matter for the conversion to CTranslate2 / Argos:

* One shared SentencePiece vocabulary with ``</s>`` = id 0 and ``<unk>`` = id
  1 (the Marian convention that CTranslate2's Marian loader expects) and an
  extra ``<pad>`` appended as the last id, exactly like OPUS-MT models.
* The decoder starts from ``<pad>`` (``decoder_start_token_id = pad``), whose
  embedding row is kept at zero by ``nn.Embedding(padding_idx=...)`` and an
  optimiser without weight decay. CTranslate2's Marian loader converts with
  ``start_from_zero_embedding=True`` (and names ``</s>`` as the start token):
  a zero start embedding is therefore exactly what training saw, so the first
  target word is not lost. ``pack.verify_first_word`` checks it.
* The source side carries no ``</s>``: Argos hands CTranslate2 the bare
  SentencePiece pieces, so training must see sources the same way.

Longer than the house's ~300 lines on purpose: the vocabulary, the model config,
the batching, the loop and the Hugging Face export must agree on those token ids
and conventions, and `pack.py` and `build_nl_en_package.py` import them from this
one file (run as a script folder, not a package).
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sentencepiece as spm
import torch
from torch import nn
from transformers import MarianConfig, MarianMTModel

EOS_ID = 0
UNK_ID = 1
MAX_TOKENS = 128  # per side; longer pairs are skipped (rare after the corpus filter)


VOCAB_SIZE = 12000
USER_SYMBOLS = ("__source__", "__target__", "__done__")  # OpusTrainer terminology tags


def train_spm(pairs: list[tuple[str, str]], prefix: Path, vocab_size: int = VOCAB_SIZE) -> Path:
    """Train the ONE shared unigram SentencePiece model on both sides of the corpus.

    The terminology tags are user-defined symbols, so each is always one piece
    on either side; byte fallback spells any character outside the vocabulary
    as bytes instead of ``<unk>``, so names in unseen scripts can be copied.
    """
    text = prefix.with_suffix(".txt")
    with text.open("w", encoding="utf-8") as fh:
        for nl, en in pairs:
            fh.write(nl + "\n" + en + "\n")
    spm.SentencePieceTrainer.train(
        input=str(text),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        eos_id=EOS_ID,
        unk_id=UNK_ID,
        bos_id=-1,
        pad_id=-1,
        num_threads=2,
        input_sentence_size=2_000_000,
        shuffle_input_sentence=True,
        user_defined_symbols=list(USER_SYMBOLS),
        byte_fallback=True,
        minloglevel=2,
    )
    return prefix.with_suffix(".model")


def vocabulary(sp: spm.SentencePieceProcessor) -> list[str]:
    """SentencePiece pieces in id order, plus the Marian-style ``<pad>`` last."""
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())] + ["<pad>"]


D_MODEL, ENCODER_LAYERS, DECODER_LAYERS, HEADS, FFN = 256, 4, 3, 4, 1024


def make_config(vocab_size: int) -> MarianConfig:
    """~10.4M parameters: d_model 256, 4+3 layers, 4 heads, FFN 1024, tied embeddings.

    Small on purpose: it trains on 2 shared CPU cores within a session and
    translates in milliseconds in the test suite; one more encoder layer than
    1.0 because the corpus is broader.
    """
    pad = vocab_size - 1
    return MarianConfig(
        vocab_size=vocab_size,
        decoder_vocab_size=vocab_size,
        d_model=D_MODEL,
        encoder_layers=ENCODER_LAYERS,
        decoder_layers=DECODER_LAYERS,
        encoder_attention_heads=HEADS,
        decoder_attention_heads=HEADS,
        encoder_ffn_dim=FFN,
        decoder_ffn_dim=FFN,
        max_position_embeddings=256,
        dropout=0.1,
        attention_dropout=0.0,
        activation_dropout=0.0,
        activation_function="swish",
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
        pad_token_id=pad,
        eos_token_id=EOS_ID,
        decoder_start_token_id=pad,
        forced_eos_token_id=EOS_ID,
        bos_token_id=None,
        num_beams=4,
        max_length=256,
    )


def new_model(vocab_size: int) -> MarianMTModel:
    """Fresh model whose ``<pad>`` (= decoder start) embedding is exactly zero."""
    model = MarianMTModel(make_config(vocab_size))
    _zero_start_embedding(model)
    return model


def _zero_start_embedding(model: MarianMTModel) -> None:
    """Pin the ``<pad>`` row (decoder start) of the shared embedding to zero.

    ``padding_idx`` alone does not keep it at zero: the output projection is
    tied to the embedding, and the softmax gradient of the pad logit flows
    into that row. CTranslate2 starts decoding from a zero vector, so the
    row must be zero during training too, or the first word is lost.
    """
    with torch.no_grad():
        model.model.shared.weight[model.config.pad_token_id].zero_()


@dataclass
class Example:
    """Token ids of one pair: source without eos, target without eos."""

    src: list[int]
    tgt: list[int]


def encode_pairs(sp: spm.SentencePieceProcessor, pairs: list[tuple[str, str]]) -> list[Example]:
    """Encode with SentencePiece; drop pairs longer than ``MAX_TOKENS``."""
    src = sp.encode([nl for nl, _ in pairs])
    tgt = sp.encode([en for _, en in pairs])
    return [
        Example(s, t)
        for s, t in zip(src, tgt, strict=True)
        if 0 < len(s) <= MAX_TOKENS and 0 < len(t) < MAX_TOKENS
    ]


def token_buckets(examples: list[Example], max_tokens: int, seed: int) -> list[list[Example]]:
    """Batches of similar length whose padded size stays under ``max_tokens``.

    Sorting by length (with a little noise so batches differ between epochs)
    keeps padding, i.e. wasted CPU, low; batch order is shuffled.
    """
    rng = random.Random(seed)
    order = sorted(examples, key=lambda e: max(len(e.src), len(e.tgt) + 1) + rng.random() * 2)
    batches: list[list[Example]] = []
    batch: list[Example] = []
    longest = 0
    for ex in order:
        size = max(len(ex.src), len(ex.tgt) + 1)
        if batch and max(longest, size) * (len(batch) + 1) > max_tokens:
            batches.append(batch)
            batch, longest = [], 0
        batch.append(ex)
        longest = max(longest, size)
    if batch:
        batches.append(batch)
    rng.shuffle(batches)
    return batches


def collate(batch: list[Example], pad: int) -> dict[str, torch.Tensor]:
    """Pad a batch; decoder input = [pad] + target, labels = target + [eos]."""
    src_len = max(len(e.src) for e in batch)
    tgt_len = max(len(e.tgt) for e in batch) + 1
    input_ids = torch.full((len(batch), src_len), pad, dtype=torch.long)
    dec_in = torch.full((len(batch), tgt_len), pad, dtype=torch.long)
    labels = torch.full((len(batch), tgt_len), -100, dtype=torch.long)
    for i, ex in enumerate(batch):
        input_ids[i, : len(ex.src)] = torch.tensor(ex.src)
        dec_in[i, 0] = pad
        dec_in[i, 1 : len(ex.tgt) + 1] = torch.tensor(ex.tgt)
        labels[i, : len(ex.tgt) + 1] = torch.tensor([*ex.tgt, EOS_ID])
    return {
        "input_ids": input_ids,
        "attention_mask": input_ids.ne(pad).long(),
        "decoder_input_ids": dec_in,
        "decoder_attention_mask": torch.ones_like(dec_in),
        "labels": labels,
    }


def lr_at(step: int, peak: float, warmup: int) -> float:
    """Linear warmup then inverse-square-root decay (the usual transformer schedule)."""
    step = max(step, 1)
    return peak * min(step / warmup, math.sqrt(warmup / step))


def _batches_forever(
    examples: list[Example], max_tokens: int, seed: int
) -> Iterator[list[Example]]:
    """Endless token-bucketed batches, reshuffled every epoch."""
    epoch = 0
    while True:
        yield from token_buckets(examples, max_tokens, seed + epoch)
        epoch += 1


def dev_loss(model: MarianMTModel, dev: list[Example], pad: int, loss_fn: nn.Module) -> float:
    """Mean per-token loss on a small dev set (no dropout, no label smoothing effect removal)."""
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for batch in token_buckets(dev, 4000, 0):
            b = collate(batch, pad)
            labels = b.pop("labels")
            logits = model(**b).logits
            n = int(labels.ne(-100).sum())
            total += float(loss_fn(logits.view(-1, logits.size(-1)), labels.view(-1))) * n
            count += n
    model.train()
    return total / max(count, 1)


def train(
    model: MarianMTModel,
    train_set: list[Example],
    dev: list[Example],
    out_dir: Path,
    minutes: float,
    *,
    max_tokens: int = 3000,
    peak_lr: float = 1e-3,
    warmup: int = 400,
    checkpoint_every_s: float = 300.0,
    seed: int = 1,
    log: Path | None = None,
) -> Path:
    """Train for a wall-clock budget; keep ``last.pt`` and ``best.pt`` (by dev loss).

    A time budget instead of an epoch count, because the 2 shared cores make
    throughput unpredictable and the team needs a model by a fixed time.
    Resumes from ``out_dir/last.pt`` if present (step, optimiser state).
    """
    torch.set_num_threads(2)
    torch.manual_seed(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    pad = model.config.pad_token_id
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100, label_smoothing=0.1)
    plain_loss = nn.CrossEntropyLoss(ignore_index=-100)
    optim = torch.optim.Adam(model.parameters(), lr=peak_lr, betas=(0.9, 0.98), eps=1e-9)
    step, best = 0, math.inf
    last = out_dir / "last.pt"
    if last.exists():
        state = torch.load(last, map_location="cpu")
        model.load_state_dict(state["model"])
        optim.load_state_dict(state["optim"])
        step, best = state["step"], state["best"]
        _zero_start_embedding(model)
    logf = log.open("a", encoding="utf-8") if log else None

    def say(msg: str) -> None:
        line = f"{time.strftime('%H:%M:%S')} {msg}"
        print(line, flush=True)
        if logf:
            logf.write(line + "\n")
            logf.flush()

    def save(name: str) -> None:
        tmp = out_dir / f"{name}.tmp"
        torch.save(
            {"model": model.state_dict(), "optim": optim.state_dict(), "step": step, "best": best},
            tmp,
        )
        tmp.replace(out_dir / f"{name}.pt")

    model.train()
    start = time.monotonic()
    next_ckpt = start + checkpoint_every_s
    tokens, loss_sum, loss_n, t_log = 0, 0.0, 0, time.monotonic()
    say(f"start step={step} examples={len(train_set)} budget={minutes:.1f}min")
    for batch in _batches_forever(train_set, max_tokens, seed + step):
        b = collate(batch, pad)
        labels = b.pop("labels")
        for group in optim.param_groups:
            group["lr"] = lr_at(step + 1, peak_lr, warmup)
        logits = model(**b).logits
        loss = loss_fn(logits.view(-1, logits.size(-1)), labels.view(-1))
        optim.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optim.step()
        _zero_start_embedding(model)
        step += 1
        n = int(labels.ne(-100).sum())
        tokens += n
        loss_sum += loss.item() * n
        loss_n += n
        now = time.monotonic()
        if step % 50 == 0:
            say(
                f"step={step} loss={loss_sum / loss_n:.3f} lr={lr_at(step, peak_lr, warmup):.2e} "
                f"tgt_tok/s={tokens / (now - t_log):.0f}"
            )
            tokens, loss_sum, loss_n, t_log = 0, 0.0, 0, now
        done = now - start >= minutes * 60
        if now >= next_ckpt or done:
            dl = dev_loss(model, dev, pad, plain_loss)
            if dl < best:
                best = dl
                save("best")
            save("last")
            say(f"checkpoint step={step} dev_loss={dl:.3f} best={best:.3f}")
            next_ckpt = time.monotonic() + checkpoint_every_s
        if done:
            break
    if logf:
        logf.close()
    return out_dir / "best.pt"


def save_hf(model: MarianMTModel, sp_model: Path, vocab: list[str], out: Path) -> None:
    """Write an HF Marian directory (weights + MarianTokenizer files) for the converter."""
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    data = sp_model.read_bytes()
    (out / "source.spm").write_bytes(data)
    (out / "target.spm").write_bytes(data)
    (out / "vocab.json").write_text(
        json.dumps({tok: i for i, tok in enumerate(vocab)}, ensure_ascii=False), encoding="utf-8"
    )
    (out / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "tokenizer_class": "MarianTokenizer",
                "model_max_length": 256,
                "source_lang": "nl",
                "target_lang": "en",
            }
        ),
        encoding="utf-8",
    )
