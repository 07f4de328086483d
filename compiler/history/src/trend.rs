//! Scores and status counts over time: the portfolio, each unit and app, and per clause the
//! share of the apps needing it that meet it. Read from snapshot summaries (no items).

use std::collections::BTreeMap;
use std::fmt::Write;

use polic_ruleset::eval::Totals;
use serde::Serialize;

use crate::parts::{self, Piece};
use crate::snapshot::Snapshot;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    pub needed_by: usize,
    pub met_by: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    pub id: i64,
    pub at: String,
    pub revision: Option<String>,
    pub portfolio: Totals,
    pub units: BTreeMap<String, Totals>,
    pub apps: BTreeMap<String, Totals>,
    pub clauses: BTreeMap<String, Share>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    pub score_formula: Option<String>,
    /// Oldest judged first.
    pub points: Vec<Point>,
}

/// The status columns, as the table and CSV name them.
fn columns() -> Vec<String> {
    Totals::default()
        .by_status()
        .iter()
        .map(|(status, _)| status.as_str().replace('-', "_"))
        .collect()
}

fn counts(t: &Totals) -> [usize; 7] {
    t.by_status().map(|(_, n)| n)
}

impl Point {
    /// The point of one snapshot from the pieces of its parts.
    pub fn of<'a>(
        id: i64,
        pieces: impl IntoIterator<Item = &'a Piece>,
    ) -> Result<(Point, String), String> {
        let mut point = Point {
            id,
            at: String::new(),
            revision: None,
            portfolio: Totals::default(),
            units: BTreeMap::new(),
            apps: BTreeMap::new(),
            clauses: BTreeMap::new(),
        };
        let mut formula = None;
        for piece in pieces {
            match piece {
                Piece::Header {
                    at,
                    revision,
                    portfolio,
                    score_formula,
                } => {
                    point.at.clone_from(at);
                    point.revision.clone_from(revision);
                    point.portfolio = portfolio.clone();
                    formula = Some(score_formula.clone());
                }
                Piece::Units(units) => point.units.clone_from(units),
                Piece::Clauses(clauses) => point.clauses.clone_from(clauses),
                Piece::App(name, totals) => {
                    point.apps.insert(name.clone(), totals.clone());
                }
                Piece::Other => {}
            }
        }
        let formula = formula.ok_or_else(|| format!("snapshot #{id} has no stored header"))?;
        Ok((point, formula))
    }
}

impl Trend {
    /// Points in any order, each with the score formula of its snapshot; the trend names
    /// the newest one's.
    pub fn new(points: Vec<(Point, String)>) -> Trend {
        let mut points = points;
        points.sort_by(|(a, _), (b, _)| a.at.cmp(&b.at).then(a.id.cmp(&b.id)));
        let score_formula = points.last().map(|(_, formula)| formula.clone());
        Trend {
            score_formula,
            points: points.into_iter().map(|(point, _)| point).collect(),
        }
    }

    /// The trend of snapshots at hand, read as the store reads them: from their parts.
    pub fn of(snapshots: &[(i64, Snapshot)]) -> Result<Trend, String> {
        let points = snapshots
            .iter()
            .map(|(id, snapshot)| {
                let pieces = parts::split(snapshot)
                    .iter()
                    .map(|(key, body)| Piece::parse(key, body))
                    .collect::<Result<Vec<Piece>, String>>()?;
                Point::of(*id, &pieces)
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Trend::new(points))
    }

    /// Each series on one line, oldest first: `name  71.4 → 80.0 → 82.5`.
    pub fn table(&self) -> String {
        let mut out = String::new();
        if self.points.is_empty() {
            return "no snapshots recorded yet (`polic eval --record` records one)\n".to_string();
        }
        let _ = writeln!(
            out,
            "portfolio\n  {:<10}  {:>5}  {:>6}  {}",
            "at",
            "#",
            "score",
            columns().join(" ")
        );
        for p in &self.points {
            let c = counts(&p.portfolio);
            let _ = writeln!(
                out,
                "  {:<10}  {:>5}  {:>6.1}  {}",
                p.at,
                format!("#{}", p.id),
                p.portfolio.score,
                // Each count under its column's name.
                c.iter()
                    .zip(columns())
                    .map(|(n, name)| format!("{n:>width$}", width = name.len()))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
        let series =
            |out: &mut String, title: &str, of: &dyn Fn(&Point) -> Vec<(String, String)>| {
                let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
                for (i, p) in self.points.iter().enumerate() {
                    for (name, value) in of(p) {
                        let values = by_name.entry(name).or_default();
                        values.resize(i, "-".to_string());
                        values.push(value);
                    }
                }
                if by_name.is_empty() {
                    return;
                }
                let _ = writeln!(out, "\n{title}");
                let width = by_name.keys().map(|k| k.chars().count()).max().unwrap_or(0);
                for (name, mut values) in by_name {
                    values.resize(self.points.len(), "-".to_string());
                    let _ = writeln!(out, "  {name:<width$}  {}", values.join(" → "));
                }
            };
        let score = |t: &Totals| format!("{:.1}", t.score);
        series(&mut out, "units (score)", &|p| {
            p.units.iter().map(|(n, t)| (n.clone(), score(t))).collect()
        });
        series(&mut out, "apps (score)", &|p| {
            p.apps.iter().map(|(n, t)| (n.clone(), score(t))).collect()
        });
        series(&mut out, "clauses (apps meeting / needing)", &|p| {
            p.clauses
                .iter()
                .map(|(n, s)| (n.clone(), format!("{}/{}", s.met_by, s.needed_by)))
                .collect()
        });
        if let Some(formula) = &self.score_formula {
            let _ = writeln!(out, "\nscore: {formula}");
        }
        out
    }

    /// One row per point and series: `at,id,kind,name,score,<counts>,needed_by,met_by`.
    pub fn csv(&self) -> String {
        let mut out = format!(
            "at,id,kind,name,score,{},needed_by,met_by\n",
            columns().join(",")
        );
        let totals_row = |out: &mut String, p: &Point, kind: &str, name: &str, t: &Totals| {
            let c = counts(t);
            let _ = writeln!(
                out,
                "{},{},{kind},{},{:.2},{},,",
                p.at,
                p.id,
                csv_field(name),
                t.score,
                c.iter().map(usize::to_string).collect::<Vec<_>>().join(",")
            );
        };
        for p in &self.points {
            totals_row(&mut out, p, "portfolio", "", &p.portfolio);
            for (name, t) in &p.units {
                totals_row(&mut out, p, "unit", name, t);
            }
            for (name, t) in &p.apps {
                totals_row(&mut out, p, "app", name, t);
            }
            for (name, s) in &p.clauses {
                let _ = writeln!(
                    out,
                    "{},{},clause,{},,{},{},{}",
                    p.at,
                    p.id,
                    csv_field(name),
                    ",".repeat(columns().len() - 1),
                    s.needed_by,
                    s.met_by
                );
            }
        }
        out
    }
}

/// A CSV field, quoted when it must be.
pub fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}
