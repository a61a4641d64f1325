"""`policyc lsp` as editors use it, driven by pytest-lsp: the messages are read and
written by lsprotocol's types (a malformed one fails the test), the capability sets
are those pytest-lsp recorded from real editors, and the client's text is kept by
pygls's document model, not by ours."""

from __future__ import annotations

import pathlib
import time

import pytest
from lsprotocol import types as t
from pygls.exceptions import JsonRpcException
from pytest_lsp import client_capabilities

from conftest import session

VOCAB = """/// Force, coercion, blackmail or grooming.
input coercion: bool
/// How old is the youngest person involved?
input youngest_age: 0..=99
enum Severity { semi_nude, nude, sexual_act }
/// The most serious content involved.
input severity: Severity
"""

POLICY = """policy school "A school policy"

use "vocabulary.policy"

enum Investigation { none, strategy_discussion, section_47 }
/// Who investigates.
output investigation: Investigation

/// Coercion is always escalated.
rule coerced "Coercion means a strategy discussion (« contrainte », 𝄞)"
  cites "002 para 4"
  when coercion
  then investigation = strategy_discussion

rule otherwise "Otherwise nobody investigates"
  cites "002 para 5"
  overrides coerced
  when not coercion or youngest_age >= 13
  then investigation = none
"""

VSCODE = "visual-studio-code"
EDITORS = [VSCODE, "neovim@v0.11.0", "emacs"]


def caps(spec: str = VSCODE, **changes) -> t.ClientCapabilities:
    """An editor's recorded capabilities, with `changes` to its text document part."""
    c = client_capabilities(spec)
    for name, value in changes.items():
        setattr(c.text_document, name, value)
    return c


@pytest.fixture
def folder(tmp_path: pathlib.Path) -> pathlib.Path:
    (tmp_path / "vocabulary.policy").write_text(VOCAB)
    (tmp_path / "school.policy").write_text(POLICY)
    return tmp_path


def codes(p: t.PublishDiagnosticsParams, severity=None) -> list[str]:
    return [
        str(d.code)
        for d in p.diagnostics
        if severity is None or d.severity == severity
    ]


@pytest.mark.parametrize("editor", EDITORS)
async def test_a_session_in_each_editor(folder: pathlib.Path, editor: str):
    """Open, edit with ranged changes, hover, go to definition, symbols, completion,
    with the capabilities of VS Code, Neovim and Emacs (the last two in UTF-8)."""
    async with session(caps(editor)) as ed:
        # Neovim and Emacs offer UTF-8, which the server prefers (byte offsets).
        assert ed.encoding == ("utf-16" if editor == VSCODE else "utf-8")
        started = time.monotonic()
        uri = ed.open(folder / "school.policy", POLICY)
        first = await ed.publication(uri)
        print(f"{editor}: first diagnostics in {1000 * (time.monotonic() - started):.1f} ms")
        assert first.version == 1
        assert codes(first, t.DiagnosticSeverity.Error) == []

        # A typo after the multi-byte title, typed as editors send it: ranged.
        v = ed.replace(uri, "coercion", "coercoin", nth=1)
        p = await ed.publication(uri, v)
        assert codes(p, t.DiagnosticSeverity.Error) == ["E0203"]
        assert p.diagnostics[0].range == ed.range_of(uri, "coercoin")
        v = ed.replace(uri, "coercoin", "coercion")
        assert codes(await ed.publication(uri, v), t.DiagnosticSeverity.Error) == []

        hover = await ed.client.text_document_hover_async(
            t.HoverParams(
                text_document=t.TextDocumentIdentifier(uri=uri),
                position=ed.position(uri, "youngest_age", shift=2),
            )
        )
        assert isinstance(hover.contents, t.MarkupContent)
        assert hover.contents.kind == t.MarkupKind.Markdown
        assert "How old is the youngest person involved?" in hover.contents.value
        assert hover.range == ed.range_of(uri, "youngest_age")

        found = await ed.client.text_document_definition_async(
            t.DefinitionParams(
                text_document=t.TextDocumentIdentifier(uri=uri),
                position=ed.position(uri, "coercion", nth=1),
            )
        )
        target = found[0] if isinstance(found, list) else found
        target_uri = getattr(target, "target_uri", None) or target.uri
        assert target_uri == (folder / "vocabulary.policy").as_uri()

        # Every symbol's name range holds its name in the client's own text.
        symbols = await ed.client.text_document_document_symbol_async(
            t.DocumentSymbolParams(text_document=t.TextDocumentIdentifier(uri=uri))
        )
        doc = ed.docs[uri]
        flat = [s for top in symbols for s in [top, *(top.children or [])]]
        assert {s.name for s in flat} >= {"school", "Investigation", "none", "coerced"}
        for s in flat:
            assert doc.text_in_client_range(s.selection_range) == s.name


