"""The editor's server under real HTTP requests: each safety rule, and requests it must refuse.

The server runs in a thread on a free loopback port; every request goes over a real socket
(http.client), with the Host, Origin and token headers set by hand.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from review_helpers import request, serving, snapshot, write_run

from aligner.export.table import CsvExporter
from aligner.review.server import ReviewServer
from aligner.review.state import StateError, state_path

HERE = Path(__file__).parent


def has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


def outbound_address() -> str | None:
    """This machine's address on its first non-loopback interface, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET: no packet is sent for a UDP connect
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return write_run(tmp_path / "out")


@pytest.fixture
def server(out_dir: Path):
    with serving(out_dir) as running:
        yield running


def state(server: ReviewServer) -> dict:
    status, body = request(server, "GET", "/api/state")
    assert status == 200
    return json.loads(body)


def merged_first_two(document: dict) -> list[dict]:
    """The document's beads with the first two merged, as the page would send them."""
    beads = [{"ru": b["ru"], "zh": b["zh"], "status": b["status"]} for b in document["beads"]]
    first, second = beads[0], beads.pop(1)
    beads[0] = {"ru": first["ru"] + second["ru"], "zh": first["zh"] + second["zh"],
                "status": "edited"}
    return beads


# --- where it listens ---


def test_it_listens_on_loopback_addresses_only(server: ReviewServer) -> None:
    assert set(server.addresses) <= {"127.0.0.1", "::1"}
    assert "127.0.0.1" in server.addresses
    if has_ipv6_loopback():
        assert "::1" in server.addresses
    assert server.url.startswith(f"http://127.0.0.1:{server.port}/?token={server.token}")
    address = outbound_address()
    if address is not None:
        with pytest.raises(OSError), socket.create_connection((address, server.port), timeout=5):
            pass


@pytest.mark.skipif(not has_ipv6_loopback(), reason="no IPv6 loopback on this machine")
def test_the_ipv6_loopback_serves_the_same_editor(server: ReviewServer) -> None:
    status, body = request(server, "GET", "/api/state", address="::1")
    assert status == 200
    assert json.loads(body)["documents"][0]["doc"] == "news"


def test_a_given_port_is_used(out_dir: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    taken = ReviewServer(out_dir, port=port)
    try:
        assert taken.port == port
        with pytest.raises(OSError):
            ReviewServer(out_dir, port=port)  # already ours: a clear error, not another port
    finally:
        for sock in taken.sockets:
            sock.close()


# --- the token ---


@pytest.mark.parametrize("path", ["/", "/editor.js", "/editor.css", "/api/state"])
def test_every_request_needs_the_token(server: ReviewServer, path: str) -> None:
    assert request(server, "GET", path, token=False)[0] == 403
    last = "y" if server.token.endswith("x") else "x"  # one character off, never the token
    assert request(server, "GET", path, token=False,
                   headers={"X-Review-Token": server.token[:-1] + last})[0] == 403
    assert request(server, "GET", f"{path}?token=wrong", token=False)[0] == 403
    assert request(server, "GET", f"{path}?token={server.token}", token=False)[0] == 200
    assert request(server, "GET", path)[0] == 200


def test_a_save_without_the_token_changes_nothing(server: ReviewServer, out_dir: Path) -> None:
    before = snapshot(out_dir)
    document = state(server)["documents"][0]
    status, _ = request(server, "POST", "/api/save", token=False, body={
        "version": 0, "documents": {"news": merged_first_two(document)}})
    assert status == 403
    assert snapshot(out_dir) == before


def test_the_page_carries_the_token_to_its_script_and_style(server: ReviewServer) -> None:
    status, body = request(server, "GET", "/")
    assert status == 200
    page = body.decode()
    assert f'editor.js?token={server.token}' in page
    assert f'editor.css?token={server.token}' in page
    assert 'data-action="save"' in page


# --- Host and Origin (DNS rebinding) ---


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "localhost:{port}",
                                  "127.0.0.1", "127.0.0.1:1", "127.0.0.2:{port}", ""])
def test_a_foreign_host_is_refused_even_with_the_token(server: ReviewServer, host: str) -> None:
    status, body = request(server, "GET", "/api/state", host=host.format(port=server.port))
    assert status == 403
    assert b"Host" in body


