"""Issue 29: one run per output, content-keyed and crash-safe checkpoints, no lost sentence."""

import json
from pathlib import Path

import pytest

from annoproj.data.io import read_conll, read_sentences, write_conll
from annoproj.data.io.auto import detect_format
from annoproj.data.io.conll import EMPTY_SENTENCE, format_conll
from annoproj.data.model import Sentence, Span
from annoproj.errors import BusyError, InputError
from annoproj.pipeline import stream
from annoproj.pipeline.lock import output_lock
from annoproj.pipeline.stream import project_files

NAMES = ["Anna", "Berlin", "Siemens", "Paris", "Otto", "Bosch"]
LABELS = {"Anna": "PER", "Otto": "PER", "Berlin": "LOC", "Paris": "LOC", "Siemens": "ORG",
          "Bosch": "ORG"}


def corpus(tmp_path, n=40, *, empty=()):
    """n parallel sentences (source with tags, target plain), identity links; target
    sentences whose index is in `empty` have no tokens."""
    src, tgt, links = [], [], []
    for k in range(n):
        name = NAMES[k % len(NAMES)]
        toks = ["the", name, "said", f"w{k}"]
        src.append(Sentence(toks, [Span(1, 2, LABELS[name])]))
        t = [] if k in empty else ["der", name, "sagte", f"w{k}"]
        tgt.append(Sentence(t, []))
        links.append(" ".join(f"{i}-{i}" for i in range(len(t))))
    write_conll(tmp_path / "src.conll", src)
    write_conll(tmp_path / "tgt.conll", tgt)
    (tmp_path / "links.txt").write_text("\n".join(links) + "\n")
    return tmp_path / "src.conll", tmp_path / "tgt.conll", tmp_path / "links.txt"


def run(paths, out, **kw):
    return project_files(*paths, out, method="heuristic", chunk_size=kw.pop("chunk_size", 10),
                         batch_size=5, **kw)


def interrupted(paths, out, monkeypatch):
    """A run killed after its last chunk, before joining: the checkpoints stay."""
    def killed(*a, **k):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(stream, "_join", killed)
        with pytest.raises(KeyboardInterrupt):
            run(paths, out)
    assert (out.parent / (out.name + ".parts")).is_dir()


def test_second_run_on_the_same_output_fails_at_once(tmp_path):
    paths, out = corpus(tmp_path), tmp_path / "out.conll"
    with output_lock(out):
        with pytest.raises(BusyError, match="another annoproj run"):
            run(paths, out)
    assert not out.exists()
    assert run(paths, out).written == 40  # released: the next run goes ahead
    assert not (tmp_path / "out.conll.lock").exists()


def test_resume_does_not_reuse_chunks_of_an_edited_input(tmp_path, monkeypatch):
    paths, out = corpus(tmp_path), tmp_path / "out.conll"
    interrupted(paths, out, monkeypatch)
    text = paths[0].read_text()
    paths[0].write_text(text.replace("-ORG", "-LOC"))  # same size, other content
    assert len(paths[0].read_text()) == len(text)
    summary = run(paths, out)
    assert summary.resumed_chunks == 0
    assert "ORG" not in out.read_text() and "LOC" in out.read_text()


def test_resume_of_the_same_input_reuses_chunks(tmp_path, monkeypatch):
    paths = corpus(tmp_path)
    run(paths, tmp_path / "whole.conll")
    out = tmp_path / "out.conll"
    interrupted(paths, out, monkeypatch)
    assert run(paths, out).resumed_chunks == 4
    assert out.read_bytes() == (tmp_path / "whole.conll").read_bytes()


@pytest.mark.parametrize("damage", ["", "{", '{"sentences": 3}', "[]"])
def test_a_half_written_checkpoint_is_discarded_with_a_warning(tmp_path, monkeypatch, damage):
    paths = corpus(tmp_path)
    run(paths, tmp_path / "whole.conll")
    out = tmp_path / "out.conll"
    interrupted(paths, out, monkeypatch)
    (tmp_path / "out.conll.parts" / "000001.json").write_text(damage)
    with pytest.warns(RuntimeWarning, match="checkpoint"):
        summary = run(paths, out)
    assert summary.resumed_chunks == 3
    assert out.read_bytes() == (tmp_path / "whole.conll").read_bytes()


