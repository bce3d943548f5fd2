"""Real corpora: every file that cannot be used is named with the reason, and the rest go on.

Each case runs through ``pipeline.load_files`` (the folder's own cases, such
as links, also through ``read.walk_corpus``) and, for whole folders, through
``ruzh-align run``: what matters to the user is the line in the summary and on
stderr, and the exit status (non-zero only when nothing at all could be
aligned or listed, or for a usage error).
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import random
import re
import time
import zipfile
from pathlib import Path

import pytest

from aligner.cli import main
from aligner.language import detect_script_variant
from aligner.model import FileProblem
from aligner.pairing import LabelledFile, pair_documents
from aligner.pipeline import load_files
from aligner.readers import ReadError, decode, read_file, walk_corpus
from aligner.segment import get_splitters

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
RUSSIAN = (
    "Президент России провёл переговоры с председателем КНР в Пекине.\n"
    "Стороны подписали соглашение о сотрудничестве в области энергетики.\n"
)
CHINESE = "俄罗斯总统在北京与中国国家主席举行了会谈。\n双方签署了能源领域合作协议。\n"
# The article below (SIMPLIFIED) in traditional characters.
TRADITIONAL = (
    "俄羅斯總統普京與中國國家主席習近平舉行了視頻會談。\n"
    "雙方討論了兩國關係的發展，並就國際和地區問題交換了意見。\n"
    "會談結束後，雙方發表了聯合聲明，表示將繼續加強經濟、能源與科技領域的合作。\n"
)
SIMPLIFIED = (
    "俄罗斯总统普京与中国国家主席习近平举行了视频会谈。\n"
    "双方讨论了两国关系的发展，并就国际和地区问题交换了意见。\n"
    "会谈结束后，双方发表了联合声明，表示将继续加强经济、能源与科技领域的合作。\n"
)
RUNNING_AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
ROOT_SKIP_REASON = ("running as root, where chmod 000 does not stop reads; the simulated "
                    "EACCES test covers the same path")
def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(7).randbytes(2000)


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("article.txt", RUSSIAN * 10)
    return buffer.getvalue()


DAMAGED_AT = len(RUSSIAN.splitlines(keepends=True)[0].encode())
# Bytes that cannot be used, with the reason the user reads, word for word.
BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty.txt": (b"", "file is empty"),
    "blank.txt": (" \r\n\t\n\u3000\u00a0\n".encode(), "holds only whitespace"),
    "picture.txt": (_png(), "is a PNG image, not plain text"),
    "archive.txt": (_zip(), "is a ZIP archive (or a .docx, .odt or .epub, which are ZIP "
                            "archives), not plain text"),
    "damaged.txt": (RUSSIAN.encode()[:DAMAGED_AT] + b"\xff" + RUSSIAN.encode()[DAMAGED_AT:],
                    f"reads as UTF-8 but 1 byte(s) do not decode, the first is 0xFF at byte "
                    f"{DAMAGED_AT} (line 2): the file is damaged, or mixes encodings"),
    "noise.txt": (bytes(b for b in random.Random(5).randbytes(4000) if b >= 0x80),
                  "bytes do not decode as text in any known encoding (a binary file, or one "
                  "that mixes encodings?)"),
    "utf16-without-bom.txt": (RUSSIAN.encode("utf-16-le"), "holds NUL characters (binary "
                              "file, or UTF-16 without a byte-order mark?)"),
    "numbers.txt": (b"2026\n04.02.2026 16:40\n+7 (495) 123-45-67\n1 234 567,89\n",
                    "holds no Russian or Chinese text"),
}
# One text in each encoding users send, with the name decode reports.
GOOD_FILES: dict[str, tuple[bytes, str, str]] = {
    "utf8.txt": (RUSSIAN.encode(), RUSSIAN, "utf_8"),
    "utf16.txt": (codecs.BOM_UTF16_LE + CHINESE.encode("utf-16-le"), CHINESE, "utf_16"),
    "gb18030.txt": (CHINESE.encode("gb18030"), CHINESE, "gb18030"),
    "cp1251.txt": (RUSSIAN.encode("cp1251"), RUSSIAN, "cp1251"),
    "koi8r.txt": (RUSSIAN.encode("koi8_r"), RUSSIAN, "koi8_r"),
}


def _write(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def _load(root: Path) -> tuple[dict[str, LabelledFile], dict[str, str]]:
    """load_files's answer as {rel: labelled file} and {rel: reason}."""
    labelled, problems, _ = load_files(root)
    return {f.file.rel: f for f in labelled}, {p.rel: p.reason for p in problems}


