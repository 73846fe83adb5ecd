//! JSON export of a `Profile` (schema "irvm-profile/1", documented in docs/irvm.md).

use super::Profile;

impl Profile {
    /// The profile as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}
