//! The enums in scope: this program's, then those copied in from imported policies
//! (`alias.Enum`), with their variants indexed by name.

use crate::collections::HashMap;

use super::ir::{self, Arena, EnumId, IdxVec, OutputTy, Ty, VariantId};

/// How many variants a message lists at most.
const LISTED_VARIANTS: usize = 20;

/// The enums, and every enum's variants by name: an expression names variants one at a
/// time, so looking each up by scanning its enum made an enum of 100,000 variants
/// listed in a set take minutes to check. Enums are added only through [`Enums::push`],
/// which keeps the index in step (`imports::finish` drops the copied ones from the IR).
#[derive(Default)]
pub(crate) struct Enums {
    defs: Arena<ir::EnumDef>,
    /// Per enum id: variant name to variant id.
    by_enum: IdxVec<ir::EnumDef, HashMap<String, VariantId>>,
    /// Per variant name: the enums that have it, in id (declaration) order.
    by_name: HashMap<String, Vec<EnumId>>,
}

impl Enums {
    /// Adds an enum; its id is the number of enums before it.
    pub(crate) fn push(&mut self, def: ir::EnumDef) -> EnumId {
        let id = self.defs.push(def);
        let variants = &self.defs[id].variants;
        let mut names = HashMap::with_capacity_and_hasher(variants.len(), Default::default());
        for (v, var) in variants.entries() {
            // The first of two same names wins, as a scan from the start would find.
            if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(var.name.clone()) {
                slot.insert(v);
                self.by_name.entry(var.name.clone()).or_default().push(id);
            }
        }
        self.by_enum.push(names);
        id
    }

    pub(crate) fn len(&self) -> usize {
        self.defs.len()
    }

    pub(crate) fn defs(&self) -> &Arena<ir::EnumDef> {
        &self.defs
    }

    pub(crate) fn into_defs(self) -> Arena<ir::EnumDef> {
        self.defs
    }

    pub(crate) fn name(&self, e: EnumId) -> &str {
        &self.defs[e].name
    }

    pub(crate) fn variant(&self, e: EnumId, name: &str) -> Option<VariantId> {
        self.by_enum.get(e)?.get(name).copied()
    }

    pub(crate) fn variant_name(&self, e: EnumId, v: VariantId) -> &str {
        &self.defs[e].variants[v].name
    }

    pub(crate) fn variant_count(&self, e: EnumId) -> usize {
        self.defs[e].variants.len()
    }

    pub(crate) fn variant_ids(&self, e: EnumId) -> ir::Ids<ir::VariantDef> {
        self.defs[e].variants.ids()
    }

    pub(crate) fn variant_names(&self, e: EnumId) -> impl Iterator<Item = &str> {
        self.defs[e].variants.iter().map(|v| v.name.as_str())
    }

    /// Every variant name of every enum, enum by enum.
    pub(crate) fn all_variant_names(&self) -> impl Iterator<Item = &str> {
        self.defs
            .iter()
            .flat_map(|e| e.variants.iter().map(|v| v.name.as_str()))
    }

    pub(crate) fn first_variant(&self, e: EnumId) -> Option<&str> {
        self.variant_names(e).next()
    }

    /// The variants of an enum for a message: `` `a`, `b`, `c` ``, the first
    /// [`LISTED_VARIANTS`] of them and how many more there are for a longer enum (a
    /// message per misspelt variant that listed 100,000 of them would swamp the output).
    pub(crate) fn variant_list(&self, e: EnumId) -> String {
        let mut list: Vec<String> = self
            .variant_names(e)
            .take(LISTED_VARIANTS)
            .map(|v| format!("`{v}`"))
            .collect();
        let more = self.variant_count(e).saturating_sub(LISTED_VARIANTS);
        if more > 0 {
            list.push(format!("and {more} more"));
        }
        list.join(", ")
    }

    /// The enums that have a variant of this name, in declaration order.
    pub(crate) fn with_variant(&self, name: &str) -> &[EnumId] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// A type as the language writes it ([`Ty::text`]; once the IR is built,
    /// [`crate::check::ir::Policy::ty_text`] writes it the same way).
    pub(crate) fn ty_text(&self, ty: Ty) -> String {
        ty.text(|e| self.name(e))
    }

    /// An output's type as the language writes it: a type, or `set of Concern`.
    pub(crate) fn output_ty_text(&self, ty: OutputTy) -> String {
        ty.text(|e| self.name(e))
    }
}