def _problems(root: Path) -> dict[str, str]:
    return {e.rel: e.reason for e in walk_corpus(root) if isinstance(e, FileProblem)}


def _files(root: Path) -> list[str]:
    return [e.relative_to(root).as_posix() for e in walk_corpus(root) if isinstance(e, Path)]


# --- one bad file among good ones ---


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_named_with_its_reason_and_the_rest_go_on(tmp_path: Path, name: str) -> None:
    data, reason = BAD_FILES[name]
    _write(tmp_path, {name: data, "good.ru.txt": RUSSIAN.encode(),
                      "good.zh.txt": CHINESE.encode("gb18030")})
    labelled, problems = _load(tmp_path)
    assert problems == {name: reason}
    assert sorted(labelled) == ["good.ru.txt", "good.zh.txt"]


def test_every_encoding_in_one_folder_decodes_exactly(tmp_path: Path) -> None:
    _write(tmp_path, {name: data for name, (data, _, _) in GOOD_FILES.items()})
    labelled, problems = _load(tmp_path)
    assert problems == {}
    for name, (_, text, encoding) in GOOD_FILES.items():
        assert (labelled[name].file.text, labelled[name].file.encoding) == (text, encoding)


SHORT_RUSSIAN = ["Привет, мир.", "Привет, мир.\n", "ПРИВЕТ, МИР!", "Это тест.", "Москва",
                 "В Пекине прошли переговоры.", "Юрий Ушаков: «Да».", "Владимир Путин\n"]


@pytest.mark.parametrize(("encoding", "text"), [
    (encoding, text)
    for encoding in ("cp1251", "koi8_r", "gb18030")
    for text in [*SHORT_RUSSIAN, RUSSIAN, RUSSIAN * 200]
    if text == text.encode(encoding, "replace").decode(encoding)  # KOI8-R has no « »
])
def test_short_and_long_russian_in_every_code_page(encoding: str, text: str) -> None:
    # One line in KOI8-R used to come back as CP1251, and CP1251 as GB18030.
    assert decode(text.encode(encoding)) == (text, encoding)


@pytest.mark.parametrize("text", ["你好。", "中俄关系。", "普京与习近平举行了视频会谈。", CHINESE,
                                  TRADITIONAL, CHINESE * 300, RUSSIAN + CHINESE])
def test_short_and_long_chinese_in_gb18030(text: str) -> None:
    assert decode(text.encode("gb18030")) == (text, "gb18030")


def _snippets(lang: str, size: int) -> list[str]:
    """Every run of ``size`` Russian words, or ``size`` hanzi, in the sample corpus."""
    text = "".join(path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt")))
    if lang == "ru":
        words = re.findall(r"[а-яёА-ЯЁ]+", text)
        return [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]
    hanzi = "".join(re.findall(r"[\u4e00-\u9fff]+", text))
    return [hanzi[i : i + size] for i in range(len(hanzi) - size + 1)]


@pytest.mark.parametrize(("lang", "size", "encoding", "share"), [
    ("ru", 1, "cp1251", 0.95), ("ru", 1, "koi8_r", 0.95), ("ru", 1, "gb18030", 1.0),
    ("ru", 2, "cp1251", 0.99), ("ru", 2, "koi8_r", 0.99), ("ru", 3, "cp1251", 1.0),
    ("ru", 3, "koi8_r", 1.0), ("zh", 2, "gb18030", 0.95), ("zh", 4, "gb18030", 0.995),
])
def test_how_short_a_text_decodes(lang: str, size: int, encoding: str, share: float) -> None:
    # A word or two can be equally good text in two code pages; a few words cannot.
    snippets = _snippets(lang, size)
    right = sum(_decodes_back(snippet, encoding) for snippet in snippets)
    assert right >= share * len(snippets), f"{right} of {len(snippets)}"


def _decodes_back(text: str, encoding: str) -> bool:
    try:
        return decode(text.encode(encoding)) == (text, encoding)
    except ReadError:
        return False


def test_file_mixing_two_encodings_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, {"mixed.txt": RUSSIAN.encode("cp1251") * 5 + RUSSIAN.encode()})
    assert _load(tmp_path)[1] == {"mixed.txt": BAD_FILES["noise.txt"][1]}