async def test_incremental_edits_keep_the_server_in_step(folder: pathlib.Path):
    """Ranged edits with multi-byte characters, surrogate pairs, several changes in one
    notification and an edit at the very end: the server's text stays the client's."""
    async with session(caps()) as ed:
        uri = ed.open(folder / "school.policy", POLICY)
        await ed.publication(uri, 1)
        # Inside the title, around the surrogate pair.
        ed.replace(uri, "𝄞", "𝄞𝄞 ∈")
        # Two edits in one notification, the second on a later line.
        ed.edit(
            uri,
            [
                t.TextEdit(range=ed.range_of(uri, "contrainte"), new_text="coercition"),
                t.TextEdit(range=ed.range_of(uri, "youngest_age >= 13"), new_text="youngest_age >= 14"),
            ],
        )
        # A new rule at the very end, and a deletion across lines.
        end = ed.docs[uri].client_position_at_offset(len(ed.text(uri)))
        ed.edit(
            uri,
            [t.TextEdit(range=t.Range(start=end, end=end), new_text="\nrule late \"Late\" cites \"x\" when sevrity == nude then investigation = section_47\n")],
        )
        v = ed.replace(uri, "/// Who investigates.\n", "")
        p = await ed.publication(uri, v)
        # The one error is the typo, where the client's text has it.
        errors = [d for d in p.diagnostics if d.severity == t.DiagnosticSeverity.Error]
        assert [str(d.code) for d in errors] == ["E0203"], p.diagnostics
        assert errors[0].range == ed.range_of(uri, "sevrity")
        symbols = await ed.client.text_document_document_symbol_async(
            t.DocumentSymbolParams(text_document=t.TextDocumentIdentifier(uri=uri))
        )
        doc = ed.docs[uri]
        for s in symbols:
            assert doc.text_in_client_range(s.selection_range) == s.name
            assert doc.text_in_client_range(s.range).split()[-1] in ed.text(uri)
        late = next(s for s in symbols if s.name == "late")
        assert doc.text_in_client_range(late.range).startswith("rule late")


async def test_diagnostics_are_published_once_per_version_never_empty_first(
    folder: pathlib.Path,
):
    """A clean policy with a gap: after an edit its checker's diagnostics are not
    published before the analyses' (the gap would vanish and come back on every
    edit), and nothing is published empty."""
    gap = POLICY[: POLICY.index("rule otherwise")]
    async with session(caps()) as ed:
        uri = ed.open(folder / "school.policy", gap)
        p = await ed.publication(uri, 1)
        if "E0501" not in codes(p):
            # At opening the checker's findings may come first, never an empty list.
            assert p.diagnostics, p
            p = await ed.publication(uri, 1)
        assert "E0501" in codes(p), p
        for n in range(3):
            v = ed.replace(uri, "always", f"always{n}")
            p = await ed.publication(uri, v)
            assert "E0501" in codes(p), p
        time_after = time.monotonic()
        while time.monotonic() - time_after < 0.5:
            await ed.client.text_document_hover_async(
                t.HoverParams(
                    text_document=t.TextDocumentIdentifier(uri=uri),
                    position=t.Position(line=0, character=0),
                )
            )
        # Nothing else was published: in particular no empty list.
        assert [p for p in ed.published if p.uri == uri] == []


async def test_hover_in_markdown_or_plain_text(folder: pathlib.Path):
    plain = caps(hover=t.HoverClientCapabilities(content_format=[t.MarkupKind.PlainText]))
    for capabilities, kind in [(caps(), t.MarkupKind.Markdown), (plain, t.MarkupKind.PlainText)]:
        async with session(capabilities) as ed:
            uri = ed.open(folder / "school.policy", POLICY)
            await ed.publication(uri, 1)
            hover = await ed.client.text_document_hover_async(
                t.HoverParams(
                    text_document=t.TextDocumentIdentifier(uri=uri),
                    position=ed.position(uri, "coerced", nth=1),
                )
            )
            assert hover.contents.kind == kind
            text = hover.contents.value
            assert "Coercion means a strategy discussion" in text
            assert "Coercion is always escalated." in text
            if kind == t.MarkupKind.PlainText:
                assert "```" not in text and "**" not in text, text
            else:
                assert text.startswith("```policy\n"), text


