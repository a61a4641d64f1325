#!/usr/bin/env python3
"""`policyc lsp` through its stdio, as an editor runs it, on generated documents:
how long from `didOpen` to the first published diagnostics, to the answer of a hover
sent with it, and how long find-references takes.

    cargo build --release
    python3 benches/lsp_stdio.py target/release/policyc inputs 20000
    python3 benches/lsp_stdio.py target/release/policyc uses 20000

`inputs N`: a policy of N inputs that no rule reads (N warnings, issue 18's case).
`uses N`: one input read by N defines (references to it: N + 1 places).
"""

import json
import queue
import subprocess
import sys
import threading
import time


class Server:
    def __init__(self, exe):
        self.p = subprocess.Popen([exe, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.q = queue.Queue()
        threading.Thread(target=self.pump, daemon=True).start()

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def pump(self):
        while True:
            length = 0
            while True:
                line = self.p.stdout.readline()
                if line in (b"\r\n", b""):
                    break
                if line.lower().startswith(b"content-length"):
                    length = int(line.split(b":")[1])
            if not length:
                return
            self.q.put(json.loads(self.p.stdout.read(length)))

    def recv(self, timeout=60):
        try:
            return self.q.get(timeout=timeout)
        except queue.Empty:
            return None

    def answer(self, id_):
        while (m := self.recv()) is not None:
            if m.get("id") == id_:
                return m
        raise TimeoutError(id_)


def main():
    exe, kind, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if kind == "inputs":
        lines = ['policy p "P"', "enum E { a, b, c }", "output o: E default a"]
        lines += [f"input i{k}: bool" for k in range(n)]
        refs_at = {"line": 3, "character": 7}
    else:
        lines = ['policy p "P"', "input x: bool", "output o: bool default false"]
        lines += [f"define d{k} = x" for k in range(n)]
        refs_at = {"line": 1, "character": 7}
    text = "\n".join(lines) + "\n"
    uri = "file:///nonexistent/big.policy"
    s = Server(exe)
    s.send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
    s.answer(1)
    s.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    start = time.monotonic()
    s.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "policy", "version": 1, "text": text}}})
    s.send({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": uri}, "position": {"line": 3 + n // 2, "character": 8}}})
    published, hover = [], None
    # The analyses' publication, if any, follows the checker's within a few seconds.
    while (m := s.recv(timeout=5 if published and hover else 60)) is not None:
        at = time.monotonic() - start
        if m.get("method") == "textDocument/publishDiagnostics":
            published.append((at, len(m["params"]["diagnostics"])))
        elif m.get("id") == 2:
            hover = at
    print(f"{kind} {n}: hover sent with didOpen answered in {hover:.3f} s; diagnostics "
          "published at " + ", ".join(f"{t:.3f} s ({k})" for t, k in published))
    start = time.monotonic()
    s.send({"jsonrpc": "2.0", "id": 3, "method": "textDocument/references", "params": {
        "textDocument": {"uri": uri}, "position": refs_at,
        "context": {"includeDeclaration": True}}})
    found = s.answer(3)["result"]
    print(f"  references: {len(found)} in {time.monotonic() - start:.3f} s")
    s.send({"jsonrpc": "2.0", "id": 4, "method": "shutdown"})
    s.answer(4)
    s.send({"jsonrpc": "2.0", "method": "exit"})
    s.p.wait()


if __name__ == "__main__":
    main()
