//! Stable item identity. An item is known by its file, kind, name and how many items of the
//! same kind and name come before it in the file, never by its position: an edit in one
//! item moves no other item's id. Positions inside an item are node ids relative to the
//! item's first node ([`crate::hir::Loc`]), turned into spans through the item's place in
//! the file's parse only when a diagnostic is finally located.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use polic_syntax::ast::{self, ItemKind, NodeId};

use crate::db::{Db, File, item_tree};

/// The kind of a top-level item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemTag {
    Import,
    Standard,
    Profile,
    Policy,
    Risk,
    Facts,
    Archetype,
    Control,
    Map,
    App,
    Waiver,
    Test,
    Error,
}

/// One top-level item of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ItemId {
    pub file: File,
    pub tag: ItemTag,
    /// A digest of the item's name (SipHash with fixed keys: the same in every run).
    name: u64,
    /// Items of the same kind and name before it in the file (unnamed items: imports,
    /// facts blocks, maps, unparsable text).
    nth: u32,
}

/// What a top-level item is called, for its identity.
fn header(item: &ast::Item) -> (ItemTag, &str) {
    match &item.kind {
        ItemKind::Import(_) => (ItemTag::Import, ""),
        ItemKind::Standard(s) => (ItemTag::Standard, &s.name.text),
        ItemKind::Profile(p) => (ItemTag::Profile, &p.name.text),
        ItemKind::Policy(p) => (ItemTag::Policy, &p.name.text),
        ItemKind::Risk(r) => (ItemTag::Risk, &r.name.text),
        ItemKind::Facts(_) => (ItemTag::Facts, ""),
        ItemKind::Archetype(a) => (ItemTag::Archetype, &a.name.text),
        ItemKind::Control(c) => (ItemTag::Control, &c.name.text),
        ItemKind::Map(_) => (ItemTag::Map, ""),
        ItemKind::App(a) => (ItemTag::App, &a.name.text),
        ItemKind::Waiver(w) => (ItemTag::Waiver, &w.name.text),
        ItemKind::Test(t) => (ItemTag::Test, &t.name.value),
        ItemKind::Error => (ItemTag::Error, ""),
    }
}

/// Where each item of a file is in its parse. Changes with every edit that adds or removes
/// a syntax node before an item; [`item_ids`] is the part that does not.
#[derive(Debug, PartialEq, Eq)]
pub struct ItemLayout {
    ids: Vec<ItemId>,
    /// The id of each item's first node: items' nodes are numbered contiguously, each
    /// item's own node last.
    bases: Vec<u32>,
    index: HashMap<ItemId, usize>,
}

impl ItemLayout {
    fn base(&self, item: ItemId) -> Option<(usize, u32)> {
        let index = *self.index.get(&item)?;
        Some((index, self.bases[index]))
    }
}

#[salsa::tracked(returns(ref))]
pub fn item_layout(db: &dyn Db, file: File) -> ItemLayout {
    let tree = item_tree(db, file);
    let mut seen: HashMap<(ItemTag, u64), u32> = HashMap::new();
    let mut layout = ItemLayout {
        ids: Vec::with_capacity(tree.items.len()),
        bases: Vec::with_capacity(tree.items.len()),
        index: HashMap::with_capacity(tree.items.len()),
    };
    let mut next_base = 0;
    for item in &tree.items {
        let (tag, name) = header(item);
        let mut hasher = DefaultHasher::new();
        name.hash(&mut hasher);
        let name = hasher.finish();
        let nth = seen.entry((tag, name)).or_default();
        let id = ItemId {
            file,
            tag,
            name,
            nth: *nth,
        };
        *nth += 1;
        layout.index.insert(id, layout.ids.len());
        layout.ids.push(id);
        layout.bases.push(next_base);
        next_base = item.id.0 + 1;
    }
    layout
}

/// A file's items, in order: equal across edits inside items, so queries that only list
/// items are not re-run by them.
#[salsa::tracked(returns(ref))]
pub fn item_ids(db: &dyn Db, file: File) -> Vec<ItemId> {
    item_layout(db, file).ids.clone()
}

/// One item's syntax and the id of its first node. Equal, so its lowering is not re-run,
/// when an edit elsewhere in the file leaves the item and the nodes before it alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemBody {
    pub item: Option<std::sync::Arc<ast::Item>>,
    pub base: u32,
}

#[salsa::tracked(returns(ref))]
pub fn item_body(db: &dyn Db, file: File, item: ItemId) -> ItemBody {
    match item_layout(db, file).base(item) {
        Some((index, base)) => ItemBody {
            item: item_tree(db, file).items.get(index).cloned(),
            base,
        },
        None => ItemBody {
            item: None,
            base: 0,
        },
    }
}

/// The node a location names, in its file's parse.
pub fn node(db: &dyn Db, loc: crate::hir::Loc) -> NodeId {
    let base = item_layout(db, loc.item.file)
        .base(loc.item)
        .map_or(0, |(_, base)| base);
    NodeId(base + loc.local)
}

/// The items of a file with the id of each one's first node, for building item-relative
/// locations from a whole file's tree.
pub fn items_with_bases(db: &dyn Db, file: File) -> impl Iterator<Item = (ItemId, u32)> + '_ {
    let layout = item_layout(db, file);
    layout.ids.iter().copied().zip(layout.bases.iter().copied())
}
