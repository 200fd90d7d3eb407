"""Issue 29: the command line driven with bad inputs and arguments, as a hostile or careless
user would. Every case ends with exit code 0, 2 (usage) or 3 (input) as docs/cli.md
documents, with an ``error:`` line rather than a traceback; cases that must fail say which
code they expect. Small files made in tmp_path; the whole module runs in well under two
minutes."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from annoproj.cli.main import app

runner = CliRunner()

SRC = "".join(f"the\tO\nAnna\tB-PER\nsaw\tO\nBerlin\tB-LOC\nw{k}\tO\n\n" for k in range(8))
TGT = "".join(f"der\tO\nAnna\tO\nsah\tO\nBerlin\tO\nw{k}\tO\n\n" for k in range(8))
TGT_TXT = "".join(f"der Anna sah Berlin w{k}\n" for k in range(8))
LINKS = "0-0 1-1 2-2 3-3 4-4\n" * 8
JSONL = "".join(json.dumps({"tokens": ["Anna", "saw", f"w{k}"], "spans": [[0, 1, "PER"]]}) + "\n"
                for k in range(8))
DE = "".join(f"Die\tO\nAnna\tB-PER\nsah\tO\nheute\tO\nBerlin\tB-LOC\nund\tO\nw{k}\tO\n\n"
             for k in range(8))

# -- bad files: name -> bytes --------------------------------------------------------------

def _lines(head: str, n: int = 7) -> str:
    """A bad sentence first, then good ones (8 sentences in all)."""
    return head + SRC.split("\n\n", 1)[1] if n == 7 else head


BAD_CONLL = {
    "latin1.conll": SRC.encode() + "caf\xe9\tO\n\n".encode("latin-1"),
    "latin1_auto.txt": SRC.encode() + "caf\xe9\tO\n\n".encode("latin-1"),
    "tag_zero.conll": _lines("a\t0\nb\tO\n\n").encode(),
    "tag_lower.conll": _lines("a\tb-per\nb\tO\n\n").encode(),
    "tag_garbage.conll": _lines("a\tGARBAGE\nb\tO\n\n").encode(),
    "tag_tab_space.conll": _lines("a\tNN O\nb\tO\n\n").encode(),
    "tag_empty.conll": _lines("a\t\nb\tO\n\n").encode(),
    "tag_no_type.conll": _lines("a\tB-\nb\tO\n\n").encode(),
    "tag_bare_b.conll": _lines("a\tB\nb\tO\n\n").encode(),
    "tag_unicode.conll": _lines("a\tB-PÉR\nb\tO\n\n").encode(),
    "tag_digit_type.conll": _lines("a\tB-1X\nb\tO\n\n").encode(),
    "hash_token.conll": _lines("#\tX\nb\tO\n\n").encode(),
    "one_column.conll": _lines("a\nb\n\n").encode(),
    "empty_token.conll": _lines("\tO\nb\tO\n\n").encode(),
    "nul_bytes.conll": b"a\x00\tO\n\x00\x00\n\n" + SRC.encode(),
    "binary.conll": bytes(range(256)) * 4,
    "empty.conll": b"",
    "blank_lines.conll": b"\n\n\n\n",
    "docstart_only.conll": b"-DOCSTART- -X- O O\n\n",
    "bom_crlf.conll": b"\xef\xbb\xbf" + SRC.replace("\n", "\r\n").encode(),
    "long_token.conll": _lines("a" * 200_000 + "\tO\n\n").encode(),
    "many_columns.conll": _lines("a\tNN\tB-NP\tO\nb\tO\n\n").encode(),
    "spaces_only.conll": _lines("a O\nb B-PER\n\n").encode(),
    "comment_mid.conll": _lines("a\tO\n# not a comment here\nb\tO\n\n").encode(),
    "iob_repair.conll": _lines("a\tI-PER\nb\tI-LOC\n\n").encode(),
    "bioes.conll": _lines("a\tS-PER\nb\tO\n\n").encode(),
    "empty_marker.conll": _lines("# annoproj: empty sentence\n\n").encode(),
    "docstart_token.conll": _lines("-DOCSTART-x\tO\n\n").encode(),
    "unicode_ws.conll": _lines("a\u00a0b\tO\nc\u2028d\tO\n\n").encode(),
    "html.conll": _lines("<script>alert(1)</script>\tB-PER\n&amp;\tO\n\n").encode(),
}

BAD_JSONL = {
    "not_json.jsonl": b"{not json\n",
    "array.jsonl": b"[1, 2, 3]\n",
    "string.jsonl": b'"tokens"\n',
    "no_tokens.jsonl": b'{"spans": []}\n',
    "tokens_int.jsonl": b'{"tokens": [1, 2]}\n',
    "tokens_str.jsonl": b'{"tokens": "abc"}\n',
    "spans_int.jsonl": b'{"tokens": ["a"], "spans": 5}\n',
    "spans_str.jsonl": b'{"tokens": ["a"], "spans": "0 1 PER"}\n',
    "spans_dict.jsonl": b'{"tokens": ["a"], "spans": {"a": 1}}\n',
    "span_float.jsonl": b'{"tokens": ["a", "b"], "spans": [[0.5, 1.9, "PER"]]}\n',
    "span_bool.jsonl": b'{"tokens": ["a", "b"], "spans": [[false, true, "PER"]]}\n',
    "span_strnum.jsonl": b'{"tokens": ["a", "b"], "spans": [["0", "1", "PER"]]}\n',
    "span_outside.jsonl": b'{"tokens": ["a"], "spans": [[0, 5, "PER"]]}\n',
    "span_negative.jsonl": b'{"tokens": ["a"], "spans": [[-1, 1, "PER"]]}\n',
    "span_reversed.jsonl": b'{"tokens": ["a", "b"], "spans": [[1, 0, "PER"]]}\n',
    "span_huge.jsonl": b'{"tokens": ["a"], "spans": [[0, 1e400, "PER"]]}\n',
    "span_bigint.jsonl": b'{"tokens": ["a"], "spans": [[0, 99999999999999999999999, "PER"]]}\n',
    "span_label_int.jsonl": b'{"tokens": ["a"], "spans": [[0, 1, 5]]}\n',
    "span_label_zero.jsonl": b'{"tokens": ["a"], "spans": [[0, 1, "0"]]}\n',
    "span_label_space.jsonl": b'{"tokens": ["a"], "spans": [[0, 1, "P ER"]]}\n',
    "span_short.jsonl": b'{"tokens": ["a"], "spans": [[0, 1]]}\n',
    "span_dict_missing.jsonl": b'{"tokens": ["a"], "spans": [{"start": 0}]}\n',
    "span_null.jsonl": b'{"tokens": ["a"], "spans": [null]}\n',
    "tags_len.jsonl": b'{"tokens": ["a", "b"], "tags": ["O"]}\n',
    "tags_garbage.jsonl": b'{"tokens": ["a"], "tags": ["GARBAGE"]}\n',
    "tags_int.jsonl": b'{"tokens": ["a"], "tags": [0]}\n',
    "deep.jsonl": b"[" * 100_000 + b"]" * 100_000 + b"\n",
    "deep_obj.jsonl": b'{"tokens": ["a"], "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
    "nan.jsonl": b'{"tokens": ["a"], "spans": [[NaN, 1, "PER"]]}\n',
    "latin1.jsonl": '{"tokens": ["caf\xe9"]}\n'.encode("latin-1"),
    "empty.jsonl": b"",
    "id_obj.jsonl": b'{"tokens": ["a"], "id": {"x": 1}}\n',
    "empty_tokens.jsonl": b'{"tokens": []}\n' * 8,
    "token_tab.jsonl": b'{"tokens": ["a\\tb"], "spans": []}\n' * 8,
    "token_newline.jsonl": b'{"tokens": ["a\\nb"], "spans": []}\n' * 8,
    "token_empty.jsonl": b'{"tokens": [""], "spans": []}\n' * 8,
    "token_docstart.jsonl": b'{"tokens": ["-DOCSTART-"], "spans": []}\n' * 8,
}

BAD_LINKS = {
    "dash.ph": b"0-\n" * 8,
    "letters.ph": b"a-b\n" * 8,
    "negative.ph": b"-1-2\n" * 8,
    "nan.ph": b"0-0:nan 1-1:0.5\n" * 8,
    "inf.ph": b"0-0:inf\n" * 8,
    "neg_score.ph": b"0-0:-5\n" * 8,
    "text_score.ph": b"0-0:high\n" * 8,
    "mixed_scores.ph": b"0-0:0.5 1-1\n" * 8,
    "huge.ph": b"9223372036854775808-0\n" * 8,
    "huge2.ph": b"0-99999999999999999999999999\n" * 8,
    "outside.ph": b"0-99 1-1\n" * 8,
    "short.ph": LINKS.encode()[: len(LINKS) // 2],
    "long.ph": (LINKS * 2).encode(),
    "arabic_digits.ph": "\u0660-\u0661\n".encode() * 8,
    "latin1.ph": b"0-0 \xe9\n" * 8,
    "empty.ph": b"",
    "colon_only.ph": b":\n" * 8,
    "question.ph": b"0?0 1?1\n" * 8,
    "spaces.ph": b"   \n" * 8,
    "tabs.ph": b"0-0\t1-1\n" * 8,
}

CONFIGS = {
    "latin1.toml": 'kind = "translate-train"\n# caf\xe9\n'.encode("latin-1"),
    "bad.toml": b"kind = = 1\n",
    "bad.yaml": b"kind: [unclosed\n",
    "python.yaml": b"kind: !!python/object/apply:os.system ['echo pwned > pwned.txt']\n",
    "deep.json": b"[" * 100_000 + b"]" * 100_000,
    "list.json": b"[1, 2]",
    "unknown.toml": b'kind = "translate-train"\nbogus = 1\n',
    "wrongtype.toml": b'kind = "translate-train"\n[project]\nmin_confidence = "high"\n',
    "escape.toml": b'kind = "translate-train"\ntgt_lang = "../../escaped"\n[source]\npath = "src.conll"\n[translate]\ntranslator = "precomputed"\npath = "tgt.txt"\n',
    "abs.toml": b'kind = "translate-train"\ntgt_lang = "/abs/x"\n[source]\npath = "src.conll"\n[translate]\ntranslator = "precomputed"\npath = "tgt.txt"\n',
    "kind.toml": b'kind = "translate-everything"\n',
    "empty.toml": b"",
    "config.txt": b"kind = 1\n",
    "noconfig.toml": None,
}


@pytest.fixture(scope="module")
def d(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    files = {"src.conll": SRC, "tgt.conll": TGT, "tgt.txt": TGT_TXT, "links.ph": LINKS,
             "src.jsonl": JSONL, "de.conll": DE, "existing.txt": "keep me\n",
             "gold.txt": LINKS}
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    for table in (BAD_CONLL, BAD_JSONL, BAD_LINKS, CONFIGS):
        for name, data in table.items():
            if data is not None:
                (root / name).write_bytes(data)
    (root / "adir").mkdir()
    r = runner.invoke(app, ["train", "--train", str(root / "src.conll"), "-o",
                            str(root / "model"), "--max-iterations", "5"])
    assert r.exit_code == 0, r.output
    return root


def _invoke(d, args, *, cwd=None):
    argv = [a.format(d=d) if isinstance(a, str) else a for a in args]
    result = runner.invoke(app, argv, catch_exceptions=True)
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    ok_exc = result.exception is None or isinstance(result.exception, SystemExit)
    assert ok_exc, f"{argv}: {type(result.exception).__name__}: {result.exception}"
    assert "Traceback" not in text, text
    # 4: a model is missing (docs/cli.md), only where -m names no model folder
    assert result.exit_code in (0, 2, 3) or (result.exit_code == 4 and "model" in text), (
        argv, result.exit_code, text)
    return result.exit_code, text


# -- the battery ------------------------------------------------------------------------

def _cases():
    cases = []
    # each bad sentence file as every command's input
    for name in [*BAD_CONLL, *BAD_JSONL]:
        cases += [
            (f"evaluate-gold-{name}", ["evaluate", "{d}/" + name, "{d}/src.conll"], None),
            (f"project-src-{name}", ["project", "{d}/" + name, "{d}/tgt.conll", "-a",
                                     "{d}/links.ph", "-o", "{d}/out/p-" + name + ".conll"], None),
            (f"tag-{name}", ["tag", "-m", "{d}/model", "-i", "{d}/" + name, "-o",
                             "{d}/out/t-" + name + ".conll"], None),
        ]
    for name in ["latin1.conll", "latin1_auto.txt", "tag_garbage.conll", "tag_zero.conll",
                 "spans_int.jsonl", "deep.jsonl", "span_float.jsonl", "empty.conll"]:
        cases += [(f"train-{name}", ["train", "--train", "{d}/" + name, "-o",
                                     "{d}/out/m-" + name, "--max-iterations", "2"], None),
                  (f"align-{name}", ["align", "{d}/" + name, "{d}/tgt.conll", "-o",
                                     "{d}/out/a-" + name + ".ph"], None)]
    for name in BAD_LINKS:
        cases += [(f"project-links-{name}", ["project", "{d}/src.conll", "{d}/tgt.conll", "-a",
                                             "{d}/" + name, "-o", "{d}/out/l-" + name + ".conll"],
                   None),
                  (f"evaluate-alignment-{name}", ["evaluate-alignment", "-g", "{d}/gold.txt",
                                                  "-p", "{d}/" + name], None)]
    # must-fail cases: (id, argv, expected code)
    P = ["project", "{d}/src.conll", "{d}/tgt.conll", "-a", "{d}/links.ph"]
    cases += [
        ("project-missing-src", ["project", "{d}/nope.conll", "{d}/tgt.conll", "-a",
                                 "{d}/links.ph", "-o", "{d}/out/x.conll"], 3),
        ("project-dir-src", ["project", "{d}/adir", "{d}/tgt.conll", "-a", "{d}/links.ph",
                             "-o", "{d}/out/x.conll"], 3),
        ("project-dir-links", [*P[:4], "{d}/adir", "-o", "{d}/out/x.conll"], 3),
        ("project-o-dir", [*P, "-o", "{d}/adir"], 2),
        ("project-bad-format", [*P, "-o", "{d}/out/x.conll", "--format", "xml"], 2),
        ("project-bad-method", [*P, "-o", "{d}/out/x.conll", "--method", "magic"], 2),
        ("project-bad-scorer", [*P, "-o", "{d}/out/x.conll", "--method", "match",
                                "--scorers", "nope"], 2),
        ("project-bad-solver", [*P, "-o", "{d}/out/x.conll", "--method", "match",
                                "--solver", "nope"], 2),
        ("project-bad-constraint", [*P, "-o", "{d}/out/x.conll", "--method", "match",
                                    "--constraint", "nope"], 2),
        ("project-per-entity-neg", [*P, "-o", "{d}/out/x.conll", "--per-entity", "-1"], 2),
        ("project-min-score-nan", [*P, "-o", "{d}/out/x.conll", "--method", "match",
                                   "--min-score", "nan"], 2),
        ("project-min-score-inf", [*P, "-o", "{d}/out/x.conll", "--method", "match",
                                   "--min-score", "inf"], 2),
        ("project-min-conf-5", [*P, "-o", "{d}/out/x.conll", "--min-confidence", "5"], 2),
        ("project-min-conf-neg", [*P, "-o", "{d}/out/x.conll", "--min-confidence", "-1"], 2),
        ("project-min-conf-nan", [*P, "-o", "{d}/out/x.conll", "--min-confidence", "nan"], 2),
        ("project-min-conf-text", [*P, "-o", "{d}/out/x.conll", "--min-confidence", "a"], 2),
        ("project-chunk-0", [*P, "-o", "{d}/out/x.conll", "--chunk-size", "0"], 2),
        ("project-chunk-neg", [*P, "-o", "{d}/out/x.conll", "--chunk-size", "-5"], 2),
        ("project-workers-0", [*P, "-o", "{d}/out/x.conll", "--workers", "0"], 2),
        ("project-bad-pool", [*P, "-o", "{d}/out/x.conll", "--pool", "cloud"], None),
        ("project-bad-labels", [*P, "-o", "{d}/out/x.conll", "--labels", "MISC"], None),
        ("project-bad-labels2", [*P, "-o", "{d}/out/x.conll", "--labels", "=O"], None),
        ("project-name-keys-with-a", [*P, "-o", "{d}/out/x.conll", "--name-keys"], 2),
        ("project-pivot-with-a", [*P, "-o", "{d}/out/x.conll", "--pivot", "{d}/tgt.conll"], 2),
        ("project-bt-links-alone", [*P, "-o", "{d}/out/x.conll", "--backtranslation-links",
                                    "{d}/links.ph"], 2),
        ("project-no-o", P, 2),
        ("project-unknown-flag", [*P, "-o", "{d}/out/x.conll", "--frobnicate"], 2),
        ("project-short-tgt", ["project", "{d}/src.conll", "{d}/short.ph", "-a",
                               "{d}/links.ph", "-o", "{d}/out/x.conll"], 3),
        ("project-jsonl-conll", [*P, "-o", "{d}/out/de.jsonl.conll"], 0),
        ("project-eflomal", ["project", "{d}/src.conll", "{d}/tgt.conll", "-o",
                             "{d}/out/e.conll"], 0),
        ("project-eflomal-mismatch", ["project", "{d}/src.conll", "{d}/de.conll", "-o",
                                      "{d}/out/e2.conll", "--symmetrize", "bogus"], None),
        ("align-bad-symmetrize", ["align", "{d}/src.conll", "{d}/tgt.conll", "-o",
                                  "{d}/out/a.ph", "--symmetrize", "bogus"], None),
        ("align-prefix-neg", ["align", "{d}/src.conll", "{d}/tgt.conll", "-o",
                              "{d}/out/a.ph", "--prefix-len", "-1"], 2),
        ("align-o-dir", ["align", "{d}/src.conll", "{d}/tgt.conll", "-o", "{d}/adir"], 2),
        ("align-count-mismatch", ["align", "{d}/src.conll", "{d}/spans_int.jsonl", "-o",
                                  "{d}/out/a.ph"], 3),
        ("align-extra-alone", ["align", "{d}/src.conll", "{d}/tgt.conll", "-o", "{d}/out/a.ph",
                               "--extra-src", "{d}/tgt.txt"], 2),
        ("align-chunked-dir", ["align", "{d}/adir", "{d}/tgt.conll", "-o", "{d}/out/a.ph",
                               "--chunk-size", "3"], 3),
        ("align-chunked-bad", ["align", "{d}/latin1_auto.txt", "{d}/tgt.conll", "-o",
                               "{d}/out/a.ph", "--chunk-size", "3"], 3),
        ("align-bad-aligner", ["align", "{d}/src.conll", "{d}/tgt.conll", "-o", "{d}/out/a.ph",
                               "--aligner", "nope"], None),
        ("align-workers-eflomal", ["align", "{d}/src.conll", "{d}/tgt.conll", "-o",
                                   "{d}/out/a.ph", "--workers", "2"], 2),
        ("align-pivot-and-bt", ["align", "{d}/src.conll", "{d}/tgt.conll", "-o", "{d}/out/a.ph",
                                "--pivot", "{d}/tgt.conll", "--backtranslation",
                                "{d}/tgt.conll"], 2),
        ("align-bad-combine", ["align", "{d}/src.conll", "{d}/tgt.conll", "-o", "{d}/out/a.ph",
                               "--pivot", "{d}/tgt.conll", "--combine", "nope"], 2),
        ("align-pivot-short", ["align", "{d}/src.conll", "{d}/tgt.conll", "-o", "{d}/out/a.ph",
                               "--pivot", "{d}/empty_tokens.jsonl"], None),
        ("evaluate-en-de", ["evaluate", "{d}/src.conll", "{d}/de.conll"], 3),
        ("evaluate-counts", ["evaluate", "{d}/src.conll", "{d}/src.jsonl"], 3),
        ("evaluate-dir", ["evaluate", "{d}/adir", "{d}/src.conll"], 3),
        ("evaluate-missing", ["evaluate", "{d}/nope", "{d}/src.conll"], 3),
        ("evaluate-self", ["evaluate", "{d}/src.conll", "{d}/src.conll"], 0),
        ("evaluate-ignore-odd", ["evaluate", "{d}/src.conll", "{d}/src.conll", "--ignore",
                                 ",,,"], 0),
        ("train-o-file", ["train", "--train", "{d}/src.conll", "-o", "{d}/existing.txt"], 2),
        ("train-bad-trainer", ["train", "--train", "{d}/src.conll", "-o", "{d}/out/m1",
                               "--trainer", "nope"], 2),
        ("train-bad-option", ["train", "--train", "{d}/src.conll", "-o", "{d}/out/m2",
                              "--option", "novalue"], 2),
        ("train-unknown-option", ["train", "--train", "{d}/src.conll", "-o", "{d}/out/m3",
                                  "--option", "bogus=1"], 2),
        ("train-bad-scheme", ["train", "--train", "{d}/src.conll", "-o", "{d}/out/m4",
                              "--scheme", "XYZ"], 2),
        ("train-c1-neg", ["train", "--train", "{d}/src.conll", "-o", "{d}/out/m5",
                          "--c1", "-1"], 2),
        ("train-c2-nan", ["train", "--train", "{d}/src.conll", "-o", "{d}/out/m6",
                          "--c2", "nan"], 2),
        ("train-iter-0", ["train", "--train", "{d}/src.conll", "-o", "{d}/out/m7",
                          "--max-iterations", "0"], 2),
        ("train-oweight-neg", ["train", "--train", "{d}/src.conll", "-o", "{d}/out/m8",
                               "--o-weight", "-1"], 2),
        ("train-oweight-inf", ["train", "--train", "{d}/src.conll", "-o", "{d}/out/m9",
                               "--o-weight", "inf"], 2),
        ("train-bad-label-map", ["train", "--train", "{d}/src.conll", "-o", "{d}/out/m10",
                                 "--label-map", "MISC"], 2),
        ("train-bad-features", ["train", "--train", "{d}/src.conll", "-o", "{d}/out/m11",
                                "--crf-features", "nope"], None),
        ("train-empty", ["train", "--train", "{d}/blank_lines.conll", "-o", "{d}/out/m12"], 3),
        ("train-dev-bad", ["train", "--train", "{d}/src.conll", "-o", "{d}/out/m13",
                           "--dev", "{d}/tag_garbage.conll", "--max-iterations", "2"], 3),
        ("tag-missing-model", ["tag", "-m", "{d}/nomodel", "-i", "{d}/src.conll", "-o",
                               "{d}/out/t.conll"], 4),
        ("tag-file-model", ["tag", "-m", "{d}/src.conll", "-i", "{d}/src.conll", "-o",
                            "{d}/out/t.conll"], 4),
        ("tag-dir-model-empty", ["tag", "-m", "{d}/adir", "-i", "{d}/src.conll", "-o",
                                 "{d}/out/t.conll"], 4),
        ("tag-oweight-nan", ["tag", "-m", "{d}/model", "-i", "{d}/src.conll", "-o",
                             "{d}/out/t.conll", "--o-weight", "nan"], 2),
        ("tag-oweight-neg", ["tag", "-m", "{d}/model", "-i", "{d}/src.conll", "-o",
                             "{d}/out/t.conll", "--o-weight", "-3"], 2),
        ("tag-o-dir", ["tag", "-m", "{d}/model", "-i", "{d}/src.conll", "-o", "{d}/adir"], 2),
        ("tag-empty-sentences", ["tag", "-m", "{d}/model", "-i", "{d}/empty_tokens.jsonl",
                                 "-o", "{d}/out/t-empty.conll"], 0),
        ("eval-align-one-based-zero", ["evaluate-alignment", "-g", "{d}/gold.txt", "-p",
                                       "{d}/links.ph", "--one-based"], 3),
        ("eval-align-missing", ["evaluate-alignment", "-g", "{d}/nope", "-p", "{d}/links.ph"], 3),
        ("eval-align-dir", ["evaluate-alignment", "-g", "{d}/adir", "-p", "{d}/links.ph"], 3),
        ("translate-bad-backend", ["translate", "--src-lang", "en", "--tgt-lang", "de", "-i",
                                   "{d}/src.conll", "-o", "{d}/out/tr.txt", "--backend",
                                   "nope"], 2),
        ("translate-no-model", ["translate", "--src-lang", "en", "--tgt-lang", "de", "-i",
                                "{d}/src.conll", "-o", "{d}/out/tr.txt"], 2),
        ("translate-via-hf", ["translate", "--src-lang", "en", "--tgt-lang", "de", "-i",
                              "{d}/src.conll", "-o", "{d}/out/tr.txt", "-m", "x", "--via",
                              "es"], 2),
        ("translate-bad-input", ["translate", "--src-lang", "en", "--tgt-lang", "de", "-i",
                                 "{d}/deep.jsonl", "-o", "{d}/out/tr.txt", "-m", "x"], 3),
        ("translate-markers-apertium", ["translate", "--src-lang", "en", "--tgt-lang", "de",
                                        "-i", "{d}/src.conll", "-o", "{d}/out/tr.txt",
                                        "--backend", "apertium", "--markers"], 2),
        ("tt-no-args", ["translate-train"], 2),
        ("tt-escape", ["translate-train", "--source", "{d}/src.conll", "--translations",
                       "{d}/tgt.txt", "--tgt-lang", "../../escaped", "-o", "{d}/out/run1"], 2),
        ("tt-abs", ["translate-train", "--source", "{d}/src.conll", "--translations",
                    "{d}/tgt.txt", "--tgt-lang", "/abs/x", "-o", "{d}/out/run2"], 2),
        ("tt-slash", ["translate-train", "--source", "{d}/src.conll", "--translations",
                      "{d}/tgt.txt", "--tgt-lang", "a/b", "-o", "{d}/out/run3"], 2),
        ("tt-bad-set", ["translate-train", "--set", "nokey"], 2),
        ("tt-set-type", ["translate-train", "--source", "{d}/src.conll", "--translations",
                         "{d}/tgt.txt", "--set", "project.min_confidence=\"x\""], 2),
        ("tt-source-dir", ["translate-train", "--source", "{d}/adir", "--translations",
                           "{d}/tgt.txt", "--tgt-lang", "de", "-o", "{d}/out/run4"], 3),
        ("tt-source-bad", ["translate-train", "--source", "{d}/tag_garbage.conll",
                           "--translations", "{d}/tgt.txt", "--tgt-lang", "de", "-o",
                           "{d}/out/run5"], 3),
        ("tt-ok", ["translate-train", "--source", "{d}/src.conll", "--translations",
                   "{d}/tgt.txt", "--tgt-lang", "de", "-o", "{d}/out/run6", "--set",
                   "align.links=\"{d}/links.ph\""], 0),
        ("tt-test-escape", ["translate-test", "--target", "{d}/src.conll", "--translations",
                            "{d}/tgt.txt", "--tgt-lang", "../x", "-o", "{d}/out/run7"], 2),
        ("report-missing", ["report", "{d}/nope"], None),
        ("bench-bogus", ["bench", "nope"], 2),
        ("top-bogus", ["nope"], 2),
    ]
    for name in CONFIGS:
        cases.append((f"config-{name}", ["translate-train", "{d}/" + name], 2))
    return cases


CASES = _cases()


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_hostile(d, case):
    _, argv, want = case
    code, text = _invoke(d, argv)
    if want is not None:
        assert code == want, text
    if code == 0 and argv[0] == "project":  # no sentence lost without being named
        from pathlib import Path

        from annoproj.data.io import read_sentences

        out = Path(argv[argv.index("-o") + 1].format(d=d))
        log = out.with_name(out.name + ".skipped.tsv")
        skipped = len(log.read_text().splitlines()) - 1 if log.exists() else 0
        assert len(read_sentences(out)) + skipped == 8, text
    if code != 0:
        assert "error" in text.lower() or "usage" in text.lower(), text


def test_the_battery_is_large():
    assert len(CASES) >= 169


@pytest.mark.parametrize("name", ["tag_zero.conll", "tag_lower.conll", "tag_garbage.conll",
                                  "tag_tab_space.conll", "tag_empty.conll", "hash_token.conll",
                                  "span_float.jsonl", "span_bool.jsonl", "spans_int.jsonl",
                                  "span_label_zero.jsonl", "deep.jsonl", "latin1_auto.txt"])
def test_silent_garbage_is_an_input_error_naming_file_and_line(d, name):
    code, text = _invoke(d, ["evaluate", "{d}/" + name, "{d}/src.conll"])
    assert code == 3 and re.search(re.escape(name) + r":\d+:", text), text


@pytest.mark.parametrize("name", ["nan.ph", "inf.ph", "neg_score.ph", "huge.ph"])
def test_bad_link_scores_and_indices_are_input_errors(d, name):
    code, text = _invoke(d, ["project", "{d}/src.conll", "{d}/tgt.conll", "-a", "{d}/" + name,
                             "-o", "{d}/out/s.conll"])
    assert code == 3 and f"{name}:1:" in text, text


@pytest.mark.parametrize("name", ["token_tab.jsonl", "token_newline.jsonl", "token_empty.jsonl",
                                  "token_docstart.jsonl"])
def test_tokens_conll_cannot_hold_are_refused_not_written(d, name):
    out = d / "out" / f"w-{name}.conll"
    code, text = _invoke(d, ["tag", "-m", "{d}/model", "-i", "{d}/" + name, "-o", str(out)])
    assert code == 3 and "cannot be written" in text and not out.exists()


def test_tag_keeps_empty_sentences(d):
    out = d / "out" / "kept.conll"
    code, _ = _invoke(d, ["tag", "-m", "{d}/model", "-i", "{d}/empty_tokens.jsonl", "-o",
                          str(out)])
    from annoproj.data.io import read_conll

    assert code == 0 and len(read_conll(out)) == 8


def test_yaml_config_executes_nothing(d):
    _invoke(d, ["translate-train", "{d}/python.yaml"])
    assert not list(d.rglob("pwned.txt"))


def test_a_failed_run_leaves_an_existing_output_alone(d):
    out = d / "out" / "keep.conll"
    out.parent.mkdir(exist_ok=True)
    out.write_text("keep\tO\n\n")
    code, _ = _invoke(d, ["project", "{d}/src.conll", "{d}/tgt.conll", "-a", "{d}/nan.ph",
                          "-o", str(out)])
    assert code == 3 and out.read_text() == "keep\tO\n\n"
