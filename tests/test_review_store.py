"""What a run saves for the editor, the checks every correction passes, and the corrections
store that a re-run keeps (by the pipeline with a toy encoder, and by the command on corpus/)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from review_helpers import small_result, snapshot, write_run
from toy_encoder import MeaningEncoder

from aligner.cli import main
from aligner.config import AlignerSettings, RunConfig
from aligner.export.outputs import OutputSpec, write_outputs
from aligner.pipeline import align_corpus_dir
from aligner.review.corrections import (
    CorrectionsError,
    compare,
    corrections_path,
    read_corrections,
    reviewed_beads,
)
from aligner.review.edits import BeadEdit, EditError, apply_edits, edits_of
from aligner.review.session import ReviewSession
from aligner.review.state import StateError, read_state

ROOT = Path(__file__).parent.parent


# --- the saved run ---


def test_the_saved_run_reads_back_as_the_same_result(tmp_path: Path) -> None:
    run = read_state(write_run(tmp_path / "out"))
    assert run.result == small_result()
    assert [spec.file for spec in run.outputs] == ["aligned.tmx", "aligned.csv", "report.html"]
    assert run.outputs[0].options == {"min_score": 0.5}


def test_regenerating_the_outputs_from_the_saved_run_gives_the_same_bytes(tmp_path: Path) -> None:
    out = write_run(tmp_path / "out")
    before = snapshot(out)
    run = read_state(out)
    write_outputs(run.result, out, run.outputs)
    assert snapshot(out) == before


def test_a_damaged_or_missing_state_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StateError, match="no review state here"):
        read_state(tmp_path)
    state = tmp_path / "review-state.jsonl"
    state.write_text('{"version": 2}\n{"end": {}}\n', encoding="utf-8")
    with pytest.raises(StateError, match="damaged review state"):
        read_state(tmp_path)
    state.write_text('{"version": 1}\n', encoding="utf-8")
    with pytest.raises(StateError, match="not a review state this version can read"):
        read_state(tmp_path)
    state.write_text("{\n", encoding="utf-8")
    with pytest.raises(StateError, match="cannot be read"):
        read_state(tmp_path)


def test_a_state_cut_short_is_refused(tmp_path: Path) -> None:
    """A state whose writer stopped before its end line must not pass for a whole run."""
    out = write_run(tmp_path / "out")
    state = out / "review-state.jsonl"
    lines = state.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) >= 3 and '"end"' in lines[-1]
    state.write_text("".join(lines[:-1]), encoding="utf-8")
    with pytest.raises(StateError, match="incomplete review state"):
        read_state(out)


def test_a_failing_exporter_leaves_the_previous_outputs(tmp_path: Path) -> None:
    out = write_run(tmp_path / "out")
    before = snapshot(out)
    with pytest.raises(ValueError, match="unknown output format"):
        write_outputs(small_result(), out, [OutputSpec("csv", "aligned.csv"),
                                            OutputSpec("nope", "aligned.nope")])
    assert snapshot(out) == before


# --- the checks on a correction ---


def news():
    return small_result().documents[0]


def test_a_bead_as_the_aligner_had_it_keeps_its_score_and_a_new_one_is_edited() -> None:
    document = news()
    edits = edits_of(document)
    merged = BeadEdit(edits[0].ru + edits[1].ru, edits[0].zh + edits[1].zh, "auto")
    changed = apply_edits(document, [merged, *edits[2:3],
                                     BeadEdit(edits[3].ru, edits[3].zh, "confirmed")])
    assert [(b.ru, b.zh, b.score, b.status) for b in changed.beads] == [
        ((0, 1, 2), (0, 1), None, "edited"), ((), (2,), 0.3, "auto"),
        ((3,), (3,), 0.8, "confirmed")]


def test_every_problem_is_named_with_the_users_labels() -> None:
    document = news()
    edits = edits_of(document)
    doubled = [edits[0], BeadEdit(edits[0].ru + edits[1].ru, edits[1].zh, "edited"), edits[3],
               BeadEdit(("ru:900-901",), (), "edited"), BeadEdit((), (), "edited")]
    with pytest.raises(EditError) as error:
        apply_edits(document, doubled, label=lambda k: f"row {k + 2}")
    message = str(error.value)
    assert "sentence ru:0-19 is in 2 places: row 2, row 3" in message
    assert "unknown sentence ids ru:900-901 (in row 5)" in message
    assert "1 zh sentence(s) in no bead: zh:10-14" in message
    assert "row 6 holds no sentence" in message


def test_an_unknown_status_is_refused() -> None:
    document = news()
    edits = [BeadEdit(e.ru, e.zh, "maybe") if k == 0 else e  # type: ignore[arg-type]
             for k, e in enumerate(edits_of(document))]
    with pytest.raises(EditError, match="unknown status 'maybe'"):
        apply_edits(document, edits)


# --- the corrections store ---


def test_corrections_are_the_reviewed_beads_by_sentence_id_and_text(tmp_path: Path) -> None:
    out = write_run(tmp_path / "out")
    session = ReviewSession(out)
    edits = session.editor_state()["documents"][0]["beads"]
    edits[3]["status"] = "confirmed"
    session.save({"version": 0, "documents": {"news": edits}})
    store = json.loads(corrections_path(out).read_text(encoding="utf-8"))
    assert store["documents"] == {"news": [{
        "ru": [{"id": "ru:60-70", "text": "Четвёртое."}],
        "zh": [{"id": "zh:15-19", "text": "第四句。"}], "score": 0.8, "status": "confirmed"}]}
    assert read_corrections(out) == {"news": reviewed_beads(session.run.result.documents[0])}


def test_a_damaged_corrections_file_is_a_clear_error(tmp_path: Path) -> None:
    corrections_path(tmp_path).write_text('{"version": 1, "documents": {"a": [{"ru": [{"id": '
                                          '"zh:1-2", "text": "x"}]}]}}', encoding="utf-8")
    with pytest.raises(CorrectionsError, match=r"corrections\.json: cannot be used"):
        read_corrections(tmp_path)


# --- a re-run keeps them: the pipeline, with a toy encoder ---


def write_corpus(folder: Path, ru_words: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "news.ru.txt").write_text(" ".join(f"Предложение {w}." for w in ru_words) + "\n",
                                        encoding="utf-8")
    (folder / "news.zh.txt").write_text("".join(f"句子z{k}。" for k in range(6)) + "\n",
                                        encoding="utf-8")
    return folder


def test_a_rerun_passes_through_reviewed_beads_and_drops_changed_ones(tmp_path: Path) -> None:
    config = RunConfig(aligner=AlignerSettings(refine=False), match_by_content=False)
    encoder = MeaningEncoder()
    corpus = write_corpus(tmp_path / "corpus", [f"r{k}" for k in range(6)])
    first = align_corpus_dir(corpus, config, encoder=encoder)
    document = first.documents[0]
    assert [b.type for b in document.beads] == ["1-1"] * 6
    # the person says r1 r2 go with z1, z2 is untranslated, and confirms r4 = z4
    edits = edits_of(document)
    corrected = apply_edits(document, [
        edits[0], BeadEdit(edits[1].ru + edits[2].ru, edits[1].zh, "confirmed"),
        BeadEdit((), edits[2].zh, "edited"), edits[3],
        BeadEdit(edits[4].ru, edits[4].zh, "confirmed"), edits[5]])
    fixed = {"news": reviewed_beads(corrected)}
    second = align_corpus_dir(corpus, config, encoder=encoder, fixed=fixed)
    again = second.documents[0]
    assert [(b.ru, b.zh, b.status) for b in again.beads] == [
        (b.ru, b.zh, b.status) for b in corrected.beads]
    assert compare(fixed, second).kept == 3

    # r4's sentence is rewritten (same length, so the offsets before and after it hold)
    write_corpus(corpus, ["r0", "r1", "r2", "r3", "r9", "r5"])
    third = align_corpus_dir(corpus, config, encoder=encoder, fixed=fixed)
    report = compare(fixed, third)
    assert report.kept == 2
    ((dropped),) = report.dropped
    assert (dropped.doc, dropped.reason) == ("news", "text changed")
    assert dropped.text == "Предложение r4."
    assert [b.status for b in third.documents[0].beads].count("confirmed") == 1


# --- a re-run keeps them: the command, on the sample article ---


def rows(out: Path) -> list[dict[str, str]]:
    with (out / "aligned.csv").open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.mark.slow
def test_the_command_keeps_corrections_and_says_which_it_dropped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = Path(shutil.copytree(ROOT / "corpus", tmp_path / "corpus"))
    out = tmp_path / "out"
    assert main(["run", str(corpus), "-o", str(out), "--no-progress", "--min-score", "0.99"]) == 0
    session = ReviewSession(out)
    document = next(d for d in session.editor_state()["documents"] if d["paired"])
    beads = document["beads"]
    texts = {s["id"]: s["text"] for s in document["sentences"]["ru"]}
    at = next(k for k, b in enumerate(beads) if texts[b["ru"][0]].startswith("МОСКВА"))
    merged = {"ru": beads[at]["ru"] + beads[at + 1]["ru"],
              "zh": beads[at]["zh"] + beads[at + 1]["zh"], "status": "edited"}
    last = len(beads) - 1
    beads[last]["status"] = "confirmed"
    session.save({"version": 0, "documents": {
        document["doc"]: [*beads[:at], merged, *beads[at + 2:]]}})
    capsys.readouterr()

    assert main(["run", str(corpus), "-o", str(out), "--no-progress", "--min-score", "0.99"]) == 0
    printed = capsys.readouterr().out
    assert "corrections:       2 of 2 kept" in printed
    again = [r for r in rows(out) if r["doc"] == document["doc"]]
    moscow = next(r for r in again if r["ru_text"].startswith("МОСКВА"))
    assert (moscow["type"], moscow["status"]) == ("2-2", "edited")
    assert again[-1]["status"] == "confirmed"
    tmx = (out / "aligned.tmx").read_text(encoding="utf-8")
    assert tmx.count('<prop type="x-status">edited</prop>') == 1  # kept despite --min-score
    assert tmx.count('<prop type="x-status">confirmed</prop>') == (
        1 if again[-1]["zh_text"] and again[-1]["ru_text"] else 0)

    # the confirmed last sentence is rewritten: that correction is dropped, and named
    source = corpus / f"{document['doc']}.txt"
    last_text = texts[beads[last]["ru"][-1]] if beads[last]["ru"] else None
    assert last_text is not None
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace(last_text, last_text.upper()), encoding="utf-8")
    assert main(["run", str(corpus), "-o", str(out), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "corrections:       1 of 2 kept" in printed
    assert f"dropped {document['doc']}/ru:" in printed
    assert "text changed" in printed
    assert [r["status"] for r in rows(out) if r["doc"] == document["doc"]].count("edited") == 1
