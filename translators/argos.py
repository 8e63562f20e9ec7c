"""`ArgosTranslator`: an Argos nl->en package driven through CTranslate2 directly.

Why not `argostranslate.translate.translate()`: it translates one paragraph per
call with a 32-*token* batch limit (so, in practice, one sentence per
CTranslate2 call), beam 4, and MiniSBD sentence splitting that needs the
network. The stream hands us a micro-batch of sentences from many articles;
one CTranslate2 call over all of them, sorted by length into token-bounded
batches, is where the speed comes from (see bench/translation_speed.py).

Everything that decides the *output* follows Argos's
`apply_packaged_translation` (argostranslate/translate.py): the package's own
tokenizer (`pkg.tokenizer.encode/decode`), its `target_prefix` added to the
decoder and stripped from the text, `replace_unknowns=True`,
`length_penalty=0.2`, the first space removed. So the same package gives the
same translations as Argos, only faster (bench/translation_quality.py checks).

Blocking and thread-safe: the stream calls `translate_batch` through
`asyncio.to_thread`; the CTranslate2 model is built on the first call, under a
lock, and CTranslate2 itself accepts concurrent calls.
"""

from __future__ import annotations

import threading
from importlib import metadata
from typing import TYPE_CHECKING, Any

from nieuwsstroom.translators.errors import TranslatorError
from nieuwsstroom.translators.models import ResolvedModel
from nieuwsstroom.translators.segment import model_input, split_long
from nieuwsstroom.translators.term_model import Hypothesis
from nieuwsstroom.translators.term_sources import TagFormat, read_tag_format

if TYPE_CHECKING:
    import ctranslate2

_UNREAD = object()