@pytest.mark.parametrize("origin", ["http://evil.example", "http://127.0.0.1.evil.example:{port}",
                                    "null", "https://127.0.0.1:{port}", "http://127.0.0.1:1"])
def test_a_foreign_origin_cannot_save(server: ReviewServer, out_dir: Path, origin: str) -> None:
    before = snapshot(out_dir)
    document = state(server)["documents"][0]
    status, _ = request(server, "POST", "/api/save", headers={
        "Origin": origin.format(port=server.port)},
        body={"version": 0, "documents": {"news": merged_first_two(document)}})
    assert status == 403
    assert snapshot(out_dir) == before


def test_the_editors_own_origin_can_save(server: ReviewServer, out_dir: Path) -> None:
    document = state(server)["documents"][0]
    status, body = request(server, "POST", "/api/save",
                           headers={"Origin": f"http://127.0.0.1:{server.port}"},
                           body={"version": 0, "documents": {"news": merged_first_two(document)}})
    assert status == 200, body
    assert json.loads(body)["version"] == 1
    csv = (out_dir / "aligned.csv").read_text(encoding="utf-8")
    assert "Первое предложение. Второе предложение. Третье предложение.,第一句。第二句。" in csv


# --- edits that would lose, double or invent a sentence ---


def _refused_save(server: ReviewServer, out_dir: Path, beads: object, doc: str = "news") -> str:
    before = snapshot(out_dir)
    status, body = request(server, "POST", "/api/save",
                           body={"version": 0, "documents": {doc: beads}})
    assert status == 400, body
    assert snapshot(out_dir) == before
    return json.loads(body)["error"]


def test_an_unknown_sentence_id_is_refused(server: ReviewServer, out_dir: Path) -> None:
    beads = merged_first_two(state(server)["documents"][0])
    beads.append({"ru": ["ru:900-910"], "zh": [], "status": "edited"})
    assert "unknown sentence ids ru:900-910" in _refused_save(server, out_dir, beads)


def test_a_doubled_sentence_is_refused(server: ReviewServer, out_dir: Path) -> None:
    beads = merged_first_two(state(server)["documents"][0])
    beads[1]["ru"] = beads[0]["ru"][:1] + beads[1]["ru"]
    assert "is in 2 places" in _refused_save(server, out_dir, beads)


def test_a_missing_sentence_is_refused(server: ReviewServer, out_dir: Path) -> None:
    beads = merged_first_two(state(server)["documents"][0])
    beads[0]["zh"] = beads[0]["zh"][:1]
    assert "zh sentence(s) in no bead: zh:5-9" in _refused_save(server, out_dir, beads)


def test_sentences_out_of_order_are_refused(server: ReviewServer, out_dir: Path) -> None:
    beads = merged_first_two(state(server)["documents"][0])
    beads[0], beads[-1] = beads[-1], beads[0]
    assert "out of text order" in _refused_save(server, out_dir, beads)


def test_an_unknown_document_and_an_unpaired_one_are_refused(server: ReviewServer,
                                                            out_dir: Path) -> None:
    assert "unknown document ids: nowhere" in _refused_save(server, out_dir, [], doc="nowhere")
    lonely = state(server)["documents"][1]
    assert "no partner" in _refused_save(server, out_dir, lonely["beads"], doc="lonely")


@pytest.mark.parametrize("body", [b"not json", b'{"documents": 3}', b'{"documents": {"news": 3}}',
                                  b'{"documents": {"news": [{"ru": "ru:0-19"}]}}'])
def test_malformed_saves_are_refused(server: ReviewServer, out_dir: Path, body: bytes) -> None:
    before = snapshot(out_dir)
    status, _ = request(server, "POST", "/api/save", body=body)
    assert status == 400
    assert snapshot(out_dir) == before


def test_a_save_must_be_json(server: ReviewServer, out_dir: Path) -> None:
    before = snapshot(out_dir)
    status, _ = request(server, "POST", "/api/save", body=b"version=0",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 415
    assert snapshot(out_dir) == before


# --- only inside OUT_DIR ---


@pytest.mark.parametrize("path", ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                                  "/editor.js/../../review-state.jsonl", "/aligned.csv",
                                  "/review-state.jsonl", "/static/editor.js"])
