"""A client for `policyc lsp` built on pytest-lsp: the client's buffers are pygls
`TextDocument`s (pygls's own position arithmetic, not ours), every publication of
diagnostics is kept in order, and `workspace/applyEdit` is applied to the buffers."""

from __future__ import annotations

import asyncio
import contextlib
import os
import pathlib
import time

from lsprotocol import types as t
from pygls.protocol import default_converter
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import PositionCodec
from pytest_lsp import LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

ROOT = pathlib.Path(__file__).resolve().parents[2]
POLICYC = os.environ.get("POLICYC_BIN") or str(ROOT / "target" / "debug" / "policyc")


class Editor:
    """One client session: the documents as the client holds them, and what the
    server published."""

    def __init__(self, client: LanguageClient, encoding: str):
        self.client = client
        self.encoding = encoding
        self.docs: dict[str, TextDocument] = {}
        self.published: list[t.PublishDiagnosticsParams] = []
        self.applied: list[t.ApplyWorkspaceEditParams] = []

    def codec(self) -> PositionCodec:
        return PositionCodec(
            encoding=t.PositionEncodingKind.Utf8
            if self.encoding == "utf-8"
            else t.PositionEncodingKind.Utf16
        )

    def open(self, path: pathlib.Path, text: str) -> str:
        uri = path.as_uri()
        self.docs[uri] = TextDocument(uri, text, version=1, position_codec=self.codec())
        self.client.text_document_did_open(
            t.DidOpenTextDocumentParams(
                text_document=t.TextDocumentItem(
                    uri=uri, language_id="policy", version=1, text=text
                )
            )
        )
        return uri

    def text(self, uri: str) -> str:
        return self.docs[uri].source

    def position(self, uri: str, needle: str, nth: int = 0, shift: int = 0) -> t.Position:
        """Where the `nth` `needle` starts in the client's text, `shift` characters on."""
        text = self.text(uri)
        at = -1
        for _ in range(nth + 1):
            at = text.index(needle, at + 1)
        return self.docs[uri].client_position_at_offset(at + shift)

    def range_of(self, uri: str, needle: str, nth: int = 0) -> t.Range:
        start = self.position(uri, needle, nth)
        end = self.position(uri, needle, nth, len(needle))
        return t.Range(start=start, end=end)

    def edit(self, uri: str, edits: list[t.TextEdit]) -> int:
        """Applies `edits` to the client's text and tells the server, as ranged
        changes: the last edit first, so that each range is still where it was."""
        doc = self.docs[uri]
        ordered = sorted(
            edits,
            key=lambda e: (e.range.start.line, e.range.start.character),
            reverse=True,
        )
        changes = [
            t.TextDocumentContentChangePartial(range=e.range, text=e.new_text)
            for e in ordered
        ]
        for c in changes:
            doc.apply_change(c)
        doc.version = (doc.version or 0) + 1
        self.client.text_document_did_change(
            t.DidChangeTextDocumentParams(
                text_document=t.VersionedTextDocumentIdentifier(
                    uri=uri, version=doc.version
                ),
                content_changes=changes,
            )
        )
        return doc.version

    def replace(self, uri: str, needle: str, new: str, nth: int = 0) -> int:
        return self.edit(uri, [t.TextEdit(range=self.range_of(uri, needle, nth), new_text=new)])

    async def publication(
        self, uri: str, version: int | None = None, timeout: float = 20.0
    ) -> t.PublishDiagnosticsParams:
        """The first publication for `uri` (of `version`, if given) not yet taken."""
        deadline = time.monotonic() + timeout
        while True:
            for i, p in enumerate(self.published):
                if p.uri == uri and (version is None or p.version == version):
                    # This one and the earlier ones of the same document are taken.
                    self.published = [
                        q for j, q in enumerate(self.published) if j > i or q.uri != uri
                    ]
                    return p
            if time.monotonic() > deadline:
                raise TimeoutError(f"no diagnostics for {uri} version {version}")
            await asyncio.sleep(0.002)


def make_client(editor_box: list) -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    features = dict(DEFAULT_CLIENT_FEATURES)

    def publish(client: LanguageClient, params: t.PublishDiagnosticsParams):
        client.diagnostics[params.uri] = params.diagnostics
        editor_box[0].published.append(params)

    def apply_edit(client: LanguageClient, params: t.ApplyWorkspaceEditParams):
        editor = editor_box[0]
        editor.applied.append(params)
        for uri, edits in (params.edit.changes or {}).items():
            editor.edit(uri, list(edits))
        return t.ApplyWorkspaceEditResult(applied=True)

    features[t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    features[t.WORKSPACE_APPLY_EDIT] = apply_edit
    register_lsp_features(client, features)
    return client


@contextlib.asynccontextmanager
async def session(capabilities: t.ClientCapabilities, initialized: bool = True):
    """`policyc lsp` started and initialized with `capabilities`; shut down after."""
    box: list = [None]
    client = make_client(box)
    await client.start_io(POLICYC, "lsp")
    editor = Editor(client, "utf-16")
    box[0] = editor
    try:
        if initialized:
            result = await client.initialize_session(
                t.InitializeParams(capabilities=capabilities)
            )
            editor.encoding = result.capabilities.position_encoding or "utf-16"
        yield editor
        if client.capabilities is not None:
            await client.shutdown_session()
            assert client._server.returncode == 0, client._server.returncode
    finally:
        if client._server is not None and client._server.returncode is None:
            client._server.terminate()
        await client.stop()
