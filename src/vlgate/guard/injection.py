"""Prompt-injection scoring for text: instruction-like content in documents, tool
output and text carried by images. Pure: ``InjectionScorer().score(text)``.

Two scorers, and the text's score is the larger of them:

- the *learned* classifier (``injection_model``: hashed n-gram and concept features,
  logistic regression over short windows of the text, trained on a generated corpus
  by ``bench/guard_data/train_injection.py``); it generalises to phrasings nobody
  wrote a pattern for, and adds the reason ``learned`` when it is over 0.5;
- the pattern *families* (override, role play, system-prompt leak, exfiltration,
  fake chat delimiters, hidden-from-user, authority claims, new instructions, output
  control), each a set of patterns in English, German, French, Spanish, Italian,
  Dutch and Portuguese with a weight, combined as ``1 - prod(1 - w)``; they name
  what was found.

Encoded payloads (base64, hex, URL-encoding, zero-width bits, Unicode tags, and rot13
when the text mentions it) are decoded and scored by what they say; a "decode and
follow" cue alone stays below the default threshold.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata
import urllib.parse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from vlgate.guard.injection_model import InjectionModel

_INSTR = (
    r"(?:instructions?|prompts?|rules|directions|directives|guidelines|guidance|context|orders"
    r"|commands|constraints|programming|messages|text)"
)
_PRIOR = r"(?:previous|prior|above|earlier|preceding|foregoing|initial|original|system|all|any|your|the|my|those|these|other)"

FAMILIES: dict[str, tuple[float, tuple[str, ...]]] = {
    "override": (
        0.9,
        (
            rf"\b(?:ignore|disregard|forget|skip|override|bypass|neglect|drop|abandon|discard|overrule)\b"
            rf"(?:\s+\w+){{0,3}}?\s+{_PRIOR}\b(?:\s+\w+){{0,2}}?\s+{_INSTR}\b",
            r"\b(?:ignore|disregard|forget)\s+(?:everything|all(?: of)? (?:that|this|the above))\b",
            r"\bignore\s+(?:the\s+)?(?:user|human|customer)(?:'s)?\s+(?:question|request|query|message|prompt)",
            r"\bdo\s+not\s+(?:follow|obey|comply with)\s+(?:the|your|any)\s+(?:\w+\s+)?" + _INSTR,
            r"\b(?:ignorier\w*|vergiss|missachte)\b.{0,40}\b(?:anweisung\w*|instruktion\w*|regeln|vorgaben)",
            r"\b(?:ignore[zr]?|oublie[zr]?)\b.{0,40}\b(?:instructions?|consignes|règles)\b",
            r"\b(?:ignora|olvida|omite|ignore)\b.{0,40}\b(?:instrucciones|reglas|indicaciones)\b",
            r"\b(?:ignora|dimentica)\b.{0,40}\b(?:istruzioni|regole|indicazioni)\b",
            r"\b(?:negeer|vergeet)\b.{0,40}\b(?:instructies|regels|opdrachten)\b",
            r"\b(?:ignore|esqueça|desconsidere)\b.{0,40}\b(?:instruções|regras)\b",
        ),
    ),
    "new_instructions": (
        0.55,
        (
            r"\b(?:new|updated|revised|real|actual|true|additional|secret|hidden)\s+(?:instructions?|task|directive|orders|system prompt)\s*[:\-]",
            r"\bfrom\s+now\s+on\b.{0,30}\b(?:you|your|respond|answer|reply|only)\b",
            r"\byour\s+(?:new|real|actual|only)\s+(?:task|goal|job|purpose|objective)\b",
            r"\binstead\b.{0,40}\b(?:you\s+(?:must|should|will)|respond|reply|output|say|write)\b",
            r"\b(?:ab\s+jetzt|von\s+nun\s+an|désormais|à\s+partir\s+de\s+maintenant|a\s+partir\s+de\s+ahora|d'ora\s+in\s+poi|vanaf\s+nu|a\s+partir\s+de\s+agora)\b"
            r".{0,40}\b(?:du|dein\w*|tu|vous|votre|tú|usted|tu[oa]|jij|je|você|antwort\w*|répond\w*|respond\w*|rispond\w*|antwoord\w*)\b",
        ),
    ),
    "role_play": (
        0.75,
        (
            r"\byou\s+are\s+(?:now|no\s+longer)\b(?!\s+(?:\w+ed|logged|signed|set\s+up)\b)",
            r"\b(?:act|behave|respond)\s+as\s+(?:if\s+you\s+(?:were|are)\s+)?(?:an?\s+)?(?:unrestricted|unfiltered|uncensored|jailbroken|evil|rogue|different)\b",
            r"\bpretend\s+(?:to\s+be|you\s+are|that\s+you)\b",
            r"\b(?:roleplay|role-play)\s+as\b",
            r"\b(?:enable|enabled|activate|activated|enter|switch\s+to|with)\s+(?:the\s+)?(?:developer|god|dan|jailbreak|sudo|admin|debug)\s+mode\b",
            r"\b(?:developer|god|dan|jailbreak|sudo)\s+mode\s+(?:enabled|activated|on)\b",
            r"\bdo\s+anything\s+now\b",
            r"\bwithout\s+(?:any\s+)?(?:restrictions|filters|limitations|censorship|safety)\b",
            r"\b(?:du\s+bist\s+(?:jetzt|nun)|tu\s+es\s+maintenant|ahora\s+eres|ora\s+sei|je\s+bent\s+nu|agora\s+você\s+é)\b",
        ),
    ),
    "prompt_leak": (
        0.85,
        (
            r"\b(?:reveal|show|print|repeat|output|display|tell|give|leak|dump|share|recite|spell\s+out|write\s+out|paste|list)\b"
            r"(?:\s+\w+){0,3}?\s+(?:your|the|its)\s+(?:\w+\s+)?(?:system|initial|original|hidden|secret|internal|developer|pre-?prompt)\s*(?:prompt|instructions?|message|rules|configuration|guidelines)",
            r"\b(?:what|which)\s+(?:is|are|were)\s+your\s+(?:system\s+|initial\s+|original\s+|hidden\s+)?(?:prompt|instructions)\b",
            r"\brepeat\s+(?:the\s+|all\s+)?(?:words|text|everything|lines?)\s+(?:above|before)\b",
            r"\b(?:systemprompt|system-prompt|prompt\s+système|prompt\s+del\s+sistema|prompt\s+di\s+sistema|systeemprompt)\b",
        ),
    ),
    "exfiltration": (
        0.8,
        (
            r"\b(?:send|post|upload|forward|transmit|exfiltrate|email|e-mail|mail|leak|submit|report|stuur|envoye[zr]|envía|invia|schick)\b.{0,40}?\b(?:conversation|history|data|passwords?|credentials|keys?|secrets?|the\s+above|everything|chat|prompt|information|details|messages?|wachtwoorden|données|datos|dati|gegevens|daten)\b.{0,40}?\b(?:to|at|into|naar|à|a|an)\s+(?:https?://|www\.|[\w.+-]+@[\w-]+\.)",
            r"!\[[^\]]*\]\(\s*https?://[^)\s]*[?&][^)\s]*=",
            r"\b(?:append|add|include|encode|embed)\b.{0,60}\b(?:to|in|into)\s+(?:the\s+|this\s+|a\s+)?(?:url|link|image\s+url|query\s+string)\b",
            r"\b(?:api[\s_-]?keys?|passwords?|credentials|access\s+tokens?|secrets?|session\s+cookies?|chat\s+history|conversation\s+history|private\s+keys?)\b.{0,40}\b(?:send|reveal|give|share|include|post|output|print|list)\b",
            r"\b(?:send|reveal|give|share|include|post|output|print|list|collect)\b.{0,40}\b(?:api[\s_-]?keys?|passwords?|credentials|access\s+tokens?|session\s+cookies?|chat\s+history|conversation\s+history|private\s+keys?)\b",
            r"\bhttps?://[^\s]*\{(?:data|secret|prompt|history|key)\}",
        ),
    ),
    "delimiters": (
        0.7,
        (
            r"<\|(?:im_start|im_end|system|endoftext|user|assistant)\|>",
            r"\[/?(?:INST|SYS)\]|<</?SYS>>",
            r"(?m)^\s*#{2,}\s*(?:system|instruction|new\s+instructions?)\b",
            r"</?\s*(?:system|instructions?|admin)\s*>",
            r"\b(?:BEGIN|END)\s+(?:OF\s+)?(?:SYSTEM\s+PROMPT|USER\s+INPUT|INSTRUCTIONS)\b",
            r"(?m)^\s*(?:system|assistant)\s*:\s*\S",
        ),
    ),
    "hide_from_user": (
        0.7,
        (
            r"\b(?:do\s+not|don't|never)\s+(?:tell|inform|mention|reveal|show|disclose|let)\b.{0,30}\b(?:the\s+)?(?:user|human|customer|reader|operator)\b",
            r"\b(?:do\s+not|don't|never|not)\s+(?:mention|disclose|reveal)\s+(?:this|these|the\s+above)\b",
            r"\bwithout\s+(?:telling|informing|notifying|alerting)\s+(?:the\s+)?(?:user|human|customer|reader)\b",
            r"\b(?:secretly|silently|covertly)\s+(?:\w+\s+){0,2}(?:send|add|include|change|insert|approve|mark)\b",
        ),
    ),
    "authority": (
        0.45,
        (
            r"\b(?:this\s+is|message\s+from|note\s+from|instruction\s+from)\s+(?:the\s+|your\s+)?(?:system|administrator|admin|developer|developers|operator|openai|anthropic|qwen|alibaba|security\s+team|it\s+department)\b",
            r"\b(?:important|attention|urgent|note|notice|warning)\s*(?:to|for)?\s+(?:the\s+)?(?:ai|assistant|model|llm|chatbot|language\s+model|agent|bot)\b",
            r"\b(?:ai|assistant|model|llm|chatbot|agent)\s*[:,]\s*(?:you\s+must|please|ignore|disregard|stop)\b",
            r"\b(?:as\s+an?\s+)?(?:ai|assistant|language\s+model|llm)\s+(?:reading|processing|analy[sz]ing)\s+this\b",
        ),
    ),
    "output_control": (
        0.55,
        (
            r"\b(?:respond|reply|answer|say|output|print|write)\s+(?:only|just|exactly)\s+(?:with\s+)?[\"'“]",
            r"\b(?:classify|mark|label|rate|score|treat|flag)\s+(?:this|the)\s+(?:\w+\s+){0,2}as\s+(?:approved|safe|genuine|authentic|legitimate|verified|valid|benign|trusted|10/10|excellent)\b",
            r"\b(?:approve|accept|authori[sz]e|whitelist)\s+(?:this|the)\s+(?:\w+\s+)?(?:application|claim|invoice|request|transaction|payment|candidate|document)\b.{0,40}\b(?:regardless|no\s+matter|without)\b",
            r"\b(?:end|stop|terminate)\s+(?:the|your|this)\s+(?:summary|analysis|response|task)\s+(?:and|then)\b",
        ),
    ),
}
_COMPILED = {
    name: (weight, tuple(re.compile(p, re.IGNORECASE | re.DOTALL) for p in patterns))
    for name, (weight, patterns) in FAMILIES.items()
}
_ZW_BITS = {"\u200b": "0", "\u200c": "1"}
_ZW_RUN = re.compile("[\u200b\u200c]{16,}")
_TAGS = re.compile("[\U000e0020-\U000e007e]{4,}")  # Unicode tag characters: ASCII smuggling
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u202e\u202d"), None
) | dict.fromkeys(range(0xE0000, 0xE0080), None)
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_B64 = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{24,}={0,2}(?![A-Za-z0-9+/=])")
_HEX = re.compile(r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}[ :]?){16,}(?![0-9A-Fa-f])")
_PCT = re.compile(r"(?:%[0-9A-Fa-f]{2}){6,}")
_DECODE_CUE = re.compile(
    r"(?i)\b(?:decode|base64|b64|rot13|rot-13|hex)\b.{0,40}\b(?:follow|execute|run|obey|instructions?|do)\b"
)
_ROT_CUE = re.compile(r"(?i)\b(?:rot[\s-]?13|caesar|decod\w*|deciph\w*|rotat\w*)\b")
_LEET_CHANCE = re.compile(r"[^\W\d_][0134579@$]|[0134579@$][^\W\d_]")
# A cue alone ("decode this and follow it") is suspicious but not enough to flag; the
# decoded content decides (its own score, floored at ENCODED_MIN when it is an injection).
CUE_WEIGHT = 0.35
ENCODED_MIN = 0.8
LEARNED_REASON_AT = 0.5  # the learned score names itself as a reason from here on
# A pattern family alone flags only if the classifier gives the text at least this much;
# below it the families' score is scaled down by learned / PATTERN_GATE (they are still
# named). Decoded payloads are not gated: their content was scored in full.
PATTERN_GATE = 0.1


@dataclass(frozen=True, slots=True)
class InjectionScore:
    score: float
    reasons: tuple[str, ...]


def normalise(text: str) -> str:
    """NFKC, invisible characters removed, runs of whitespace (and s p a c e d letters) joined."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = re.sub(r"\bA[l1|]\b", "AI", text)  # OCR reads "AI" as "Al"
    text = re.sub(
        r"(?<!\w)((?:\w[ .]){4,}\w)(?!\w)", lambda m: re.sub(r"[ .]", "", m.group(1)), text
    )
    return re.sub(r"\s+", " ", text)


