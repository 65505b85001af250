//! The network edge. Infrastructure: imports nothing of the crate, so `config`, `auth` and
//! `startup` can all use it.
//! - IP networks (CIDRs) for the configuration of trusted proxies (here);
//! - [`server`]: the HTTP server over connections whose request targets are percent-encoded
//!   ([`targets`]), so raw UTF-8 in a URL is accepted.

pub mod server;
pub mod targets;

use std::net::IpAddr;

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
}
