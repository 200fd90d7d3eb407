"""Hugging Face seq2seq translation: NLLB-200, M2M-100, Marian (OPUS-MT), mBART-50.

>>> t = HFTranslator("facebook/nllb-200-distilled-600M", src_lang="eng", tgt_lang="hau")
>>> t.translate([["The", "European", "Parliament", "met", "in", "Strasbourg", "."]])

Language codes may be ISO 639-1/639-3 or the model's own (eng_Latn, __en__); they are
mapped per model family: NLLB and M2M-100 get the source language set on the tokenizer and
the target language forced as the first generated token; a multi-target Marian model gets
its ``>>xxx<<`` prefix; a single-direction Marian model ignores the codes.
"""

from __future__ import annotations

from pathlib import Path

from annoproj._neural import dtype_kwargs, load_error, require, resolve_device, torch_dtype
from annoproj.translate.base import translators
from annoproj.translate.cache import TranslationCache
from annoproj.translate.seq2seq import TextTranslator, lang_token, model_family, target_lang_token

__all__ = ["HFTranslator"]


def _model_id(model: str | Path) -> str:
    path = Path(model)
    return str(path.resolve()) if path.exists() else str(model)


@translators.register("hf")
class HFTranslator(TextTranslator):
    """A Hugging Face seq2seq model (name or folder) run with `generate`, batched."""

    name = "hf"

    def __init__(
        self,
        model: str | Path,
        *,
        src_lang: str | None = None,
        tgt_lang: str | None = None,
        device: str = "auto",
        batch_size: int = 16,
        max_length: int = 256,
        num_beams: int = 1,
        fp16: bool = True,
        cache: str | Path | TranslationCache | None = None,
        tokenizer: str | Path | None = None,
    ) -> None:
        transformers = require("transformers", what="HFTranslator")
        self.torch = require("torch", what="HFTranslator")
        self.model_name = str(model)
        self.device = resolve_device(device)
        self.max_length = max_length
        self.num_beams = num_beams
        super().__init__(
            src_lang=src_lang, tgt_lang=tgt_lang, batch_size=batch_size, cache=cache,
            cache_id=f"hf:{_model_id(model)}|beams={num_beams}|max={max_length}",
        )
        try:
            self.tokenizer = transformers.AutoTokenizer.from_pretrained(str(tokenizer or model))
            self.model = transformers.AutoModelForSeq2SeqLM.from_pretrained(
                str(model), **dtype_kwargs(torch_dtype(self.device, fp16))
            )
        except (OSError, ValueError) as exc:
            raise load_error("translation model", str(model), exc) from exc
        self.model.to(self.device).eval()
        self.family = model_family(self.tokenizer, getattr(self.model.config, "model_type", None))
        # language tokens to drop from the output (some tokenizers do not mark them special)
        vocab = self.tokenizer.get_vocab()
        if self.family == "nllb":
            self._lang_ids = {i for t, i in vocab.items() if len(t) == 8 and t[3] == "_"
                              and t[:3].islower() and t[4].isupper()}
        elif self.family == "m2m":
            self._lang_ids = {i for t, i in vocab.items()
                              if t.startswith("__") and t.endswith("__") and len(t) > 4}
            for tok in getattr(self.tokenizer, "lang_code_to_token", {}).values():
                self._lang_ids.add(self.tokenizer.convert_tokens_to_ids(tok))
        else:
            self._lang_ids = set()

    def _lang_setup(self, src_lang: str, tgt_lang: str) -> tuple[dict, str]:
        """Generation options and a source-text prefix for one language pair."""
        gen: dict = {}
        prefix = ""
        if self.family in ("nllb", "m2m", "mbart"):
            src_tok = lang_token(self.tokenizer, self.family, src_lang)
            tgt_tok = lang_token(self.tokenizer, self.family, tgt_lang)
            for code, tok in ((src_lang, src_tok), (tgt_lang, tgt_tok)):
                if tok is None:
                    raise ValueError(f"{self.model_name} has no language token for {code!r}")
            if self.family == "m2m":
                self.tokenizer.src_lang = src_tok.strip("_")
            else:
                self.tokenizer.src_lang = src_tok
            gen["forced_bos_token_id"] = self.tokenizer.convert_tokens_to_ids(tgt_tok)
        elif self.family == "marian":
            marker = target_lang_token(self.tokenizer, self.family, tgt_lang)
            if marker is not None:
                prefix = marker + " "
        return gen, prefix

    def _translate(self, texts: list[str], src_lang: str, tgt_lang: str) -> list[str]:
        torch = self.torch
        gen, prefix = self._lang_setup(src_lang, tgt_lang)
        enc = self.tokenizer([prefix + t for t in texts], return_tensors="pt", padding=True,
                             truncation=True, max_length=self.max_length)
        enc = {k: v.to(self.device) for k, v in enc.items()}
        with torch.inference_mode():
            out = self.model.generate(**enc, num_beams=self.num_beams,
                                      max_new_tokens=self.max_length, **gen)
        rows = out.tolist()
        if self._lang_ids:
            rows = [[i for i in row if i not in self._lang_ids] for row in rows]
        return self.tokenizer.batch_decode(rows, skip_special_tokens=True)
