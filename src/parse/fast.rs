//! A hand-written parser for the declarations that make up large files (rules, inputs,
//! enums, outputs, defines, assumptions, scopes, asserts and scenarios), in front of
//! pest.
//!
//! pest parses about 2 MB a second here: on a policy of 2,000 rules it was a third of
//! `policyc decide`'s time. This parser reads a declaration in one pass with no
//! backtracking, and answers only where it is sure: any declaration it does not know,
//! any syntax error, a keyword used as a name, an integer out of range or nesting past
//! a small depth gives `None`, and pest parses the declaration as before, with its
//! diagnostics. So the grammar (`grammar/policy.pest`) stays the one definition of the
//! language and of its errors; what this parser accepts it must build exactly as pest
//! and `lower` do, spans included. `tests` check that on every policy and fixture of
//! the repository and on generated declarations, valid and not; a fuzzing build checks
//! it on every declaration the fuzzers make (`parse_chunk`).

use super::ast::*;
use super::lower::{doc_text, unescape};
use crate::source::Span;

/// Deepest recursion (brackets, sets, prefix operators, right operands) read here;
/// deeper expressions go to pest, whose lowering has explicit stacks.
const MAX_RECURSION: usize = 16;

/// Deepest expression tree built here, far below the lowering's `MAX_EXPR_DEPTH`, so
/// that nothing it would refuse is accepted here.
const MAX_TREE_DEPTH: usize = 200;

/// The declaration of `text` (one chunk of the scan, starting at `offset` in its file),
/// or `None` where pest must parse it.
pub(super) fn item(text: &str, offset: usize) -> Option<Item> {
    let mut p = Fast {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        end: 0,
        offset,
        recursion: 0,
    };
    let item = p.item()?;
    p.skip();
    (p.pos == p.bytes.len()).then_some(item)
}

struct Fast<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// The end of the last token read: spans end there, before any trivia.
    end: usize,
    offset: usize,
    recursion: usize,
}

/// An expression with its tree depth, as the lowering counts it.
type Deep = (Expr, usize);

/// An operator after an operand: its kind and binding power (as `lower::affix`).
#[derive(Clone, Copy)]
enum Op {
    Infix(BinOp, u32, bool),
    Contains,
    /// `in` or `not in`; the `not`, if any, starts at the cursor.
    In {
        negated: bool,
    },
}

