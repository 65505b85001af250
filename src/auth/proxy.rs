//! The client's address behind reverse proxies. With `COLLAB_TRUST_PROXY` the peer is our
//! own proxy, which appends the address it saw to `X-Forwarded-For`; hops a client wrote
//! come first and cannot be believed. The client is the rightmost hop that is not one of
//! `COLLAB_TRUSTED_PROXIES` (our further proxies, as CIDRs).

use std::net::IpAddr;

use actix_web::HttpRequest;
use actix_web::http::header::HeaderName;

/// An IP network, `10.0.0.0/8` or `2001:db8::/32` (a bare address is a /32 or /128).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(raw: &str) -> Result<Cidr, String> {
        let raw = raw.trim();
        let (ip, prefix) = match raw.split_once('/') {
            Some((ip, p)) => (ip, Some(p)),
            None => (raw, None),
        };
        let net: IpAddr = ip
            .parse()
            .map_err(|_| format!("`{raw}` is not an address or a CIDR"))?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("`{raw}`: the prefix is 0 to {max}"))?,
        };
        Ok(Cidr { net, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let bits = |ip: IpAddr| -> Option<u128> {
            match (self.net, ip) {
                (IpAddr::V4(_), IpAddr::V4(a)) => Some(u128::from(u32::from(a)) << 96),
                (IpAddr::V6(_), IpAddr::V6(a)) => Some(u128::from(a)),
                (IpAddr::V6(_), IpAddr::V4(a)) => Some(u128::from(a.to_ipv6_mapped())),
                (IpAddr::V4(_), IpAddr::V6(a)) => {
                    a.to_ipv4_mapped().map(|a| u128::from(u32::from(a)) << 96)
                }
            }
        };
        let (Some(net), Some(ip)) = (bits(self.net), bits(ip)) else {
            return false;
        };
        // An IPv4 network sits in the top 32 bits, so its prefix counts from the top too.
        let mask = match self.prefix {
            0 => 0,
            p => u128::MAX << (128 - u32::from(p)),
        };
        net & mask == ip & mask
    }
}

/// Parse a comma-separated list of CIDRs.
pub fn parse_list(raw: &str) -> Result<Vec<Cidr>, String> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(Cidr::parse)
        .collect()
}

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

    #[test]
    fn cidrs_contain_their_addresses() {
        let c = Cidr::parse("10.1.0.0/16").unwrap();
        assert!(c.contains("10.1.200.3".parse().unwrap()));
        assert!(!c.contains("10.2.0.1".parse().unwrap()));
        assert!(
            Cidr::parse("0.0.0.0/0")
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
        assert!(
            Cidr::parse("2001:db8::/32")
                .unwrap()
                .contains("2001:db8::1".parse().unwrap())
        );
        assert!(
            Cidr::parse("192.0.2.7")
                .unwrap()
                .contains("192.0.2.7".parse().unwrap())
        );
        assert!(Cidr::parse("10.0.0.0/33").is_err());
        assert!(Cidr::parse("proxy").is_err());
        assert_eq!(parse_list(" 10.0.0.0/8, ::1 ").unwrap().len(), 2);
    }

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