def test_an_unreadable_stamp_discards_the_checkpoints(tmp_path, monkeypatch):
    paths = corpus(tmp_path)
    out = tmp_path / "out.conll"
    interrupted(paths, out, monkeypatch)
    (tmp_path / "out.conll.parts" / "settings.json").write_text("")
    with pytest.warns(RuntimeWarning, match="stamp"):
        assert run(paths, out).resumed_chunks == 0


def test_checkpoint_counts_are_written_atomically(tmp_path, monkeypatch):
    writes = []
    real = stream.atomic_write

    def spy(path, **kw):
        writes.append(str(path))
        return real(path, **kw)

    monkeypatch.setattr(stream, "atomic_write", spy)
    run(corpus(tmp_path), tmp_path / "out.conll")
    assert any(w.endswith("000000.json") for w in writes)
    assert any(w.endswith("settings.json") for w in writes)


def test_a_lost_sentence_stops_the_output_from_being_renamed_into_place(tmp_path, monkeypatch):
    paths, out = corpus(tmp_path), tmp_path / "out.conll"
    out.write_text("old\tO\n\n")
    real = stream._format
    monkeypatch.setattr(stream, "_format",
                        lambda s, f, *a: "" if s.tokens[-1] == "w7" else real(s, f, *a))
    with pytest.raises(InputError, match="39 in the checkpoints"):
        run(paths, out)
    assert out.read_text() == "old\tO\n\n"


# -- empty sentences ----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["out.conll", "out.jsonl", "out.conll.gz"])
def test_an_empty_target_sentence_is_written_and_read_back(tmp_path, name):
    paths = corpus(tmp_path, 4, empty={2})
    out = tmp_path / name
    summary = run(paths, out, chunk_size=3)
    assert summary.written == 4
    back = read_sentences(out)
    assert [len(s.tokens) for s in back] == [4, 4, 0, 4]
    assert back[3].tokens[-1] == "w3"


def test_write_conll_keeps_empty_sentences(tmp_path):
    sents = [Sentence(["a"], [Span(0, 1, "PER")]), Sentence([], []), Sentence([], []),
             Sentence(["b", "c"], [])]
    write_conll(tmp_path / "x.conll", sents)
    assert EMPTY_SENTENCE in (tmp_path / "x.conll").read_text()
    back = read_conll(tmp_path / "x.conll")
    assert [s.tokens for s in back] == [["a"], [], [], ["b", "c"]]
    assert back[0].spans == [Span(0, 1, "PER")]
    assert detect_format(tmp_path / "x.conll") == "conll"
    (tmp_path / "x.txt").write_bytes((tmp_path / "x.conll").read_bytes())
    assert detect_format(tmp_path / "x.txt") == "conll"


def test_a_text_file_with_an_empty_line_is_text(tmp_path):
    path = tmp_path / "de.txt"
    path.write_text("Das ist gut .\n\nDer Hund bellt .\nJa .\n")
    assert detect_format(path) == "text"
    assert [len(s.tokens) for s in read_sentences(path)] == [4, 0, 4, 2]


def test_output_format_goes_by_the_last_suffix(tmp_path):
    paths = corpus(tmp_path, 4)
    run(paths, tmp_path / "de.jsonl.conll")
    text = (tmp_path / "de.jsonl.conll").read_text()
    assert not text.startswith("{") and "B-PER" in text
    run(paths, tmp_path / "de.conll.jsonl")
    assert json.loads((tmp_path / "de.conll.jsonl").read_text().splitlines()[0])["tokens"]


@pytest.mark.parametrize("token", ["", " ", "a\tb", "a\nb", "a\rb", "-DOCSTART-", " a"])
def test_the_conll_writer_refuses_tokens_it_cannot_read_back(token):
    with pytest.raises(ValueError, match="token 2: .*cannot be written"):
        format_conll(Sentence(["x", token], []))


# -- names that become paths --------------------------------------------------------------

@pytest.mark.parametrize("lang", ["../../escaped", "/abs/x", "a/b", "..", ".hidden", "", "a\\b"])
def test_a_language_that_would_lead_out_of_the_run_folder_is_refused(lang):
    from annoproj.pipeline.config import ConfigError, config_from_dict

    with pytest.raises(ConfigError, match="cannot name a file"):
        config_from_dict({"source": {"path": "x.conll"}, "translate": {
            "translator": "precomputed", "path": "t.txt"}, "tgt_lang": lang})


