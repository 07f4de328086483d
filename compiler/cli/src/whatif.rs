//! `polic explain app NAME --with fact=value ...`: which controls and obligations an app
//! would newly be asked for, or no longer, if its facts changed (before a service goes
//! internet-facing, say).

use std::collections::BTreeMap;
use std::fmt::Write;

use polic_diagnostics::suggest::closest;
use polic_sema::Model;
use polic_sema::hir::{FactType, FactValue};

/// The what-if report, or the error (with its help) for a bad `--with`.
pub fn what_if(model: &Model, app: &str, with: &[String]) -> Result<String, String> {
    let Some(app_def) = model.apps.get(app) else {
        let mut message = format!("no app `{app}`");
        if let Some(s) = closest(app, model.apps.keys().map(String::as_str)) {
            let _ = write!(message, "\n  help: did you mean `{s}`?");
        }
        return Err(message);
    };
    let archetypes: Vec<&str> = app_def.archetypes.iter().map(|(a, _)| a.as_str()).collect();
    let before = model.app_facts(app_def);
    let mut after = before.clone();
    let mut changes = Vec::new();
    for assignment in with {
        let (fact, value) = parse(model, assignment)?;
        if let Some((archetype, fixed)) = archetypes.iter().find_map(|a| {
            model
                .archetypes
                .get(*a)?
                .facts
                .get(&fact)
                .map(|(v, by)| (by, v))
        }) && *fixed != value
        {
            return Err(format!(
                "archetype `{archetype}` fixes `{fact}` to `{}` for app `{app}`\n  help: an app cannot state another value; ask what another archetype would change",
                model.show_value(&fact, fixed)
            ));
        }
        let was = before
            .get(&fact)
            .map_or("unset".to_string(), |v| model.show_value(&fact, v));
        changes.push(format!(
            "{fact} = {} (was {was})",
            model.show_value(&fact, &value)
        ));
        after.insert(fact, value);
    }
    let mut out = format!("what if app `{app}` had {}:\n", changes.join(", "));
    let mut unchanged = 0;
    let mut lines: BTreeMap<bool, Vec<String>> = BTreeMap::new();
    for (name, control) in &model.controls {
        let was = model.requirement(&archetypes, &before, control).is_some();
        let now = model.requirement(&archetypes, &after, control).is_some();
        if was == now {
            unchanged += usize::from(was);
            continue;
        }
        let mut line = format!(
            "  {} {name}{}",
            if now { "+" } else { "-" },
            control
                .title
                .as_ref()
                .map_or(String::new(), |t| format!(" \"{t}\""))
        );
        for obligation in &control.obligations {
            let _ = write!(
                line,
                "\n      {} {}{}",
                if now { "+" } else { "-" },
                obligation.def.name,
                obligation
                    .title
                    .as_ref()
                    .map_or(String::new(), |t| format!(" \"{t}\""))
            );
        }
        lines.entry(now).or_default().push(line);
    }
    for (now, heading) in [(true, "newly required"), (false, "no longer required")] {
        if let Some(lines) = lines.get(&now) {
            let _ = writeln!(out, "{heading}:");
            for line in lines {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    if lines.is_empty() {
        let _ = writeln!(out, "no control appears or disappears");
    }
    let _ = writeln!(out, "{unchanged} controls required either way");
    Ok(out)
}

/// `fact=value`, typed by the facts schema.
fn parse(model: &Model, assignment: &str) -> Result<(String, FactValue), String> {
    let Some((fact, text)) = assignment.split_once('=') else {
        return Err(format!(
            "`--with {assignment}` is not `fact=value`\n  help: e.g. `--with exposure=internet`"
        ));
    };
    let (fact, text) = (fact.trim(), text.trim());
    let Some((ty, _)) = model.facts.get(fact) else {
        let mut message = format!("no fact `{fact}` in the facts schema");
        if let Some(s) = closest(fact, model.facts.keys().map(String::as_str)) {
            let _ = write!(message, "\n  help: did you mean `{s}`?");
        }
        return Err(message);
    };
    let variant = |name: &str| -> Result<u32, String> {
        let variants = ty.variants();
        match variants.iter().position(|v| v == name) {
            Some(i) => Ok(i as u32),
            None => {
                let mut message = format!(
                    "unknown value `{name}` for fact `{fact}`\n  help: the values are {}",
                    variants.join(", ")
                );
                if let Some(s) = closest(name, variants.iter().map(String::as_str)) {
                    let _ = write!(message, "\n  help: did you mean `{s}`?");
                }
                Err(message)
            }
        }
    };
    let value = match ty {
        FactType::Enum(_) => FactValue::Enum(variant(text)?),
        FactType::Set(_) => {
            let inner = text.trim_start_matches('{').trim_end_matches('}');
            let mut values = inner
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(variant)
                .collect::<Result<Vec<u32>, String>>()?;
            values.sort_unstable();
            values.dedup();
            FactValue::Set(values)
        }
        FactType::Bool => match text {
            "true" => FactValue::Bool(true),
            "false" => FactValue::Bool(false),
            _ => {
                return Err(format!(
                    "`{fact}` is a bool: `--with {fact}=true` or `=false`"
                ));
            }
        },
        FactType::Int => FactValue::Int(
            text.parse()
                .map_err(|_| format!("`{fact}` is an int: `{text}` is not a number"))?,
        ),
        FactType::String => FactValue::Str(text.trim_matches('"').to_string()),
    };
    Ok((fact.to_string(), value))
}
