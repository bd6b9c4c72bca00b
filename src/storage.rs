//! The browser's localStorage, which may be missing or refuse (private windows, blocked site data, a full
//! quota): every call says so instead of panicking.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageUnavailable;

impl fmt::Display for StorageUnavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "this browser does not let the course save anything (storage is blocked or full)",
        )
    }
}

fn local() -> Result<web_sys::Storage, StorageUnavailable> {
    gloo::utils::window()
        .local_storage()
        .ok()
        .flatten()
        .ok_or(StorageUnavailable)
}

pub fn get(key: &str) -> Option<String> {
    local().ok()?.get_item(key).ok().flatten()
}

pub fn set(key: &str, value: &str) -> Result<(), StorageUnavailable> {
    local()?
        .set_item(key, value)
        .map_err(|_| StorageUnavailable)
}
