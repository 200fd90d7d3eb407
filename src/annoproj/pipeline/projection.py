"""A projection job over in-memory sentences: project in batches, filter uncertain pairs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from annoproj import defaults
from annoproj.data.model import Alignment, ProjectedSpan, Sentence
from annoproj.project.options import options_for
from annoproj.project.projectors import make_projector
from annoproj.project.result import ProjectionResult


@dataclass
class ProjectionJob:
    """Settings of one projection run."""

    method: str = defaults.METHOD
    scorers: Sequence[str] = defaults.SCORERS
    solver: str = defaults.SOLVER
    label_map: str | None = None
    min_confidence: float = 0.0
    aligner: dict = field(default_factory=lambda: dict(defaults.ALIGNER))
    batch_size: int = defaults.PROJECT_BATCH_SIZE
    options: dict = field(default_factory=dict)
    #: How the links were refined ("none", "pivot", "backtranslation"): refined links
    #: get the matching's lower default floor (`annoproj.project.options.options_for`).
    refine: str = "none"

    def projector_options(self) -> dict:
        """The projector's options (`annoproj.project.options.options_for`)."""
        return options_for(self.method, scorers=self.scorers, solver=self.solver,
                           refine=self.refine, **self.options)


def uncertain(spans: Sequence[ProjectedSpan], n_source: int, min_confidence: float) -> str | None:
    """Why a projected sentence is too uncertain to keep, or None to keep it."""
    if min_confidence <= 0:
        return None
    got = {s.source for s in spans}
    if len(got) < n_source:
        return f"{n_source - len(got)} of {n_source} source entities were not projected"
    low = [s.score for s in spans if s.score < min_confidence]
    if low:
        return f"a projected span scores {min(low):.3f} < {min_confidence}"
    return None


def project_sentences(
    job: ProjectionJob,
    src: Sequence[Sentence],
    tgt: Sequence[Sentence],
    alignments: Sequence[Alignment],
    *,
    progress: Callable | None = None,
) -> ProjectionResult:
    """Project `src` spans onto `tgt` in batches; skipped pairs keep an empty list."""
    projector = make_projector(job.method, **job.projector_options())
    spans = [list(s.spans) for s in src]
    if job.label_map:
        from annoproj.data.labels import LabelMap

        lmap = LabelMap.parse(job.label_map)
        spans = [lmap.map_spans(s) for s in spans]
    fit = getattr(projector, "fit", None)
    if fit is not None:  # corpus-level statistics from the whole corpus, not from each batch
        fit([s.tokens for s in src], [t.tokens for t in tgt], alignments, spans)
    out = ProjectionResult(spans=[])
    starts = range(0, len(src), job.batch_size)
    if progress is not None:
        starts = progress(starts, label="projecting", total=len(starts))
    for b in starts:
        e = b + job.batch_size
        res = projector.project(
            [s.tokens for s in src[b:e]], [t.tokens for t in tgt[b:e]], spans[b:e],
            alignments[b:e],
        )  # fmt: skip
        out.spans.extend(res.spans)
        out.skipped.extend((b + i, why) for i, why in res.skipped)
    if job.min_confidence > 0:
        skipped = out.skipped_indices
        for i, (ps, ss) in enumerate(zip(out.spans, spans)):
            if i not in skipped:
                why = uncertain(ps, len(ss), job.min_confidence)
                if why:
                    out.skipped.append((i, f"uncertain: {why}"))
        out.skipped.sort()
    return out
