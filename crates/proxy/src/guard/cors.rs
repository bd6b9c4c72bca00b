//! Only the course's own pages may call the proxy from a browser. A request with a foreign Origin is
//! refused; an allowed one gets the CORS headers, and its preflight is answered here (a preflight carries no
//! token, so this runs before the token check). Requests without Origin pass (curl, tests), unless the browser
//! says another site's page made them (`Sec-Fetch-Site: cross-site`: an `<img>` or a link, which carry no
//! Origin).

use axum::extract::{Request, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN, VARY,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::GuardState;
use crate::error::ApiError;

/// Chrome's Private Network Access: a public page asking to reach a loopback address must be told yes.
const REQUEST_PRIVATE_NETWORK: &str = "access-control-request-private-network";
const ALLOW_PRIVATE_NETWORK: &str = "access-control-allow-private-network";
const SEC_FETCH_SITE: &str = "sec-fetch-site";

pub async fn check_origin(
    State(guard): State<GuardState>,
    request: Request,
    next: Next,
) -> Response {
    let Some(origin) = request.headers().get(ORIGIN).cloned() else {
        if request
            .headers()
            .get(SEC_FETCH_SITE)
            .is_some_and(|site| site == "cross-site")
        {
            return ApiError::Forbidden(
                "a page of another site may not use this proxy without an allowed Origin"
                    .to_owned(),
            )
            .into_response();
        }
        return next.run(request).await;
    };
    let allowed = origin
        .to_str()
        .ok()
        .is_some_and(|o| guard.origins.iter().any(|a| a == o));
    if !allowed {
        return ApiError::Forbidden(format!(
            "Origin {} may not use this proxy (allowed: {}; add it with --allow-origin)",
            origin.to_str().unwrap_or("(not text)"),
            guard.origins.join(", ")
        ))
        .into_response();
    }
    let preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = if preflight {
        let mut r = StatusCode::NO_CONTENT.into_response();
        preflight_headers(request.headers(), r.headers_mut());
        r
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(VARY, HeaderValue::from_static("Origin"));
    response
}

fn preflight_headers(request: &HeaderMap, out: &mut HeaderMap) {
    out.insert(
        ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, DELETE"),
    );
    out.insert(
        ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("authorization, content-type"),
    );
    out.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    if request
        .get(REQUEST_PRIVATE_NETWORK)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"))
    {
        out.insert(ALLOW_PRIVATE_NETWORK, HeaderValue::from_static("true"));
    }
}
