//! The charts, as inline SVG: a sparkline per series and a coverage bar. Every chart
//! carries its numbers as text too (a title and a label), so nothing is told by colour or
//! shape alone.

use std::fmt::Write;

use maud::{Markup, html};

use crate::Series;

/// Okabe-Ito, safe for the common colour-vision deficiencies: blue for what holds,
/// orange for what is partly there, vermillion for what is not, grey for the rest.
pub const GOOD: &str = "#0072B2";
pub const PART: &str = "#E69F00";
pub const BAD: &str = "#D55E00";
pub const NONE: &str = "#BBBBBB";

/// A point's coordinate, rounded to one decimal so output is short and stable.
fn coord(v: f64) -> String {
    format!("{v:.1}")
}

/// Scores (0 to 100) over time as a line, with the last value as text beside it.
pub fn sparkline(series: &Series, label: &str) -> Markup {
    const W: f64 = 120.0;
    const H: f64 = 24.0;
    let n = series.len();
    let x = |i: usize| {
        if n > 1 {
            2.0 + (W - 4.0) * i as f64 / (n - 1) as f64
        } else {
            W / 2.0
        }
    };
    let y = |score: f64| 2.0 + (H - 4.0) * (1.0 - score.clamp(0.0, 100.0) / 100.0);
    let mut points = String::new();
    for (i, (_, score)) in series.iter().enumerate() {
        let _ = write!(points, "{},{} ", coord(x(i)), coord(y(*score)));
    }
    let title = series
        .iter()
        .map(|(at, score)| format!("{at}: {score:.1}"))
        .collect::<Vec<_>>()
        .join(", ");
    let last = series.last().map_or(0.0, |(_, s)| *s);
    html! {
        svg.spark role="img" width=(W) height=(H) viewBox=(format!("0 0 {W} {H}"))
            aria-label=(format!("{label}: {}", crate::movement(series))) {
            title { (label) ": " (title) }
            line x1="0" y1=(coord(y(50.0))) x2=(W) y2=(coord(y(50.0))) stroke=(NONE) stroke-dasharray="2 2" {}
            @if n > 1 {
                polyline points=(points.trim_end()) fill="none" stroke=(GOOD) stroke-width="1.5" {}
            }
            circle cx=(coord(x(n.saturating_sub(1)))) cy=(coord(y(last))) r="2.5" fill=(GOOD) {}
        }
    }
}

/// `part` of `whole` as a bar: the met share filled, the rest hatched, with the counts.
pub fn bar(part: usize, whole: usize, label: &str) -> Markup {
    const W: f64 = 160.0;
    const H: f64 = 14.0;
    let share = if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    };
    html! {
        svg.bar role="img" width=(W) height=(H) viewBox=(format!("0 0 {W} {H}"))
            aria-label=(format!("{label}: {part} of {whole} met")) {
            title { (label) ": " (part) " of " (whole) " met" }
            rect width=(W) height=(H) fill="url(#hatch)" stroke=(NONE) {}
            rect width=(coord(W * share)) height=(H) fill=(GOOD) {}
        }
    }
}

/// The hatching unmet shares are drawn with (a pattern, so print in grey still tells).
pub fn defs() -> Markup {
    html! {
        svg width="0" height="0" aria-hidden="true" style="position:absolute" {
            defs {
                pattern #hatch patternUnits="userSpaceOnUse" width="6" height="6" {
                    rect width="6" height="6" fill="#fff" {}
                    path d="M0,6 L6,0" stroke=(BAD) stroke-width="1.5" {}
                }
            }
        }
    }
}

/// The colour of a share of 0 to 100 (and grey for none), with its pattern class.
pub fn shade(share: Option<f64>) -> (&'static str, &'static str) {
    match share {
        None => (NONE, "none"),
        Some(s) if s >= 80.0 => (GOOD, "good"),
        Some(s) if s >= 50.0 => (PART, "part"),
        Some(_) => (BAD, "bad"),
    }
}
