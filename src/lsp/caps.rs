//! What the client said it understands (`initialize`), read once: the server sends
//! nothing a client did not declare (markdown, nested symbols, code action literals,
//! location links), and counts positions in the units it negotiated.
//!
//! Read field by field from the raw parameters rather than through lsp-types'
//! `InitializeParams`: a client that sends one field the types do not know (a newer
//! protocol version's enum value) must not lose every capability it declared.

use serde_json::Value;

use super::convert::Encoding;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClientCaps {
    pub encoding: Encoding,
    /// `hover.contentFormat` lists markdown (else hovers are plain text).
    pub hover_markdown: bool,
    /// `documentSymbol.hierarchicalDocumentSymbolSupport` (else a flat list).
    pub nested_symbols: bool,
    /// `codeAction.codeActionLiteralSupport` (else quick fixes are commands that the
    /// server applies with `workspace/applyEdit`).
    pub code_action_literals: bool,
    /// `workspace.applyEdit`: the server may ask the client to edit.
    pub apply_edit: bool,
    /// `definition.linkSupport` (else a plain location).
    pub definition_links: bool,
    /// `publishDiagnostics.relatedInformation` (else related places join the message).
    pub related_information: bool,
    /// `publishDiagnostics.dataSupport`: a diagnostic's `data` comes back with code
    /// action requests (else the server finds its fixes by the diagnostic itself).
    pub diagnostic_data: bool,
}

impl ClientCaps {
    /// The capabilities in `initialize`'s parameters.
    pub fn read(params: &Value) -> ClientCaps {
        let caps = params.get("capabilities").unwrap_or(&Value::Null);
        let flag = |pointer: &str| caps.pointer(pointer).and_then(Value::as_bool) == Some(true);
        let lists = |pointer: &str, want: &str| {
            caps.pointer(pointer)
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(want)))
        };
        ClientCaps {
            // The client lists what it supports; UTF-16 is the protocol's default and
            // every client's fallback. UTF-8 is cheaper for us: byte offsets.
            encoding: if lists("/general/positionEncodings", "utf-8") {
                Encoding::Utf8
            } else {
                Encoding::Utf16
            },
            hover_markdown: lists("/textDocument/hover/contentFormat", "markdown"),
            nested_symbols: flag("/textDocument/documentSymbol/hierarchicalDocumentSymbolSupport"),
            code_action_literals: caps
                .pointer("/textDocument/codeAction/codeActionLiteralSupport")
                .is_some_and(Value::is_object),
            apply_edit: flag("/workspace/applyEdit"),
            definition_links: flag("/textDocument/definition/linkSupport"),
            related_information: flag("/textDocument/publishDiagnostics/relatedInformation"),
            diagnostic_data: flag("/textDocument/publishDiagnostics/dataSupport"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_client_that_declares_nothing_gets_the_plainest_forms() {
        assert_eq!(
            ClientCaps::read(&json!({ "capabilities": {} })),
            ClientCaps::default()
        );
        assert_eq!(ClientCaps::read(&json!(null)), ClientCaps::default());
    }

    #[test]
    fn declared_capabilities_are_read() {
        let caps = ClientCaps::read(&json!({ "capabilities": {
            "general": { "positionEncodings": ["utf-16", "utf-8"] },
            "workspace": { "applyEdit": true },
            "textDocument": {
                "hover": { "contentFormat": ["plaintext", "markdown"] },
                "documentSymbol": { "hierarchicalDocumentSymbolSupport": true },
                "codeAction": { "codeActionLiteralSupport": { "codeActionKind": { "valueSet": [] } } },
                "definition": { "linkSupport": true },
                "publishDiagnostics": { "relatedInformation": true, "dataSupport": true },
                // A field no version of lsp-types knows does not spoil the rest.
                "future": { "kind": 99 },
            }
        }}));
        assert_eq!(
            caps,
            ClientCaps {
                encoding: Encoding::Utf8,
                hover_markdown: true,
                nested_symbols: true,
                code_action_literals: true,
                apply_edit: true,
                definition_links: true,
                related_information: true,
                diagnostic_data: true,
            }
        );
    }
}
