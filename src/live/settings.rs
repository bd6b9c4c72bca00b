//! The proxy's address (localStorage, it rarely changes) and token (sessionStorage: a secret, and a new one
//! each time the proxy starts). A browser that blocks storage just does not remember them.

use super::proxy_client::DEFAULT_ADDRESS;

const ADDRESS_KEY: &str = "kafka-delivery-lab.proxy-address";
const TOKEN_KEY: &str = "kafka-delivery-lab.proxy-token";

fn local() -> Option<web_sys::Storage> {
    gloo::utils::window().local_storage().ok().flatten()
}

fn session() -> Option<web_sys::Storage> {
    gloo::utils::window().session_storage().ok().flatten()
}

fn read(storage: Option<web_sys::Storage>, key: &str) -> Option<String> {
    storage?.get_item(key).ok().flatten()
}

/// `false` when the browser refused.
fn write(storage: Option<web_sys::Storage>, key: &str, value: &str) -> bool {
    storage.is_some_and(|storage| storage.set_item(key, value).is_ok())
}

pub fn saved_address() -> String {
    read(local(), ADDRESS_KEY)
        .filter(|address| !address.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_ADDRESS.to_string())
}

pub fn saved_token() -> String {
    read(session(), TOKEN_KEY).unwrap_or_default()
}

/// Remembers both; `false` when the browser would not keep them.
pub fn save(address: &str, token: &str) -> bool {
    let address_kept = write(local(), ADDRESS_KEY, address);
    let token_kept = write(session(), TOKEN_KEY, token);
    address_kept && token_kept
}