def test_no_request_reads_a_file_by_name(server: ReviewServer, path: str) -> None:
    status, body = request(server, "GET", path)
    assert status == 404
    assert b"root:" not in body


def test_a_save_writes_only_the_runs_files_inside_out_dir(server: ReviewServer,
                                                          out_dir: Path) -> None:
    parent_before = {p.name for p in out_dir.parent.iterdir()}
    names_before = set(snapshot(out_dir))
    document = state(server)["documents"][0]
    status, body = request(server, "POST", "/api/save",
                           body={"version": 0, "documents": {"news": merged_first_two(document)}})
    assert status == 200, body
    assert {p.name for p in out_dir.parent.iterdir()} == parent_before
    assert set(snapshot(out_dir)) == names_before  # the same files, rewritten; no leftovers
    assert sorted(json.loads(body)["written"]) == sorted(
        ["aligned.tmx", "aligned.csv", "aligned.meta.json", "report.html", "review-state.jsonl",
         "corrections.json"])


def test_a_state_naming_a_file_outside_out_dir_is_refused(out_dir: Path) -> None:
    path = state_path(out_dir)
    header, *rest = path.read_text(encoding="utf-8").splitlines(keepends=True)
    data = json.loads(header)
    data["outputs"][1]["file"] = "../escaped.csv"
    path.write_text(json.dumps(data) + "\n" + "".join(rest), encoding="utf-8")
    with pytest.raises(StateError, match=r"escaped\.csv"):
        ReviewServer(out_dir)


# --- saves one at a time; an interrupted save leaves the previous files ---


def test_concurrent_saves_are_serialised_and_never_lost(server: ReviewServer,
                                                        out_dir: Path) -> None:
    document = state(server)["documents"][0]
    answers: list[int] = []
    start = threading.Barrier(6)

    def save(status: str) -> None:
        beads = merged_first_two(document)
        beads[-1]["status"] = status
        start.wait()
        answers.append(request(server, "POST", "/api/save", body={
            "version": 0, "documents": {"news": beads}})[0])

    threads = [threading.Thread(target=save, args=("confirmed",)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200] + [409] * 5  # one wins; the others must reload, not clobber
    assert state(server)["version"] == 1
    rows = (out_dir / "aligned.csv").read_text(encoding="utf-8").splitlines()
    assert rows[-2].endswith(",confirmed")  # the last bead of "news", as the winner saved it


def test_a_failed_save_leaves_the_previous_complete_files(server: ReviewServer, out_dir: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(out_dir)

    def broken(self: CsvExporter, document: object) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr(CsvExporter, "piece", broken)  # the TMX is written first, then this
    document = state(server)["documents"][0]
    status, body = request(server, "POST", "/api/save",
                           body={"version": 0, "documents": {"news": merged_first_two(document)}})
    assert status == 500
    assert "disk full" in json.loads(body)["error"]
    assert snapshot(out_dir) == before
    assert state(server)["version"] == 0
    monkeypatch.undo()
    status, _ = request(server, "POST", "/api/save",
                        body={"version": 0, "documents": {"news": merged_first_two(document)}})
    assert status == 200


# --- the command ---


def test_review_prints_the_url_first_and_serves_until_interrupted(out_dir: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "aligner", "review", str(out_dir), "--no-browser"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=HERE.parent,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        port = int(url.split(":")[2].split("/")[0])
        token = url.split("?token=")[1]
        assert len(token) >= 32
        probe = ReviewServer.__new__(ReviewServer)
        probe.port, probe.token = port, token
        assert request(probe, "GET", "/api/state")[0] == 200
        assert request(probe, "GET", "/api/state", token=False)[0] == 403
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_review_of_a_folder_without_a_run_is_a_clear_error(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "aligner", "review", str(tmp_path),
                          "--no-browser"], capture_output=True, text=True, cwd=HERE.parent,
                         timeout=60)
    assert run.returncode == 1
    assert "review-state.jsonl" in run.stderr
    assert "ruzh-align run" in run.stderr
    assert run.stdout == ""
