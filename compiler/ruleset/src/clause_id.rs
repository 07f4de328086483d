//! Clause identity across a standard's spelling variants.

/// The key under which a clause id is stored and looked up: letters lowered, `(`, `)` and
/// `.` read as one `.` separator, leading zeros of numbers dropped. `SA-9(3)`, `sa-9.3`
/// and `SA-09(03)` all give `sa-9.3`.
pub fn normalize(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    let mut pending_separator = false;
    let mut chars = id.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '(' | ')' | '.' => pending_separator = true,
            _ => {
                if pending_separator && !out.is_empty() {
                    out.push('.');
                }
                pending_separator = false;
                if c.is_ascii_digit() {
                    let starts_number = !out.chars().last().is_some_and(|p| p.is_ascii_digit());
                    if starts_number && c == '0' && chars.peek().is_some_and(|n| n.is_ascii_digit())
                    {
                        continue;
                    }
                    out.push(c);
                } else {
                    out.extend(c.to_lowercase());
                }
            }
        }
    }
    out
}

/// Orders ids with their numbers compared as numbers: `ac-2` before `ac-10`.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = s.as_bytes();
        for i in 1..=bytes.len() {
            if i == bytes.len() || bytes[i].is_ascii_digit() != bytes[start].is_ascii_digit() {
                out.push((bytes[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    let (a_chunks, b_chunks) = (chunks(a), chunks(b));
    for ((a_num, a), (b_num, b)) in a_chunks.iter().zip(&b_chunks) {
        let ordering = if *a_num && *b_num {
            a.parse::<u64>()
                .unwrap_or(0)
                .cmp(&b.parse::<u64>().unwrap_or(0))
                .then_with(|| a.cmp(b))
        } else {
            a.to_lowercase().cmp(&b.to_lowercase())
        };
        if ordering.is_ne() {
            return ordering;
        }
    }
    a_chunks.len().cmp(&b_chunks.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn spelling_variants_meet() {
        for id in ["SA-9(3)", "sa-9.3", "SA-09(03)", "sa-09.03", "Sa-9(03)"] {
            assert_eq!(normalize(id), "sa-9.3", "{id}");
        }
        assert_eq!(normalize("A.8.24"), "a.8.24");
        assert_eq!(normalize("V2.1.10"), "v2.1.10");
        assert_eq!(normalize("AC-2(1)(a)"), "ac-2.1.a");
        assert_eq!(normalize("ac-10"), "ac-10");
        assert_eq!(normalize("ac-0"), "ac-0");
        assert_ne!(normalize("ac-2.1"), normalize("ac-21"));
    }
}
