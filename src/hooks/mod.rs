mod use_host;
mod use_route;

pub use use_host::use_host;
pub use use_route::use_route;