/// The reserved words (the grammar's `keyword`): never a name.
fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "and"
            | "assume"
            | "accept"
            | "assert"
            | "always"
            | "bool"
            | "cites"
            | "contains"
            | "define"
            | "default"
            | "enum"
            | "expect"
            | "false"
            | "gap"
            | "given"
            | "input"
            | "implies"
            | "in"
            | "ignore"
            | "not"
            | "output"
            | "overrides"
            | "or"
            | "of"
            | "out_of_scope"
            | "policy"
            | "rule"
            | "scope"
            | "scenario"
            | "set"
            | "source"
            | "then"
            | "true"
            | "undecided"
            | "use"
            | "version"
            | "when"
    )
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl<'a> Fast<'a> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(start + self.offset, end + self.offset)
    }

    fn byte(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    fn rest_starts_with(&self, s: &[u8]) -> bool {
        self.bytes.get(self.pos..).is_some_and(|r| r.starts_with(s))
    }

    /// Takes the token ending at `end`.
    fn take(&mut self, end: usize) {
        self.pos = end;
        self.end = end;
    }

    /// Skips pest's implicit trivia: whitespace and `//` comments (a `///` is a token).
    fn skip(&mut self) {
        loop {
            match self.byte(self.pos) {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                Some(b'/')
                    if self.byte(self.pos + 1) == Some(b'/')
                        && self.byte(self.pos + 2) != Some(b'/') =>
                {
                    while self.byte(self.pos).is_some_and(|b| b != b'\n') {
                        self.pos += 1;
                    }
                }
                _ => return,
            }
        }
    }

    /// The word after the trivia (`[A-Za-z][A-Za-z0-9_]*`), not taken: it and its end.
    fn peek_word(&mut self) -> Option<(&'a str, usize)> {
        self.skip();
        let start = self.pos;
        if !self.byte(start)?.is_ascii_alphabetic() {
            return None;
        }
        let mut end = start + 1;
        while self.byte(end).is_some_and(is_ident_char) {
            end += 1;
        }
        Some((self.text.get(start..end)?, end))
    }

    fn at_word(&mut self, word: &str) -> bool {
        self.peek_word().is_some_and(|(w, _)| w == word)
    }

    /// Takes the word `word`: its span.
    fn keyword(&mut self, word: &str) -> Option<Span> {
        let (w, end) = self.peek_word()?;
        if w != word {
            return None;
        }
        let start = self.pos;
        self.take(end);
        Some(self.span(start, end))
    }

    /// Takes `word` if it comes next.
    fn eat_keyword(&mut self, word: &str) -> Option<Span> {
        if self.at_word(word) {
            self.keyword(word)
        } else {
            None
        }
    }

    /// A name (a word that is not reserved).
    fn ident(&mut self) -> Option<Ident> {
        let (w, end) = self.peek_word()?;
        if is_keyword(w) {
            return None;
        }
        let start = self.pos;
        self.take(end);
        Some(Ident {
            name: w.to_string(),
            span: self.span(start, end),
        })
    }

    /// Takes the punctuation `p` if it comes next.
    fn eat(&mut self, p: &[u8]) -> bool {
        self.skip();
        if self.rest_starts_with(p) {
            self.take(self.pos + p.len());
            true
        } else {
            false
        }
    }

    fn at(&mut self, b: u8) -> bool {
        self.skip();
        self.byte(self.pos) == Some(b)
    }

    /// `=` (and not `==`).
    fn assign(&mut self) -> Option<()> {
        if !self.eat(b"=") || self.at(b'=') {
            return None;
        }
        Some(())
    }

    /// A string literal, escapes and all (the grammar's `string`).
    fn string(&mut self) -> Option<StrLit> {
        if !self.at(b'"') {
            return None;
        }
        let start = self.pos;
        let mut i = start + 1;
        loop {
            match self.byte(i)? {
                b'"' => break,
                b'\\' => match self.byte(i + 1)? {
                    b'"' | b'\\' | b'n' | b't' => i += 2,
                    _ => return None,
                },
                b'\n' => return None,
                _ => i += 1,
            }
        }
        let raw = self.text.get(start + 1..i)?;
        self.take(i + 1);
        Some(StrLit {
            value: unescape(raw),
            span: self.span(start, i + 1),
        })
    }

    /// A string if one comes next.
    fn opt_string(&mut self) -> Option<Option<StrLit>> {
        if self.at(b'"') {
            self.string().map(Some)
        } else {
            Some(None)
        }
    }

    /// `KEYWORD "string"` if the keyword comes next.
    fn opt_clause_string(&mut self, word: &str) -> Option<Option<StrLit>> {
        if self.eat_keyword(word).is_some() {
            self.string().map(Some)
        } else {
            Some(None)
        }
    }

    /// `KEYWORD NAME "title"? (cites "citation")?`, the start of a rule, an assert and
    /// a scenario.
    fn titled(&mut self, keyword: &str) -> Option<(Ident, Option<StrLit>, Option<StrLit>)> {
        self.keyword(keyword)?;
        let name = self.ident()?;
        let title = self.opt_string()?;
        Some((name, title, self.opt_clause_string("cites")?))
    }

    /// `KEYWORD EXPR` if the keyword comes next.
    fn opt_clause_expr(&mut self, word: &str) -> Option<Option<Expr>> {
        if self.eat_keyword(word).is_some() {
            self.expr().map(Some)
        } else {
            Some(None)
        }
    }

    /// An integer literal: digits, with a `-` when `signed` (the grammar's `sint`).
    fn int(&mut self, signed: bool) -> Option<IntLit> {
        self.skip();
        let start = self.pos;
        let mut i = start;
        if signed && self.byte(i) == Some(b'-') {
            i += 1;
        }
        let digits = i;
        while self.byte(i).is_some_and(|b| b.is_ascii_digit()) {
            i += 1;
        }
        if i == digits {
            return None;
        }
        let value = self.text.get(start..i)?.parse::<i64>().ok()?;
        self.take(i);
        Some(IntLit {
            value,
            span: self.span(start, i),
        })
    }

    /// Doc comments before a declaration or a variant.
    fn docs(&mut self) -> Option<Option<Doc>> {
        let mut lines = Vec::new();
        let mut span: Option<Span> = None;
        loop {
            self.skip();
            if !self.rest_starts_with(b"///") {
                break;
            }
            let start = self.pos;
            let mut end = start;
            while self.byte(end).is_some_and(|b| b != b'\n') {
                end += 1;
            }
            let raw = self.text.get(start..end)?;
            self.take(end);
            let sp = self.span(start, start + raw.trim_end().len());
            span = Some(span.map_or(sp, |d| d.to(sp)));
            lines.push(doc_text(raw));
        }
        Some(span.map(|span| Doc {
            text: lines.join("\n"),
            span,
        }))
    }

    fn item(&mut self) -> Option<Item> {
        let doc = self.docs()?;
        let (word, _) = self.peek_word()?;
        let start = self.pos;
        let kind = match word {
            "rule" => ItemKind::Rule(self.rule()?),
            "input" => ItemKind::Input(self.input()?),
            "enum" => ItemKind::Enum(self.enum_decl()?),
            "output" => ItemKind::Output(self.output()?),
            "define" => {
                self.keyword("define")?;
                let name = self.ident()?;
                self.assign()?;
                ItemKind::Define(DefineDecl {
                    name,
                    value: self.expr()?,
                })
            }
            "assume" | "scope" => {
                self.keyword(word)?;
                let cond = CondDecl { cond: self.expr()? };
                if word == "assume" {
                    ItemKind::Assume(cond)
                } else {
                    ItemKind::Scope(cond)
                }
            }
            "assert" => ItemKind::Assert(self.assert()?),
            "scenario" => ItemKind::Scenario(self.scenario()?),
            // The header, `use`, `accept gap` and `ignore`: a few per file.
            _ => return None,
        };
        Some(Item {
            doc,
            kind,
            span: self.span(start, self.end),
        })
    }

    fn rule(&mut self) -> Option<RuleDecl> {
        let (name, title, cites) = self.titled("rule")?;
        let mut overrides = Vec::new();
        if self.eat_keyword("overrides").is_some() {
            overrides.push(self.ident()?);
            while self.eat(b",") {
                overrides.push(self.ident()?);
            }
        }
        let when = self.opt_clause_expr("when")?;
        self.keyword("then")?;
        Some(RuleDecl {
            name,
            title,
            cites,
            overrides,
            when,
            then: self.assignments()?,
        })
    }

    fn input(&mut self) -> Option<InputDecl> {
        self.keyword("input")?;
        let name = self.ident()?;
        let ty = self.type_after_colon()?;
        let typical = self.opt_clause_expr("typical")?;
        let judgement = match self.eat_keyword("judgement") {
            Some(keyword) => Some(Judgement {
                keyword,
                citation: self.string()?,
            }),
            None => None,
        };
        Some(InputDecl {
            name,
            ty,
            typical,
            judgement,
        })
    }

    /// An output with at most a `default` (hit policies are left to pest).
    fn output(&mut self) -> Option<OutputDecl> {
        self.keyword("output")?;
        let name = self.ident()?;
        let ty = self.type_after_colon()?;
        let default = self.opt_clause_expr("default")?;
        Some(OutputDecl {
            name,
            ty,
            default,
            hit: Vec::new(),
        })
    }

    /// `: TYPE`.
    fn type_after_colon(&mut self) -> Option<TypeExpr> {
        if !self.eat(b":") {
            return None;
        }
        self.skip();
        let start = self.pos;
        if self
            .byte(start)
            .is_some_and(|b| b == b'-' || b.is_ascii_digit())
        {
            let lo = self.int(true)?;
            if !self.eat(b"..=") {
                return None;
            }
            let hi = self.int(true)?;
            return Some(TypeExpr::Range {
                span: lo.span.to(hi.span),
                lo,
                hi,
            });
        }
        if let Some(span) = self.eat_keyword("bool") {
            return Some(TypeExpr::Bool(span));
        }
        if self.eat_keyword("set").is_some() {
            self.keyword("of")?;
            let elem = self.ident()?;
            return Some(TypeExpr::Set {
                span: self.span(start, self.end),
                elem: Box::new(TypeExpr::Named(elem)),
            });
        }
        self.ident().map(TypeExpr::Named)
    }

    fn enum_decl(&mut self) -> Option<EnumDecl> {
        self.keyword("enum")?;
        let name = self.ident()?;
        if !self.eat(b"{") {
            return None;
        }
        let mut variants = Vec::new();
        while !self.eat(b"}") {
            if !variants.is_empty() && !self.eat(b",") {
                return None;
            }
            if self.eat(b"}") {
                break;
            }
            let doc = self.docs()?;
            variants.push(Variant {
                doc,
                name: self.ident()?,
            });
        }
        Some(EnumDecl { name, variants })
    }

    fn assert(&mut self) -> Option<AssertDecl> {
        let (name, title, cites) = self.titled("assert")?;
        self.keyword("always")?;
        Some(AssertDecl {
            name,
            title,
            cites,
            cond: self.expr()?,
        })
    }

    fn scenario(&mut self) -> Option<ScenarioDecl> {
        let (name, title, cites) = self.titled("scenario")?;
        let given = match self.eat_keyword("given") {
            Some(_) => self.assignments()?,
            None => Vec::new(),
        };
        self.keyword("expect")?;
        let mut expect = vec![self.expectation()?];
        while self.eat(b",") {
            expect.push(self.expectation()?);
        }
        Some(ScenarioDecl {
            name,
            title,
            cites,
            given,
            expect,
        })
    }

    fn expectation(&mut self) -> Option<Expectation> {
        if let Some(span) = self.eat_keyword("out_of_scope") {
            return Some(Expectation::OutOfScope(span));
        }
        if let Some(keyword) = self.eat_keyword("undecided") {
            let output = self.ident()?;
            let span = keyword.to(output.span);
            return Some(Expectation::Undecided { output, span });
        }
        self.assignment().map(Expectation::Value)
    }

    /// `NAME = EXPR, ...`: one at least.
    fn assignments(&mut self) -> Option<Vec<Assignment>> {
        let mut out = vec![self.assignment()?];
        while self.eat(b",") {
            out.push(self.assignment()?);
        }
        Some(out)
    }

    fn assignment(&mut self) -> Option<Assignment> {
        let target = self.ident()?;
        self.assign()?;
        let value = self.expr()?;
        Some(Assignment {
            span: target.span.to(value.span),
            target,
            value,
        })
    }

    fn expr(&mut self) -> Option<Expr> {
        self.expr_bp(0).map(|(e, _)| e)
    }

    /// The expression whose operators bind tighter than `min`: a Pratt parser with the
    /// lowering's binding powers (`lower::affix`), so it builds the same tree.
    fn expr_bp(&mut self, min: u32) -> Option<Deep> {
        self.recursion += 1;
        if self.recursion > MAX_RECURSION {
            return None;
        }
        let mut lhs = self.operand()?;
        while let Some((op, prec, end)) = self.peek_op() {
            if min >= prec {
                break;
            }
            let op_start = self.pos;
            self.take(end);
            lhs = match op {
                Op::In { negated } => {
                    let (set, sd) = self.membership_set()?;
                    let (value, d) = lhs;
                    let span = value.span.to(self.span(op_start, self.end));
                    let kind = ExprKind::In {
                        value: Box::new(value),
                        set: Box::new(set),
                        negated,
                    };
                    deep(kind, span, d.max(sd) + 1)?
                }
                Op::Infix(bop, prec, right) => {
                    let ((l, ld), (r, rd)) = (lhs, self.expr_bp(prec - u32::from(right))?);
                    let span = l.span.to(r.span);
                    deep(
                        ExprKind::Binary(bop, Box::new(l), Box::new(r)),
                        span,
                        ld.max(rd) + 1,
                    )?
                }
                Op::Contains => {
                    let ((l, ld), (r, rd)) = (lhs, self.expr_bp(prec)?);
                    let span = l.span.to(r.span);
                    deep(
                        ExprKind::Contains(Box::new(l), Box::new(r)),
                        span,
                        ld.max(rd) + 1,
                    )?
                }
            };
        }
        self.recursion -= 1;
        Some(lhs)
    }

    /// The operator at the cursor, if any: it, its binding power and where it ends.
    fn peek_op(&mut self) -> Option<(Op, u32, usize)> {
        use BinOp::*;
        if let Some((word, end)) = self.peek_word() {
            let op = match word {
                "implies" => (Op::Infix(Implies, 10, true), 10),
                "or" => (Op::Infix(Or, 20, false), 20),
                "and" => (Op::Infix(And, 30, false), 30),
                "contains" => (Op::Contains, 50),
                "in" => (Op::In { negated: false }, 50),
                "not" => {
                    // `not in`: the `in` after trivia; a `not` alone ends the operand.
                    let here = self.pos;
                    self.pos = end;
                    let in_end = self.peek_word().filter(|(w, _)| *w == "in").map(|(_, e)| e);
                    self.pos = here;
                    return in_end.map(|e| (Op::In { negated: true }, 50, e));
                }
                _ => return None,
            };
            return Some((op.0, op.1, end));
        }
        let two: [(&[u8], BinOp, u32); 4] = [
            (b"==", Eq, 50),
            (b"!=", Ne, 50),
            (b"<=", Le, 50),
            (b">=", Ge, 50),
        ];
        let one: [(&[u8], BinOp, u32); 5] = [
            (b"<", Lt, 50),
            (b">", Gt, 50),
            (b"+", Add, 60),
            (b"-", Sub, 60),
            (b"*", Mul, 70),
        ];
        two.iter()
            .chain(one.iter())
            .find(|(s, _, _)| self.rest_starts_with(s))
            .map(|&(s, bop, prec)| (Op::Infix(bop, prec, false), prec, self.pos + s.len()))
    }

    /// The set or range after `in`.
    fn membership_set(&mut self) -> Option<Deep> {
        if self.at(b'{') {
            return self.set_literal();
        }
        let lo = self.int(true)?;
        if !self.eat(b"..=") {
            return None;
        }
        let hi = self.int(true)?;
        let span = lo.span.to(hi.span);
        Some((
            Expr {
                kind: ExprKind::Range { lo, hi },
                span,
            },
            1,
        ))
    }

    /// `{a, b,}`, the cursor at the `{`.
    fn set_literal(&mut self) -> Option<Deep> {
        self.skip();
        let start = self.pos;
        if !self.eat(b"{") {
            return None;
        }
        let mut items = Vec::new();
        let mut depth = 1;
        while !self.eat(b"}") {
            if !items.is_empty() && !self.eat(b",") {
                return None;
            }
            if self.eat(b"}") {
                break;
            }
            let (e, d) = self.expr_bp(0)?;
            depth = depth.max(d + 1);
            items.push(e);
        }
        deep(ExprKind::Set(items), self.span(start, self.end), depth)
    }

    /// A prefix operator and its operand, a bracket, a set or a primary.
    fn operand(&mut self) -> Option<Deep> {
        self.skip();
        let start = self.pos;
        match self.byte(start)? {
            b'(' => {
                self.take(start + 1);
                let (inner, d) = self.expr_bp(0)?;
                if !self.eat(b")") {
                    return None;
                }
                deep(
                    ExprKind::Paren(Box::new(inner)),
                    self.span(start, self.end),
                    d + 1,
                )
            }
            b'{' => self.set_literal(),
            b'-' => {
                self.take(start + 1);
                self.prefix(UnOp::Neg, start, 79)
            }
            b'0'..=b'9' => {
                let n = self.int(false)?;
                deep(ExprKind::Int(n.value), n.span, 1)
            }
            _ => {
                let (word, end) = self.peek_word()?;
                let kind = match word {
                    "not" => {
                        self.take(end);
                        return self.prefix(UnOp::Not, start, 39);
                    }
                    "true" => ExprKind::Bool(true),
                    "false" => ExprKind::Bool(false),
                    w if is_keyword(w) => return None,
                    _ => return self.name(),
                };
                if self.byte(end) == Some(b'.') {
                    return None;
                }
                self.take(end);
                deep(kind, self.span(start, end), 1)
            }
        }
    }

    /// `OP operand`, the operator (from `start`) taken: its operand binds tighter than
    /// `rbp`.
    fn prefix(&mut self, op: UnOp, start: usize, rbp: u32) -> Option<Deep> {
        let (rhs, d) = self.expr_bp(rbp)?;
        let span = self.span(start, start).to(rhs.span);
        deep(ExprKind::Unary(op, Box::new(rhs)), span, d + 1)
    }

    /// A name, or `alias.output` (one token: no trivia around the dot).
    fn name(&mut self) -> Option<Deep> {
        let start = self.pos;
        let first = self.ident()?;
        if self.byte(self.end) != Some(b'.') {
            return deep(ExprKind::Name(first.name), first.span, 1);
        }
        let second = self.end + 1;
        self.pos = second;
        let (word, end) = self.peek_word()?;
        if self.pos != second || is_keyword(word) {
            return None;
        }
        self.take(end);
        let name = self.text.get(start..end)?.to_string();
        deep(ExprKind::Name(name), self.span(start, end), 1)
    }
}

/// An expression of the given depth, if the lowering would build it too.
fn deep(kind: ExprKind, span: Span, depth: usize) -> Option<Deep> {
    (depth <= MAX_TREE_DEPTH).then_some((Expr { kind, span }, depth))
}

#[cfg(test)]
#[path = "fast_tests.rs"]
mod tests;