def test_five_megabyte_single_line(tmp_path: Path) -> None:
    sentence = "Президент России провёл переговоры с председателем КНР в Пекине. "
    line = sentence * (5_000_000 // len(sentence.encode()))
    _write(tmp_path, {"huge.ru.txt": line.encode("cp1251"), "huge.zh.txt": (CHINESE * 40_000)
           .replace("\n", "").encode()})
    started = time.perf_counter()
    labelled, problems = _load(tmp_path)
    assert time.perf_counter() - started < 30
    assert problems == {}
    russian = labelled["huge.ru.txt"]
    assert russian.file.encoding == "cp1251"
    assert [(p.start, p.end, p.lang) for p in russian.paragraphs] == [(0, len(line) - 1, "ru")]
    (pair,) = pair_documents(list(labelled.values()))
    # Not the default Russian splitter: sentence-splitter builds its output by repeated
    # string concatenation, which takes minutes on one 5 MB paragraph.
    assert len(get_splitters(presplit=True)["ru"].split_document(pair.ru)) == 1
    # The default Chinese splitter is linear; 80,000 sentences in one line.
    assert len(get_splitters(presplit=False)["zh"].split_document(pair.zh)) == 80_000


def test_russian_only_and_chinese_only_folders_load(tmp_path: Path) -> None:
    ru_folder = _write(tmp_path / "ru", {"a.txt": RUSSIAN.encode(), "b.txt": RUSSIAN.encode()})
    zh_folder = _write(tmp_path / "zh", {"a.txt": CHINESE.encode(), "b.txt": TRADITIONAL.encode()})
    for folder, lang in ((ru_folder, "ru"), (zh_folder, "zh")):
        labelled, problems = _load(folder)
        assert problems == {}
        assert {f.languages == {lang} for f in labelled.values()} == {True}
        pairs = pair_documents(list(labelled.values()))
        assert [pair.is_paired for pair in pairs] == [False, False]


# --- Traditional Chinese ---


def test_traditional_article_is_read_as_chinese_and_recognised(tmp_path: Path) -> None:
    _write(tmp_path, {"tw.txt": TRADITIONAL.encode(), "tw-gb.txt": TRADITIONAL.encode("gb18030")})
    labelled, problems = _load(tmp_path)
    assert problems == {}
    for name in ("tw.txt", "tw-gb.txt"):
        assert labelled[name].file.text == TRADITIONAL
        assert labelled[name].languages == {"zh"}
        assert detect_script_variant(labelled[name].file.text) == "traditional"


# (traditional, simplified): the most frequent characters whose forms differ.
_VARIANT_TABLE = (
    "們们 這这 國国 說说 會会 對对 時时 來来 為为 經经 與与 關关 發发 後后 過过 還还 實实 動动 "
    "進进 現现 個个 從从 當当 學学 長长 開开 問问 間间 門门 見见 東东 車车 馬马 語语 話话 讀读 "
    "寫写 書书 電电 腦脑 愛爱 氣气 認认 識识 覺觉 聽听 應应 義义 機机 業业 產产 體体 錢钱 萬万 "
    "億亿 歲岁 華华 僅仅 區区 單单 總总 統统 黨党 議议 選选 邊边 務务 協协 報报 網网 線线 團团 "
    "圖图 場场 際际 變变 權权 歷历 戰战 軍军 隊队 衛卫 護护 險险 證证 據据 條条 約约 導导 領领 "
    "頭头 親亲 陽阳 雲云 風风 飛飞 歡欢 樂乐 聲声 視视 觀观 聯联 幫帮 屬属 層层 歸归 處处 傳传 "
    "擊击 數数 斷断 於于 無无 舊旧 術术 極极 構构 標标 樣样 樹树 歐欧 漢汉 滿满 濟济 灣湾 爭争 "
    "獨独 獲获 環环 畫画 確确 禮礼 種种 穩稳 節节 簡简 緊紧 練练 縣县 續续 羅罗 職职 藝艺 蘇苏 "
    "號号 規规 計计 記记 設设 許许 試试 調调 談谈 請请 論论 講讲 謝谢 讓让 負负 財财 貨货 責责 "
    "貴贵 費费 資资 賣卖 質质 購购 輕轻 較较 輸输 辦办 農农 運运 遠远 適适 醫医 鐵铁 錄录 陸陆 "
    "隨随 雙双 難难 靜静 韓韩 題题 願愿 類类 顯显 館馆 驗验 黃黄 齊齐 龍龙 傷伤 優优 僑侨 價价 "
    "勞劳 勝胜 勢势 嚴严 壓压 壞坏 孫孙 寶宝 將将 專专 尋寻 島岛 帶带 幣币 廣广 廠厂 張张 彈弹 "
    "憶忆 戲戏"
)
VARIANT_PAIRS = _VARIANT_TABLE.split()
# GB2312 encodes these two traditional forms as well (for names and classical text).
IN_BOTH_STANDARDS = {"後", "於"}


def test_variant_pairs_are_told_apart() -> None:
    assert len(VARIANT_PAIRS) >= 200
    for traditional, simplified in VARIANT_PAIRS:
        if traditional not in IN_BOTH_STANDARDS:
            assert detect_script_variant(traditional) == "traditional", traditional
        assert detect_script_variant(simplified) == "simplified", simplified
    assert detect_script_variant("".join(t for t, _ in VARIANT_PAIRS)) == "traditional"
    assert detect_script_variant("".join(s for _, s in VARIANT_PAIRS)) == "simplified"


@pytest.mark.parametrize(("text", "variant"), [
    (TRADITIONAL, "traditional"),
    (SIMPLIFIED, "simplified"),
    (CHINESE, "simplified"),
    (RUSSIAN + TRADITIONAL, "traditional"),
    ("中文", "simplified"),  # nothing telling: the default
    ("Только русский текст.", "simplified"),
])
def test_detect_script_variant(text: str, variant: str) -> None:
    assert detect_script_variant(text) == variant


# --- the walk: links, folders, special files ---

LOOP_TO_CORPUS = ("is a symbolic link loop: it points back to the corpus folder, which holds "
                  "it; not followed")


def test_symlink_loops_and_broken_links_are_problems(tmp_path: Path) -> None:
    root = _write(tmp_path / "corpus", {"a.txt": RUSSIAN.encode(), "sub/b.txt": RUSSIAN.encode()})
    (root / "sub" / "up").symlink_to("..")
    (root / "self").symlink_to(root)
    (root / "sublink").symlink_to("sub")
    (root / "loop1.txt").symlink_to("loop2.txt")
    (root / "loop2.txt").symlink_to("loop1.txt")
    (root / "broken.txt").symlink_to("missing.txt")
    (root / "alias.txt").symlink_to("a.txt")
    assert _files(root) == ["a.txt", "sub/b.txt"]
    assert _problems(root) == {
        "alias.txt": "is a symbolic link to 'a.txt', which is read in its own place; not followed",
        "broken.txt": "is a broken symbolic link (its target 'missing.txt' does not exist)",
        "loop1.txt": "is a symbolic link loop (its links never reach a file)",
        "loop2.txt": "is a symbolic link loop (its links never reach a file)",
        "self": LOOP_TO_CORPUS,
        "sub/up": LOOP_TO_CORPUS,
        "sublink": "is a symbolic link to 'sub', which is read in its own place; not followed",
    }


def test_links_to_folders_outside_are_followed_once(tmp_path: Path) -> None:
    root = _write(tmp_path / "corpus", {"a.txt": RUSSIAN.encode()})
    outside = _write(tmp_path / "elsewhere", {"x.zh.txt": CHINESE.encode(),
                                               "deep/y.txt": CHINESE.encode()})
    (root / "linked").symlink_to(outside)
    (root / "linked-again").symlink_to(outside)
    (outside / "back").symlink_to(root)
    assert _files(root) == ["a.txt", "linked/deep/y.txt", "linked/x.zh.txt"]
    assert _problems(root) == {
        "linked-again": "is a symbolic link to a folder already read as 'linked'; not followed",
        "linked/back": LOOP_TO_CORPUS,
    }
    assert sorted(_load(root)[0]) == ["a.txt", "linked/deep/y.txt", "linked/x.zh.txt"]


def test_load_files_survives_links_and_reads_the_rest(tmp_path: Path) -> None:
    root = _write(tmp_path, {"a.ru.txt": RUSSIAN.encode(), "a.zh.txt": CHINESE.encode()})
    (root / "loop").symlink_to(".")
    (root / "broken.txt").symlink_to("nowhere.txt")
    labelled, _ = _load(root)
    assert sorted(labelled) == ["a.ru.txt", "a.zh.txt"]


def test_load_files_names_links_it_does_not_follow(tmp_path: Path) -> None:
    root = _write(tmp_path, {"a.ru.txt": RUSSIAN.encode()})
    (root / "loop").symlink_to(".")
    (root / "broken.txt").symlink_to("nowhere.txt")
    assert _load(root)[1] == {
        "broken.txt": "is a broken symbolic link (its target 'nowhere.txt' does not exist)",
        "loop": LOOP_TO_CORPUS,
    }


def test_folder_named_like_a_file(tmp_path: Path) -> None:
    root = _write(tmp_path, {"article.txt/inner.ru.txt": RUSSIAN.encode()})
    labelled, problems = _load(root)
    assert (sorted(labelled), problems) == (["article.txt/inner.ru.txt"], {})
    with pytest.raises(ReadError) as caught:
        read_file(root / "article.txt", root)
    assert str(caught.value) == "cannot be read: it is a folder, not a file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_named_pipe_is_not_opened(tmp_path: Path) -> None:
    # Opening a pipe nobody writes to would wait forever.
    root = _write(tmp_path, {"a.ru.txt": RUSSIAN.encode()})
    os.mkfifo(root / "pipe.txt")
    reason = "cannot be read: it is a named pipe, not a file"
    assert _problems(root) == {"pipe.txt": reason}
    with pytest.raises(ReadError) as caught:
        read_file(root / "pipe.txt", root)
    assert str(caught.value) == reason
    assert sorted(_load(root)[0]) == ["a.ru.txt"]


# --- permissions ---


@pytest.mark.skipif(RUNNING_AS_ROOT, reason=ROOT_SKIP_REASON)
def test_chmod_000_file(tmp_path: Path) -> None:
    root = _write(tmp_path, {"locked.txt": RUSSIAN.encode(), "open.txt": RUSSIAN.encode()})
    (root / "locked.txt").chmod(0)
    try:
        labelled, problems = _load(root)
    finally:
        (root / "locked.txt").chmod(0o644)
    assert problems == {"locked.txt": "cannot be read: Permission denied"}
    assert sorted(labelled) == ["open.txt"]


def test_unreadable_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _write(tmp_path, {"locked.txt": RUSSIAN.encode(), "open.txt": RUSSIAN.encode()})
    locked = root / "locked.txt"
    read_bytes = Path.read_bytes

    def refuse_locked(path: Path) -> bytes:
        if path == locked:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse_locked)
    labelled, problems = _load(root)
    assert problems == {"locked.txt": "cannot be read: Permission denied"}
    assert sorted(labelled) == ["open.txt"]


