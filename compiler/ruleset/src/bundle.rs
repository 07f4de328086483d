//! The published policy: what `polic build --bundle` writes for app repositories. The
//! rule set (for `polic diff` and for tools) and the policy's source files, so that an
//! app repository checks its manifest with the real compiler against the policy's own
//! definitions: archetypes, facts, controls with their titles and docs, and every
//! location, with nothing re-derived (docs/app-repository.md).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::RuleSet;

pub const BUNDLE_SCHEMA_NAME: &str = "polic-bundle";
/// Changes with any incompatible change of the bundle's layout.
pub const BUNDLE_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    pub schema: String,
    pub version: u32,
    /// [`sources_digest`] of `sources`: what a lock file pins.
    pub digest: String,
    /// The commit the policy was built from, when it was built in a git checkout.
    pub revision: Option<String>,
    /// Each policy file's text, by its path relative to the policy's directory.
    pub sources: BTreeMap<String, String>,
    pub rules: RuleSet,
}

impl Bundle {
    pub fn new(
        sources: BTreeMap<String, String>,
        rules: RuleSet,
        revision: Option<String>,
    ) -> Bundle {
        Bundle {
            schema: BUNDLE_SCHEMA_NAME.to_string(),
            version: BUNDLE_SCHEMA_VERSION,
            digest: sources_digest(&sources),
            revision,
            sources,
            rules,
        }
    }

    /// A bundle from its JSON, refused when it is not one this polic reads or its digest
    /// does not match its sources (a bundle edited by hand, or cut short).
    pub fn parse(text: &str) -> Result<Bundle, String> {
        #[derive(Deserialize)]
        struct Header {
            schema: Option<String>,
            version: Option<u32>,
        }
        let header: Header =
            serde_json::from_str(text).map_err(|e| format!("it is not JSON: {e}"))?;
        if header.schema.as_deref() != Some(BUNDLE_SCHEMA_NAME)
            || header.version != Some(BUNDLE_SCHEMA_VERSION)
        {
            return Err(format!(
                "it is schema `{}` version {}, and this polic reads `{BUNDLE_SCHEMA_NAME}` version {BUNDLE_SCHEMA_VERSION}",
                header.schema.as_deref().unwrap_or("(none)"),
                header
                    .version
                    .map_or_else(|| "(none)".to_string(), |v| v.to_string()),
            ));
        }
        let bundle: Bundle =
            serde_json::from_str(text).map_err(|e| format!("it is not a polic bundle: {e}"))?;
        let digest = sources_digest(&bundle.sources);
        if digest != bundle.digest {
            return Err(format!(
                "its sources have digest `{digest}`, not the `{}` it records",
                bundle.digest
            ));
        }
        Ok(bundle)
    }

    /// Pretty JSON with a final newline: byte-identical for identical inputs.
    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).unwrap_or_default();
        json.push('\n');
        json
    }
}

/// The digest of a policy: of the canonical (compact, sorted) JSON of its sources by path.
/// The rule set is left out on purpose: it is derived from the sources, and its layout may
/// change with the compiler while the policy stays the same.
pub fn sources_digest(sources: &BTreeMap<String, String>) -> String {
    digest(&serde_json::to_vec(sources).unwrap_or_default())
}

/// `sha256:` and the hex digest of `bytes`.
pub fn digest(bytes: &[u8]) -> String {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(bytes);
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(7 + 64);
    text.push_str("sha256:");
    for byte in hash.iter() {
        text.push(char::from(HEX[usize::from(byte >> 4)]));
        text.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle() -> Bundle {
        let sources = BTreeMap::from([("policy.polic".to_string(), "facts {}\n".to_string())]);
        let rules: RuleSet = serde_json::from_value(serde_json::json!({
            "schema": "polic-ruleset", "version": 1, "policy": null, "risk": null,
            "facts": [], "clauses": [], "mappings": [], "archetypes": [], "controls": [],
            "apps": [], "waivers": [], "tests": []
        }))
        .expect("an empty rule set");
        Bundle::new(
            sources,
            rules,
            Some("e409d90981b7f2a91b8e7ced83976f8866c3978b".into()),
        )
    }

    #[test]
    fn a_bundle_reads_back_as_written() {
        let bundle = bundle();
        assert_eq!(Bundle::parse(&bundle.to_json()), Ok(bundle));
    }

    #[test]
    fn sources_that_do_not_match_the_digest_are_refused() {
        let mut edited = bundle();
        edited.sources.insert(
            "policy.polic".to_string(),
            "facts { x: bool }\n".to_string(),
        );
        let error = Bundle::parse(&edited.to_json()).expect_err("refused");
        assert!(
            error.starts_with("its sources have digest `sha256:")
                && error.ends_with(&format!("not the `{}` it records", edited.digest)),
            "{error}"
        );
    }

    #[test]
    fn another_schema_version_is_refused_before_its_layout_is_read() {
        let text = r#"{"schema": "polic-bundle", "version": 2, "sources": 3}"#;
        assert_eq!(
            Bundle::parse(text),
            Err("it is schema `polic-bundle` version 2, and this polic reads `polic-bundle` version 1".to_string())
        );
        let rule_set = r#"{"schema": "polic-ruleset", "version": 1}"#;
        assert!(Bundle::parse(rule_set).is_err_and(|e| e.contains("`polic-ruleset` version 1")));
    }
}
