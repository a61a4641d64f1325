//! Lowering pest's parse tree into the AST.
//!
//! The grammar guarantees the shape of each pair, but lowering still never indexes or
//! unwraps: a shape it does not expect becomes an internal-error diagnostic rather than
//! a panic, so that a grammar change can never crash the compiler on user input.

use pest::iterators::Pair;

use super::ast::*;
use super::grammar::Rule;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Loc, Span};

/// Deepest expression tree the parser builds (long `and`/`or` chains count).
pub const MAX_EXPR_DEPTH: usize = 1024;

pub struct Lowerer {
    pub file: FileId,
    /// Added to every pest offset: chunks are parsed on their own.
    pub offset: usize,
}

type Res<T> = Result<T, Diagnostic>;

impl Lowerer {
    /// The pair's span without the trailing whitespace pest may include.
    fn span(&self, p: &Pair<Rule>) -> Span {
        let s = p.as_span();
        // A doc comment is itself `//` text: only its line end is trimmed.
        let len = if p.as_rule() == Rule::doc_comment {
            p.as_str().trim_end().len()
        } else {
            trimmed_len(p.as_str())
        };
        Span::new(s.start() + self.offset, s.start() + len + self.offset)
    }

    fn internal(&self, p: &Pair<Rule>, what: &str) -> Diagnostic {
        Diagnostic::error(
            Code::E0199,
            format!("internal parser error: unexpected {what}"),
        )
        .primary(
            Loc::new(self.file, self.span(p)),
            format!("while reading {:?}", p.as_rule()),
        )
        .note("this is a bug in policyc; please report it with this file")
    }

    /// An optional `KEYWORD VALUE` clause (`default`, `typical`): its value.
    fn value_clause(
        &self,
        clause: Option<Pair<'_, Rule>>,
        keyword: &str,
        what: &str,
    ) -> Res<Option<Expr>> {
        let Some(c) = clause else { return Ok(None) };
        let mut inner = c.clone().into_inner().filter(is_content);
        self.next(&c, &mut inner, keyword)?;
        Ok(Some(self.expr(self.next(&c, &mut inner, what)?)?))
    }

