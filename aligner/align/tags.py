"""Recognising Russian dialogue tags, which belong with the utterance they follow.

A Russian dialogue line prints the speaker's tag as a sentence of its own after the quote
(``— Мы очень сожалеем! — добавил он.``), where a Chinese translator folds it into the
quote's sentence (``“我们深表遗憾。”他补充道。``) or drops it.  On its own the tag is too
short to find that sentence by meaning, so the search leaves it unaligned; the rule here
is about its form: a dash, a lower-case word (the verb of speech), at most a few more words
and a full stop.
"""

from __future__ import annotations

import re

MAX_TAG_WORDS = 5
DIALOGUE_TAG = re.compile(r"^\s*[—–-]\s*[а-яё][\w-]*(?:\s+[\w.-]+)*\s*\.$")


def is_dialogue_tag(text: str) -> bool:
    """Whether a Russian sentence is a bare dialogue tag (``— сказал он.``)."""
    return (DIALOGUE_TAG.search(text) is not None
            and len(text.split()) - 1 <= MAX_TAG_WORDS)