def test_translate_train_with_an_escaping_language_exits_2(tmp_path):
    from typer.testing import CliRunner

    from annoproj.cli.main import app

    paths = corpus(tmp_path, 6)
    (tmp_path / "t.txt").write_text("".join(f"der x w{k}\n" for k in range(6)))
    r = CliRunner().invoke(app, ["translate-train", "--source", str(paths[0]), "--translations",
                                 str(tmp_path / "t.txt"), "--tgt-lang", "../../escaped", "-o",
                                 str(tmp_path / "run" / "a")])
    assert r.exit_code == 2 and "cannot name a file" in r.output
    assert not list(tmp_path.rglob("*escaped*"))


def test_a_second_pipeline_run_on_the_same_folder_fails_at_once(tmp_path):
    from annoproj.pipeline.config import config_from_dict
    from annoproj.pipeline.runner import run_pipeline

    paths = corpus(tmp_path, 6)
    (tmp_path / "t.txt").write_text("".join(f"der x w{k}\n" for k in range(6)))
    cfg = config_from_dict({"source": {"path": str(paths[0])}, "tgt_lang": "de",
                            "output_dir": str(tmp_path / "run"), "translate": {
                                "translator": "precomputed", "path": str(tmp_path / "t.txt")},
                            "align": {"links": str(paths[2])}})
    with output_lock(tmp_path / "run", lock_file=tmp_path / "run" / ".lock"):
        with pytest.raises(BusyError):
            run_pipeline(cfg)
    assert run_pipeline(cfg)["counts"]["sentences"] == 6


# -- child processes and temp folders ---------------------------------------------------

def test_a_dead_runs_temp_folder_is_swept(tmp_path):
    import subprocess
    import sys

    from annoproj._proc import sweep_tempdirs

    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    (tmp_path / f"annoproj-eflomal-{p.pid}-abc").mkdir()
    (tmp_path / "annoproj-eflomal-1-abc").mkdir()  # init: alive
    assert sweep_tempdirs("annoproj-eflomal-", tmp_path) == 1
    assert [d.name for d in tmp_path.iterdir()] == ["annoproj-eflomal-1-abc"]


@pytest.mark.slow
@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT", "SIGKILL"])
def test_eflomal_dies_with_annoproj(tmp_path, data_dir, sig):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    src = Path(__import__("annoproj").__file__).parents[1]
    env = dict(os.environ, TMPDIR=str(tmp), PYTHONPATH=str(src))
    d = data_dir / "europarl"
    p = subprocess.Popen([sys.executable, "-m", "annoproj.cli.main", "align",
                          str(d / "en.test.conll"), str(d / "de.test.conll"), "-o",
                          str(tmp_path / "l.ph")], env=env, stderr=subprocess.PIPE,
                         # a suite started in the background (`cmd &`) inherits SIGINT
                         # ignored, as POSIX shells set it, and Python then keeps it ignored
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))

    def children():
        out = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if str(tmp).encode() in cmd and b"eflomal" in cmd:
                out.append(int(pid))
        return out

    t0 = time.time()
    while not children() and p.poll() is None and time.time() - t0 < 60:
        time.sleep(0.02)
    assert children(), "eflomal did not start"
    p.send_signal(getattr(signal, sig))
    p.wait(timeout=30)
    t0 = time.time()
    while children() and time.time() - t0 < 5:
        time.sleep(0.05)
    assert not children()
    assert "Traceback" not in p.stderr.read().decode()
    left = list(tmp.iterdir())
    if sig == "SIGKILL":  # nothing runs to remove it: the next run sweeps it
        from annoproj._proc import sweep_tempdirs

        assert sweep_tempdirs("annoproj-eflomal-", tmp) == len(left) == 1
    else:
        assert not left
    assert not (tmp_path / "l.ph").exists()