def _dist_version(name: str) -> str:
    """Installed version of a distribution, or "unknown"."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


class ArgosTranslator:
    """Translates Dutch sentences to English with one resolved Argos package."""

    def __init__(
        self,
        model: ResolvedModel,
        *,
        threads: int = 2,
        beam_size: int = 2,
        max_batch_tokens: int = 2048,
        max_input_tokens: int = 150,
        length_penalty: float = 0.2,
        compute_type: str = "auto",
        device: str = "cpu",
    ) -> None:
        if threads < 1:
            raise TranslatorError(f"Expected threads >= 1, got {threads}")
        if beam_size < 1:
            raise TranslatorError(f"Expected beam_size >= 1, got {beam_size}")
        if max_input_tokens < 8:
            raise TranslatorError(f"Expected max_input_tokens >= 8, got {max_input_tokens}")
        self.model = model
        self.threads = threads
        self.beam_size = beam_size
        self.max_batch_tokens = max_batch_tokens
        self.max_input_tokens = max_input_tokens
        self.length_penalty = length_penalty
        self.compute_type = compute_type
        self.device = device
        self._translator: ctranslate2.Translator | None = None
        self._lock = threading.Lock()
        self._tags: TagFormat | None | object = _UNREAD

    @property
    def model_id(self) -> str:
        """Identifies the model in cache keys: same id, same translations."""
        return f"{self.model.name}@{self.model.version}:{self.model.path}"

    @property
    def provenance(self) -> dict[str, Any]:
        """Engine and model facts recorded in every enriched record."""
        return {
            "engine": "argos-translate",
            "engine_version": _dist_version("argos-translate-lt"),
            "ctranslate2_version": _dist_version("ctranslate2"),
            "model": self.model.name,
            "model_version": self.model.version,
            "model_source": self.model.source,
            "test_model": self.model.is_test_model,
            "beam_size": self.beam_size,
            "compute_type": self.compute_type,
        }

    @property
    def terminology_tags(self) -> TagFormat | None:
        """The inline term tags the package was trained with (metadata `terminology_tags`).

        Official Argos packages declare none; nieuwsstroom's own test model 2.x
        declares OpusTrainer's `__source__`/`__target__`/`__done__`.
        """
        if self._tags is _UNREAD:
            self._tags = read_tag_format(self.model.path / "metadata.json")
        return self._tags  # type: ignore[return-value]

    def _load(self) -> ctranslate2.Translator:
        """Build the CTranslate2 translator once (first call pays the load, not import)."""
        if self._translator is not None:
            return self._translator
        with self._lock:
            if self._translator is None:
                import ctranslate2

                kwargs: dict[str, Any] = {
                    "device": self.device,
                    "inter_threads": 1,
                    "intra_threads": self.threads,
                }
                if self.compute_type != "auto":
                    kwargs["compute_type"] = self.compute_type
                try:
                    translator = ctranslate2.Translator(str(self.model.path / "model"), **kwargs)
                except (RuntimeError, ValueError) as exc:
                    raise TranslatorError(
                        f"Cannot load CTranslate2 model at {self.model.path / 'model'}: {exc}"
                    ) from exc
                self.model.package.tokenizer.encode("")  # load SentencePiece under the lock
                self._translator = translator
        return self._translator

    def _count_tokens(self, text: str) -> int:
        """Subword tokens the model sees for `text`."""
        return len(self.model.package.tokenizer.encode(text))

    def translate_batch(self, texts: list[str]) -> list[str]:
        """One English text per Dutch text, same order; blank input gives ""."""
        if not texts:
            return []
        translator = self._load()
        tokenizer = self.model.package.tokenizer

        # Each text becomes one or more pieces (only over-long texts are split).
        pieces: list[list[str]] = []  # per piece: tokens
        layout: list[list[tuple[int, str]]] = []  # per text: (piece index, joiner after it)
        for text in texts:
            clean = model_input(text)
            parts: list[tuple[int, str]] = []
            if clean:
                tokens = tokenizer.encode(clean)
                if len(tokens) <= self.max_input_tokens:
                    parts.append((len(pieces), ""))
                    pieces.append(tokens)
                else:
                    spans = split_long(clean, self._count_tokens, self.max_input_tokens)
                    for i, span in enumerate(spans):
                        nxt = spans[i + 1].start if i + 1 < len(spans) else span.end
                        parts.append((len(pieces), " " if nxt > span.end else ""))
                        pieces.append(tokenizer.encode(span.text))
            layout.append(parts)

        translated = self._translate_pieces(translator, pieces) if pieces else []
        return ["".join(translated[i] + joiner for i, joiner in parts) for parts in layout]

    def _translate_pieces(
        self, translator: ctranslate2.Translator, pieces: list[list[str]]
    ) -> list[str]:
        """Run CTranslate2 on token lists and decode as Argos does."""
        results = self.generate(pieces, attention=False)
        return [self.decode(hyps[0].tokens) for hyps in results]

    # -- the token-level interface the constrained decoder uses (term_decoding.TokenModel) --

    def encode(self, text: str) -> list[str]:
        """The package tokenizer's subword tokens for `text`."""
        self._load()
        return list(self.model.package.tokenizer.encode(text))

    def decode(self, tokens: list[str]) -> str:
        """Target tokens (without the package prefix) to text, as Argos decodes them."""
        prefix = self.model.package.target_prefix or ""
        value = self.model.package.tokenizer.decode(tokens)
        if prefix and value.startswith(prefix):
            value = value[len(prefix) :]
        if value.startswith(" "):
            value = value[1:]  # the space SentencePiece puts before the first word
        return value

    def generate(
        self,
        sources: list[list[str]],
        prefixes: list[list[str]] | None = None,
        *,
        num_hypotheses: int = 1,
        suppress: list[list[str]] | None = None,
        attention: bool = True,
    ) -> list[list[Hypothesis]]:
        """One batched CTranslate2 call with Argos's options; hypotheses per source.

        `prefixes` are forced target tokens (after the package's own `target_prefix`),
        `suppress` token sequences the decoder may not produce. Returned tokens and
        attention rows start after the package prefix.
        """
        translator = self._load()
        lead = [self.model.package.target_prefix] if self.model.package.target_prefix else []
        target_prefix = None
        if lead or prefixes:
            target_prefix = [lead + (prefixes[i] if prefixes else []) for i in range(len(sources))]
        results = translator.translate_batch(
            sources,
            target_prefix=target_prefix,
            replace_unknowns=True,
            max_batch_size=self.max_batch_tokens,
            batch_type="tokens",
            beam_size=max(self.beam_size, num_hypotheses),
            num_hypotheses=num_hypotheses,
            length_penalty=self.length_penalty,
            max_input_length=0,  # inputs are already split to max_input_tokens: never truncate
            max_decoding_length=256,  # Argos's value; Marian-style models have 256 positions
            return_attention=attention,
            suppress_sequences=suppress,
        )
        out: list[list[Hypothesis]] = []
        for result in results:
            hyps: list[Hypothesis] = []
            for k, tokens in enumerate(result.hypotheses):
                rows = [list(r) for r in result.attention[k]] if attention else []
                if lead and tokens[:1] == lead:
                    tokens, rows = tokens[1:], rows[1:]
                hyps.append(Hypothesis(list(tokens), rows))
            out.append(hyps)
        return out
