"""Natural benign prose for the injection training corpus: docstring paragraphs,
README / changelog text (the package's long description in its METADATA) and licence
texts of permissively licensed packages that vlgate itself and its extras depend on,
plus pip (read from the installed sources with ``ast``, never imported).

Why: the generated grammars give fluent English mostly on the injected side, so a
classifier learns "fluent imperative English" instead of "instructions aimed at the
model". Technical documentation is full of imperatives ("Return ...", "Send ...",
"Override this method ...", "Ignore ...") addressed to people, which is what the
benign side needs. The CPython standard library is *not* read: its docstrings are
in the external evaluation split. Only the trained weights ship, not these texts.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata as md
import importlib.util
import random
import re
from pathlib import Path

# import name -> distribution; MIT / BSD / Apache-2.0 / MIT-CMU (see NOTICE)
PACKAGES = {
    "openai": "openai", "pydantic": "pydantic", "fastapi": "fastapi", "starlette": "starlette",
    "httpx": "httpx", "sqlalchemy": "SQLAlchemy", "rich": "rich", "typer": "typer", "click": "click",
    "numpy": "numpy", "PIL": "pillow", "phonenumbers": "phonenumbers", "redis": "redis",
    "prometheus_client": "prometheus-client", "faker": "Faker", "psutil": "psutil", "uvicorn": "uvicorn",
    "pip": "pip",
    # the engine, dev and ocr extras: ML, security, networking and tooling prose
    "transformers": "transformers", "torch": "torch", "huggingface_hub": "huggingface-hub",
    "accelerate": "accelerate", "jinja2": "Jinja2", "cryptography": "cryptography",
    "requests": "requests", "urllib3": "urllib3", "aiohttp": "aiohttp", "setuptools": "setuptools",
    "mypy": "mypy", "_pytest": "pytest", "attr": "attrs", "anyio": "anyio", "werkzeug": "Werkzeug",
    "networkx": "networkx", "fsspec": "fsspec", "av": "av", "pypdfium2": "pypdfium2",
}  # fmt: skip
_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
_SKIP_PARTS = {"tests", "test", "testing", "_vendor", "vendor", "_distutils"}  # CPython copies


def _paragraphs(doc: str) -> list[str]:
    out = []
    for block in re.split(r"\n\s*\n", doc):
        lines = [ln.strip() for ln in block.strip().splitlines()]
        if not lines or any(
            ln.startswith((">>>", "...", "$ ", "|", "+-", "==", "--")) for ln in lines
        ):
            continue
        text = " ".join(ln for ln in lines if ln)
        words = text.split()
        letters = sum(c.isalpha() for c in text)
        if 40 <= len(text) <= 900 and len(words) >= 7 and letters > 0.6 * len(text):
            out.append(text)
    return out


def versions() -> dict[str, str]:
    found = {}
    for mod, dist in PACKAGES.items():
        if importlib.util.find_spec(mod) is not None:
            found[dist] = md.version(dist)
    return found


def collect() -> list[str]:
    """All docstring and licence paragraphs, deduplicated, in a stable order."""
    return list(_collect())


@functools.cache
def _collect() -> tuple[str, ...]:  # ~2 minutes with torch and transformers: once a process
    paras: set[str] = set()
    for mod, dist in sorted(PACKAGES.items()):
        spec = importlib.util.find_spec(mod)
        if spec is None or not spec.submodule_search_locations:
            continue
        root = Path(next(iter(spec.submodule_search_locations)))
        for path in sorted(root.rglob("*.py")):
            if _SKIP_PARTS & set(path.relative_to(root).parts):
                continue
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"))
            except (SyntaxError, UnicodeDecodeError, ValueError):
                continue
            for node in ast.walk(tree):
                if isinstance(
                    node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
                ) and (doc := ast.get_docstring(node)):
                    paras.update(_paragraphs(doc))
        description = md.metadata(dist).json.get("description", "")
        paras.update(_paragraphs(_FENCE.sub("", str(description))))
        for file in md.files(dist) or []:
            name = file.name.upper()
            if name.startswith(("LICENSE", "LICENCE", "COPYING")):
                try:
                    paras.update(_paragraphs(file.read_text(encoding="utf-8")))
                except (OSError, UnicodeDecodeError):
                    continue
    return tuple(sorted(paras))


def sample(r: random.Random, n: int) -> list[str]:
    paras = collect()
    return r.sample(paras, min(n, len(paras)))
