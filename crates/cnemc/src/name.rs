//! Station names as published mix half- and full-width brackets (`广北滨河路(桥）`), so the same
//! station would look like two. Matching is on (province, normalised name).

/// Maps full-width brackets `（）` to `()` and trims surrounding whitespace (full-width spaces
/// included). Everything else stays: `(老)` marks a different, older station, and renamed stations
/// (`杨洼闸(王家摆)`) keep their published form.
pub fn normalise_name(published: &str) -> String {
    published
        .trim()
        .chars()
        .map(|character| match character {
            '（' => '(',
            '）' => ')',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_brackets_become_half_width() {
        assert_eq!(normalise_name("广北滨河路(桥）"), "广北滨河路(桥)");
        assert_eq!(normalise_name("广北滨河路（桥）"), "广北滨河路(桥)");
        assert_eq!(normalise_name("杨洼闸（王家摆）"), "杨洼闸(王家摆)");
    }

    #[test]
    fn whitespace_is_trimmed_and_old_station_suffixes_are_kept() {
        assert_eq!(normalise_name(" 后城(老)\u{3000}"), "后城(老)");
        assert_ne!(normalise_name("后城(老)"), normalise_name("后城"));
    }
}
