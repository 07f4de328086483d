//! The posture report's size: a 100-app portfolio with a year of weekly snapshots stays
//! under 1 MB of HTML and within a GitHub comment as Markdown, and a portfolio larger
//! than the sections' limit is summarised (worst apps in full, every app in the index).

use polic_posture::{Limits, Posture};
use polic_ruleset::eval::{self, Options};
use polic_ruleset::evidence::EvidenceSet;

fn evaluated<T>(apps: usize, render: impl FnOnce(&eval::Report) -> T) -> T {
    let rules = polic_tests::posture::rules(apps, 50, 8);
    let options = Options {
        at: polic_tests::TODAY,
        fail_above: None,
    };
    let evidence = EvidenceSet::default();
    let report = eval::evaluate(&rules, &evidence, &[], &options).expect("evaluates");
    render(&report)
}

#[test]
fn a_hundred_apps_with_a_year_of_snapshots_stay_under_a_megabyte() {
    evaluated(100, |report| {
        let trend = polic_tests::posture::history(report, 52);
        let posture = Posture::new(report, Some(&trend), Limits::default());
        let html = polic_posture::html(&posture);
        assert!(html.len() < 1_000_000, "{} bytes of HTML", html.len());
        // Every app has its section and a sparkline of 52 snapshots and this evaluation.
        assert_eq!(html.matches(r#"<section class="app""#).count(), 100);
        assert!(html.contains(&format!("{} earlier snapshots recorded", 52)));
        let markdown = polic_posture::markdown(&posture);
        assert!(
            markdown.len() < 65_536,
            "{} bytes of Markdown",
            markdown.len()
        );
    });
}

#[test]
fn past_the_limit_the_worst_apps_get_sections_and_every_app_a_row() {
    evaluated(100, |report| {
        let limits = Limits {
            apps: 20,
            queue: 30,
        };
        let posture = Posture::new(report, None, limits);
        let html = polic_posture::html(&posture);
        assert_eq!(html.matches(r#"<section class="app""#).count(), 20);
        assert!(html.contains("The worst 20 of 100 apps"));
        assert!(html.contains(&format!("The first 30 of {}.", posture.queue.len())));
        // The index lists every app, linking those with a section.
        for app in &report.apps {
            assert!(
                html.contains(&format!("<th scope=\"row\">{}</th>", app.app.name))
                    || html.contains(&format!(
                        "<th scope=\"row\"><a href=\"#app-{}\">",
                        app.app.name
                    )),
                "{} is not in the index",
                app.app.name
            );
        }
        let worst = &report.apps[posture.worst[0]];
        assert!(html.contains(&format!("id=\"app-{}\"", worst.app.name)));
        let best = &report.apps[posture.worst[99]];
        assert!(!html.contains(&format!("id=\"app-{}\"", best.app.name)));
    });
}