    fn next<'a>(
        &self,
        parent: &Pair<'a, Rule>,
        it: &mut impl Iterator<Item = Pair<'a, Rule>>,
        what: &str,
    ) -> Res<Pair<'a, Rule>> {
        it.next().ok_or_else(|| self.internal(parent, what))
    }

    /// Lowers one `item` pair; the diagnostics are the non-fatal problems found.
    pub fn item(&self, pair: Pair<Rule>, diags: &mut Vec<Diagnostic>) -> Res<Item> {
        let mut doc_lines = Vec::new();
        let mut doc_span: Option<Span> = None;
        let mut decl = None;
        for p in pair.clone().into_inner().filter(is_content) {
            if p.as_rule() == Rule::doc_comment {
                let sp = self.span(&p);
                doc_span = Some(doc_span.map_or(sp, |d| d.to(sp)));
                doc_lines.push(doc_text(p.as_str()));
            } else {
                decl = Some(p);
            }
        }
        let decl = decl.ok_or_else(|| self.internal(&pair, "declaration"))?;
        let doc = doc_span.map(|span| Doc {
            text: doc_lines.join("\n"),
            span,
        });
        let span = self.span(&decl);
        let kind = self.decl(decl, diags)?;
        Ok(Item { doc, kind, span })
    }

    fn decl(&self, p: Pair<Rule>, diags: &mut Vec<Diagnostic>) -> Res<ItemKind> {
        let rule = p.as_rule();
        let mut it = p.clone().into_inner().filter(is_content);
        // Every declaration starts with its keyword.
        self.next(&p, &mut it, "keyword")?;
        Ok(match rule {
            Rule::policy_decl => ItemKind::Policy(self.policy_decl(&p, it, diags)?),
            Rule::use_decl => ItemKind::Use(self.use_decl(&p, it)?),
            Rule::enum_decl => ItemKind::Enum(self.enum_decl(&p, it, diags)?),
            Rule::input_decl => {
                let name = self.decl_name(self.next(&p, &mut it, "name")?, diags);
                let ty = self.type_expr(self.next(&p, &mut it, "type")?)?;
                let mut typical = None;
                let mut judgement = None;
                for c in it {
                    match c.as_rule() {
                        Rule::typical_clause => {
                            typical = self.value_clause(Some(c), "`typical`", "typical value")?
                        }
                        Rule::judgement_clause => judgement = Some(self.judgement(c)?),
                        _ => return Err(self.internal(&c, "input clause")),
                    }
                }
                ItemKind::Input(InputDecl {
                    name,
                    ty,
                    typical,
                    judgement,
                })
            }
            Rule::output_decl => {
                let name = self.decl_name(self.next(&p, &mut it, "name")?, diags);
                let ty = self.type_expr(self.next(&p, &mut it, "type")?)?;
                let mut default = None;
                let mut hit = Vec::new();
                for c in it {
                    match c.as_rule() {
                        Rule::default_clause => {
                            default = self.value_clause(Some(c), "`default`", "default value")?
                        }
                        Rule::precedence_clause => hit.push(self.precedence(c)?),
                        Rule::exclusive_clause => hit.push(HitClause::Exclusive(self.span(&c))),
                        _ => return Err(self.internal(&c, "output clause")),
                    }
                }
                ItemKind::Output(OutputDecl {
                    name,
                    ty,
                    default,
                    hit,
                })
            }
            Rule::ignore_decl => ItemKind::Ignore(self.ignore_decl(&p, it)?),
            Rule::define_decl => {
                let name = self.decl_name(self.next(&p, &mut it, "name")?, diags);
                let value = self.expr(self.next(&p, &mut it, "expression")?)?;
                ItemKind::Define(DefineDecl { name, value })
            }
            Rule::assume_decl => ItemKind::Assume(CondDecl {
                cond: self.expr(self.next(&p, &mut it, "expression")?)?,
            }),
            Rule::scope_decl => ItemKind::Scope(CondDecl {
                cond: self.expr(self.next(&p, &mut it, "expression")?)?,
            }),
            Rule::rule_decl => ItemKind::Rule(self.rule_decl(&p, it, diags)?),
            Rule::accept_decl => ItemKind::AcceptGap(self.accept_decl(&p, it)?),
            Rule::assert_decl => ItemKind::Assert(self.assert_decl(&p, it, diags)?),
            Rule::scenario_decl => ItemKind::Scenario(self.scenario_decl(&p, it, diags)?),
            _ => return Err(self.internal(&p, "declaration")),
        })
    }

    // One function per declaration with clauses; `it` holds the parts after the keyword.

    fn policy_decl<'i>(
        &self,
        p: &Pair<'i, Rule>,
        mut it: impl Iterator<Item = Pair<'i, Rule>>,
        diags: &mut Vec<Diagnostic>,
    ) -> Res<PolicyHeader> {
        let name = self.decl_name(self.next(p, &mut it, "name")?, diags);
        let mut h = PolicyHeader {
            name,
            title: None,
            source: None,
            version: None,
        };
        for c in it {
            match c.as_rule() {
                Rule::string => h.title = Some(self.string(c)),
                Rule::source_clause => h.source = Some(self.clause_string(c)?),
                Rule::version_clause => h.version = Some(self.clause_string(c)?),
                _ => return Err(self.internal(&c, "header clause")),
            }
        }
        Ok(h)
    }

    fn use_decl<'i>(
        &self,
        p: &Pair<'i, Rule>,
        mut it: impl Iterator<Item = Pair<'i, Rule>>,
    ) -> Res<UseDecl> {
        let path = self.string(self.next(p, &mut it, "path")?);
        let alias = match it.next() {
            Some(a) => {
                let name = a
                    .into_inner()
                    .find(|c| c.as_rule() == Rule::ident)
                    .ok_or_else(|| self.internal(p, "use alias"))?;
                Some(self.ident(name))
            }
            None => None,
        };
        Ok(UseDecl { path, alias })
    }

    fn enum_decl<'i>(
        &self,
        p: &Pair<'i, Rule>,
        mut it: impl Iterator<Item = Pair<'i, Rule>>,
        diags: &mut Vec<Diagnostic>,
    ) -> Res<EnumDecl> {
        let name = self.decl_name(self.next(p, &mut it, "name")?, diags);
        let mut variants = Vec::new();
        for v in it {
            let mut docs = Vec::new();
            let mut doc_span: Option<Span> = None;
            let mut vname = None;
            for part in v.clone().into_inner().filter(is_content) {
                if part.as_rule() == Rule::doc_comment {
                    let sp = self.span(&part);
                    doc_span = Some(doc_span.map_or(sp, |d| d.to(sp)));
                    docs.push(doc_text(part.as_str()));
                } else {
                    vname = Some(self.decl_name(part, diags));
                }
            }
            let vname = vname.ok_or_else(|| self.internal(&v, "variant"))?;
            let doc = doc_span.map(|span| Doc {
                text: docs.join("\n"),
                span,
            });
            variants.push(Variant { doc, name: vname });
        }
        Ok(EnumDecl { name, variants })
    }

    fn rule_decl<'i>(
        &self,
        p: &Pair<'i, Rule>,
        mut it: impl Iterator<Item = Pair<'i, Rule>>,
        diags: &mut Vec<Diagnostic>,
    ) -> Res<RuleDecl> {
        let name = self.decl_name(self.next(p, &mut it, "name")?, diags);
        let mut r = RuleDecl {
            name,
            title: None,
            cites: None,
            overrides: Vec::new(),
            when: None,
            then: Vec::new(),
        };
        for c in it {
            match c.as_rule() {
                Rule::string => r.title = Some(self.string(c)),
                Rule::cites_clause => r.cites = Some(self.clause_string(c)?),
                Rule::overrides_clause => {
                    r.overrides = c
                        .into_inner()
                        .filter(is_content)
                        .skip(1)
                        .map(|i| self.ident(i))
                        .collect();
                }
                Rule::when_clause => r.when = Some(self.clause_expr(c)?),
                Rule::then_clause => r.then = self.assignments(c)?,
                _ => return Err(self.internal(&c, "rule clause")),
            }
        }
        Ok(r)
    }

    /// `judgement "CITATION"`.
    fn judgement(&self, c: Pair<Rule>) -> Res<Judgement> {
        let mut it = c.clone().into_inner().filter(is_content);
        let keyword = self.span(&self.next(&c, &mut it, "`judgement`")?);
        let citation = self.string(self.next(&c, &mut it, "citation")?);
        Ok(Judgement { keyword, citation })
    }

    /// `precedence a > b > c`: the values as constant expressions, highest first.
    fn precedence(&self, c: Pair<Rule>) -> Res<HitClause> {
        let span = self.span(&c);
        let mut it = c.clone().into_inner().filter(is_content);
        let keyword = self.span(&self.next(&c, &mut it, "`precedence`")?);
        let mut values = Vec::new();
        for v in it {
            match v.as_rule() {
                Rule::gt_tok => {}
                Rule::precedence_value => {
                    let inner = v
                        .clone()
                        .into_inner()
                        .find(is_content)
                        .ok_or_else(|| self.internal(&v, "precedence value"))?;
                    let vspan = self.span(&inner);
                    let kind = match inner.as_rule() {
                        Rule::kw_true => ExprKind::Bool(true),
                        Rule::kw_false => ExprKind::Bool(false),
                        Rule::sint => ExprKind::Int(self.int(&inner)?.value),
                        Rule::ident => ExprKind::Name(inner.as_str().to_string()),
                        _ => return Err(self.internal(&inner, "precedence value")),
                    };
                    values.push(Expr { kind, span: vspan });
                }
                _ => return Err(self.internal(&v, "precedence value")),
            }
        }
        Ok(HitClause::Precedence {
            keyword,
            values,
            span,
        })
    }

    /// `ignore a, b "reason"`.
    fn ignore_decl<'i>(
        &self,
        p: &Pair<'i, Rule>,
        it: impl Iterator<Item = Pair<'i, Rule>>,
    ) -> Res<IgnoreDecl> {
        let mut inputs = Vec::new();
        let mut reason = None;
        for c in it {
            match c.as_rule() {
                Rule::ident => inputs.push(self.ident(c)),
                Rule::string => reason = Some(self.string(c)),
                _ => return Err(self.internal(&c, "`ignore` declaration")),
            }
        }
        let reason = reason.ok_or_else(|| self.internal(p, "reason"))?;
        Ok(IgnoreDecl { inputs, reason })
    }

    fn accept_decl<'i>(
        &self,
        p: &Pair<'i, Rule>,
        mut it: impl Iterator<Item = Pair<'i, Rule>>,
    ) -> Res<AcceptGapDecl> {
        // `accept` was taken already; `gap` comes next.
        self.next(p, &mut it, "`gap`")?;
        let output = self.ident(self.next(p, &mut it, "output")?);
        let reason = self.string(self.next(p, &mut it, "reason")?);
        let when = match it.next() {
            Some(c) => Some(self.clause_expr(c)?),
            None => None,
        };
        Ok(AcceptGapDecl {
            output,
            reason,
            when,
        })
    }

    fn assert_decl<'i>(
        &self,
        p: &Pair<'i, Rule>,
        mut it: impl Iterator<Item = Pair<'i, Rule>>,
        diags: &mut Vec<Diagnostic>,
    ) -> Res<AssertDecl> {
        let name = self.decl_name(self.next(p, &mut it, "name")?, diags);
        let mut a = AssertDecl {
            name,
            title: None,
            cites: None,
            cond: Expr {
                kind: ExprKind::Bool(true),
                span: Span::default(),
            },
        };
        for c in it {
            match c.as_rule() {
                Rule::string => a.title = Some(self.string(c)),
                Rule::cites_clause => a.cites = Some(self.clause_string(c)?),
                Rule::kw_always => {}
                Rule::expr => a.cond = self.expr(c)?,
                _ => return Err(self.internal(&c, "assert clause")),
            }
        }
        Ok(a)
    }

    fn scenario_decl<'i>(
        &self,
        p: &Pair<'i, Rule>,
        mut it: impl Iterator<Item = Pair<'i, Rule>>,
        diags: &mut Vec<Diagnostic>,
    ) -> Res<ScenarioDecl> {
        let name = self.decl_name(self.next(p, &mut it, "name")?, diags);
        let mut s = ScenarioDecl {
            name,
            title: None,
            cites: None,
            given: Vec::new(),
            expect: Vec::new(),
        };
        for c in it {
            match c.as_rule() {
                Rule::string => s.title = Some(self.string(c)),
                Rule::cites_clause => s.cites = Some(self.clause_string(c)?),
                Rule::given_clause => s.given = self.assignments(c)?,
                Rule::expect_clause => s.expect.extend(self.expectations(c)?),
                _ => return Err(self.internal(&c, "scenario clause")),
            }
        }
        Ok(s)
    }

    /// The expectations of an `expect` clause.
    fn expectations(&self, c: Pair<Rule>) -> Res<Vec<Expectation>> {
        let mut out = Vec::new();
        for e in c.into_inner().filter(is_content).skip(1) {
            let span = self.span(&e);
            out.push(match e.as_rule() {
                Rule::assignment => Expectation::Value(self.assignment(e)?),
                Rule::out_of_scope => Expectation::OutOfScope(span),
                Rule::undecided => {
                    let mut ui = e.clone().into_inner().filter(is_content);
                    self.next(&e, &mut ui, "`undecided`")?;
                    let output = self.ident(self.next(&e, &mut ui, "output")?);
                    Expectation::Undecided { output, span }
                }
                _ => return Err(self.internal(&e, "expectation")),
            });
        }
        Ok(out)
    }

    fn ident(&self, p: Pair<Rule>) -> Ident {
        Ident {
            name: p.as_str().to_string(),
            span: self.span(&p),
        }
    }

    /// A declaration's name; a keyword there is reported but still used, so that the
    /// rest of the file checks as if the writer had picked another name.
    fn decl_name(&self, p: Pair<Rule>, diags: &mut Vec<Diagnostic>) -> Ident {
        let span = self.span(&p);
        let inner = p.clone().into_inner().find(is_content);
        if let Some(i) = &inner {
            if i.as_rule() == Rule::keyword_as_name {
                let word = i.as_str();
                diags.push(
                    Diagnostic::error(
                        Code::E0102,
                        format!("`{word}` is a keyword and cannot be used as a name"),
                    )
                    .primary(Loc::new(self.file, span), "keyword used as a name")
                    .help(format!("choose another name, such as `{word}_`")),
                );
            }
        }
        Ident {
            name: p.as_str().to_string(),
            span,
        }
    }

    fn string(&self, p: Pair<Rule>) -> StrLit {
        let span = self.span(&p);
        let raw = p
            .into_inner()
            .find(is_content)
            .map(|i| i.as_str())
            .unwrap_or("");
        StrLit {
            value: unescape(raw),
            span,
        }
    }

    fn clause_string(&self, c: Pair<Rule>) -> Res<StrLit> {
        let mut it = c.clone().into_inner().filter(is_content);
        self.next(&c, &mut it, "keyword")?;
        Ok(self.string(self.next(&c, &mut it, "string")?))
    }

    fn clause_expr(&self, c: Pair<Rule>) -> Res<Expr> {
        let mut it = c.clone().into_inner().filter(is_content);
        self.next(&c, &mut it, "keyword")?;
        self.expr(self.next(&c, &mut it, "expression")?)
    }

    fn assignments(&self, c: Pair<Rule>) -> Res<Vec<Assignment>> {
        c.into_inner()
            .filter(is_content)
            .skip(1)
            .map(|a| self.assignment(a))
            .collect()
    }

    fn assignment(&self, a: Pair<Rule>) -> Res<Assignment> {
        let span = self.span(&a);
        let mut it = a.clone().into_inner().filter(is_content);
        let target = self.ident(self.next(&a, &mut it, "name")?);
        let value = self.expr(self.next(&a, &mut it, "value")?)?;
        Ok(Assignment {
            target,
            value,
            span,
        })
    }

    fn int(&self, p: &Pair<Rule>) -> Res<IntLit> {
        let span = self.span(p);
        let value = p.as_str().parse::<i64>().map_err(|_| {
            Diagnostic::error(Code::E0103, "integer literal is too large")
                .primary(
                    Loc::new(self.file, span),
                    "does not fit in a 64-bit integer",
                )
                .help("integers must lie between -9223372036854775808 and 9223372036854775807")
        })?;
        Ok(IntLit { value, span })
    }

    fn type_expr(&self, p: Pair<Rule>) -> Res<TypeExpr> {
        let inner = p
            .clone()
            .into_inner()
            .find(is_content)
            .ok_or_else(|| self.internal(&p, "type"))?;
        let span = self.span(&inner);
        Ok(match inner.as_rule() {
            Rule::kw_bool => TypeExpr::Bool(span),
            Rule::ident => TypeExpr::Named(self.ident(inner)),
            Rule::range_type => {
                let mut it = inner.clone().into_inner().filter(is_content);
                let lo = self.int(&self.next(&inner, &mut it, "lower bound")?)?;
                let hi = self.int(&self.next(&inner, &mut it, "upper bound")?)?;
                TypeExpr::Range { lo, hi, span }
            }
            Rule::set_type => {
                let mut it = inner.clone().into_inner().filter(is_content);
                self.next(&inner, &mut it, "`set`")?;
                self.next(&inner, &mut it, "`of`")?;
                let elem = self.ident(self.next(&inner, &mut it, "element type")?);
                TypeExpr::Set {
                    elem: Box::new(TypeExpr::Named(elem)),
                    span,
                }
            }
            _ => return Err(self.internal(&inner, "type")),
        })
    }

    pub fn expr(&self, p: Pair<Rule>) -> Res<Expr> {
        self.expr_depth(p).map(|(e, _)| e)
    }

    /// Lowers an expression and reports its depth, refusing trees deeper than
    /// [`MAX_EXPR_DEPTH`] as they are built (a deep tree would overflow the stack of
    /// every later stage, and even of `Drop`).
    ///
    /// This is a Pratt parser (the same binding powers and order of construction as
    /// pest's `PrattParser`) run with explicit stacks instead of recursion: operators
    /// waiting for their right operand, and brackets and sets waiting for their
    /// contents, live on the heap. Its stack use is therefore the same at any depth;
    /// recursion here cost about 8 KiB of stack per bracket in debug builds.
    fn expr_depth(&self, p: Pair<Rule>) -> Res<(Expr, usize)> {
        let mut frames = vec![Frame::new(self.span(&p), p, After::Return)];
        loop {
            let top = self.top(&mut frames)?;
            match std::mem::replace(&mut top.mode, Mode::Waiting) {
                Mode::Operand => self.operand(&mut frames)?,
                Mode::Operator(lhs) => {
                    if let Some(done) = self.operator(&mut frames, lhs)? {
                        return Ok(done);
                    }
                }
                Mode::Waiting => return Err(self.internal_at(top.whole, "expression")),
            }
        }
    }

    /// The frame being read.
    fn top<'f, 'i>(&self, frames: &'f mut [Frame<'i>]) -> Res<&'f mut Frame<'i>> {
        frames.last_mut().ok_or_else(|| {
            Diagnostic::error(Code::E0199, "internal parser error: lost the expression")
        })
    }

    /// Reads what an operand starts with: a prefix operator, a bracket (a new frame),
    /// a set (its first element), or a primary.
    fn operand<'i>(&self, frames: &mut Vec<Frame<'i>>) -> Res<()> {
        let top = self.top(frames)?;
        let Some(tok) = next_content(&mut top.tokens) else {
            return Err(self.internal_at(top.whole, "end of expression"));
        };
        match affix(tok.as_rule()) {
            Some((Affix::Prefix, prec)) => {
                top.ops.push(Pending::Prefix {
                    op: tok,
                    rbp: top.rbp,
                });
                top.rbp = prec - 1;
                top.mode = Mode::Operand;
            }
            Some(_) => return Err(self.internal(&tok, "operator")),
            None => match tok.as_rule() {
                Rule::paren => {
                    let span = self.span(&tok);
                    let inner = tok
                        .clone()
                        .into_inner()
                        .find(is_content)
                        .ok_or_else(|| self.internal(&tok, "parenthesis"))?;
                    let whole = self.span(&inner);
                    frames.push(Frame::new(whole, inner, After::Paren(span)));
                }
                Rule::set_lit => {
                    top.set = Some(SetState::new(self.span(&tok), tok, None));
                    self.next_element(frames)?;
                }
                _ => top.mode = Mode::Operator(self.primary(tok)?),
            },
        }
        Ok(())
    }

    /// With an operand read: takes the next operator if it binds tighter than the one
    /// waiting, else applies the waiting one (or finishes the frame). The whole
    /// expression, once read.
    fn operator<'i>(
        &self,
        frames: &mut Vec<Frame<'i>>,
        lhs: (Expr, usize),
    ) -> Res<Option<(Expr, usize)>> {
        let top = self.top(frames)?;
        let lbp = match peek_content(&mut top.tokens) {
            Some(op) => match affix(op.as_rule()) {
                Some((_, prec)) => prec,
                None => return Err(self.internal(&op, "operator")),
            },
            None => 0,
        };
        if top.rbp >= lbp {
            return self.reduce(frames, lhs);
        }
        let Some(op) = next_content(&mut top.tokens) else {
            return Err(self.internal_at(top.whole, "operator"));
        };
        match affix(op.as_rule()) {
            Some((Affix::Infix(assoc), prec)) => {
                top.ops.push(Pending::Infix {
                    lhs,
                    op,
                    rbp: top.rbp,
                });
                top.rbp = match assoc {
                    Assoc::Left => prec,
                    Assoc::Right => prec - 1,
                };
                top.mode = Mode::Operand;
            }
            Some((Affix::Postfix, _)) => self.postfix(frames, lhs, op)?,
            _ => return Err(self.internal(&op, "operator")),
        }
        Ok(None)
    }

    /// `lhs in {..}`, `lhs not in LO..=HI`: a set is read element by element.
    fn postfix<'i>(
        &self,
        frames: &mut Vec<Frame<'i>>,
        lhs: (Expr, usize),
        op: Pair<'i, Rule>,
    ) -> Res<()> {
        let top = self.top(frames)?;
        let whole = top.whole;
        let mut negated = false;
        let mut set = None;
        for part in op.clone().into_inner().filter(is_content) {
            match part.as_rule() {
                Rule::kw_not => negated = true,
                Rule::kw_in => {}
                Rule::set_lit | Rule::range_lit => set = Some(part),
                _ => return Err(self.internal(&part, "membership")),
            }
        }
        let set = set.ok_or_else(|| self.internal(&op, "membership"))?;
        let in_op = InOp {
            lhs,
            negated,
            op_span: self.span(&op),
        };
        if set.as_rule() == Rule::set_lit {
            top.set = Some(SetState::new(self.span(&set), set, Some(in_op)));
            self.next_element(frames)?;
        } else {
            let set = self.primary(set)?;
            top.mode = Mode::Operator(self.membership(in_op, set, whole)?);
        }
        Ok(())
    }

    /// Applies the operator waiting for `lhs`, or, with none waiting, hands the frame's
    /// expression to what waits for it: the caller (the whole expression, returned), a
    /// bracket, or a set.
    fn reduce<'i>(
        &self,
        frames: &mut Vec<Frame<'i>>,
        lhs: (Expr, usize),
    ) -> Res<Option<(Expr, usize)>> {
        let top = self.top(frames)?;
        let whole = top.whole;
        match top.ops.pop() {
            Some(Pending::Prefix { op, rbp }) => {
                let (rhs, d) = lhs;
                let span = self.span(&op).to(rhs.span);
                let uop = if op.as_rule() == Rule::op_not {
                    UnOp::Not
                } else {
                    UnOp::Neg
                };
                let kind = ExprKind::Unary(uop, Box::new(rhs));
                top.rbp = rbp;
                top.mode = Mode::Operator(self.check_depth(Expr { kind, span }, d + 1, whole)?);
            }
            Some(Pending::Infix { lhs: l, op, rbp }) => {
                top.rbp = rbp;
                top.mode = Mode::Operator(self.infix(l, &op, lhs, whole)?);
            }
            None => {
                let after = match frames.pop() {
                    Some(done) => done.after,
                    None => After::Return,
                };
                match after {
                    After::Return => return Ok(Some(lhs)),
                    After::Paren(span) => {
                        let (e, d) = lhs;
                        let kind = ExprKind::Paren(Box::new(e));
                        let outer = frames
                            .last_mut()
                            .ok_or_else(|| self.internal_at(span, "parenthesis"))?;
                        let whole = outer.whole;
                        outer.mode =
                            Mode::Operator(self.check_depth(Expr { kind, span }, d + 1, whole)?);
                    }
                    After::Element => {
                        let (e, d) = lhs;
                        let set = frames
                            .last_mut()
                            .and_then(|f| f.set.as_mut())
                            .ok_or_else(|| self.internal_at(e.span, "set"))?;
                        set.depth = set.depth.max(d + 1);
                        set.items.push(e);
                        self.next_element(frames)?;
                    }
                }
            }
        }
        Ok(None)
    }

    /// Starts reading the next element of the set the top frame is reading, or, when
    /// there is none left, finishes the set (and the membership test it belongs to).
    fn next_element<'i>(&self, frames: &mut Vec<Frame<'i>>) -> Res<()> {
        let Some(top) = frames.last_mut() else {
            return Err(Diagnostic::error(
                Code::E0199,
                "internal parser error: lost the set",
            ));
        };
        let whole = top.whole;
        let Some(set) = top.set.as_mut() else {
            return Err(self.internal_at(whole, "set"));
        };
        if let Some(elem) = next_content(&mut set.rest) {
            let elem_whole = self.span(&elem);
            frames.push(Frame::new(elem_whole, elem, After::Element));
            return Ok(());
        }
        let Some(set) = top.set.take() else {
            return Err(self.internal_at(whole, "set"));
        };
        let lit = self.check_depth(
            Expr {
                kind: ExprKind::Set(set.items),
                span: set.span,
            },
            set.depth,
            whole,
        )?;
        top.mode = Mode::Operator(match set.in_op {
            Some(in_op) => self.membership(in_op, lit, whole)?,
            None => lit,
        });
        Ok(())
    }

    fn membership(&self, in_op: InOp, set: (Expr, usize), whole: Span) -> Res<(Expr, usize)> {
        let (lhs, d) = in_op.lhs;
        let (set, sd) = set;
        let span = lhs.span.to(in_op.op_span);
        let kind = ExprKind::In {
            value: Box::new(lhs),
            set: Box::new(set),
            negated: in_op.negated,
        };
        self.check_depth(Expr { kind, span }, d.max(sd) + 1, whole)
    }

    fn infix(
        &self,
        lhs: (Expr, usize),
        op: &Pair<Rule>,
        rhs: (Expr, usize),
        whole: Span,
    ) -> Res<(Expr, usize)> {
        let ((lhs, ld), (rhs, rd)) = (lhs, rhs);
        let span = lhs.span.to(rhs.span);
        let bop = match op.as_rule() {
            Rule::op_implies => BinOp::Implies,
            Rule::op_or => BinOp::Or,
            Rule::op_and => BinOp::And,
            Rule::op_eq => BinOp::Eq,
            Rule::op_ne => BinOp::Ne,
            Rule::op_lt => BinOp::Lt,
            Rule::op_le => BinOp::Le,
            Rule::op_gt => BinOp::Gt,
            Rule::op_ge => BinOp::Ge,
            Rule::op_add => BinOp::Add,
            Rule::op_sub => BinOp::Sub,
            Rule::op_mul => BinOp::Mul,
            Rule::op_contains => {
                let kind = ExprKind::Contains(Box::new(lhs), Box::new(rhs));
                return self.check_depth(Expr { kind, span }, ld.max(rd) + 1, whole);
            }
            _ => return Err(self.internal(op, "operator")),
        };
        let kind = ExprKind::Binary(bop, Box::new(lhs), Box::new(rhs));
        self.check_depth(Expr { kind, span }, ld.max(rd) + 1, whole)
    }

    fn internal_at(&self, span: Span, what: &str) -> Diagnostic {
        Diagnostic::error(
            Code::E0199,
            format!("internal parser error: unexpected {what}"),
        )
        .primary(Loc::new(self.file, span), "while reading this expression")
        .note("this is a bug in policyc; please report it with this file")
    }

    fn check_depth(&self, e: Expr, depth: usize, whole: Span) -> Res<(Expr, usize)> {
        if depth > MAX_EXPR_DEPTH {
            return Err(
                Diagnostic::error(Code::E0104, "expression is nested too deeply")
                    .primary(
                        Loc::new(self.file, whole),
                        format!("more than {MAX_EXPR_DEPTH} levels deep"),
                    )
                    .help("split the expression into named `define`s"),
            );
        }
        Ok((e, depth))
    }

    /// An operand without operands of its own: a literal, a name or a range.
    fn primary(&self, p: Pair<Rule>) -> Res<(Expr, usize)> {
        let span = self.span(&p);
        let leaf = |kind| Ok((Expr { kind, span }, 1));
        match p.as_rule() {
            Rule::kw_true => leaf(ExprKind::Bool(true)),
            Rule::kw_false => leaf(ExprKind::Bool(false)),
            Rule::int => leaf(ExprKind::Int(self.int(&p)?.value)),
            Rule::ident | Rule::qualified => leaf(ExprKind::Name(p.as_str().to_string())),
            Rule::range_lit => {
                let mut it = p.clone().into_inner().filter(is_content);
                let lo = self.int(&self.next(&p, &mut it, "lower bound")?)?;
                let hi = self.int(&self.next(&p, &mut it, "upper bound")?)?;
                leaf(ExprKind::Range { lo, hi })
            }
            _ => Err(self.internal(&p, "expression")),
        }
    }
}