def _refuse_listing(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    scandir = os.scandir

    def refuse(path: os.PathLike[str]) -> object:
        if Path(path) == folder:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)


def test_unlistable_folder_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _write(tmp_path, {"locked/a.txt": RUSSIAN.encode(), "open/b.txt": RUSSIAN.encode()})
    _refuse_listing(monkeypatch, root / "locked")
    assert _files(root) == ["open/b.txt"]
    assert _problems(root) == {"locked": "folder cannot be listed: Permission denied"}
    assert sorted(_load(root)[0]) == ["open/b.txt"]


@pytest.mark.skipif(RUNNING_AS_ROOT, reason=ROOT_SKIP_REASON)
def test_chmod_000_folder(tmp_path: Path) -> None:
    root = _write(tmp_path, {"locked/a.txt": RUSSIAN.encode(), "open/b.txt": RUSSIAN.encode()})
    (root / "locked").chmod(0)
    try:
        problems = _problems(root)
    finally:
        (root / "locked").chmod(0o755)
    assert problems == {"locked": "folder cannot be listed: Permission denied"}


# --- the command line ---


def _run(corpus: Path, out: Path, capsys: pytest.CaptureFixture, *options: str
         ) -> tuple[int, str, str]:
    status = main(["run", str(corpus), "-o", str(out), "--no-progress", *options])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _assert_named(problems: dict[str, str], out: str, err: str) -> None:
    assert f"skipped files:     {len(problems)}" in out
    for rel, reason in problems.items():
        assert f"\n  {rel}: {reason}" in out
        assert f"ruzh-align: skipped {rel}: {reason}\n" in err


