//! Keyset pagination: every list is ordered by a unique key and continues after the last key
//! seen, so pages stay stable while new rows arrive.

/// Default page size when the client does not ask (API.md: 100).
pub const PAGE_ITEMS_DEFAULT: u32 = 100;
/// Larger requests are clamped to this (API.md: 1000).
pub const PAGE_ITEMS_MAX: u32 = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest<K> {
    pub limit: u32,
    /// Continue strictly after this key; `None` starts at the beginning.
    pub after: Option<K>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T, K> {
    pub items: Vec<T>,
    /// The key to continue after, when more items may follow.
    pub next_after: Option<K>,
}

impl<K> PageRequest<K> {
    /// How many rows to fetch: one more than the page, to know whether another page follows.
    pub fn fetch_count(&self) -> i64 {
        i64::from(self.limit) + 1
    }
}

/// Cuts the extra row fetched by `fetch_count` and names the key to continue after.
pub fn finish_page<T, K>(mut rows: Vec<T>, limit: u32, key_of: impl Fn(&T) -> K) -> Page<T, K> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() > limit {
        rows.truncate(limit);
        let next_after = rows.last().map(&key_of);
        Page {
            items: rows,
            next_after,
        }
    } else {
        Page {
            items: rows,
            next_after: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_page_plus_one_row_names_the_last_key_shown() {
        let page = finish_page(vec![1, 2, 3], 2, |row| *row);
        assert_eq!(page.items, vec![1, 2]);
        assert_eq!(page.next_after, Some(2));
    }

    #[test]
    fn a_short_page_is_the_last_one() {
        let page = finish_page(vec![1, 2], 2, |row| *row);
        assert_eq!(page.items, vec![1, 2]);
        assert_eq!(page.next_after, None);
    }
}
