//! A snapshot cut into parts for the store: the header, each list that changes on its own
//! (coverage, waivers, gate, ...), each app without its items, each app's list of items, and each item. Unchanged
//! parts are stored once however many snapshots share them.

use std::collections::BTreeMap;

use polic_ruleset::eval::{Gate, StandardReport, Totals, Unmatched};
use serde::{Deserialize, Serialize};

use crate::snapshot::{App, Clause, Code, Input, Item, Rules, Snapshot, Unit, Waiver};
use crate::trend::Share;

const SEPARATOR: char = '\u{1f}';

/// Whether a key is an item's (a trend reads none).
pub const ITEM_PREFIX: &str = "item\u{1f}";

fn item_key(app: &str, control: &str, obligation: &str) -> String {
    format!("item{SEPARATOR}{app}{SEPARATOR}{control}{SEPARATOR}{obligation}")
}

fn app_key(app: &str) -> String {
    format!("app{SEPARATOR}{app}")
}

/// The part naming an app's items (control, obligation) in order.
fn order_key(app: &str) -> String {
    format!("order{SEPARATOR}{app}")
}

fn list_key(list: &str) -> String {
    format!("list{SEPARATOR}{list}")
}

/// The snapshot without its lists and apps; `apps` names them in order.
#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    at: String,
    policy: Option<String>,
    rules: Rules,
    evidence: Vec<Input>,
    revision: Option<String>,
    scope: Option<Vec<String>>,
    priority_formula: String,
    score_formula: String,
    portfolio: Totals,
    apps: Vec<String>,
}

/// An app without its items, which its order part names. Kept apart so that a changed
/// status rewrites the app's totals, not the list of its obligations.
#[derive(Serialize, Deserialize)]
struct AppPart {
    name: String,
    title: Option<String>,
    unit: Option<String>,
    owner: Option<String>,
    criticality: Option<String>,
    totals: Totals,
    code: Vec<Code>,
    uncovered: Vec<String>,
    source: String,
}

fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The parts of a snapshot, each as compact JSON, by key: the header, each top-level list,
/// each app without its items, each app's order of items, and each item. The work queue is left out: it is derived
/// from the items on the way back.
pub fn split(snapshot: &Snapshot) -> BTreeMap<String, String> {
    let mut parts = BTreeMap::new();
    let header = Header {
        format: snapshot.format.clone(),
        version: snapshot.version,
        at: snapshot.at.clone(),
        policy: snapshot.policy.clone(),
        rules: snapshot.rules.clone(),
        evidence: snapshot.evidence.clone(),
        revision: snapshot.revision.clone(),
        scope: snapshot.scope.clone(),
        priority_formula: snapshot.priority_formula.clone(),
        score_formula: snapshot.score_formula.clone(),
        portfolio: snapshot.portfolio.clone(),
        apps: snapshot.apps.iter().map(|a| a.name.clone()).collect(),
    };
    parts.insert("header".to_string(), json(&header));
    parts.insert(list_key("units"), json(&snapshot.units));
    parts.insert(list_key("standards"), json(&snapshot.standards));
    parts.insert(list_key("clauses"), json(&snapshot.clauses));
    parts.insert(list_key("waivers"), json(&snapshot.waivers));
    parts.insert(list_key("unmatched"), json(&snapshot.unmatched));
    parts.insert(list_key("not_counted"), json(&snapshot.not_counted));
    parts.insert(list_key("gate"), json(&snapshot.gate));
    for app in &snapshot.apps {
        for item in &app.items {
            parts.insert(
                item_key(&app.name, &item.control, &item.obligation),
                json(item),
            );
        }
        let part = AppPart {
            name: app.name.clone(),
            title: app.title.clone(),
            unit: app.unit.clone(),
            owner: app.owner.clone(),
            criticality: app.criticality.clone(),
            totals: app.totals.clone(),
            code: app.code.clone(),
            uncovered: app.uncovered.clone(),
            source: app.source.clone(),
        };
        parts.insert(app_key(&app.name), json(&part));
        let order: Vec<(&str, &str)> = app
            .items
            .iter()
            .map(|i| (i.control.as_str(), i.obligation.as_str()))
            .collect();
        parts.insert(order_key(&app.name), json(&order));
    }
    parts
}

/// Each part's body digest (its blob), by key.
pub fn blobs(parts: &BTreeMap<String, String>) -> BTreeMap<&str, String> {
    parts
        .iter()
        .map(|(key, body)| (key.as_str(), crate::snapshot::digest(body.as_bytes())))
        .collect()
}

/// What identifies a snapshot by its parts: the digest of each part's key and blob, in
/// key order. Equal snapshots have equal parts, so equal digests.
pub fn digest(blobs: &BTreeMap<&str, String>) -> String {
    let mut listing = String::new();
    for (key, blob) in blobs {
        listing.push_str(key);
        listing.push(SEPARATOR);
        listing.push_str(blob);
        listing.push('\n');
    }
    crate::snapshot::digest(listing.as_bytes())
}

