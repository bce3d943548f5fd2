"""Sentence splitting by SRX 2.0 rules, the segmentation format of CAT tools.

A TMX only helps a translator when its Russian sides are exactly the segments
the translator's CAT tool cuts, and CAT tools cut by SRX rules (OmegaT's
built-in rules are an SRX file).  This module reads an SRX file and splits a
paragraph the way such a tool would.

Semantics (SRX 2.0, section "Rules"): every position between two characters
is a candidate.  The rules that apply to a language are those of every
``<languagerule>`` named by a matching ``<languagemap>`` (all matching maps
in document order when the header says ``cascade="yes"``, only the first one
when it says ``"no"``).  At a position, the first of those rules whose
``<beforebreak>`` has a match ending there and whose ``<afterbreak>`` has a
match starting there decides: ``break="yes"`` (the default) cuts,
``break="no"`` keeps the text together.  A position no rule matches is not
a break.  A missing pattern matches everywhere.

The patterns are Java regular expressions, as in OmegaT, Okapi and the Java
``segment`` library.  They are translated to the ``regex`` module's syntax
(version 1 mode, so that inline flags are scoped as in Java and character
class unions and intersections work) with Java's meaning kept where the two
differ: ``\\s``, ``\\d``, ``\\w`` and the POSIX classes (``\\p{Lower}``…) are
ASCII-only as in Java, so a no-break space is not ``\\s``; ``.`` and ``$``
know Java's line terminators; ``\\h``, ``\\v``, ``\\R``, ``\\Q…\\E``,
``\\x{…}``, ``\\p{javaLowerCase}``, ``\\p{IsLu}`` and ``(?U)`` are rewritten.
Possessive quantifiers and atomic groups need no rewriting.  ``(?i)`` folds
case in all scripts, as OmegaT compiles its rules with ``UNICODE_CASE``.

Language patterns are matched against the whole language code, ignoring case
(OmegaT's ``RU.*`` applies to a ``ru`` project).  A header without a
``cascade`` attribute cascades, as OmegaT reads its own rules file, which has
none.  ``segmentsubflows`` and ``<formathandle>`` are read and kept, but
plain text has no subflows or format codes for them to act on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

import regex
from lxml import etree

from aligner.segment.base import Span, Splitter, spans_from_cuts

SRX_NAMESPACES = ("http://www.lisa.org/srx20", "http://www.lisa.org/srx10", "")

#: the rules shipped with the aligner (see ``aligner/segment/rules/ruzh.srx``)
SHIPPED_RULES = "ruzh.srx"


class SrxError(ValueError):
    """An SRX file that cannot be used; the message names the file and the problem."""


# --- Java regular expressions → regex module -------------------------------------------------

# Java's ASCII meanings of the shorthand classes, as bodies of a character class.
_ASCII_BODIES = {
    "s": r"\t\n\x0b\f\r ",
    "d": "0-9",
    "w": "a-zA-Z0-9_",
}
# \h and \v mean the same in every Java mode.
_FIXED_BODIES = {
    "h": r" \t\xa0\u1680\u180e\u2000-\u200a\u202f\u205f\u3000",
    "v": r"\n\x0b\f\r\x85\u2028\u2029",
}
# Java's POSIX classes: US-ASCII only, unless (?U) is on.
_POSIX_ASCII = {
    "Lower": "a-z",
    "Upper": "A-Z",
    "ASCII": r"\x00-\x7f",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Alnum": "a-zA-Z0-9",
    "Punct": r"!-/:-@\[-`{-~",
    "Graph": "!-~",
    "Print": " -~",
    "Blank": r" \t",
    "Cntrl": r"\x00-\x1f\x7f",
    "XDigit": "0-9a-fA-F",
    "Space": r"\t\n\x0b\f\r ",
}
_POSIX_UNICODE = {
    "Lower": r"\p{Lowercase}",
    "Upper": r"\p{Uppercase}",
    "ASCII": r"\x00-\x7f",
    "Alpha": r"\p{Alphabetic}",
    "Digit": r"\p{Nd}",
    "Alnum": r"\p{Alphabetic}\p{Nd}",
    "Punct": r"\p{P}",
    "Graph": r"\P{White_Space}&&\P{Cc}&&\P{Cs}&&\P{Cn}",
    "Print": r"\P{Cc}&&\P{Cs}&&\P{Cn}",
    "Blank": r"\p{Zs}\t",
    "Cntrl": r"\p{Cc}",
    "XDigit": r"\p{Nd}\p{Hex_Digit}",
    "Space": r"\p{White_Space}",
}
# java.lang.Character methods exposed as \p{javaXxx}.
_JAVA_PROPERTIES = {
    "javaLowerCase": r"\p{Lowercase}",
    "javaUpperCase": r"\p{Uppercase}",
    "javaTitleCase": r"\p{Lt}",
    "javaAlphabetic": r"\p{Alphabetic}",
    "javaIdeographic": r"\p{Ideographic}",
    "javaLetter": r"\p{L}",
    "javaDigit": r"\p{Nd}",
    "javaLetterOrDigit": r"\p{L}\p{Nd}",
    "javaMirrored": r"\p{Bidi_Mirrored}",
    "javaSpaceChar": r"\p{Z}",
    "javaWhitespace": r"\t-\r\x1c-\x1f \u1680\u2000-\u2006\u2008-\u200a\u2028\u2029\u205f\u3000",
    "javaISOControl": r"\x00-\x1f\x7f-\x9f",
    "javaDefined": r"\P{Cn}",
}
_GENERAL_CATEGORIES = {
    "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No",
    "P", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So",
    "Z", "Zs", "Zl", "Zp", "C", "Cc", "Cf", "Cs", "Co", "Cn", "LC",
}
_LINE_TERMINATORS = r"\n\r\x85\u2028\u2029"
_JAVA_DOT = rf"[^{_LINE_TERMINATORS}]"
_JAVA_END = rf"(?=(?:\r\n|[{_LINE_TERMINATORS}])?\Z)"
_JAVA_LINEBREAK = r"(?:\r\n|[\n\x0b\f\r\x85\u2028\u2029])"
_FLAG_GROUP = regex.compile(r"\(\?([idmsuxU]*)(?:-([idmsuxU]*))?([:)])")
_SIMPLE_ESCAPES = {"e": r"\x1b", "a": r"\x07", "t": r"\t", "n": r"\n", "r": r"\r", "f": r"\f"}


def _char_escape(char: str) -> str:
    """One literal character, safe inside or outside a class in regex's version 1 mode."""
    if char.isalnum() or char == "_":
        return char
    if ord(char) > 0x7F:
        return char
    return "\\" + char if char not in " \t\n" else {" ": r"\x20", "\t": r"\t", "\n": r"\n"}[char]