async def test_symbols_nested_or_flat(folder: pathlib.Path):
    flat = caps(
        document_symbol=t.DocumentSymbolClientCapabilities(
            hierarchical_document_symbol_support=False
        )
    )
    for capabilities, nested in [(caps(), True), (flat, False)]:
        async with session(capabilities) as ed:
            uri = ed.open(folder / "school.policy", POLICY)
            await ed.publication(uri, 1)
            symbols = await ed.client.text_document_document_symbol_async(
                t.DocumentSymbolParams(text_document=t.TextDocumentIdentifier(uri=uri))
            )
            if nested:
                assert all(isinstance(s, t.DocumentSymbol) for s in symbols)
                enum = next(s for s in symbols if s.name == "Investigation")
                assert [c.name for c in enum.children] == [
                    "none",
                    "strategy_discussion",
                    "section_47",
                ]
            else:
                assert all(isinstance(s, t.SymbolInformation) for s in symbols)
                variant = next(s for s in symbols if s.name == "section_47")
                assert variant.container_name == "Investigation"
                assert variant.location.uri == uri


async def test_completion_offers_the_values_that_fit(folder: pathlib.Path):
    async with session(caps()) as ed:
        uri = ed.open(folder / "school.policy", POLICY)
        await ed.publication(uri, 1)

        async def labels_after(needle: str, nth: int = 0) -> list[str]:
            at = ed.position(uri, needle, nth, len(needle))
            got = await ed.client.text_document_completion_async(
                t.CompletionParams(
                    text_document=t.TextDocumentIdentifier(uri=uri), position=at
                )
            )
            items = got.items if isinstance(got, t.CompletionList) else got
            return [i.label for i in items]

        # In a condition: every name and keyword.
        general = await labels_after("youngest_age")
        assert {"coercion", "youngest_age", "investigation", "when"} <= set(general)
        three = ["none", "strategy_discussion", "section_47"]
        assert await labels_after("then investigation = ") == three
        # As it is being typed: the line without a value yet.
        v = ed.replace(uri, "then investigation = none", "then investigation = ")
        await ed.publication(uri, v)
        assert await labels_after("then investigation = ", nth=1) == three
        v = ed.replace(uri, "when coercion\n", "when severity == \n")
        await ed.publication(uri, v)
        assert await labels_after("severity == ") == ["semi_nude", "nude", "sexual_act"]
        v = ed.replace(uri, "severity == \n", "severity in { nude, \n")
        await ed.publication(uri, v)
        assert await labels_after("severity in { nude, ") == ["semi_nude", "sexual_act"]
        v = ed.replace(uri, "output investigation: Investigation\n", "output investigation: Investigation default \n")
        await ed.publication(uri, v)
        assert await labels_after("Investigation default ") == three
        v = ed.replace(uri, "severity in { nude, \n", "coercion != \n")
        await ed.publication(uri, v)
        assert await labels_after("coercion != ") == ["true", "false"]


async def test_go_to_definition_on_a_use_path(folder: pathlib.Path):
    no_links = caps(definition=t.DefinitionClientCapabilities(link_support=False))
    for capabilities, links in [(caps(), True), (no_links, False)]:
        async with session(capabilities) as ed:
            uri = ed.open(folder / "school.policy", POLICY)
            await ed.publication(uri, 1)
            found = await ed.client.text_document_definition_async(
                t.DefinitionParams(
                    text_document=t.TextDocumentIdentifier(uri=uri),
                    position=ed.position(uri, "vocabulary.policy", shift=3),
                )
            )
            vocab = (folder / "vocabulary.policy").as_uri()
            start = t.Position(line=0, character=0)
            if links:
                assert isinstance(found, list) and isinstance(found[0], t.LocationLink)
                assert found[0].target_uri == vocab
                assert found[0].target_range.start == start
                assert found[0].origin_selection_range == ed.range_of(uri, '"vocabulary.policy"')
            else:
                target = found[0] if isinstance(found, list) else found
                assert isinstance(target, t.Location)
                assert (target.uri, target.range.start) == (vocab, start)