def test_the_lock_is_reentrant_within_a_process_but_not_across(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "o.conll"
    with output_lock(out, reentrant=True):
        with output_lock(out):  # the command holds it around the library call
            pass
        assert (tmp_path / "o.conll.lock").exists()
        code = ("import sys; from annoproj.pipeline.lock import output_lock\n"
                "try:\n    output_lock(sys.argv[1]).__enter__()\n"
                "except Exception as e:\n    sys.exit(type(e).__name__)\n")
        import os

        import annoproj

        env = {**os.environ, "PYTHONPATH": str(Path(annoproj.__file__).parents[1])}
        r = subprocess.run([sys.executable, "-c", code, str(out)], capture_output=True,
                           text=True, env=env)
        assert "BusyError" in r.stderr
    assert not (tmp_path / "o.conll.lock").exists()


def test_project_cli_holds_the_lock_before_aligning(tmp_path):
    from typer.testing import CliRunner

    from annoproj.cli.main import app

    paths = corpus(tmp_path, 6)
    out = tmp_path / "o.conll"
    with output_lock(out):
        r = CliRunner().invoke(app, ["project", str(paths[0]), str(paths[1]), "-o", str(out)])
    assert r.exit_code == 3 and "another annoproj run" in r.output
    assert not (tmp_path / "o.conll.links").exists()


def test_a_trailing_tab_is_no_column_but_a_missing_tag_is_an_error(tmp_path):
    from annoproj.data.io import FormatError

    (tmp_path / "a.conll").write_text("Anna\tB-PER\t\nsaw\tO\t\n\n")
    assert read_conll(tmp_path / "a.conll")[0].spans == [Span(0, 1, "PER")]
    (tmp_path / "b.conll").write_text("Anna\tB-PER\nsaw\t\n\n")
    with pytest.raises(FormatError, match="b.conll:2"):
        read_conll(tmp_path / "b.conll")


def test_a_second_train_on_the_same_model_folder_fails_at_once(tmp_path):
    from typer.testing import CliRunner

    from annoproj.cli.main import app

    paths = corpus(tmp_path, 6)
    model = tmp_path / "model"
    with output_lock(model, lock_file=tmp_path / "model.lock"):
        r = CliRunner().invoke(app, ["train", "--train", str(paths[0]), "-o", str(model),
                                     "--max-iterations", "2"])
    assert r.exit_code == 3 and "another annoproj run" in r.output and not model.exists()
    r = CliRunner().invoke(app, ["train", "--train", str(paths[0]), "-o", str(model),
                                 "--max-iterations", "2"])
    assert r.exit_code == 0 and not (tmp_path / "model.lock").exists()


def _write_sections(args):
    from annoproj.bench.common import update_docs_section

    doc, worker = args
    for k in range(5):
        update_docs_section(doc, f"w{worker}-{k}", f"table {worker} {k}", stamp=False)


def test_benchmarks_writing_one_page_side_by_side_lose_no_section(tmp_path):
    import multiprocessing

    doc = tmp_path / "docs" / "benchmarks.md"
    with multiprocessing.get_context("fork").Pool(4) as pool:
        pool.map(_write_sections, [(doc, w) for w in range(8)])
    text = doc.read_text()
    for w in range(8):
        for k in range(5):
            assert f"<!-- bench:w{w}-{k} -->\ntable {w} {k}\n<!-- /bench:w{w}-{k} -->" in text
    assert [p.name for p in doc.parent.iterdir()] == ["benchmarks.md"]  # no temp, no lock file


def test_the_folder_lock_excludes_other_processes(tmp_path):
    import subprocess
    import sys

    from annoproj._cache import folder_lock

    code = ("import fcntl, os, sys\nfd = os.open(sys.argv[1], os.O_RDONLY)\n"
            "try:\n    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
            "except BlockingIOError:\n    sys.exit(7)\n")
    with folder_lock(tmp_path):
        assert subprocess.run([sys.executable, "-c", code, str(tmp_path)]).returncode == 7
    assert subprocess.run([sys.executable, "-c", code, str(tmp_path)]).returncode == 0


def test_a_saved_model_folder_holds_no_temp_file(tmp_path):
    from annoproj.train.crf import CRFTrainer

    pytest.importorskip("pycrfsuite")
    sents = [Sentence(["Anna", "saw", "Otto"], [Span(0, 1, "PER"), Span(2, 3, "PER")])] * 4
    tagger = CRFTrainer(max_iterations=3).fit(sents)
    for _ in range(2):  # over an existing model too
        tagger.save(tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["config.json", "model.crfsuite"]


def test_a_file_system_without_folder_locks_goes_on_unlocked(tmp_path, monkeypatch):
    import errno
    import fcntl

    from annoproj._cache import folder_lock

    def refuse(fd, op):
        raise OSError(errno.EBADF, "Bad file descriptor")

    monkeypatch.setattr(fcntl, "flock", refuse)
    with folder_lock(tmp_path):
        (tmp_path / "x").write_text("written")
    assert (tmp_path / "x").read_text() == "written"
