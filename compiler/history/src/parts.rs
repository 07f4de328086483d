//! A snapshot cut into parts for the store: the header, each list that changes on its own
//! (coverage, waivers, gate, ...), each app without its items, and each item. Unchanged
//! parts are stored once however many snapshots share them.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use polic_ruleset::eval::Totals;

use crate::snapshot::{Clause, Snapshot, Unit};
use crate::trend::Share;

/// Top-level lists kept as parts of their own; `apps` and `queue` are handled apart.
const LISTS: &[&str] = &[
    "units",
    "standards",
    "clauses",
    "waivers",
    "unmatched",
    "not_counted",
    "gate",
];

const SEPARATOR: char = '\u{1f}';

/// Whether a key is an item's (a trend reads none).
pub const ITEM_PREFIX: &str = "item\u{1f}";

fn item_key(app: &str, control: &str, obligation: &str) -> String {
    format!("item{SEPARATOR}{app}{SEPARATOR}{control}{SEPARATOR}{obligation}")
}

fn take(object: &mut Map<String, Value>, field: &str) -> Value {
    object.remove(field).unwrap_or(Value::Null)
}

fn text(value: &Value, field: &str) -> String {
    value[field].as_str().unwrap_or_default().to_string()
}

/// The parts of a snapshot, each as compact JSON, by key.
pub fn split(snapshot: &Snapshot) -> BTreeMap<String, String> {
    let mut parts = BTreeMap::new();
    let Ok(Value::Object(mut header)) = serde_json::to_value(snapshot) else {
        return parts;
    };
    // Derived from the items on the way back.
    header.remove("queue");
    let apps = take(&mut header, "apps");
    for list in LISTS {
        parts.insert(
            format!("list{SEPARATOR}{list}"),
            take(&mut header, list).to_string(),
        );
    }
    let mut names = Vec::new();
    for mut app in apps.as_array().cloned().unwrap_or_default() {
        let name = text(&app, "name");
        let items = app
            .as_object_mut()
            .map(|a| take(a, "items"))
            .unwrap_or_default();
        let mut order = Vec::new();
        for item in items.as_array().into_iter().flatten() {
            let (control, obligation) = (text(item, "control"), text(item, "obligation"));
            parts.insert(item_key(&name, &control, &obligation), item.to_string());
            order.push(Value::from(vec![control, obligation]));
        }
        app["items"] = Value::Array(order);
        parts.insert(format!("app{SEPARATOR}{name}"), app.to_string());
        names.push(Value::from(name));
    }
    header.insert("apps".to_string(), Value::Array(names));
    parts.insert("header".to_string(), Value::Object(header).to_string());
    parts
}

/// The snapshot from its parts: the inverse of [`split`].
pub fn join(parts: &BTreeMap<String, String>) -> Result<Snapshot, String> {
    let parse = |key: &str| -> Result<Value, String> {
        let body = parts
            .get(key)
            .ok_or_else(|| format!("the stored snapshot has no part `{}`", shown(key)))?;
        serde_json::from_str(body)
            .map_err(|e| format!("stored part `{}` is corrupt: {e}", shown(key)))
    };
    let Value::Object(mut header) = parse("header")? else {
        return Err("the stored snapshot's header is not an object".to_string());
    };
    for list in LISTS {
        header.insert(list.to_string(), parse(&format!("list{SEPARATOR}{list}"))?);
    }
    let names = take(&mut header, "apps");
    let mut apps = Vec::new();
    for name in names.as_array().into_iter().flatten() {
        let name = name.as_str().unwrap_or_default();
        let mut app = parse(&format!("app{SEPARATOR}{name}"))?;
        let mut found = Vec::new();
        for pair in app["items"].as_array().into_iter().flatten() {
            let (control, obligation) = (
                pair[0].as_str().unwrap_or_default(),
                pair[1].as_str().unwrap_or_default(),
            );
            found.push(parse(&item_key(name, control, obligation))?);
        }
        app["items"] = Value::Array(found);
        apps.push(app);
    }
    header.insert("apps".to_string(), Value::Array(apps));
    header.insert("queue".to_string(), Value::Array(Vec::new()));
    let mut snapshot: Snapshot = serde_json::from_value(Value::Object(header))
        .map_err(|e| format!("the stored snapshot is not valid: {e}"))?;
    snapshot.queue = snapshot.derive_queue();
    Ok(snapshot)
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
        #[derive(serde::Deserialize)]
        struct Header {
            at: String,
            revision: Option<String>,
            portfolio: Totals,
            score_formula: String,
        }
        #[derive(serde::Deserialize)]
        struct App {
            name: String,
            totals: Totals,
        }
        Ok(if key == "header" {
            let h: Header = serde_json::from_str(body).map_err(corrupt)?;
            Piece::Header {
                at: h.at,
                revision: h.revision,
                portfolio: h.portfolio,
                score_formula: h.score_formula,
            }
        } else if key == format!("list{SEPARATOR}units") {
            let units: Vec<Unit> = serde_json::from_str(body).map_err(corrupt)?;
            Piece::Units(units.into_iter().map(|u| (u.unit, u.totals)).collect())
        } else if key == format!("list{SEPARATOR}clauses") {
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
            let app: App = serde_json::from_str(body).map_err(corrupt)?;
            Piece::App(app.name, app.totals)
        } else {
            Piece::Other
        })
    }
}