class _JavaTranslator:
    """A one-pass translator of one Java pattern (see the module docstring)."""

    def __init__(self, pattern: str, group_offset: int = 0) -> None:
        self.src = pattern
        self.pos = 0
        self.group_offset = group_offset
        flags = set()
        for match in _FLAG_GROUP.finditer(pattern):
            flags.update(match.group(1))
        self.unicode_classes = "U" in flags
        self.java_dot = not flags & {"s", "d"}  # with (?s)/(?d), regex's own "." is Java's
        self.java_end = "m" not in flags
        self.groups = self._count_groups()

    def _count_groups(self) -> int:
        count, index, in_class = 0, 0, 0
        while index < len(self.src):
            char = self.src[index]
            if char == "\\":
                index += 2
                continue
            if char == "[":
                in_class += 1
            elif char == "]" and in_class:
                in_class -= 1
            elif char == "(" and not in_class:
                rest = self.src[index + 1 : index + 3]
                if not rest.startswith("?") or (rest == "?<" and self.src[index + 3 : index + 4]
                                                not in ("=", "!")):
                    count += 1
            index += 1
        return count

    def translate(self) -> str:
        out = []
        while self.pos < len(self.src):
            out.append(self._atom())
        return "".join(out)

    def _atom(self) -> str:
        char = self.src[self.pos]
        if char == "\\":
            return self._escape(in_class=False)
        if char == "[":
            return self._class()
        if char == "(":
            match = _FLAG_GROUP.match(self.src, self.pos)
            if match:
                self.pos = match.end()
                on = match.group(1).replace("d", "").replace("u", "").replace("U", "")
                off = (match.group(2) or "").replace("d", "").replace("u", "").replace("U", "")
                flags = on + ("-" + off if off else "")
                if match.group(3) == ")":
                    return f"(?{flags})" if flags else ""
                return f"(?{flags}:"
        self.pos += 1
        if char == "." and self.java_dot:
            return _JAVA_DOT
        if char == "$" and self.java_end:
            return _JAVA_END
        return char

    def _escape(self, in_class: bool) -> str:
        """The escape at ``self.pos``, as regex syntax (inside a class: a class item)."""
        src = self.src
        if self.pos + 1 >= len(src):
            raise regex.error("trailing backslash", src, self.pos)
        letter = src[self.pos + 1]
        self.pos += 2
        lower = letter.lower()
        if lower in _ASCII_BODIES or lower in _FIXED_BODIES:
            if lower in _ASCII_BODIES and self.unicode_classes:
                return "\\" + letter
            body = _FIXED_BODIES.get(lower) or _ASCII_BODIES[lower]
            return self._class_item(body, negated=letter.isupper(), in_class=in_class)
        if letter in "pP":
            return self._property(negated=letter == "P", in_class=in_class)
        if letter == "Q":
            end = src.find(r"\E", self.pos)
            end = len(src) if end < 0 else end
            literal = src[self.pos : end]
            self.pos = min(end + 2, len(src))
            return "".join(_char_escape(c) for c in literal)
        if letter == "E":  # a stray \E is ignored by Java
            return ""
        if letter == "x" and self.pos < len(src) and src[self.pos] == "{":
            end = src.index("}", self.pos)
            code = int(src[self.pos + 1 : end], 16)
            self.pos = end + 1
            return f"\\U{code:08x}"
        if letter == "0":
            digits = ""
            while (self.pos < len(src) and src[self.pos] in "01234567" and len(digits) < 3
                   and int(digits + src[self.pos], 8) <= 0o377):
                digits += src[self.pos]
                self.pos += 1
            return f"\\x{int(digits or '0', 8):02x}"
        if letter == "c" and self.pos < len(src):
            code = ord(src[self.pos]) ^ 64
            self.pos += 1
            return f"\\x{code:02x}"
        if letter in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[letter]
        if in_class:
            return "\\" + letter
        if letter == "z":
            return r"\Z"
        if letter == "Z":
            return _JAVA_END
        if letter == "R":
            return _JAVA_LINEBREAK
        if letter == "k" and self.pos < len(src) and src[self.pos] == "<":
            end = src.index(">", self.pos)
            name = src[self.pos + 1 : end]
            self.pos = end + 1
            return f"(?P={name})"
        if letter.isdigit():
            # Java: \1-\9 are always back references; more digits only while such a group exists.
            number = int(letter)
            while (self.pos < len(src) and src[self.pos].isdigit()
                   and int(f"{number}{src[self.pos]}") <= self.groups):
                number = int(f"{number}{src[self.pos]}")
                self.pos += 1
            return f"\\g<{number + self.group_offset}>"
        return "\\" + letter

    def _property(self, negated: bool, in_class: bool) -> str:
        src = self.src
        if self.pos < len(src) and src[self.pos] == "{":
            end = src.index("}", self.pos)
            name = src[self.pos + 1 : end]
            self.pos = end + 1
        else:
            name = src[self.pos : self.pos + 1]
            self.pos += 1
        posix = _POSIX_UNICODE if self.unicode_classes else _POSIX_ASCII
        if name in posix:
            return self._class_item(posix[name], negated, in_class)
        if name in _JAVA_PROPERTIES:
            return self._class_item(_JAVA_PROPERTIES[name], negated, in_class)
        if name.startswith("Is") and name[2:] in _GENERAL_CATEGORIES:
            name = name[2:]
        elif name == "all":
            return self._class_item(r"\x00-\U0010ffff", negated, in_class)
        return ("\\P" if negated else "\\p") + "{" + name + "}"

    @staticmethod
    def _class_item(body: str, negated: bool, in_class: bool) -> str:
        if in_class and not negated and "&&" not in body:
            return body
        return f"[{'^' if negated else ''}{body}]"

    def _class(self) -> str:
        """A character class, Java semantics, in regex version 1 syntax (nested sets allowed)."""
        src = self.src
        self.pos += 1
        out = ["["]
        if self.pos < len(src) and src[self.pos] == "^":
            out.append("^")
            self.pos += 1
        first = True
        can_start_range = False  # the previous item is one character
        while True:
            if self.pos >= len(src):
                raise regex.error("unterminated character set", src, self.pos)
            char = src[self.pos]
            if char == "]" and not first:
                self.pos += 1
                out.append("]")
                return "".join(out)
            first = False
            if char == "\\":
                letter = src[self.pos + 1 : self.pos + 2]
                out.append(self._escape(in_class=True))
                can_start_range = letter not in "sdwhvSDWHVpPQE"
            elif char == "[":
                out.append(self._class())
                can_start_range = False
            elif char == "&" and src.startswith("&&", self.pos):
                out.append("&&")
                self.pos += 2
                can_start_range = False
            elif (char == "-" and can_start_range and self.pos + 1 < len(src)
                  and src[self.pos + 1] != "]"):
                # a range; its end may itself be "-", which version 1 would read as "--"
                out.append("-")
                self.pos += 1
                if src[self.pos] == "-":
                    out.append("\\-")
                    self.pos += 1
                can_start_range = False
            else:
                # "-", "|" and "~" are plain characters in Java; doubled, they would be set
                # operators in regex version 1, so they are always escaped
                out.append(_char_escape(char) if char in "-|~]" else char)
                self.pos += 1
                can_start_range = True


