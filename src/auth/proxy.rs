//! The client's address behind reverse proxies. With `COLLAB_TRUST_PROXY` the peer is our
//! own proxy, which appends the address it saw to `X-Forwarded-For`; hops a client wrote
//! come first and cannot be believed. The client is the rightmost hop that is not one of
//! `COLLAB_TRUSTED_PROXIES` (our further proxies, as CIDRs).

use std::net::IpAddr;

use actix_web::HttpRequest;
use actix_web::http::header::HeaderName;

use crate::net::Cidr;

/// The client's address: the peer; or, behind our proxy, the rightmost `X-Forwarded-For`
/// hop that is not a trusted proxy (the peer when there is no such header).
pub fn client_address(req: &HttpRequest, trust_proxy: bool, trusted: &[Cidr]) -> String {
    let peer = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned());
    if !trust_proxy {
        return peer;
    }
    let xff = HeaderName::from_static("x-forwarded-for");
    let hops: Vec<&str> = req
        .headers()
        .get_all(xff)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .collect();
    client_of(&hops, trusted).unwrap_or(peer)
}

/// The rightmost hop not in `trusted` (the leftmost when all are trusted).
fn client_of(hops: &[&str], trusted: &[Cidr]) -> Option<String> {
    let ip = |h: &str| -> Option<IpAddr> {
        h.parse::<IpAddr>()
            .ok()
            .or_else(|| h.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
    };
    for h in hops.iter().rev() {
        match ip(h) {
            Some(a) if trusted.iter().any(|c| c.contains(a)) => continue,
            Some(a) => return Some(a.to_string()),
            // Not an address: our proxy did not write it; it is the client's own text.
            None => return Some((*h).to_owned()),
        }
    }
    hops.first()
        .map(|h| ip(h).map_or_else(|| (*h).to_owned(), |a| a.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::parse_list;

    #[test]
    fn the_client_is_the_rightmost_untrusted_hop() {
        let trusted = parse_list("10.0.0.0/8").unwrap();
        let c = |h: &[&str]| client_of(h, &trusted);
        assert_eq!(
            c(&["6.6.6.6", "203.0.113.7"]).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(
            c(&["6.6.6.6", "203.0.113.7", "10.0.0.2"]).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(c(&["10.0.0.3", "10.0.0.2"]).as_deref(), Some("10.0.0.3"));
        assert_eq!(c(&["203.0.113.7:4711"]).as_deref(), Some("203.0.113.7"));
        assert_eq!(c(&[]), None);
    }
}
