"""CTranslate2 translation: the fast path for the same NLLB-200, M2M-100 and Marian models.

Convert a Hugging Face model once (`convert_to_ct2`, or ``ct2-transformers-converter --model
facebook/nllb-200-distilled-600M --output_dir nllb-ct2 --quantization int8_float16``), then:

>>> t = CT2Translator("nllb-ct2", tokenizer="facebook/nllb-200-distilled-600M",
...                   src_lang="eng", tgt_lang="hau")
>>> t.translate([["The", "Parliament", "met", "."]])

The tokenizer comes from the original model (name or folder); `convert_to_ct2` saves it next
to the converted weights, so the folder alone is then enough.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from annoproj._neural import load_error, require
from annoproj.translate.base import translators
from annoproj.translate.cache import TranslationCache
from annoproj.translate.seq2seq import TextTranslator, lang_token, model_family, target_lang_token

__all__ = ["CT2Translator", "convert_to_ct2"]


def convert_to_ct2(
    model: str | Path,
    output_dir: str | Path,
    *,
    quantization: str | None = None,
    force: bool = False,
    save_tokenizer: bool = True,
) -> Path:
    """Convert the Hugging Face seq2seq `model` (name or folder) into a CTranslate2 folder.

    `quantization` is e.g. "int8", "int8_float16" or "float16" (None keeps float32). The
    tokenizer is saved into the same folder unless `save_tokenizer` is False.
    """
    require("ctranslate2", what="convert_to_ct2")
    transformers = require("transformers", what="convert_to_ct2")
    from ctranslate2.converters import TransformersConverter

    output_dir = Path(output_dir)
    try:
        TransformersConverter(str(model)).convert(str(output_dir), quantization=quantization,
                                                  force=force)
    except ValueError as exc:
        raise ValueError(f"cannot convert {model} to CTranslate2: {exc}") from exc
    if save_tokenizer:
        tok = transformers.AutoTokenizer.from_pretrained(str(model))
        tok.save_pretrained(str(output_dir))
    return output_dir


@translators.register("ct2")
class CT2Translator(TextTranslator):
    """A CTranslate2 model folder plus the tokenizer of the model it was converted from."""

    name = "ct2"
    #: `make_translator`'s `model` is the converted model folder.
    model_option = "folder"

    def __init__(
        self,
        folder: str | Path,
        *,
        tokenizer: str | Path | None = None,
        src_lang: str | None = None,
        tgt_lang: str | None = None,
        device: str = "auto",
        compute_type: str = "default",
        batch_size: int = 32,
        max_length: int = 256,
        num_beams: int = 1,
        cache: str | Path | TranslationCache | None = None,
        inter_threads: int = 1,
        intra_threads: int = 0,
    ) -> None:
        ct2 = require("ctranslate2", what="CT2Translator")
        transformers = require("transformers", what="CT2Translator (for its tokenizer)")
        folder = Path(folder)
        if not (folder / "model.bin").is_file():
            raise load_error("CTranslate2 model", str(folder),
                             FileNotFoundError("no model.bin there; convert a Hugging Face "
                                               "model first (annoproj.translate.ct2.convert_to_ct2)"))
        self._auto = device == "auto"
        if self._auto:
            device = "cuda" if ct2.get_cuda_device_count() > 0 else "cpu"
        self.device = device
        self._folder = folder
        self._options = {"compute_type": compute_type, "inter_threads": inter_threads,
                         "intra_threads": intra_threads}
        self.max_length = max_length
        self.num_beams = num_beams
        super().__init__(
            src_lang=src_lang, tgt_lang=tgt_lang, batch_size=batch_size, cache=cache,
            cache_id=f"ct2:{folder.resolve()}|beams={num_beams}|max={max_length}",
        )
        tok_src = str(tokenizer) if tokenizer is not None else str(folder)
        try:
            self.tokenizer = transformers.AutoTokenizer.from_pretrained(tok_src)
        except (OSError, ValueError) as exc:
            hint = "" if tokenizer is not None else " (pass tokenizer=<the original model>)"
            raise load_error("tokenizer", tok_src + hint, exc) from exc
        self.translator = None
        self.translator = self._guard(lambda: self._load(self.device))
        self.family = model_family(self.tokenizer)

    def _load(self, device: str):
        ct2 = require("ctranslate2", what="CT2Translator")
        return ct2.Translator(str(self._folder), device=device, **self._options)

    def _guard(self, call):
        """Run `call`; a GPU library CTranslate2 cannot load falls back to CPU under device="auto"."""
        try:
            return call()
        except RuntimeError as exc:
            if self.device != "cuda" or "cannot be loaded" not in str(exc):
                raise
            if not self._auto:
                raise RuntimeError(
                    f"CTranslate2 cannot use the GPU here: {exc}. Its wheels are built against "
                    "one CUDA major version; install a ctranslate2 build that matches this "
                    "machine's CUDA (or the CUDA libraries it names, e.g. "
                    "`pip install nvidia-cublas-cu12`), or pass device='cpu'."
                ) from exc
            warnings.warn(f"CTranslate2 cannot use the GPU ({exc}); translating on CPU",
                          RuntimeWarning, stacklevel=3)
            self.device = "cpu"
            if self.translator is not None:
                self.translator = self._load("cpu")
            return call()

    def _translate(self, texts: list[str], src_lang: str, tgt_lang: str) -> list[str]:
        tok = self.tokenizer
        prefix_tok = None
        text_prefix = ""
        if self.family in ("nllb", "m2m", "mbart"):
            src_tok = lang_token(tok, self.family, src_lang)
            prefix_tok = lang_token(tok, self.family, tgt_lang)
            for code, found in ((src_lang, src_tok), (tgt_lang, prefix_tok)):
                if found is None:
                    raise ValueError(f"the tokenizer has no language token for {code!r}")
            tok.src_lang = src_tok.strip("_") if self.family == "m2m" else src_tok
        elif self.family == "marian":
            marker = target_lang_token(tok, self.family, tgt_lang)
            text_prefix = "" if marker is None else marker + " "
        ids = tok([text_prefix + t for t in texts], truncation=True,
                  max_length=self.max_length).input_ids
        source = [tok.convert_ids_to_tokens(row) for row in ids]
        prefix = None if prefix_tok is None else [[prefix_tok]] * len(source)
        results = self._guard(lambda: self.translator.translate_batch(
            source, target_prefix=prefix, beam_size=self.num_beams,
            max_batch_size=self.batch_size, max_decoding_length=self.max_length,
        ))
        out = []
        for res in results:
            hyp = list(res.hypotheses[0])
            if prefix_tok is not None and hyp and hyp[0] == prefix_tok:
                hyp = hyp[1:]
            out.append(tok.decode(tok.convert_tokens_to_ids(hyp), skip_special_tokens=True))
        return out