def _zero_width_bits(run: str) -> str:
    bits = "".join(_ZW_BITS[c] for c in run)
    data = bytes(int(bits[i : i + 8], 2) for i in range(0, len(bits) - 7, 8))
    return data.decode("utf-8", errors="ignore")


def _decoded(text: str) -> Iterator[str]:
    """Payloads hidden from a reader: base64, hex, %-encoding, zero-width bits, tags, rot13."""
    for m in _B64.finditer(text):
        raw = m.group()
        try:
            yield base64.b64decode(raw + "=" * (-len(raw) % 4), validate=False).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
    for m in _HEX.finditer(text):
        try:
            yield bytes.fromhex(re.sub(r"[ :]", "", m.group())).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            continue
    for m in _PCT.finditer(text):
        yield urllib.parse.unquote(m.group())
    for m in _ZW_RUN.finditer(text):
        yield _zero_width_bits(m.group())
    for m in _TAGS.finditer(text):
        yield "".join(chr(ord(c) - 0xE0000) for c in m.group())
    if _ROT_CUE.search(text):
        yield codecs.encode(text, "rot13")


@lru_cache(maxsize=1)
def default_model() -> InjectionModel:
    """The shipped classifier (``data/injection_model.npz``), loaded once."""
    return InjectionModel.load()


