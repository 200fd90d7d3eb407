"""The HTML inspection report: data, escaping, CLI, and (with Chromium) rendering and filters."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from annoproj.cli.main import app
from annoproj.data.io import write_conll, write_jsonl, write_pharaoh
from annoproj.data.model import Alignment, ProjectedSpan, Sentence, Span
from annoproj.report import (
    build_report_data,
    compare_spans,
    kept_indices,
    render_html,
    write_report,
)
from annoproj.report.compare import (
    compare_projections,
    confusion_matrix,
    match_spans,
    most_missed,
)
from annoproj.report.html import LABEL_COLORS

NASTY = "<script>alert(1)</script>"


def _pair(src, tgt, src_spans, proj, gold):
    """Source sentence, projected sentence (scores/sources in meta) and gold sentence."""
    s = Sentence(src, [Span(*x) for x in src_spans])
    t = Sentence(tgt, [Span(a, b, c) for a, b, c, _, _ in proj],
                 meta={"scores": [x[3] for x in proj], "sources": [x[4] for x in proj]})
    g = Sentence(tgt, [Span(*x) for x in gold])
    return s, t, g


def _corpus(n_filler: int = 0):
    rows = [
        # exact, one low-confidence span
        _pair(["Angela", "Merkel", "visited", "Paris", "."],
              ["Angela", "Merkel", "besuchte", "Paris", "."],
              [(0, 2, "PER"), (3, 4, "LOC")],
              [(0, 2, "PER", 0.95, 0), (3, 4, "LOC", 0.4, 1)],
              [(0, 2, "PER"), (3, 4, "LOC")]),
        # boundary error; tokens needing escaping
        _pair(["The", NASTY, "&amp;", '"Co"', "'s", "said"],
              ["Die", NASTY, "&amp;", '"Co"', "sagte", "@@DATA@@"],
              [(1, 4, "ORG")],
              [(1, 4, "ORG", 0.8, 0)],
              [(1, 2, "ORG")]),
        # right-to-left target, exact
        _pair(["Hello", "from", "Tel", "Aviv"], ["שלום", "מ", "תל", "אביב"],
              [(2, 4, "LOC")], [(2, 4, "LOC", 0.9, 0)], [(2, 4, "LOC")]),
        # wrong label
        _pair(["Bonn", "is", "nice"], ["Bonn", "ist", "schön"],
              [(0, 1, "LOC")], [(0, 1, "LOC", 1.0, 0)], [(0, 1, "ORG")]),
        # spurious + missed; MISC dropped by the label map; one PER not projected
        _pair(["Euro", "fans", "met", "Mr", "Smith", "and", "Jones"],
              ["Euro", "Fans", "trafen", "Herrn", "Smith", "und", "Jones"],
              [(0, 1, "MISC"), (4, 5, "PER"), (6, 7, "PER")],
              [(1, 2, "PER", 0.3, 0)],
              [(4, 5, "PER")]),
    ]
    for k in range(n_filler):
        rows.append(_pair(["Mr", f"Name{k}", "spoke"], ["Herr", f"Name{k}", "sprach"],
                          [(1, 2, "PER")], [(1, 2, "PER", 1.0, 0)], [(1, 2, "PER")]))
    src, tgt, gold = (list(x) for x in zip(*rows))
    links = [Alignment.from_pairs([(i, i) for i in range(min(len(s), len(t)))])
             for s, t in zip(src, tgt)]
    return src, tgt, gold, links


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: dict[str, dict] = {}
        self.options: dict[str, list[str]] = {}
        self.stack: list[str] = []
        self.select: str | None = None
        self.data_json = ""
        self.in_data = False
        self.title = ""
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids[a["id"]] = {"tag": tag, **a}
        if tag == "select":
            self.select = a.get("id")
            self.options[self.select] = []
        if tag == "option" and self.select:
            self.options[self.select].append(a.get("value"))
        self.in_data = tag == "script" and a.get("id") == "report-data"
        self.in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        self.in_data = self.in_title = False

    def handle_data(self, data):
        if self.in_data:
            self.data_json += data
        if self.in_title:
            self.title += data


@pytest.fixture(scope="module")
def report_file(tmp_path_factory):
    src, tgt, gold, links = _corpus(n_filler=115)
    path = tmp_path_factory.mktemp("report") / "report.html"
    summary = write_report(path, src=src, tgt=tgt, alignments=links, gold=gold,
                           label_map="MISC=O", title='Test <en> & "de"')
    return path, summary, (src, tgt, gold, links)


def test_compare_spans():
    gold = [Span(0, 2, "PER"), Span(3, 4, "LOC"), Span(6, 7, "ORG"), Span(8, 9, "PER")]
    pred = [Span(0, 2, "PER"), Span(3, 5, "LOC"), Span(6, 7, "LOC"), Span(10, 11, "ORG")]
    ps, gs = compare_spans(gold, pred)
    assert ps == ["exact", "boundary", "label", "spurious"]
    assert gs == ["exact", "partial", "partial", "missed"]


def test_data_statuses_and_counts(report_file):
    _, summary, (src, tgt, gold, links) = report_file
    data = build_report_data(src=src, tgt=tgt, alignments=links, gold=gold, label_map="MISC=O")
    p = data["pairs"]
    assert p[0]["k"] == [] and p[0]["m"] == 0.4
    assert p[1]["k"] == ["boundary"]
    assert p[3]["k"] == ["label"]
    assert p[4]["k"] == ["spurious", "missed"]
    assert p[4]["se"][0][3] == 0  # MISC is dropped by the label map ...
    assert p[4]["te"][0][4] == 1  # ... so source 0 after mapping is span 1 before it
    assert p[4]["lost"] == 1
    assert summary["gold"]["micro"]["support"] == 6 + 115
    assert summary["status"] == {"exact": 3 + 115, "boundary": 1, "label": 1, "spurious": 1,
                                 "missed": 1}
    assert summary["label_mismatches"] == 0
    assert data["labels"] == ["PER", "ORG", "LOC", "MISC"]


def test_projected_spans_and_label_map_warning():
    src, tgt, _, _ = _corpus()
    as_spans = [Sentence(t.tokens, [ProjectedSpan(*sp, score=sc, source=so) for sp, sc, so in
                                    zip(t.spans, t.meta["scores"], t.meta["sources"])])
                for t in tgt]
    a = build_report_data(src=src, tgt=tgt, label_map="MISC=O")
    b = build_report_data(src=src, tgt=as_spans, label_map="MISC=O")
    assert [p["te"] for p in a["pairs"]] == [p["te"] for p in b["pairs"]]
    assert a["summary"]["label_mismatches"] == 0
    # without the projection's label map, source 0 of the last pair is the MISC entity
    c = build_report_data(src=src, tgt=tgt)
    assert c["summary"]["label_mismatches"] == 1
    assert "--labels" in render_html(c)


def test_html_parses_escapes_and_round_trips(report_file):
    path, _, (src, tgt, _, _) = report_file
    text = path.read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    page.close()
    # no raw token markup and no network references
    assert NASTY not in text
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", text)
    assert "@import" not in text and "url(" not in text
    assert page.title == 'Test <en> & "de"'
    assert "Test &lt;en&gt; &amp; &quot;de&quot;" in text
    # the filters
    for key in ("f-mode", "f-min", "f-label", "f-q", "shown", "cards"):
        assert key in page.ids, key
    assert page.options["f-mode"] == ["all", "disagreements", "low", "lost"]
    assert page.options["f-label"] == ["", "PER", "ORG", "LOC", "MISC"]
    assert page.ids["f-min"]["type"] == "range"
    # the embedded JSON round-trips, tokens included
    data = json.loads(page.data_json)
    assert len(data["pairs"]) == len(tgt)
    assert data["pairs"][1]["s"] == src[1].tokens and data["pairs"][1]["t"] == tgt[1].tokens
    assert data["pairs"][2]["t"] == ["שלום", "מ", "תל", "אביב"]
    assert data["colors"]["PER"] == LABEL_COLORS["PER"]


def test_parallel_lengths_are_checked():
    src, tgt, gold, _ = _corpus()
    with pytest.raises(ValueError, match="5 projected sentences but 4 gold"):
        build_report_data(src=src, tgt=tgt, gold=gold[:4])
    assert kept_indices(5, 3, [1, 3]) == [0, 2, 4]
    with pytest.raises(ValueError, match="skipped.tsv"):
        kept_indices(5, 3, None)


def test_cli_report(tmp_path):
    src, tgt, gold, links = _corpus()
    write_conll(tmp_path / "en.conll", src)
    write_conll(tmp_path / "de.conll", gold)
    write_pharaoh(tmp_path / "links.txt", links)
    # projection skipped sentence 2: the log says so
    write_jsonl(tmp_path / "pred.jsonl", [t for k, t in enumerate(tgt) if k != 2])
    (tmp_path / "pred.jsonl.skipped.tsv").write_text("index\tid\treason\n2\tx\tuncertain\n")
    runner = CliRunner()
    out = tmp_path / "r.html"
    r = runner.invoke(app, ["report", str(tmp_path / "en.conll"), str(tmp_path / "pred.jsonl"),
                            "-o", str(out), "-a", str(tmp_path / "links.txt"), "-g",
                            str(tmp_path / "de.conll"), "--labels", "MISC=O", "--json"])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.output.strip().splitlines()[-1])
    assert summary["sentences"] == 4 and summary["label_mismatches"] == 0
    data = json.loads(_page_data(out))
    assert [p["n"] for p in data["pairs"]] == [0, 1, 3, 4]
    assert data["pairs"][2]["s"] == src[3].tokens
    r = runner.invoke(app, ["report", str(tmp_path / "en.conll"), str(tmp_path / "pred.jsonl"),
                            "-o", str(out), "--limit", "2"])
    assert r.exit_code == 0, r.output
    assert len(json.loads(_page_data(out))["pairs"]) == 2
    (tmp_path / "pred.jsonl.skipped.tsv").unlink()
    r = runner.invoke(app, ["report", str(tmp_path / "en.conll"), str(tmp_path / "pred.jsonl"),
                            "-o", str(out)])
    assert r.exit_code == 3
    assert "skipped.tsv" in r.output


def test_match_spans_and_confusion_matrix():
    gold = [[Span(0, 2, "PER"), Span(3, 4, "LOC"), Span(6, 7, "ORG"), Span(8, 9, "PER")],
            [Span(0, 3, "ORG")]]
    pred = [[Span(0, 2, "PER"), Span(3, 5, "LOC"), Span(6, 7, "LOC"), Span(10, 11, "ORG")],
            [Span(0, 1, "PER"), Span(1, 3, "ORG")]]
    assert match_spans(gold[0], pred[0]) == [(0, 0), (1, 1), (2, 2)]
    # the larger overlap wins; the other overlapping prediction is left unpaired
    assert match_spans(gold[1], pred[1]) == [(0, 1)]
    m = confusion_matrix(gold, pred, labels=["PER", "ORG", "LOC", "DATE"])
    assert m["rows"] == ["PER", "ORG", "LOC", "spurious"]
    assert m["cols"] == ["PER", "ORG", "LOC", "missed"]
    assert m["counts"] == [[1, 0, 0, 1],
                           [0, 1, 1, 0],
                           [0, 0, 1, 0],
                           [1, 1, 0, 0]]
    # rows add up to the gold spans of each label, columns to the projected ones
    assert [sum(r) for r in m["counts"][:-1]] == [2, 2, 1]
    assert [sum(c) for c in zip(*m["counts"])][:-1] == [2, 2, 2]
    with pytest.raises(ValueError):
        confusion_matrix(gold, pred[:1])


def test_most_missed():
    missed = [("Smith", "PER")] * 3 + [("Bonn", "LOC")] * 3 + [("EU", "ORG")]
    seen = missed + [("Bonn", "LOC")] * 5 + [("Smith", "PER")]
    rows = most_missed(missed, seen)
    # ties on the count: the larger miss rate first
    assert [(r["text"], r["missed"], r["total"]) for r in rows] == [
        ("Smith", 3, 4), ("Bonn", 3, 8), ("EU", 1, 1)]
    assert len(most_missed([(f"x{k}", "PER") for k in range(30)], top=20)) == 20
    assert most_missed([]) == []


def test_compare_projections():
    a = [[Span(0, 1, "PER"), Span(2, 3, "LOC")], [Span(0, 1, "ORG")], [Span(1, 2, "PER")]]
    b = [[Span(0, 1, "PER"), Span(2, 4, "LOC")], [Span(0, 1, "ORG")], None]
    c = compare_projections(a, b)
    assert c == {"differ": [True, False, True], "only_a": 2, "only_b": 1, "both": 2,
                 "differing_sentences": 2, "missing_b": 1}


def test_sort_keys_tables_and_sections(report_file):
    path, summary, (src, tgt, gold, _) = report_file
    data = build_report_data(src=src, tgt=tgt, gold=gold, label_map="MISC=O")
    # errors per pair (the "most errors first" order) and minimum confidence
    assert [p["e"] for p in data["pairs"][:5]] == [0, 1, 0, 1, 2]
    assert [p["m"] for p in data["pairs"][:5]] == [0.4, 0.8, 0.9, 1.0, 0.3]
    assert summary["most_missed"] == [{"text": "Smith", "label": "PER", "missed": 1,
                                       "total": 1}]
    conf = summary["confusion"]
    assert conf["rows"] == ["PER", "ORG", "LOC", "spurious"]
    assert conf["counts"][1] == [0, 1, 1, 0]  # the ORG gold span projected as LOC
    assert conf["counts"][0][-1] == 1 and conf["counts"][-1][0] == 1  # Smith; "fans"
    # without gold: the source entities that were not projected
    nogold = build_report_data(src=src, tgt=tgt, label_map="MISC=O")
    assert nogold["summary"]["most_missed"] == [{"text": "Jones", "label": "PER", "missed": 1,
                                                 "total": 1}]
    assert "confusion" not in nogold["summary"] and "e" not in nogold["pairs"][0]
    text = path.read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    assert page.options["f-sort"] == ["order", "confidence", "errors"]
    assert "disabled" not in page.ids["f-sort"]
    for key in ("most-missed", "confusion"):
        assert key in page.ids, key
    assert "compare-summary" not in page.ids
    assert "<th>gold \\ projected</th>" in text and "<td class=diag>116</td>" in text
    plain = render_html(nogold)
    assert '<option value="errors" disabled>' in plain and 'id="confusion"' not in plain
    assert 'id="most-missed"' in plain


def test_most_missed_escapes():
    s = Sentence(["a", NASTY], [Span(1, 2, "PER")])
    t = Sentence(["b", "c"], [], meta={"scores": [], "sources": []})
    text = render_html(build_report_data(src=[s], tgt=[t]))
    head = text.split('<script type="application/json"')[0]
    assert NASTY not in head and "&lt;script&gt;alert(1)&lt;/script&gt;" in head


def test_cli_compare(tmp_path):
    src, tgt, gold, _ = _corpus()
    write_conll(tmp_path / "en.conll", src)
    write_conll(tmp_path / "de.conll", gold)
    write_jsonl(tmp_path / "heuristic.jsonl", tgt)
    # the second projection drops the first span of every sentence and skipped sentence 2
    other = [Sentence(t.tokens, list(t.spans)[1:],
                      meta={"scores": t.meta["scores"][1:], "sources": t.meta["sources"][1:]})
             for t in tgt]
    write_jsonl(tmp_path / "match.jsonl", [x for k, x in enumerate(other) if k != 2])
    (tmp_path / "match.jsonl.skipped.tsv").write_text("index\tid\treason\n2\tx\tuncertain\n")
    out = tmp_path / "r.html"
    runner = CliRunner()
    args = ["report", str(tmp_path / "en.conll"), str(tmp_path / "heuristic.jsonl"), "-o",
            str(out), "-g", str(tmp_path / "de.conll"), "--label-map", "MISC=O"]
    r = runner.invoke(app, [*args, "--compare", str(tmp_path / "match.jsonl"), "--json"])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.output.strip().splitlines()[-1])
    c = summary["compare"]
    assert c["names"] == ["heuristic", "match"]
    assert c["missing_b"] == 1 and c["differing_sentences"] == 5
    assert c["only_b"] == 0 and c["both"] == 1 and c["only_a"] == 5
    assert c["gold"][0]["support"] == c["gold"][1]["support"] == 5
    text = out.read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    data = json.loads(page.data_json)
    assert data["has_compare"] and data["names"] == ["heuristic", "match"]
    assert [p["d"] for p in data["pairs"]] == [True] * 5
    assert data["pairs"][2]["b"] is None
    assert data["pairs"][0]["b"] == [[3, 4, "LOC", 0.4, 1, "exact"]]
    assert page.options["f-mode"][-1] == "differ"
    assert "compare-summary" in page.ids
    r = runner.invoke(app, [*args, "--compare", str(tmp_path / "match.jsonl"),
                            "--names", "h,m"])
    assert r.exit_code == 0, r.output
    assert json.loads(_page_data(out))["names"] == ["h", "m"]
    r = runner.invoke(app, [*args, "--compare", str(tmp_path / "match.jsonl"), "--names", "h"])
    assert r.exit_code == 2
    (tmp_path / "match.jsonl.skipped.tsv").unlink()
    r = runner.invoke(app, [*args, "--compare", str(tmp_path / "match.jsonl")])
    assert r.exit_code == 3 and "skipped.tsv" in r.output


def _page_data(path: Path) -> str:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page.data_json


# ---------------------------------------------------------------- headless Chromium


def _chromium() -> str:
    for name in (os.environ.get("ANNOPROJ_CHROMIUM", ""), "chromium", "chromium-browser",
                 "google-chrome", "google-chrome-stable"):
        if name and shutil.which(name):
            return shutil.which(name)  # type: ignore[return-value]
    pytest.skip("no Chromium binary found (apt-get install -y chromium); skipping browser checks")


def _run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--hide-scrollbars", "--force-color-profile=srgb", "--force-device-scale-factor=1",
           "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}", *args]
    r = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-2000:]
    return r


def _png_rgb(path: Path) -> np.ndarray:
    """The (height, width, 3) uint8 pixels of an 8-bit PNG (Pillow when importable)."""
    try:
        from PIL import Image
    except ImportError:
        Image = None
    if Image is not None:
        with Image.open(path) as im:
            return np.asarray(im.convert("RGB"))
    raw = path.read_bytes()
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(raw):
        (length,), kind = struct.unpack(">I", raw[pos:pos + 4]), raw[pos + 4:pos + 8]
        body = raw[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0 and ctype in (2, 6), "unsupported PNG"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    rows = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, w * bpp + 1)
    out = np.zeros((h, w * bpp), np.int64)
    prev = np.zeros(w * bpp, np.int64)
    for y in range(h):
        f, line = rows[y, 0], rows[y, 1:].astype(np.int64)
        if f == 1:
            line = np.cumsum(line.reshape(w, bpp), axis=0).reshape(-1) & 255
        elif f == 2:
            line = (line + prev) & 255
        elif f in (3, 4):
            cur, up = line.tolist(), prev.tolist()
            for i in range(len(cur)):
                a = cur[i - bpp] if i >= bpp else 0
                b, c = up[i], (up[i - bpp] if i >= bpp else 0)
                if f == 3:
                    pred = (a + b) // 2
                else:
                    pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                    pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                cur[i] = (cur[i] + pred) & 255
            line = np.asarray(cur, np.int64)
        out[y] = prev = line
    return out.reshape(h, w, bpp)[:, :, :3].astype(np.uint8)


def test_screenshot_not_blank_and_shows_labels(report_file, tmp_path):
    binary = _chromium()
    path, _, _ = report_file
    shot = tmp_path / "shot.png"
    _run_chromium(binary, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1200,900",
                  path.as_uri())
    assert shot.exists() and shot.stat().st_size > 5000
    px = _png_rgb(shot).astype(np.int16)
    assert px.shape == (900, 1200, 3)
    non_white = int((px.min(axis=2) < 235).sum())
    assert non_white > 0.02 * 1200 * 900, f"only {non_white} non-white pixels: blank page?"

    def count(hex_colour: str) -> int:
        want = np.array([int(hex_colour[k:k + 2], 16) for k in (1, 3, 5)], np.int16)
        return int((np.abs(px - want).max(axis=2) <= 3).sum())

    # source entities are drawn in their full label colour
    assert count(LABEL_COLORS["PER"]) > 150
    assert count(LABEL_COLORS["LOC"]) > 150


def test_filters_and_hover_in_the_browser(report_file, tmp_path):
    binary = _chromium()
    path, summary, _ = report_file
    url = path.as_uri()
    dom = _run_chromium(binary, tmp_path / "p1", "--dump-dom", url + "#filter=disagreements").stdout
    cards = re.findall(r'<div class="card[ "]', dom)
    assert len(cards) == summary["disagreeing_sentences"] == 3
    assert re.search(r'<b id="shown">3</b>', dom)
    # escaped in the DOM, right-to-left text marked for the browser
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom and NASTY not in dom
    assert 'class="toks" dir="auto"' in dom

    dom = _run_chromium(binary, tmp_path / "p2", "--dump-dom",
                        url + "#q=merkel&hover=0.s.0").stdout
    assert len(re.findall(r'<div class="card[ "]', dom)) == 1
    assert 'class="tok me"' in dom and re.search(r'class="tok[^"]* al"', dom)  # aligned token lit
    assert len(re.findall(r'class="ent hl"', dom)) == 2  # source entity and its projection
    assert "<line " in dom  # the SVG link

    dom = _run_chromium(binary, tmp_path / "p3", "--dump-dom", url + "#filter=low&min=0.5").stdout
    assert len(re.findall(r'<div class="card[ "]', dom)) == summary["low_confidence_sentences"] == 2
    # sorted: lowest minimum confidence first (pair 4: 0.3, pair 0: 0.4), most errors first
    dom = _run_chromium(binary, tmp_path / "p5", "--dump-dom", url + "#sort=confidence").stdout
    assert re.findall(r'<div class="card[^"]*" data-j="(\d+)"', dom)[:2] == ["4", "0"]
    dom = _run_chromium(binary, tmp_path / "p6", "--dump-dom",
                        url + "#filter=disagreements&sort=errors").stdout
    assert re.findall(r'<div class="card[^"]*" data-j="(\d+)"', dom) == ["4", "1", "3"]
    dom = _run_chromium(binary, tmp_path / "p4", "--dump-dom", url).stdout
    assert re.search(r'<b id="shown">120</b>', dom)
    assert 50 <= len(re.findall(r'<div class="card[ "]', dom)) <= 120  # rendered lazily