def test_cli_folder_of_bad_files_fails_naming_each(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture) -> None:
    corpus = _write(tmp_path / "in", {name: data for name, (data, _) in BAD_FILES.items()})
    status, out, err = _run(corpus, tmp_path / "out", capsys)
    assert status == 1
    _assert_named({name: reason for name, (_, reason) in BAD_FILES.items()}, out, err)
    assert f"ruzh-align: error: nothing to align in {corpus}" in err
    assert not (tmp_path / "out").exists()


def test_cli_names_links_it_does_not_follow(tmp_path: Path,
                                            capsys: pytest.CaptureFixture) -> None:
    corpus = _write(tmp_path / "in", {"a.txt": RUSSIAN.encode()})
    (corpus / "loop").symlink_to(".")
    (corpus / "broken.txt").symlink_to("nowhere.txt")
    status, out, err = _run(corpus, tmp_path / "out", capsys)
    assert status == 0
    _assert_named({
        "broken.txt": "is a broken symbolic link (its target 'nowhere.txt' does not exist)",
        "loop": LOOP_TO_CORPUS,
    }, out, err)


@pytest.mark.parametrize(("files", "lang"), [
    ({"a.txt": RUSSIAN.encode("cp1251"), "b.txt": RUSSIAN.encode("koi8_r")}, "ru"),
    ({"a.txt": CHINESE.encode("gb18030"), "b.txt": TRADITIONAL.encode()}, "zh"),
])
def test_cli_one_language_folder_lists_its_documents(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture,
                                                     files: dict[str, bytes], lang: str) -> None:
    # Nothing can be aligned, but every sentence is listed: that is a result, not a failure.
    corpus = _write(tmp_path / "in", files)
    status, out, err = _run(corpus, tmp_path / "out", capsys)
    assert status == 0, err
    assert "document pairs:    0" in out
    assert f"unpaired:          2\n  a ({lang}, 2 sentences" in out
    assert "skipped files:     0" in out
    assert (tmp_path / "out" / "aligned.csv").is_file()


