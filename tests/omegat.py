"""Ask a real CAT tool, OmegaT 3.6, how much of a Russian text our TMX translates.

A TMX from the aligner is only worth something if a translator's tool inserts
its Chinese sides as 100 % matches, and that depends on OmegaT's own
segmentation and language-code rules, not on ours. So the tests run OmegaT
(Debian package ``omegat`` 3.6) headless instead of re-implementing it.

One OmegaT run per call (a JVM start, about 3 s):

* A throwaway project gets the text in ``source/`` and the TMX in ``tm/auto/``.
  OmegaT inserts 100 % matches only from ``tm/auto/`` (and ``tm/enforce/``). A
  TMX lying directly in ``tm/`` is loaded, but nothing is inserted in console mode.
* ``--mode=console-translate`` loads the project, fills segments from
  ``tm/auto/`` and writes the target file.
* ``--script`` then runs a small Groovy script after compiling (Groovy is a
  dependency of the Debian package). It dumps every segment occurrence in
  document order, with the translation OmegaT holds for it. The target file is
  written from the same data.

Why not use OmegaT's files? The pseudo-translation export
(``console-createpseudotranslatetmx``) has each segment only once, in hash order.
``omegat/project_save.tmx`` is not written in console mode. The target file
shows no segment boundaries.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

OMEGAT_JAR = Path(os.environ.get("OMEGAT_JAR", "/usr/share/omegat/OmegaT.jar"))

# Han ideographs: CJK Unified (and Extension A), Compatibility, and the supplementary planes.
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")

# sentence_seg=true: OmegaT segments the text with its built-in rules. Those are the
# rules a translator gets by default, because each run uses a fresh, empty --config-dir.
_PROJECT_XML = """\
<?xml version="1.0" encoding="UTF-8"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>ru</source_lang>
    <target_lang>zh-CN</target_lang>
    <sentence_seg>true</sentence_seg>
  </project>
</omegat>
"""

_DUMP_FILE = "segments.json"

# OmegaT runs the script after compiling ("COMPILE") and again after closing the
# project ("CLOSE"). Only the first has a project to read. getTranslationInfo()
# returns what the target file was written from, including alternative translations.
_DUMP_SCRIPT = f"""\
if (eventType.toString() == "COMPILE") {{
    def rows = project.allEntries.collect {{ entry ->
        def info = project.getTranslationInfo(entry)
        [entry.srcText, info.isTranslated() ? info.translation : null]
    }}
    new File(project.projectProperties.projectRoot, "{_DUMP_FILE}")
        .setText(groovy.json.JsonOutput.toJson(rows), "UTF-8")
}}
"""


class OmegatError(RuntimeError):
    """OmegaT could not be run, or it gave no answer (the log is in the message)."""


@dataclass(frozen=True)
class OmegatResult:
    """What OmegaT made of one source text with one TMX in ``tm/auto/``."""

    segments: tuple[str, ...]
    """OmegaT's source segments in document order, one entry per occurrence."""
    translations: tuple[str | None, ...]
    """What OmegaT filled in for each segment (None when it left the segment untranslated)."""
    rejected: bool
    """OmegaT logged TF_TM_LOAD_ERROR. It then uses no unit of the TMX at all."""
    log: str

    @property
    def total(self) -> int:
        return len(self.segments)

    @property
    def filled(self) -> int:
        """Segment occurrences that now contain Chinese.

        A translation without Han characters is not counted. One example is a
        bare number that the TMX maps to itself. The reader sees no Chinese
        there, although OmegaT's statistics count the segment as translated.
        """
        return sum(1 for t in self.translations if t is not None and HAN.search(t))


def omegat_available() -> str | None:
    """None when OmegaT can be run; otherwise why not, in words fit for ``pytest.skip``."""
    if shutil.which("java") is None:
        return "java is not on PATH (apt-get install omegat pulls in a JRE)"
    if not OMEGAT_JAR.is_file():
        return f"no OmegaT at {OMEGAT_JAR} (apt-get install omegat, or set OMEGAT_JAR)"
    return None


def fill_from_tmx(tmx: Path, source_text: str, *, timeout: float = 300) -> OmegatResult:
    """Let OmegaT translate ``source_text`` (ru) with ``tmx`` as its only memory (zh-CN)."""
    if reason := omegat_available():
        raise OmegatError(reason)
    with tempfile.TemporaryDirectory(prefix="omegat-") as tmp:
        work = Path(tmp)
        project = work / "project"
        # OmegaT refuses to open a project without glossary/. It loads only *.tmx files from tm/.
        for sub in ("source", "target", "tm/auto", "omegat", "glossary", "dictionary"):
            (project / sub).mkdir(parents=True)
        (project / "omegat.project").write_text(_PROJECT_XML, encoding="utf-8")
        # newline="": OmegaT gets the line breaks exactly as given.
        (project / "source" / "source.txt").write_text(source_text, encoding="utf-8", newline="")
        shutil.copyfile(tmx, project / "tm" / "auto" / "memory.tmx")
        script = work / "dump.groovy"
        script.write_text(_DUMP_SCRIPT, encoding="utf-8")

        command = [
            "java",
            "-XX:-UsePerfData",  # no hsperfdata files in /tmp
            "-Djava.awt.headless=true",
            "-Dfile.encoding=UTF-8",  # read and write the .txt as UTF-8 whatever the locale
            "-Duser.language=en",  # English log (it is matched by message key anyway)
            "-Duser.country=US",
            "-jar",
            str(OMEGAT_JAR),
            str(project),
            "--mode=console-translate",
            f"--config-dir={work / 'config'}",  # empty: built-in defaults, never ~/.omegat
            "--no-team",
            "--disable-location-save",
            f"--script={script}",  # OmegaT needs an absolute path here
        ]
        try:
            run = subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise OmegatError(f"OmegaT did not finish within {timeout} s") from exc
        log = run.stdout.decode("utf-8", errors="replace")
        dump = project / _DUMP_FILE
        # A failing script does not change OmegaT's exit status, so the dump is the real check.
        if run.returncode != 0 or not dump.is_file():
            raise OmegatError(
                f"OmegaT exited with status {run.returncode} and dumped no segments:\n"
                + "\n".join(log.splitlines()[-30:])
            )
        rows = json.loads(dump.read_text(encoding="utf-8"))
    return OmegatResult(
        segments=tuple(source for source, _ in rows),
        translations=tuple(translation for _, translation in rows),
        rejected="(TF_TM_LOAD_ERROR)" in log,
        log=log,
    )
