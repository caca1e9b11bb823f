//! The bearer token guarding ingestion triggers. Missing and wrong tokens get the same 401, and the
//! comparison takes the same time either way.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::state::AppState;
use crate::error::Error;

/// Present in a handler's arguments: the request carried `Authorization: Bearer <NA_ADMIN_TOKEN>`.
pub struct Admin;

impl FromRequestParts<AppState> for Admin {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let presented = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .unwrap_or("");
        if state.admin_token_matches(presented) { Ok(Admin) } else { Err(Error::Unauthorized) }
    }
}