class InjectionScorer:
    """Scores text for prompt-injection content; reasons name the families found
    (and ``learned`` when the classifier's score is what flags it).

    ``model=None`` uses the shipped classifier; ``model=False`` scores with the
    patterns alone.
    """

    def __init__(
        self,
        families: dict[str, tuple[float, tuple[re.Pattern[str], ...]]] | None = None,
        model: InjectionModel | Literal[False] | None = None,
    ) -> None:
        self.families = families or _COMPILED
        self.model: InjectionModel | None = (
            None if model is False else (model if model is not None else default_model())
        )

    def patterns(self, text: str) -> dict[str, float]:
        """The pattern families present in ``text`` and their weights."""
        base = normalise(text)
        views = [base]
        if _LEET_CHANCE.search(base):
            views.append(base.translate(_LEET))
        found: dict[str, float] = {}
        for name, (weight, patterns) in self.families.items():
            if any(p.search(v) for p in patterns for v in views):
                found[name] = weight
        return found

    def score(self, text: str, *, _depth: int = 0) -> InjectionScore:
        if not text.strip():
            return InjectionScore(0.0, ())
        found = self.patterns(text)
        extra: dict[str, float] = {}
        if _depth == 0:
            for decoded in _decoded(text):
                inner = self.score(decoded, _depth=1)
                if inner.score > 0.3:
                    extra["encoded"] = max(extra.get("encoded", 0.0), ENCODED_MIN, inner.score)
            if _DECODE_CUE.search(text):
                extra["encoding_cue"] = CUE_WEIGHT
        pattern = _combine(found.values())
        reasons = set(found) | set(extra)
        if self.model is not None:
            learned = self.model.score(text)
            if learned >= LEARNED_REASON_AT:
                reasons.add("learned")
            if learned < PATTERN_GATE:
                pattern *= learned / PATTERN_GATE
            score = max(learned, _combine([pattern, *extra.values()]))
        else:
            score = _combine([pattern, *extra.values()])
        return InjectionScore(round(score, 4), tuple(sorted(reasons)))


def _combine(weights: Iterable[float]) -> float:
    """``1 - prod(1 - w)``: independent pieces of evidence."""
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - weight
    return 1.0 - remaining
