#!/usr/bin/env bash
# Install what bench/suite.py compares vlgate against; none of it is a vlgate dependency.
#   nginx      Debian package, run in the foreground with a generated config
#   LiteLLM    its own venv, bench/.venv-peers (git-ignored), with matplotlib for the plots
# LiteLLM is pinned: releases 1.82.7, 1.82.8 and 1.107.0 were compromised on PyPI and
# pulled; 1.81.13 predates them. Bump only to a release checked clean.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v nginx >/dev/null; then
  apt-get update -qq && apt-get install -y -qq nginx
fi
VENV=bench/.venv-peers
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q "litellm[proxy]==1.81.13" "matplotlib>=3.8"
grep -qx "bench/.venv-peers/" .git/info/exclude 2>/dev/null || echo "bench/.venv-peers/" >> .git/info/exclude
echo "peers ready: nginx $(nginx -v 2>&1 | cut -d/ -f2), litellm $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("litellm"))')"