/// The length of `text` without the whitespace and `//` comments pest may leave at the
/// end of a pair (its implicit trivia), so that a span ends at the last token.
fn trimmed_len(text: &str) -> usize {
    let mut end = text.trim_end().len();
    loop {
        let body = text.get(..end).unwrap_or("");
        let line_start = body.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let Some(cut) = body.get(line_start..).and_then(comment_start) else {
            return end;
        };
        end = body.get(..line_start + cut).unwrap_or("").trim_end().len();
    }
}

/// Where a `//` comment starts in one line, outside string literals.
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

type Prec = u32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Assoc {
    Left,
    Right,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Affix {
    Prefix,
    Postfix,
    Infix(Assoc),
}

/// Binding powers, loosest first (docs/language.md, "Expressions"). Steps of ten, as
/// pest's `PrattParser` numbers them, so that `prec - 1` lies between two levels.
fn affix(rule: Rule) -> Option<(Affix, Prec)> {
    use Affix::*;
    Some(match rule {
        Rule::op_implies => (Infix(Assoc::Right), 10),
        Rule::op_or => (Infix(Assoc::Left), 20),
        Rule::op_and => (Infix(Assoc::Left), 30),
        Rule::op_not => (Prefix, 40),
        Rule::op_eq
        | Rule::op_ne
        | Rule::op_lt
        | Rule::op_le
        | Rule::op_gt
        | Rule::op_ge
        | Rule::op_contains => (Infix(Assoc::Left), 50),
        Rule::op_in => (Postfix, 50),
        Rule::op_add | Rule::op_sub => (Infix(Assoc::Left), 60),
        Rule::op_mul => (Infix(Assoc::Left), 70),
        Rule::op_neg => (Prefix, 80),
        _ => return None,
    })
}

/// An operator waiting for its right operand.
enum Pending<'i> {
    Prefix {
        op: Pair<'i, Rule>,
        /// The binding power to go back to once the operator is applied.
        rbp: Prec,
    },
    Infix {
        lhs: (Expr, usize),
        op: Pair<'i, Rule>,
        rbp: Prec,
    },
}