def translate_java_regex(pattern: str, group_offset: int = 0) -> str:
    """A Java regular expression as ``regex`` module syntax (version 1 mode), same meaning.

    ``group_offset`` shifts numbered back references, for a pattern that will be placed
    after ``group_offset`` capturing groups of another one.
    """
    return _JavaTranslator(pattern, group_offset).translate()


def count_groups(pattern: str) -> int:
    """Capturing groups in a Java pattern."""
    return _JavaTranslator(pattern).groups


_COMPILE_FLAGS = regex.V1


def compile_java(pattern: str) -> regex.Pattern:
    """Compile a Java pattern with Java semantics (``(?-f)``: simple case folding, as Java)."""
    return regex.compile("(?-f)" + translate_java_regex(pattern), _COMPILE_FLAGS)


# --- SRX documents -------------------------------------------------------------------------


@dataclass(frozen=True)
class SrxRule:
    """One ``<rule>``: Java patterns as written (None when the element is absent)."""

    is_break: bool
    before: str | None
    after: str | None
    where: str = ""  # "languagerule 'Russian', rule 3", for error messages


@dataclass(frozen=True)
class LanguageMap:
    pattern: str
    rule_name: str


@dataclass(frozen=True, eq=False)
class SrxDocument:
    """What an SRX file says, parsed and checked (every pattern compiles)."""

    language_rules: dict[str, tuple[SrxRule, ...]]
    maps: tuple[LanguageMap, ...]
    cascade: bool = True
    segment_subflows: bool = True
    format_handles: tuple[dict[str, str], ...] = ()
    source: str = "<string>"  # the file it came from, for messages
    digest: str = ""  # sha256 of the file's bytes, for the run signature
    # rules compiled per language code; a dataclasses.replace() copy starts empty
    _compiled: dict[str, tuple[tuple[bool, regex.Pattern], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    # -- reading --

    @classmethod
    def from_file(cls, path: str | Path) -> SrxDocument:
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise SrxError(f"SRX file {path}: cannot be read ({error.strerror or error})") from None
        return cls.from_bytes(data, source=str(path))

    @classmethod
    def shipped(cls) -> SrxDocument:
        """The rules shipped with the aligner: OmegaT's default behaviour for ru and zh."""
        data = resources.files("aligner.segment.rules").joinpath(SHIPPED_RULES).read_bytes()
        return cls.from_bytes(data, source=SHIPPED_RULES)

    @classmethod
    def from_bytes(cls, data: bytes, source: str = "<string>") -> SrxDocument:
        def fail(problem: str) -> SrxError:
            return SrxError(f"SRX file {source}: {problem}")

        parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True,
                                 remove_pis=True)
        try:
            root = etree.fromstring(data, parser)
        except etree.XMLSyntaxError as error:
            raise fail(f"not well-formed XML ({error})") from None
        namespace = etree.QName(root).namespace or ""
        if etree.QName(root).localname != "srx" or namespace not in SRX_NAMESPACES:
            raise fail(f"the root element is {root.tag!r}, not an SRX <srx> "
                       f"(namespace {SRX_NAMESPACES[0]})")

        def tag(name: str) -> str:
            return f"{{{namespace}}}{name}" if namespace else name

        def yes_no(element: etree._Element, attribute: str, default: bool) -> bool:
            value = element.get(attribute)
            if value is None:
                return default
            if value not in ("yes", "no"):
                raise fail(f"<{etree.QName(element).localname} {attribute}=\"{value}\">: "
                           "must be \"yes\" or \"no\"")
            return value == "yes"

        header = root.find(tag("header"))
        srx10 = namespace.endswith("srx10")
        cascade = yes_no(header, "cascade", not srx10) if header is not None else not srx10
        subflows = yes_no(header, "segmentsubflows", True) if header is not None else True
        handles = tuple(dict(h.attrib) for h in header.iter(tag("formathandle"))) \
            if header is not None else ()
        body = root.find(tag("body"))
        if body is None:
            raise fail("no <body>")

        language_rules: dict[str, tuple[SrxRule, ...]] = {}
        for element in body.iter(tag("languagerule")):
            name = element.get("languagerulename")
            if not name:
                raise fail("a <languagerule> has no languagerulename")
            if name in language_rules:
                raise fail(f"languagerule {name!r} is defined twice")
            rules = []
            for number, rule in enumerate(element.iterchildren(tag("rule")), start=1):
                before, after = rule.find(tag("beforebreak")), rule.find(tag("afterbreak"))
                rules.append(SrxRule(
                    is_break=yes_no(rule, "break", True),
                    before=None if before is None else str(before.xpath("string()")),
                    after=None if after is None else str(after.xpath("string()")),
                    where=f"languagerule {name!r}, rule {number}",
                ))
            language_rules[name] = tuple(rules)

        maps = []
        for element in body.iter(tag("languagemap")):
            pattern, name = element.get("languagepattern"), element.get("languagerulename")
            if pattern is None or not name:
                raise fail("a <languagemap> needs languagepattern and languagerulename")
            if name not in language_rules:
                raise fail(f"languagemap {pattern!r} names languagerule {name!r}, "
                           "which the file does not define")
            try:
                compile_java(pattern)
            except (regex.error, ValueError, IndexError) as error:
                raise fail(f"languagemap pattern {pattern!r} is not a valid regular "
                           f"expression ({error})") from None
            maps.append(LanguageMap(pattern, name))
        if not maps:
            raise fail("no <languagemap> in <maprules>: no language would get any rule")

        document = cls(language_rules=language_rules, maps=tuple(maps), cascade=cascade,
                       segment_subflows=subflows, format_handles=handles, source=source,
                       digest=hashlib.sha256(data).hexdigest())
        for rules in language_rules.values():
            for rule in rules:
                try:
                    _compile_rule(rule)
                except (regex.error, ValueError, IndexError) as error:
                    raise fail(f"{rule.where}: pattern {_shown(rule)} is not a valid "
                               f"regular expression ({error})") from None
        return document

    # -- using --

    def rule_names_for(self, language: str) -> list[str]:
        """The languagerule names that apply to ``language``, in order."""
        names = []
        for language_map in self.maps:
            if compile_java(f"(?i:{language_map.pattern})").fullmatch(language):
                names.append(language_map.rule_name)
                if not self.cascade:
                    break
        return names

    def rules_for(self, language: str) -> list[SrxRule]:
        """Every rule that applies to ``language``, in the order they are tried."""
        return [rule for name in self.rule_names_for(language)
                for rule in self.language_rules[name]]

    def compiled_rules(self, language: str) -> tuple[tuple[bool, regex.Pattern], ...]:
        if language not in self._compiled:
            names = self.rule_names_for(language)
            if not names:
                raise SrxError(f"SRX file {self.source}: no languagemap matches language "
                               f"{language!r}")
            self._compiled[language] = tuple(
                (rule.is_break, _compile_rule(rule)) for rule in self.rules_for(language))
        return self._compiled[language]

    def breaks(self, text: str, language: str) -> list[int]:
        """Positions ``0 < p < len(text)`` where the rules for ``language`` break ``text``."""
        decided: dict[int, bool] = {}
        for is_break, pattern in self.compiled_rules(language):
            for match in pattern.finditer(text):
                decided.setdefault(match.start(), is_break)
        return sorted(p for p, is_break in decided.items() if is_break and 0 < p < len(text))

    def splitter(self, language: str) -> SrxSplitter:
        return SrxSplitter(self, language)


def _shown(rule: SrxRule) -> str:
    return f"<beforebreak>{rule.before or ''}</beforebreak><afterbreak>{rule.after or ''}" \
           "</afterbreak>"


def _compile_rule(rule: SrxRule) -> regex.Pattern:
    """One zero-width pattern that matches exactly at the positions the rule applies to.

    The after-break test comes first because it is the cheap one (usually one character).
    """
    after = translate_java_regex(rule.after) if rule.after else ""
    before_offset = count_groups(rule.after) if rule.after else 0
    before = translate_java_regex(rule.before, before_offset) if rule.before else ""
    pattern = "(?-f)" + (f"(?=(?:{after}))" if after else "") + \
        (f"(?<=(?:{before}))" if before else "")
    return regex.compile(pattern, _COMPILE_FLAGS)


class SrxSplitter(Splitter):
    """Splits a paragraph where an SRX document's rules for one language say to break."""

    name = "srx"

    def __init__(self, document: SrxDocument, language: str) -> None:
        self.document = document
        self.language = language
        document.compiled_rules(language)  # fail now, not on the first paragraph

    @cached_property
    def signature(self) -> str:
        # only characters that cannot be mistaken for the run signature's separators
        label = regex.sub(r"[^A-Za-z0-9._-]", "_", Path(self.document.source).stem)
        return f"srx-{label}@{self.document.digest[:12]}/{self.language}"

    def split(self, text: str) -> list[Span]:
        return spans_from_cuts(text, self.document.breaks(text, self.language))
