//! The DORA performance bands, read from data/dora-bands.json: which band a value falls
//! in, with the source and year every output names. Data, not code, so that a newer
//! report's bands are an edit of that file.

use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bands {
    pub source: String,
    pub year: u16,
    pub url: String,
    pub metrics: Vec<MetricBands>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricBands {
    pub metric: String,
    /// Best first; the first whose bound holds is the value's band.
    pub bands: Vec<Band>,
}

/// A band and the bound a value must meet to be in it; no bound: every value is.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub band: String,
    pub measure: Option<String>,
    pub at_least: Option<f64>,
    pub at_most: Option<f64>,
    pub below: Option<f64>,
}

impl Band {
    fn holds(&self, measure: &impl Fn(&str) -> Option<f64>) -> Option<bool> {
        let Some(name) = &self.measure else {
            return Some(true);
        };
        let value = measure(name)?;
        Some(
            self.at_least.is_none_or(|b| value >= b)
                && self.at_most.is_none_or(|b| value <= b)
                && self.below.is_none_or(|b| value < b),
        )
    }
}

/// The bands shipped with polic.
pub fn dora() -> &'static Bands {
    static BANDS: OnceLock<Bands> = OnceLock::new();
    BANDS.get_or_init(|| {
        // Compiled in, and read by the tests below: a malformed file fails them.
        serde_json::from_str(include_str!("../../data/dora-bands.json"))
            .expect("data/dora-bands.json is valid")
    })
}

impl Bands {
    /// The band of `metric` for the value `measure` gives for each measure name; `None`
    /// when the metric has no bands or a measure it needs has no value (nothing counted).
    pub fn band(&self, metric: &str, measure: impl Fn(&str) -> Option<f64>) -> Option<&str> {
        let bands = self.metrics.iter().find(|m| m.metric == metric)?;
        for band in &bands.bands {
            if band.holds(&measure)? {
                return Some(&band.band);
            }
        }
        None
    }

    /// `2021 Accelerate State of DevOps report (...)`: named beside every band shown.
    pub fn citation(&self) -> String {
        format!("{} ({})", self.source, self.url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_ends_in_a_band_without_a_bound() {
        let bands = dora();
        assert_eq!(bands.year, 2021);
        let names: Vec<&str> = bands.metrics.iter().map(|m| m.metric.as_str()).collect();
        assert_eq!(
            names,
            [
                "deployment-frequency",
                "lead-time",
                "change-failure-rate",
                "recovery-time"
            ]
        );
        for m in &bands.metrics {
            let last = m.bands.last().expect("bands");
            assert!(last.measure.is_none(), "{}", m.metric);
        }
    }

    #[test]
    fn values_fall_in_their_band() {
        let bands = dora();
        let hours = |h: f64| move |name: &str| (name == "hours").then_some(h);
        // Recovery: under 1 h elite, under 24 h high, under 168 h medium.
        assert_eq!(bands.band("recovery-time", hours(0.5)), Some("elite"));
        assert_eq!(bands.band("recovery-time", hours(1.0)), Some("high"));
        assert_eq!(bands.band("recovery-time", hours(30.0)), Some("medium"));
        assert_eq!(bands.band("recovery-time", hours(200.0)), Some("low"));
        // Change failure rate: 15 % is still elite, 25 % medium.
        let percent = |p: f64| move |name: &str| (name == "percent").then_some(p);
        assert_eq!(
            bands.band("change-failure-rate", percent(15.0)),
            Some("elite")
        );
        assert_eq!(
            bands.band("change-failure-rate", percent(25.0)),
            Some("medium")
        );
        // Deployment frequency: 0.5 days a week but 2 a month is medium.
        let frequency = |name: &str| match name {
            "deployment-days-per-week" => Some(0.5),
            "deployment-days-per-month" => Some(2.0),
            _ => None,
        };
        assert_eq!(
            bands.band("deployment-frequency", frequency),
            Some("medium")
        );
        // Nothing measured: no band.
        assert_eq!(bands.band("lead-time", |_| None), None);
        assert_eq!(bands.band("unknown", hours(1.0)), None);
    }
}