/// The snapshot from its parts: the inverse of [`split`]. With [`Items::Changed`], items
/// whose parts are absent are left out (a snapshot pruned to what differs from another).
pub fn join(parts: &BTreeMap<String, String>, items: Items) -> Result<Snapshot, String> {
    fn parse<T: serde::de::DeserializeOwned>(
        parts: &BTreeMap<String, String>,
        key: &str,
    ) -> Result<T, String> {
        let body = parts
            .get(key)
            .ok_or_else(|| format!("the stored snapshot has no part `{}`", shown(key)))?;
        serde_json::from_str(body)
            .map_err(|e| format!("stored part `{}` is corrupt: {e}", shown(key)))
    }
    let header: Header = parse(parts, "header")?;
    let mut apps = Vec::with_capacity(header.apps.len());
    for name in &header.apps {
        let app: AppPart = parse(parts, &app_key(name))?;
        let order: Vec<(String, String)> = parse(parts, &order_key(name))?;
        let items = order
            .iter()
            .map(|(control, obligation)| item_key(name, control, obligation))
            .filter(|key| items == Items::All || parts.contains_key(key))
            .map(|key| parse::<Item>(parts, &key))
            .collect::<Result<Vec<Item>, String>>()?;
        apps.push(App {
            name: app.name,
            title: app.title,
            unit: app.unit,
            owner: app.owner,
            criticality: app.criticality,
            totals: app.totals,
            items,
            code: app.code,
            uncovered: app.uncovered,
            source: app.source,
        });
    }
    let mut snapshot = Snapshot {
        format: header.format,
        version: header.version,
        at: header.at,
        policy: header.policy,
        rules: header.rules,
        evidence: header.evidence,
        revision: header.revision,
        scope: header.scope,
        priority_formula: header.priority_formula,
        score_formula: header.score_formula,
        portfolio: header.portfolio,
        units: parse::<Vec<Unit>>(parts, &list_key("units"))?,
        apps,
        standards: parse::<Vec<StandardReport>>(parts, &list_key("standards"))?,
        clauses: parse::<Vec<Clause>>(parts, &list_key("clauses"))?,
        waivers: parse::<Vec<Waiver>>(parts, &list_key("waivers"))?,
        queue: Vec::new(),
        unmatched: parse::<Vec<Unmatched>>(parts, &list_key("unmatched"))?,
        not_counted: parse::<Vec<Unmatched>>(parts, &list_key("not_counted"))?,
        gate: parse::<Gate>(parts, &list_key("gate"))?,
    };
    snapshot.queue = snapshot.derive_queue();
    Ok(snapshot)
}

/// Which items [`join`] expects.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Items {
    /// Every item the apps list: the snapshot whole.
    All,
    /// Only those present.
    Changed,
}

/// Whether a key is an item's.
pub fn is_item(key: &str) -> bool {
    key.starts_with(ITEM_PREFIX)
}

/// A key as a message shows it.
fn shown(key: &str) -> String {
    key.replace(SEPARATOR, "/")
}

/// What a trend reads of one stored part: parsed once, however many snapshots share it.
pub enum Piece {
    Header {
        at: String,
        revision: Option<String>,
        portfolio: Totals,
        score_formula: String,
    },
    Units(BTreeMap<String, Totals>),
    Clauses(BTreeMap<String, Share>),
    App(String, Totals),
    /// A part a trend does not read.
    Other,
}

impl Piece {
    /// The piece of the part stored under `key`.
    pub fn parse(key: &str, body: &str) -> Result<Piece, String> {
        let corrupt =
            |e: serde_json::Error| format!("stored part `{}` is corrupt: {e}", shown(key));
        Ok(if key == "header" {
            let h: Header = serde_json::from_str(body).map_err(corrupt)?;
            Piece::Header {
                at: h.at,
                revision: h.revision,
                portfolio: h.portfolio,
                score_formula: h.score_formula,
            }
        } else if key == list_key("units") {
            let units: Vec<Unit> = serde_json::from_str(body).map_err(corrupt)?;
            Piece::Units(units.into_iter().map(|u| (u.unit, u.totals)).collect())
        } else if key == list_key("clauses") {
            let clauses: Vec<Clause> = serde_json::from_str(body).map_err(corrupt)?;
            Piece::Clauses(
                clauses
                    .into_iter()
                    .filter(|c| c.needed_by > 0)
                    .map(|c| {
                        let share = Share {
                            needed_by: c.needed_by,
                            met_by: c.met_by,
                        };
                        (c.clause, share)
                    })
                    .collect(),
            )
        } else if key.starts_with(&format!("app{SEPARATOR}")) {
            let app: AppPart = serde_json::from_str(body).map_err(corrupt)?;
            Piece::App(app.name, app.totals)
        } else {
            Piece::Other
        })
    }
}