/// `x in {` or `x not in {` waiting for its set.
struct InOp {
    lhs: (Expr, usize),
    negated: bool,
    op_span: Span,
}

/// A set literal being read element by element.
struct SetState<'i> {
    span: Span,
    items: Vec<Expr>,
    depth: usize,
    rest: pest::iterators::Pairs<'i, Rule>,
    /// The membership test the set is the right side of, if any.
    in_op: Option<InOp>,
}

impl<'i> SetState<'i> {
    fn new(span: Span, lit: Pair<'i, Rule>, in_op: Option<InOp>) -> Self {
        SetState {
            span,
            items: Vec::new(),
            depth: 1,
            rest: lit.into_inner(),
            in_op,
        }
    }
}

/// What a frame expects next.
enum Mode {
    /// A prefix operator or an operand.
    Operand,
    /// An operator after this operand, or the end.
    Operator((Expr, usize)),
    /// A bracket or set inside is being read by the frame above.
    Waiting,
}

/// What a finished frame's expression becomes.
enum After {
    Return,
    /// The contents of a bracket at this span.
    Paren(Span),
    /// An element of the set the frame below is reading.
    Element,
}

/// One `expr` of the grammar being read: the whole expression, a bracket's contents or
/// a set element.
struct Frame<'i> {
    tokens: std::iter::Peekable<pest::iterators::Pairs<'i, Rule>>,
    whole: Span,
    rbp: Prec,
    ops: Vec<Pending<'i>>,
    mode: Mode,
    set: Option<SetState<'i>>,
    after: After,
}

