//! Did-you-mean: the closest known name to a misspelt one.

/// The candidate closest to `wanted`, if one is close enough to be a likely typo: a few
/// edits away (a swap of two letters counts as one), or a name that `wanted` abbreviates
/// by its first dash-separated words (`tls` for `tls-in-transit`). Ties go to the first
/// candidate, so callers pass sorted candidates for stable output.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    let mut best: Option<(Rank, &str)> = None;
    for candidate in candidates {
        if candidate == wanted {
            continue;
        }
        let lower = candidate.to_lowercase();
        let distance = strsim::osa_distance(&wanted_lower, &lower);
        // Among equally distant names, swapped letters beat replaced ones, then the most
        // similar in the Jaro-Winkler sense wins.
        let swapped = sorted_chars(&wanted_lower) == sorted_chars(&lower);
        let dissimilarity = ((1.0 - strsim::jaro_winkler(&wanted_lower, &lower)) * 1e6) as u32;
        let rank = if distance <= wanted.chars().count().max(3) / 3 {
            (0, distance, !swapped, dissimilarity)
        } else if wanted.len() >= 3 && lower.starts_with(&format!("{wanted_lower}-")) {
            (1, lower.len(), !swapped, dissimilarity)
        } else {
            continue;
        };
        if best.is_none_or(|(best_rank, _)| rank < best_rank) {
            best = Some((rank, candidate));
        }
    }
    best.map(|(_, name)| name)
}

/// Lower is closer: (tier, distance, not a letter swap, Jaro-Winkler dissimilarity).
type Rank = (usize, usize, bool, u32);

fn sorted_chars(text: &str) -> Vec<char> {
    let mut chars: Vec<char> = text.chars().collect();
    chars.sort_unstable();
    chars
}

/// "a" or "an", for messages that name a kind of thing.
pub fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_typos_not_strangers() {
        let names = ["input-validation", "tls-in-transit", "sso"];
        assert_eq!(closest("input-validaton", names), Some("input-validation"));
        assert_eq!(closest("tls-in-transt", names), Some("tls-in-transit"));
        assert_eq!(closest("tls", names), Some("tls-in-transit"));
        assert_eq!(closest("payroll", names), None);
        assert_eq!(closest("ss", names), Some("sso"));
        assert_eq!(closest("cs", ["ca", "sc"]), Some("sc"));
        assert_eq!(closest("sa-9.99", ["sa-9", "sa-9.9"]), Some("sa-9.9"));
    }
}
