"""A small reviewed run on disk, and a live editor server on it, for the review tests."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from toy_documents import sentence_per_line

from aligner.export.outputs import OutputSpec, write_outputs
from aligner.model import (
    AlignedDocument,
    Bead,
    CorpusResult,
    DocumentPair,
)
from aligner.review.corrections import write_corrections
from aligner.review.server import ReviewServer
from aligner.review.state import ReviewRun, write_state

RU = ["Первое предложение.", "Второе предложение.", "Третье предложение.", "Четвёртое."]
ZH = ["第一句。", "第二句。", "第三句。", "第四句。"]
SPECS = [OutputSpec("tmx", "aligned.tmx", {"min_score": 0.5}), OutputSpec("csv", "aligned.csv"),
         OutputSpec("html", "report.html", {"low_score": 0.5})]


def small_result() -> CorpusResult:
    ru, ru_sentences = sentence_per_line("news", "news.ru.txt", "ru", RU)
    zh, zh_sentences = sentence_per_line("news", "news.zh.txt", "zh", ZH)
    beads = (Bead((0,), (0,), 0.9), Bead((1, 2), (1,), 0.4), Bead((), (2,), 0.3),
             Bead((3,), (3,), 0.8))
    paired = AlignedDocument(DocumentPair("news", ru, zh), ru_sentences, zh_sentences, beads)
    lonely, lonely_sentences = sentence_per_line("lonely", "lonely.txt", "ru", ["Одна статья."])
    unpaired = AlignedDocument(DocumentPair("lonely", lonely, None), lonely_sentences, (),
                               (Bead((0,), (), None),))
    return CorpusResult([paired, unpaired], files_read=3, signature="sig|test")


def write_run(out_dir: Path, result: CorpusResult | None = None) -> Path:
    """What `ruzh-align run` leaves for the editor, for ``result``."""
    result = result or small_result()
    write_outputs(result, out_dir, SPECS)
    write_state(out_dir, ReviewRun(result, SPECS, "/corpus", 0.5))
    write_corrections(out_dir, result)
    return out_dir


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (recursively) and its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@contextmanager
def serving(out_dir: Path) -> Iterator[ReviewServer]:
    """A ReviewServer on ``out_dir`` answering in a thread, stopped afterwards."""
    server = ReviewServer(out_dir)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the review server did not start")
        time.sleep(0.02)
    try:
        yield server
    finally:
        server.stop()
        thread.join(timeout=20)


def request(server: ReviewServer, method: str, path: str, *, body: Any = None,
            headers: dict[str, str] | None = None, address: str = "127.0.0.1",
            token: bool = True, host: str | None = None) -> tuple[int, bytes]:
    """One real HTTP request to the server; ``token`` adds the right X-Review-Token."""
    connection = http.client.HTTPConnection(address, server.port, timeout=30)
    served = (f"[{address}]" if ":" in address else address) + f":{server.port}"
    sent = {"Host": served if host is None else host}
    if token:
        sent["X-Review-Token"] = server.token
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    sent.update(headers or {})
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for name, value in sent.items():
        connection.putheader(name, value)
    connection.putheader("Content-Length", str(len(data or b"")))
    connection.endheaders(data)
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    return response.status, payload
