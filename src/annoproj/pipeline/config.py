"""Pipeline configuration: one TOML (or YAML) file or plain dicts, validated with clear errors.

A translate-train file::

    kind = "translate-train"
    output_dir = "runs/hau"
    src_lang = "en"
    tgt_lang = "hau"

    [source]                      # labelled (or unlabelled) source-language text
    path = "../shared/data/conll2003/train.txt"
    ids = "../shared/data/tprojection/hau.src_ids"   # optional: line k -> source sentence index
    labels = "MISC=O"

    [translate]                   # precomputed translations, or a model (annoproj[neural])
    translator = "precomputed"
    path = "../shared/data/tprojection/hau.train.conll"

    [project]
    method = "match"

    [train]
    trainer = "crf"

    [evaluate]
    test = "../shared/data/masakhaner2/hau/test.txt"
    labels = "DATE=O"

Every table and key is optional except where the stage needs it; unknown keys are errors.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

from annoproj import defaults
from annoproj.errors import ConfigError

KINDS = ("translate-train", "translate-test")


def check_path_name(value: object, what: str) -> str:
    """`value` if it can be part of a file name in the run folder: letters, digits and
    ``_ . + -``, not starting with a dot (no separator, no ``..``, not absolute); else a
    ConfigError naming `what`."""
    import re

    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.+-]*", value) \
            or ".." in value or len(value) > 64:
        raise ConfigError(f"{what} {value!r} cannot name a file: use letters, digits and "
                          "_ . + - (e.g. hau or hau_Latn), no path")
    return value


@dataclass
class SourceConfig:
    """Source-language sentences (translate-train) with gold spans or a labeller."""

    path: str | None = None
    format: str = "auto"
    ids: str | None = None
    limit: int | None = None
    labels: str | None = None
    labeller: str = "gold"


@dataclass
class TargetConfig:
    """Target-language sentences (translate-test), with gold spans for evaluation if any."""

    path: str | None = None
    format: str = "auto"
    limit: int | None = None


@dataclass
class TranslateConfig:
    """Where translations come from: a file (`precomputed`) or a registered translator."""

    translator: str = "precomputed"
    path: str | None = None
    model: str | None = None
    #: translate-train: rejoin words the translations' tokeniser split ("none", "pieces"
    #: or "words"; `annoproj.translate.tokenize.rejoin_groups`).
    rejoin: str = "none"
    options: dict = field(default_factory=dict)


@dataclass
class LabelConfig:
    """Labeller of the English side in translate-test: spacy, a model, or a file of spans."""

    labeller: str = "spacy"
    labels: str | None = None
    options: dict = field(default_factory=dict)


@dataclass
class AlignConfig:
    """Word aligner and its options, and the refinement of its links."""

    aligner: str = "eflomal"
    symmetrize: str = defaults.ALIGNER["symmetrize"]
    seed: int = 0
    prefix_len: int = defaults.ALIGNER["prefix_len"]
    identical_words: bool = defaults.ALIGNER["identical_words"]
    #: Align words by their name keys, prefixes glued onto names cut off (Xhosa "eLondon" ->
    #: "London"; `annoproj.align.keys`); the tokens themselves are unchanged.
    name_keys: bool = False
    #: Pharaoh links made beforehand (`annoproj align`, e.g. refined with --pivot, or any
    #: aligner), line k for sentence pair k: used instead of aligning.
    links: str | None = None
    #: Refine eflomal's links (`annoproj.align.refine`, docs/refinement.md): "none",
    #: "pivot" (through `pivots`: files of the same sentences in other languages, line k
    #: parallel to sentence pair k) or "backtranslation" (through `backtranslations`, the
    #: target sentences translated into the source language, with the translator's word
    #: links in `backtranslation_links` if any; or back-translated now by `translator`).
    refine: str = "none"
    pivots: list = field(default_factory=list)
    backtranslations: str | None = None
    backtranslation_links: str | None = None
    #: A registered translator ("apertium", or a model-backed one with `translator_model`)
    #: that back-translates the targets now (refine = "backtranslation").
    translator: str | None = None
    translator_model: str | None = None
    translator_options: dict = field(default_factory=dict)
    #: How the refinement's paths join the direct links: "auto" or a policy of
    #: `annoproj.align.compose.COMBINERS`.
    combine: str = "auto"
    #: The back-translation -> target leg: "auto", "translator" or "eflomal".
    target_links: str = "auto"
    options: dict = field(default_factory=dict)

    def aligner_options(self, method: str | None = None) -> dict:
        """Options of the aligner; "auto" symmetrisation resolved for the projection `method`."""
        if self.aligner != "eflomal":
            return dict(self.options)
        return {"symmetrize": defaults.symmetrize_for(method, self.symmetrize), "seed": self.seed, "prefix_len": self.prefix_len,
                "identical_words": self.identical_words, **self.options}

    def stage_config(self, method: str | None = None):
        """The alignment stage's config (`annoproj.align.stage.AlignConfig`) of this table
        for the projection `method`."""
        from annoproj.align.stage import AlignConfig as StageConfig

        opts = self.aligner_options(method)
        if self.aligner != "eflomal":
            return StageConfig(aligner=self.aligner, options=opts, name_keys=self.name_keys)
        seed, symmetrize = opts.pop("seed"), opts.pop("symmetrize")
        return StageConfig(options=opts, seed=seed, symmetrize=symmetrize, method=method,
                           name_keys=self.name_keys, refine=self.refine, combine=self.combine,
                           target_links=self.target_links)

    def check(self) -> None:
        """ConfigError for refinement settings that do not fit together."""
        from annoproj.align.compose import COMBINERS
        from annoproj.align.stage import REFINEMENTS

        if self.refine not in REFINEMENTS:
            raise ConfigError(f"[align] refine must be one of {', '.join(REFINEMENTS)}, "
                              f"not {self.refine!r}")
        if self.combine != "auto" and self.combine not in COMBINERS:
            raise ConfigError(f"[align] combine must be auto or one of {', '.join(COMBINERS)}, "
                              f"not {self.combine!r}")
        if self.target_links not in ("auto", "translator", "eflomal"):
            raise ConfigError("[align] target_links must be auto, translator or eflomal, "
                              f"not {self.target_links!r}")
        given = {"pivots": bool(self.pivots), "backtranslations": bool(self.backtranslations),
                 "backtranslation_links": bool(self.backtranslation_links),
                 "translator": bool(self.translator)}
        wanted = {"none": (), "pivot": ("pivots",),
                  "backtranslation": ("backtranslations", "backtranslation_links", "translator")}
        stray = [k for k, v in given.items() if v and k not in wanted[self.refine]]
        if stray:
            raise ConfigError(f"[align] {stray[0]} is set but refine is {self.refine!r}")
        if self.refine == "none":
            return
        if self.links:
            raise ConfigError("[align] refine changes how eflomal aligns; with links the links "
                              "are given (make them with annoproj align --pivot)")
        if self.aligner != "eflomal":
            raise ConfigError("[align] refine works on eflomal's links: use aligner = "
                              f'"eflomal", not {self.aligner!r}')
        if self.refine == "pivot" and not self.pivots:
            raise ConfigError('[align] refine = "pivot" needs pivots (files of the same '
                              "sentences in other languages)")
        if self.refine == "backtranslation":
            if bool(self.backtranslations) == bool(self.translator):
                raise ConfigError('[align] refine = "backtranslation" needs backtranslations '
                                  "(a file) or a translator, one of the two")
            if self.backtranslation_links and not self.backtranslations:
                raise ConfigError("[align] backtranslation_links go with backtranslations")


@dataclass
class ProjectConfig:
    """Projection method and its options."""

    method: str = defaults.METHOD
    scorers: list = field(default_factory=lambda: list(defaults.SCORERS))
    solver: str = defaults.SOLVER
    min_confidence: float = 0.0
    #: Widen spans that stop short of a name the projected data labels whole elsewhere
    #: ("U.N." -> "Umoja wa Mataifa"; `annoproj.project.extend`). Unset: true for
    #: translate-train (the recipe chosen on MasakhaNER dev), false with `plain` and for
    #: translate-test.
    extend: bool | None = None
    complete: bool = False
    #: Projected MISC spans: "keep" them, or "loc": the words inside them that the projected
    #: data knows as a location become LOC, the rest is dropped (`annoproj.project.finish`).
    #: Unset: "loc" for translate-train, "keep" with `plain` and for translate-test.
    misc: str | None = None
    #: Leave out (as skipped, with the reason) the sentences where a source entity found no
    #: target span (MISC not counted with misc = "loc"). Unset: true for translate-train,
    #: false with `plain` and for translate-test.
    drop_partial: bool | None = None
    #: Plain projection for translate-train: the unset `misc`, `extend` and `drop_partial`
    #: take "keep", false, false instead of the recipe chosen on dev ("loc", true, true).
    plain: bool = False
    #: Head words the target's annotation puts inside LOC and ORG names (Hausa "jihar" in
    #: "jihar Kano"; `annoproj.project.heads`), and/or a file of them, one per line.
    heads: list = field(default_factory=list)
    heads_file: str | None = None
    options: dict = field(default_factory=dict)

    def head_words(self) -> frozenset[str]:
        """`heads` and the words of `heads_file`, lower-cased and NFC-normalised."""
        from annoproj.project.heads import read_heads

        words = set(read_heads(self.heads))
        if self.heads_file:
            words |= read_heads(self.heads_file)
        return frozenset(words)

    def projector_options(self, refine: str = "none") -> dict:
        """The projector's options (`annoproj.project.options.options_for`) for links
        refined by `refine`."""
        from annoproj.project.options import options_for

        return options_for(self.method, scorers=self.scorers, solver=self.solver,
                           refine=refine, **self.options)


@dataclass
class TrainConfig:
    """Target NER trainer (none: stop after writing the projected data)."""

    trainer: str | None = None
    options: dict = field(default_factory=dict)
    #: Cross-fold self-training before the final fit (`annoproj.train.selftrain`): spans
    #: that taggers trained on the other folds predict with this confidence are added.
    self_train: bool = False
    self_train_confidence: float = 0.5
    self_train_folds: int = 2


@dataclass
class EvaluateConfig:
    """Target-language test set and the label map applied to it."""

    test: str | None = None
    labels: str | None = None


@dataclass
class PipelineConfig:
    """A whole translate-train or translate-test run."""

    kind: str = "translate-train"
    output_dir: str = "annoproj-run"
    src_lang: str = "en"
    tgt_lang: str = "xx"
    source: SourceConfig = field(default_factory=SourceConfig)
    target: TargetConfig = field(default_factory=TargetConfig)
    translate: TranslateConfig = field(default_factory=TranslateConfig)
    label: LabelConfig = field(default_factory=LabelConfig)
    align: AlignConfig = field(default_factory=AlignConfig)
    project: ProjectConfig = field(default_factory=ProjectConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    evaluate: EvaluateConfig = field(default_factory=EvaluateConfig)

    def validate(self) -> PipelineConfig:
        """Check what the chosen kind needs; raises ConfigError naming the key."""
        if self.kind not in KINDS:
            raise ConfigError(f"kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        check_path_name(self.src_lang, "src_lang")
        check_path_name(self.tgt_lang, "tgt_lang")
        if self.kind == "translate-train" and not self.source.path:
            raise ConfigError("translate-train needs [source] path (labelled source sentences)")
        if self.kind == "translate-test" and not self.target.path:
            raise ConfigError("translate-test needs [target] path (target-language sentences)")
        if self.translate.translator == "precomputed" and not self.translate.path:
            raise ConfigError('[translate] translator = "precomputed" needs a path to the translations')
        if self.translate.translator not in ("precomputed", "apertium") and not self.translate.model:
            raise ConfigError(f"[translate] translator = {self.translate.translator!r} needs a model")
        from annoproj.translate.tokenize import REJOIN_MODES

        if self.translate.rejoin not in REJOIN_MODES:
            raise ConfigError(f"[translate] rejoin must be one of {', '.join(REJOIN_MODES)}, "
                              f"not {self.translate.rejoin!r}")
        if self.translate.rejoin != "none" and self.kind == "translate-test":
            raise ConfigError("[translate] rejoin mends the tokens of translations; "
                              "translate-test labels the target sentences as given")
        self.align.check()
        if self.align.links and self.align.name_keys:
            raise ConfigError("[align] name_keys changes how eflomal aligns; with links the "
                              "links are given (make them with annoproj align --name-keys)")
        p = self.project
        recipe = self.kind == "translate-train" and not p.plain
        if p.misc is None:
            p.misc = "loc" if recipe else "keep"
        if p.extend is None:
            p.extend = recipe
        if p.drop_partial is None:
            p.drop_partial = recipe
        if self.project.min_confidence < 0 or self.project.min_confidence > 1:
            raise ConfigError("[project] min_confidence must lie in [0, 1]")
        from annoproj.project.finish import MISC_MODES

        if self.project.misc not in MISC_MODES:
            raise ConfigError(f"[project] misc must be one of {', '.join(MISC_MODES)}, "
                              f"not {self.project.misc!r}")
        if self.project.drop_partial and self.kind == "translate-test":
            raise ConfigError("[project] drop_partial leaves sentences out of training data; "
                              "translate-test labels every target sentence, so it cannot")
        try:
            self.project.head_words()
        except (OSError, ValueError) as exc:
            raise ConfigError(f"[project] heads: {exc}") from None
        if not 0 <= self.train.self_train_confidence <= 1:
            raise ConfigError("[train] self_train_confidence must lie in [0, 1]")
        if self.train.self_train_folds < 2:
            raise ConfigError("[train] self_train_folds must be >= 2")
        if self.train.self_train and not self.train.trainer:
            raise ConfigError("[train] self_train needs a trainer (e.g. trainer = \"crf\")")
        self._check_names()
        return self

    def _check_names(self) -> None:
        """Unknown component names are errors before any stage runs (not after the
        alignment of the whole corpus)."""
        from annoproj.project.projectors import check_projection
        from annoproj.registry import Registry, RegistryError

        def known(table: str, registry: Registry, name: str) -> None:
            try:
                registry.get(name)
            except RegistryError as exc:
                raise ConfigError(f"[{table}] {exc}") from None

        if self.translate.translator != "precomputed":
            from annoproj.translate.base import translators
            try:
                import annoproj.translate  # noqa: F401  (registers the model-backed translators)
            except ImportError:  # pragma: no cover - the translator is reported missing below
                pass
            known("translate", translators, self.translate.translator)
        from annoproj.align.base import registered_aligners
        known("align", registered_aligners(), self.align.aligner)
        if self.align.translator:
            from annoproj.translate.base import translators
            try:
                import annoproj.translate  # noqa: F401  (registers the model-backed translators)
            except ImportError:  # pragma: no cover - the translator is reported missing below
                pass
            known("align", translators, self.align.translator)
        p = self.project
        try:
            check_projection(p.method, scorers=p.scorers, solver=p.solver, options=p.options)
        except ValueError as exc:
            raise ConfigError(f"[project] {exc}") from None
        if self.train.trainer:
            from annoproj.train import trainers
            known("train", trainers, self.train.trainer)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def _build(cls: type, data: Any, where: str):
    if not isinstance(data, dict):
        raise ConfigError(f"{where or 'the configuration'} must be a table, got {type(data).__name__}")
    hints = get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in data.items():
        key_n = key.replace("-", "_")
        if key_n not in names:
            raise ConfigError(f"unknown key {key!r} in {where or 'the top level'}; "
                              f"known: {', '.join(sorted(names))}")
        hint = hints[key_n]
        label = f"{where}.{key_n}" if where else key_n
        if dataclasses.is_dataclass(hint):
            kwargs[key_n] = _build(hint, value, f"[{key_n}]")
        else:
            kwargs[key_n] = _check_type(value, hint, label)
    return cls(**kwargs)


def _check_type(value: Any, hint: Any, label: str) -> Any:
    text = str(hint)
    if value is None:
        if "None" in text:
            return None
        raise ConfigError(f"{label} must not be empty")
    if hint is bool or text == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{label} must be true or false, not {value!r}")
        return value
    if "int" in text and "float" not in text and "str" not in text:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{label} must be an integer, not {value!r}")
        return value
    if "float" in text:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{label} must be a number, not {value!r}")
        return float(value)
    if "dict" in text:
        if not isinstance(value, dict):
            raise ConfigError(f"{label} must be a table")
        return value
    if "list" in text:
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list):
            raise ConfigError(f"{label} must be a list")
        return value
    if "str" in text:
        if not isinstance(value, (str, Path)):
            raise ConfigError(f"{label} must be a string, not {value!r}")
        return str(value)
    return value


def config_from_dict(data: dict) -> PipelineConfig:
    """A validated PipelineConfig from nested dicts (the parsed file)."""
    return _build(PipelineConfig, data, "").validate()


def load_config(path: str | Path, *, overrides: dict | None = None) -> PipelineConfig:
    """Read a .toml, .yaml/.yml or .json pipeline file; `overrides` are dotted keys."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such configuration file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset "
                          f"{exc.start})") from None
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            try:
                import tomllib
            except ModuleNotFoundError:  # Python 3.10
                import tomli as tomllib  # type: ignore[no-redef]
            data = tomllib.loads(text)
        elif suffix in (".yaml", ".yml"):
            try:
                import yaml
            except ImportError as exc:
                raise ConfigError("YAML configuration needs PyYAML: pip install pyyaml "
                                  "(or write the file as TOML)") from exc
            data = yaml.safe_load(text) or {}
        elif suffix == ".json":
            data = json.loads(text)
        else:
            raise ConfigError(f"{path}: use a .toml, .yaml or .json configuration file")
    except ConfigError:
        raise
    except Exception as exc:  # parse errors of any of the three formats
        raise ConfigError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a table of settings, not a {type(data).__name__}")
    base = path.parent
    data = _resolve_paths(data, base)
    for dotted, value in (overrides or {}).items():
        _set(data, dotted, value)
    try:
        return config_from_dict(data)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


_PATH_KEYS = {("source", "path"), ("source", "ids"), ("target", "path"), ("translate", "path"),
              ("align", "links"), ("align", "backtranslations"),
              ("align", "backtranslation_links"), ("align", "pivots"),
              ("project", "heads_file"), ("evaluate", "test"),
              (None, "output_dir")}


def _resolve_paths(data: dict, base: Path) -> dict:
    """Relative paths in a file are relative to the file's folder."""
    out = json.loads(json.dumps(data, default=str))
    for table, key in _PATH_KEYS:
        holder = out if table is None else out.get(table)
        if not isinstance(holder, dict):
            continue
        value = holder.get(key)
        if isinstance(value, str) and (table, key) == ("align", "pivots"):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if isinstance(value, str):
            holder[key] = _resolved(value, base)
        elif isinstance(value, list):
            holder[key] = [_resolved(v, base) if isinstance(v, str) else v for v in value]
    return out


def _resolved(path: str, base: Path) -> str:
    p = Path(path).expanduser()
    return str(p if p.is_absolute() else (base / p))


def _set(data: dict, dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node = data
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