impl<'i> Frame<'i> {
    fn new(whole: Span, expr: Pair<'i, Rule>, after: After) -> Self {
        Frame {
            tokens: expr.into_inner().peekable(),
            whole,
            rbp: 0,
            ops: Vec::new(),
            mode: Mode::Operand,
            set: None,
            after,
        }
    }
}

fn next_content<'i>(it: &mut impl Iterator<Item = Pair<'i, Rule>>) -> Option<Pair<'i, Rule>> {
    it.find(is_content)
}

fn peek_content<'i>(
    it: &mut std::iter::Peekable<pest::iterators::Pairs<'i, Rule>>,
) -> Option<Pair<'i, Rule>> {
    while let Some(p) = it.peek() {
        if is_content(p) {
            return Some(p.clone());
        }
        it.next();
    }
    None
}

/// Punctuation is named in the grammar only so that errors can say "expected `:`";
/// the AST has no use for it.
fn is_content(p: &Pair<Rule>) -> bool {
    !matches!(
        p.as_rule(),
        Rule::assign_tok
            | Rule::colon_tok
            | Rule::open_brace_tok
            | Rule::close_brace_tok
            | Rule::close_paren_tok
            | Rule::range_dots_tok
            | Rule::gt_tok
    )
}

pub(super) fn doc_text(line: &str) -> String {
    let t = line.strip_prefix("///").unwrap_or(line);
    let t = t.strip_suffix('\r').unwrap_or(t);
    t.strip_prefix(' ').unwrap_or(t).to_string()
}

pub(super) fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
#[path = "lower_tests.rs"]
mod tests;