async def test_a_request_before_initialized_is_refused_and_the_session_goes_on(
    folder: pathlib.Path,
):
    async with session(caps(), initialized=False) as ed:
        client = ed.client
        uri = (folder / "school.policy").as_uri()
        hover = t.HoverParams(
            text_document=t.TextDocumentIdentifier(uri=uri),
            position=t.Position(line=0, character=8),
        )
        # pytest-lsp checks what a client sends against its capabilities, which it
        # learns from `initialize`: it is told them first, the server is not.
        client.capabilities = caps()
        with pytest.raises(JsonRpcException) as refused:
            await client.text_document_hover_async(hover)
        assert refused.value.code == -32002  # ServerNotInitialized
        await client.initialize_async(t.InitializeParams(capabilities=caps()))
        with pytest.raises(JsonRpcException) as refused:
            await client.text_document_hover_async(hover)
        assert refused.value.code == -32002  # ServerNotInitialized
        client.initialized(t.InitializedParams())
        ed.open(folder / "school.policy", POLICY)
        assert (await ed.publication(uri, 1)).version == 1
        answer = await client.text_document_hover_async(hover)
        assert "A school policy" in answer.contents.value


def fix_titles(actions) -> list[str]:
    return [a.title for a in actions]


@pytest.mark.parametrize("editor", EDITORS)
async def test_quick_fixes_applied_by_the_client(folder: pathlib.Path, editor: str):
    """A misspelt name replaced, then a gap accepted: the client applies the code
    actions' edits to its text and sends them as ranged changes. Emacs (eglot) hands
    back no `data`: the fixes are found all the same."""
    async with session(caps(editor)) as ed:
        keeps_data = editor != "emacs"
        misspelt = POLICY.replace("  when coercion\n", "  when coercoin\n")
        uri = ed.open(folder / "school.policy", misspelt)
        p = await ed.publication(uri, 1)

        async def actions_for(p):
            diagnostics = list(p.diagnostics)
            if not keeps_data:
                for d in diagnostics:
                    d.data = None
            got = await ed.client.text_document_code_action_async(
                t.CodeActionParams(
                    text_document=t.TextDocumentIdentifier(uri=uri),
                    range=diagnostics[0].range if diagnostics else t.Range(start=t.Position(line=0, character=0), end=t.Position(line=0, character=0)),
                    context=t.CodeActionContext(diagnostics=diagnostics),
                )
            )
            return got or []

        actions = await actions_for(p)
        assert fix_titles(actions) == ["Replace with `coercion`"]
        assert actions[0].kind == t.CodeActionKind.QuickFix
        v = ed.edit(uri, list(actions[0].edit.changes[uri]))
        assert ed.text(uri) == POLICY
        p = await ed.publication(uri, v)
        assert codes(p, t.DiagnosticSeverity.Error) == []

        # Without the overriding rule an incident without coercion gets no decision.
        start = ed.docs[uri].client_position_at_offset(POLICY.index("rule otherwise"))
        end = ed.docs[uri].client_position_at_offset(len(POLICY))
        v = ed.edit(uri, [t.TextEdit(range=t.Range(start=start, end=end), new_text="")])
        p = await ed.publication(uri, v)
        gap = [d for d in p.diagnostics if str(d.code) == "E0501"]
        assert gap, p
        actions = await actions_for(t.PublishDiagnosticsParams(uri=uri, diagnostics=gap))
        accept = next(a for a in actions if a.title.startswith("Accept this gap"))
        v = ed.edit(uri, list(accept.edit.changes[uri]))
        assert ed.text(uri).endswith('accept gap investigation "reason" when not coercion\n')
        p = await ed.publication(uri, v)
        assert codes(p, t.DiagnosticSeverity.Error) == [], p
        assert "W0505" in codes(p)


async def test_quick_fixes_as_commands_for_a_client_without_literals(folder: pathlib.Path):
    """A client without code action literals gets commands; running one, the server
    asks the client to apply the edit (`workspace/applyEdit`)."""
    no_literals = caps(code_action=t.CodeActionClientCapabilities())
    async with session(no_literals) as ed:
        misspelt = POLICY.replace("  when coercion\n", "  when coercoin\n")
        uri = ed.open(folder / "school.policy", misspelt)
        p = await ed.publication(uri, 1)
        got = await ed.client.text_document_code_action_async(
            t.CodeActionParams(
                text_document=t.TextDocumentIdentifier(uri=uri),
                range=p.diagnostics[0].range,
                context=t.CodeActionContext(diagnostics=list(p.diagnostics)),
            )
        )
        assert [type(c) for c in got] == [t.Command]
        await ed.client.workspace_execute_command_async(
            t.ExecuteCommandParams(command=got[0].command, arguments=got[0].arguments)
        )
        assert len(ed.applied) == 1
        assert ed.text(uri) == POLICY
        p = await ed.publication(uri, 2)
        assert codes(p, t.DiagnosticSeverity.Error) == []
