#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into fuzz/corpus/<target>/ from the
bundled policies (policies/, examples/) and the test fixtures (docs/fuzzing.md).

The corpora are not kept in git: they are made again from the files they come from,
so they follow the language as it changes. Run from anywhere; existing files of the
same name are replaced, other files (what the fuzzer found) are left alone.
"""

import hashlib
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"

# The policies the `decide` target decides against, in its order (fuzz_targets/decide.rs).
DECIDE_POLICIES = [
    "derbyshire",
    "devon-cornwall-dorset",
    "gloucestershire",
    "npcc",
    "school-advice",
    "ukcis-2024",
]


def policy_files():
    dirs = [ROOT / "policies", ROOT / "examples", ROOT / "tests" / "fixtures"]
    return sorted(p for d in dirs for p in d.rglob("*.policy") if p.is_file())


def put(target, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    (d / name).write_bytes(data)


def givens(text):
    """The facts of each scenario's `given` clause, as JSON objects."""
    out = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"\s*given\s+(.*)", line)
        if not m:
            continue
        clause = m.group(1)
        indent = len(line) - len(line.lstrip())
        for more in lines[i + 1 :]:
            if len(more) - len(more.lstrip()) > indent and not re.match(
                r"\s*(expect|given|when|then)\b", more
            ):
                clause += " " + more.strip()
            else:
                break
        facts = {}
        for part in clause.split(","):
            if "=" not in part:
                continue
            key, value = (s.strip() for s in part.split("=", 1))
            if value in ("true", "false"):
                facts[key] = value == "true"
            elif re.fullmatch(r"-?\d+", value):
                facts[key] = int(value)
            else:
                facts[key] = value
        if facts:
            out.append(facts)
    return out


def main():
    texts = {p: p.read_bytes() for p in policy_files()}
    for data in texts.values():
        put("check", data)
        put("fmt", data)
    # `check` reads `a.policy` ... after the first NUL: a policy and a module it uses.
    put("check", b'use "a.policy"\npolicy p "P"\noutput o: bool\nrule r "R" when x then o = true\n\0input x: bool\n')

    bundled = sorted((ROOT / "policies").glob("*.policy"))
    compare = sorted((ROOT / "policies" / "compare").glob("*.policy"))
    for a in bundled + compare:
        put("diff", texts[a] + b"\0" + texts[a])
    for a, b in zip(bundled, bundled[1:] + bundled[:1]):
        put("diff", texts[a] + b"\0" + texts[b])
    for c in compare:
        put("diff", texts[ROOT / "policies" / "ukcis-2024.policy"] + b"\0" + texts[c])
    # Every fixture against its neighbour (in a folder, often two versions of one
    # policy): without them the target spent hours finding the diagnostics and
    # constructs the fixtures hold.
    files = list(texts)
    for a, b in zip(files, files[1:]):
        put("diff", texts[a] + b"\0" + texts[b])

    for i, name in enumerate(DECIDE_POLICIES):
        text = (ROOT / "policies" / f"{name}.policy").read_text()
        facts = givens(text)[:8]
        pick = bytes([i])
        put("decide", pick + b"{}")
        for f in facts:
            put("decide", pick + json.dumps(f).encode())
            put("decide", pick + json.dumps(f, indent=2).encode())
        if facts:
            put("decide", pick + "\n".join(json.dumps(f) for f in facts).encode() + b"\n")
            put("decide", pick + json.dumps(facts).encode())
            put("decide", pick + b'{"youngest_age": 15}\nnot json\n' + json.dumps(facts[0]).encode())

    # Every policy and fixture, for the same reason as `diff`'s neighbours.
    for data in texts.values():
        put("lsp", lsp_session(data.decode("utf-8", "replace")))
    put("lsp", lsp_session("policy p \"P\"\ninput x: bool\noutput o: bool\nrule r \"R\" when x then o = tru\n"))


def lsp_session(text):
    """Messages (split at NUL by the target) opening `text` as main.policy, editing,
    asking about it and closing it."""
    main = "file:///mem/main.policy"
    doc = {"uri": main}
    at = {"line": 12, "character": 8}
    msgs = [
        {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": main, "languageId": "policy", "version": 1, "text": text}}},
        {"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": {"textDocument": doc, "position": at}},
        {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": main, "version": 2}, "contentChanges": [{"range": {"start": at, "end": {"line": 12, "character": 10}}, "text": "x"}]}},
        {"jsonrpc": "2.0", "id": 2, "method": "textDocument/completion", "params": {"textDocument": doc, "position": at}},
        {"jsonrpc": "2.0", "id": 3, "method": "textDocument/definition", "params": {"textDocument": doc, "position": at}},
        {"jsonrpc": "2.0", "id": 4, "method": "textDocument/references", "params": {"textDocument": doc, "position": at, "context": {"includeDeclaration": True}}},
        {"jsonrpc": "2.0", "id": 5, "method": "textDocument/codeAction", "params": {"textDocument": doc, "range": {"start": {"line": 0, "character": 0}, "end": at}, "context": {"diagnostics": []}}},
        {"jsonrpc": "2.0", "id": 6, "method": "textDocument/formatting", "params": {"textDocument": doc, "options": {"tabSize": 2, "insertSpaces": True}}},
        {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": main, "version": 3}, "contentChanges": [{"text": text}]}},
        {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": "file:///mem/a.policy", "languageId": "policy", "version": 1, "text": "input x: bool\n"}}},
        {"jsonrpc": "2.0", "method": "textDocument/didSave", "params": {"textDocument": doc}},
        {"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": doc}},
    ]
    return b"\0".join(json.dumps(m).encode() for m in msgs)


if __name__ == "__main__":
    main()
