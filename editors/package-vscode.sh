#!/usr/bin/env bash
# Builds the VS Code extension (editors/vscode) as a .vsix file, ready for
# "Extensions: Install from VSIX..." or `code --install-extension FILE`:
#
#   editors/package-vscode.sh [OUT]
#
# OUT is the file (or an existing folder) to write; default
# editors/vscode/policyc-policy-VERSION.vsix. Needs Node.js and npm: installs the
# extension's dependencies exactly as package-lock.json lists them, then packages with
# @vscode/vsce (a dev dependency, so no global install).
set -euo pipefail

here="$(cd "$(dirname "$0")/vscode" && pwd)"
out="${1:-}"
if [ -n "$out" ] && [ "${out#/}" = "$out" ]; then
  out="$PWD/$out"
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "error: npm is needed to package the extension (install Node.js)" >&2
  exit 2
fi
cd "$here"
# `npm ci` starts node_modules afresh; skipped when it already holds what this
# package-lock.json lists (a stamp written after the last install), which makes a second
# packaging take seconds.
lock="$(cksum < package-lock.json)"
if [ "$(cat node_modules/.policyc-lock 2>/dev/null)" != "$lock" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  printf '%s\n' "$lock" > node_modules/.policyc-lock
fi
# The licence (MIT OR Apache-2.0) is stated in package.json; the texts are
# LICENSE-MIT and LICENSE-APACHE at the repository's root, which vsce does not
# look for, hence --skip-license in package.json.
if [ -n "$out" ]; then
  npm run --silent package -- --out "$out"
else
  npm run --silent package
fi
