"""The `annoproj` command line: one typer app, each command in its own module."""

from __future__ import annotations

import typer

from annoproj.cli import pipeline as _pipeline
from annoproj.cli.align import align
from annoproj.cli.bench import bench_app
from annoproj.cli.common import AnnoprojGroup
from annoproj.cli.convert import convert
from annoproj.cli.evaluate import evaluate, evaluate_alignment
from annoproj.cli.models import models_app
from annoproj.cli.project import project
from annoproj.cli.report import report as _report
from annoproj.cli.train import tag, train
from annoproj.cli.translate import label_cmd, translate_cmd

app = typer.Typer(
    cls=AnnoprojGroup,  # user errors without tracebacks; SIGTERM cleans up (issue 29)
    name="annoproj",
    help="Named-entity annotation projection: align, project, evaluate, benchmark.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,  # help texts are plain: "annoproj[neural]" must not read as markup
)
app.add_typer(bench_app, name="bench")
app.add_typer(models_app, name="models")


def _version(value: bool) -> None:
    if value:
        from annoproj import __version__

        typer.echo(f"annoproj {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """annoproj: carry NER annotations across languages."""


# The commands, in the order --help lists them.
app.command()(align)
app.command()(project)
app.command()(evaluate)
app.command()(train)
app.command()(tag)
app.command("translate")(translate_cmd)
app.command("label")(label_cmd)
app.command()(convert)
app.command("evaluate-alignment")(evaluate_alignment)
# Commands defined in their own modules, listed after the core ones in --help.
app.command("translate-train")(_pipeline.translate_train)
app.command("translate-test")(_pipeline.translate_test)
app.command("report")(_report)


if __name__ == "__main__":  # pragma: no cover
    app()
