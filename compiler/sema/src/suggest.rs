//! Did-you-mean: the closest known name to a misspelt one.

/// The candidate closest to `wanted`, if one is close enough to be a likely typo. Ties go
/// to the first in iteration order, so callers pass sorted candidates for stable output.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        if candidate == wanted {
            continue;
        }
        let score = strsim::jaro_winkler(&wanted_lower, &candidate.to_lowercase());
        let distance = strsim::levenshtein(&wanted_lower, &candidate.to_lowercase());
        let close = score >= 0.85 || distance <= wanted.len().max(3) / 3;
        if close && best.is_none_or(|(best_score, _)| score > best_score) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_typos_not_strangers() {
        let names = ["input-validation", "tls-in-transit", "sso"];
        assert_eq!(closest("input-validaton", names), Some("input-validation"));
        assert_eq!(closest("tls-in-transt", names), Some("tls-in-transit"));
        assert_eq!(closest("payroll", names), None);
        assert_eq!(closest("ss", names), Some("sso"));
    }
}
