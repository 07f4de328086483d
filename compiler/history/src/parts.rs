//! A snapshot cut into parts for the store: the header, each list that changes on its own
//! (coverage, waivers, gate, ...), each app without its items, and each item. Unchanged
//! parts are stored once however many snapshots share them.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::snapshot::Snapshot;

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

/// Whether a key is an item's (left out of summaries).
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

/// The snapshot from its parts: the inverse of [`split`]. Without `items`, apps come
/// with no items and the item parts are not needed (a summary: scores and counts).
pub fn join(parts: &BTreeMap<String, String>, items: bool) -> Result<Snapshot, String> {
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
        for pair in app["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|_| items)
        {
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
