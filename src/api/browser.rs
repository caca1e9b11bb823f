//! What browser dashboards need from the transport: CORS for the configured origins only, and
//! compressed large responses whose ETags stay honest. Cached answers are compressed once and kept
//! compressed with their entry (`Encoding`, `api::cache`); the compression layer does the rest.

use std::io::Write;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Response, header};
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Below this a response is sent as is: compressing it saves too little to pay for the CPU.
pub const COMPRESS_ABOVE_BYTES: u16 = 1024;

/// Brotli's quality, as tower-http's default level sets it: brotli's own default, 11, takes
/// seconds on a large CSV.
const BROTLI_QUALITY: u32 = 4;

/// `None` when no origin is configured: then the service sends no CORS headers at all and a
/// preflight is answered like any other unsupported method.
pub fn cors(allowed_origins: &[String]) -> Option<CorsLayer> {
    if allowed_origins.is_empty() {
        return None;
    }
    let origins: Vec<HeaderValue> = allowed_origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            // Dashboards read; the admin endpoints are for operators, not for pages.
            .allow_methods([Method::GET, Method::HEAD])
            .allow_headers([header::ACCEPT, header::IF_NONE_MATCH])
            // What a page needs to page, revalidate and name downloads.
            .expose_headers([
                header::ETAG,
                header::LINK,
                header::CONTENT_DISPOSITION,
                HeaderName::from_static("x-data-version"),
                HeaderName::from_static("x-request-id"),
                HeaderName::from_static("x-cache"),
            ])
            .max_age(Duration::from_secs(3600)),
    )
}

/// gzip or brotli (the tower-http features built in), as the client prefers, for responses above
/// `COMPRESS_ABOVE_BYTES` that are not compressed already. Brotli runs at tower-http's default
/// level (`BROTLI_QUALITY`).
pub fn compression() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new().compress_when(DefaultPredicate::new().and(SizeAbove::new(COMPRESS_ABOVE_BYTES)))
}

/// A strong ETag promises byte-identical bodies, which a compressed body is not; the weak form of
/// the same tag still revalidates (`If-None-Match` compares weakly), whichever encoding the client
/// stored.
pub async fn weaken_etag_when_encoded<B>(mut response: Response<B>) -> Response<B> {
    if response.headers().contains_key(header::CONTENT_ENCODING)
        && let Some(etag) = response.headers().get(header::ETAG)
        && etag.as_bytes().starts_with(b"\"")
        && let Ok(weak) = HeaderValue::from_bytes(&[b"W/", etag.as_bytes()].concat())
    {
        response.headers_mut().insert(header::ETAG, weak);
    }
    response
}

/// The encodings a response is compressed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Encoding {
    Gzip,
    Brotli,
}

impl Encoding {
    /// What the compression layer would choose for a response of `size` bytes: the accepted
    /// encoding with the highest q-value above 0, brotli before gzip before none on a tie; none
    /// below `COMPRESS_ABOVE_BYTES`. Choosing alike keeps one answer from having two compressed
    /// forms depending on whether it was a cache hit.
    pub fn negotiate(request: &HeaderMap, size: usize) -> Option<Encoding> {
        if size < usize::from(COMPRESS_ABOVE_BYTES) {
            return None;
        }
        let accepted = request
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|item| {
                let mut parts = item.splitn(2, ';');
                let name = parts.next().unwrap_or("").trim();
                let encoding = if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
                    Some(Encoding::Gzip)
                } else if name.eq_ignore_ascii_case("br") {
                    Some(Encoding::Brotli)
                } else if name.eq_ignore_ascii_case("identity") {
                    None
                } else {
                    return None;
                };
                let quality = match parts.next() {
                    Some(q) => quality(q.trim())?,
                    None => 1000,
                };
                Some((quality, encoding))
            });
        accepted.filter(|(quality, _)| *quality > 0).max().and_then(|(_, encoding)| encoding)
    }

    pub fn header_value(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Encoding::Gzip => "gzip",
            Encoding::Brotli => "br",
        })
    }

    pub fn compress(self, body: &[u8]) -> Bytes {
        let mut out = Vec::with_capacity(body.len() / 4);
        // Writing to a Vec cannot fail.
        match self {
            Encoding::Gzip => {
                let mut encoder = flate2::write::GzEncoder::new(&mut out, flate2::Compression::default());
                encoder.write_all(body).and_then(|()| encoder.finish().map(drop)).expect("compressing in memory");
            }
            Encoding::Brotli => {
                let mut encoder = brotli::CompressorWriter::new(&mut out, 4096, BROTLI_QUALITY, 22);
                encoder.write_all(body).expect("compressing in memory");
                // Finishing the stream writes its last block.
                encoder.into_inner();
            }
        }
        Bytes::from(out)
    }
}

/// A q-value (RFC 9110 12.4.2) in thousandths; `None` when malformed, as the compression layer
/// ignores such an item too.
fn quality(text: &str) -> Option<u16> {
    let value = text.strip_prefix("q=").or_else(|| text.strip_prefix("Q="))?;
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole = match whole {
        "0" => 0,
        "1" => 1000,
        _ => return None,
    };
    let quality = whole + format!("{fraction:0<3}").parse::<u16>().ok()?;
    (quality <= 1000).then_some(quality)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chosen(accept: &str) -> Option<Encoding> {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(accept).unwrap());
        Encoding::negotiate(&headers, 4096)
    }

    #[test]
    fn the_encoding_is_chosen_by_quality_then_brotli_then_gzip_then_none() {
        assert_eq!(chosen("gzip, deflate, br"), Some(Encoding::Brotli));
        assert_eq!(chosen("gzip, identity;q=0.5"), Some(Encoding::Gzip));
        assert_eq!(chosen("gzip;q=0.5, br;q=0.8"), Some(Encoding::Brotli));
        assert_eq!(chosen("br;q=0.2, X-GZIP;q=0.9"), Some(Encoding::Gzip));
        assert_eq!(chosen("gzip;q=0.5, identity"), None);
        assert_eq!(chosen("br;q=0"), None);
        assert_eq!(chosen("br;q=0.5555, gzip;q=2"), None, "malformed q-values are ignored");
        assert_eq!(chosen("zstd, *"), None);
        assert_eq!(Encoding::negotiate(&HeaderMap::new(), 4096), None);
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
        assert_eq!(Encoding::negotiate(&headers, usize::from(COMPRESS_ABOVE_BYTES) - 1), None);
    }
}