def test_cli_says_which_documents_are_traditional(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture) -> None:
    corpus = _write(tmp_path / "in", {"mainland.txt": CHINESE.encode(),
                                      "taiwan.txt": TRADITIONAL.encode()})
    status, out, _ = _run(corpus, tmp_path / "out", capsys)
    assert status == 0
    assert "traditional zh:    1 (aligned as Chinese)\n  taiwan (taiwan.txt)\n" in out


def test_cli_usage_error_is_status_2(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["run", str(tmp_path), "--presplit", "--segmentation", "srx"])
    assert exit_info.value.code == 2


@pytest.mark.slow
def test_cli_aligns_the_good_pair_among_bad_files(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture) -> None:
    files = {name: data for name, (data, _) in BAD_FILES.items()}
    files |= {"news.ru.txt": RUSSIAN.encode("koi8_r"), "news.zh.txt": CHINESE.encode("gb18030"),
              "more/utf16.txt": codecs.BOM_UTF16_LE + RUSSIAN.encode("utf-16-le"),
              "more/cp1251.txt": "Привет, мир.\n".encode("cp1251")}
    corpus = _write(tmp_path / "in", files)
    status, out, err = _run(corpus, tmp_path / "out", capsys)
    assert status == 0, err
    _assert_named({name: reason for name, (_, reason) in BAD_FILES.items()}, out, err)
    assert "document pairs:    1" in out
    assert "beads by type:     1-1 2" in out
    csv = (tmp_path / "out" / "aligned.csv").read_text(encoding="utf-8")
    assert "Стороны подписали соглашение о сотрудничестве в области энергетики." in csv
    assert "Привет, мир." in csv
