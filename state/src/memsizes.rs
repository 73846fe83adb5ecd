//! Size tables of memory call sites summed over runs: per function of the snapshot's
//! `profile.json`, `mem_sizes` (absent in snapshots written before they existed: none). Each
//! run's tables (irvm's `MemSizes`) are added in; `bareflow aot` versions calls from them.

use crate::content::ContentError;
use serde_json::{Value, json};

/// Sizes listed per site; the counts of the others go to `other`.
pub const KEPT: usize = 4;

/// One memory call site's sizes over all runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemSiteRecord {
    /// The call's position among its function's memory intrinsic calls.
    pub site: u32,
    /// "memcpy", "memmove" or "memset".
    pub op: String,
    /// `(size, executions)`, most frequent first.
    pub values: Vec<(u64, u64)>,
    pub other: u64,
}

impl MemSiteRecord {
    /// Executions recorded.
    pub fn total(&self) -> u64 {
        self.values.iter().map(|v| v.1).sum::<u64>() + self.other
    }

    /// Add another run's table of this site: counts of the same size add up; the [`KEPT`]
    /// most frequent sizes stay listed, the others count in `other`.
    pub fn add(&mut self, values: &[(u64, u64)], other: u64) {
        for &(size, n) in values {
            match self.values.iter_mut().find(|v| v.0 == size) {
                Some(v) => v.1 += n,
                None => self.values.push((size, n)),
            }
        }
        self.other += other;
        self.values.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        if self.values.len() > KEPT {
            self.other += self.values[KEPT..].iter().map(|v| v.1).sum::<u64>();
            self.values.truncate(KEPT);
        }
    }

    pub(crate) fn to_json(&self) -> Value {
        json!({"site": self.site, "op": self.op, "values": self.values, "other": self.other})
    }

    /// Decode one entry of a function's `mem_sizes` (`what` names the function in errors).
    pub(crate) fn from_json(v: &Value, what: &str) -> Result<MemSiteRecord, ContentError> {
        let bad = |m: &str| ContentError::Field(format!("{what}: mem_sizes: {m}"));
        let num = |k: &str| v[k].as_u64().ok_or_else(|| bad(&format!("'{k}' missing or not a number")));
        let values = v["values"]
            .as_array()
            .ok_or_else(|| bad("'values' missing or not a list"))?
            .iter()
            .map(|p| match p.as_array().map(Vec::as_slice) {
                Some([s, n]) => s.as_u64().zip(n.as_u64()).ok_or_else(|| bad("a size or count is not a number")),
                _ => Err(bad("a value is not a [size, count] pair")),
            })
            .collect::<Result<_, _>>()?;
        Ok(MemSiteRecord {
            site: u32::try_from(num("site")?).map_err(|_| bad("'site' out of range"))?,
            op: v["op"].as_str().ok_or_else(|| bad("'op' missing or not a string"))?.to_string(),
            values,
            other: num("other")?,
        })
    }
}

/// Add a run's table of site `site` (`op`) into `records`.
pub fn merge(records: &mut Vec<MemSiteRecord>, site: u32, op: &str, values: &[(u64, u64)], other: u64) {
    let k = match records.iter().position(|r| r.site == site) {
        Some(k) => k,
        None => {
            records.push(MemSiteRecord { site, op: op.to_string(), ..MemSiteRecord::default() });
            records.sort_by_key(|r| r.site);
            records.iter().position(|r| r.site == site).expect("just added")
        }
    };
    records[k].add(values, other);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_add_up_and_rare_sizes_fall_into_other() {
        let mut r = Vec::new();
        merge(&mut r, 2, "memcpy", &[(64, 90), (8, 5)], 1);
        merge(&mut r, 2, "memcpy", &[(64, 10), (1, 1), (2, 1), (3, 1)], 0);
        merge(&mut r, 0, "memset", &[(16, 3)], 0);
        assert_eq!(r.iter().map(|s| s.site).collect::<Vec<_>>(), [0, 2]);
        assert_eq!(r[1].values, [(64, 100), (8, 5), (1, 1), (2, 1)]);
        assert_eq!((r[1].other, r[1].total()), (2, 109));
        let back = MemSiteRecord::from_json(&r[1].to_json(), "f").unwrap();
        assert_eq!(back, r[1]);
        let e = MemSiteRecord::from_json(&json!({"site": 1, "op": "memcpy", "values": [[1]], "other": 0}), "f");
        assert_eq!(e.unwrap_err().to_string(), "f: mem_sizes: a value is not a [size, count] pair");
    }
}
