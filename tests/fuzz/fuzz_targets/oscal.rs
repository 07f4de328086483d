//! OSCAL import on any JSON: catalogs, profiles and component definitions, with or without
//! the NIST SP 800-53 catalog to expand and check a profile's selections against. What an
//! import writes is polic source through the formatter, so it parses without errors and is
//! already formatted.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use polic_oscal::catalog::Catalog;

fn nist() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let text = include_str!(
            "../../../stdlib/data/oscal/catalog-5.0.1-2021/NIST_SP-800-53_rev5_catalog.json"
        );
        let json = serde_json::from_str(text).expect("the NIST catalog is JSON");
        polic_oscal::read_catalog(&json).expect("the NIST catalog reads")
    })
}

fuzz_target!(|input: (bool, bool, &str)| {
    let (with_text, against_nist, text) = input;
    let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    let options = polic_oscal::Options {
        with_text,
        catalog: against_nist.then(|| ("nist80053".to_string(), nist())),
        ..polic_oscal::Options::default()
    };
    let Ok(imported) = polic_oscal::import(&json, "fuzzed.json", &options) else {
        return;
    };
    let parse = polic_syntax::parse(&imported.text);
    assert!(
        parse.errors.is_empty(),
        "the import wrote syntax errors {:?}:\n{}",
        parse.errors,
        imported.text
    );
    let formatted = polic_fmt::format(&imported.text, &polic_fmt::Options::default())
        .expect("the import has no syntax errors");
    assert_eq!(formatted, imported.text, "the import is not formatted");
});
