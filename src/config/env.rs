//! Reading one environment variable into a setting: trimmed, empty means unset, and a value
//! that does not parse is a [`ConfigError`] naming the variable and what was expected.

use std::collections::HashMap;
use std::time::Duration;

use super::ConfigError;

pub(super) struct Env(pub(super) HashMap<String, String>);

impl Env {
    pub(super) fn get(&self, var: &str) -> Option<&str> {
        self.0.get(var).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    pub(super) fn error(&self, var: &'static str, reason: &str) -> ConfigError {
        ConfigError {
            var,
            value: self.get(var).unwrap_or_default().to_owned(),
            reason: reason.to_owned(),
        }
    }

    pub(super) fn parse<T: std::str::FromStr>(
        &self,
        var: &'static str,
        out: &mut T,
    ) -> Result<(), ConfigError>
    where
        T::Err: std::fmt::Display,
    {
        if let Some(v) = self.get(var) {
            *out = v
                .parse()
                .map_err(|e: T::Err| self.error(var, &e.to_string()))?;
        }
        Ok(())
    }

    pub(super) fn parse_positive<T>(
        &self,
        var: &'static str,
        out: &mut T,
    ) -> Result<(), ConfigError>
    where
        T: std::str::FromStr + PartialOrd + Default,
    {
        if let Some(v) = self.get(var) {
            match v.parse::<T>() {
                Ok(n) if n > T::default() => *out = n,
                _ => return Err(self.error(var, "expected a positive whole number")),
            }
        }
        Ok(())
    }

    pub(super) fn millis(&self, var: &'static str, out: &mut Duration) -> Result<(), ConfigError> {
        let mut ms = out.as_millis() as u64;
        self.parse_positive(var, &mut ms)?;
        *out = Duration::from_millis(ms);
        Ok(())
    }

    pub(super) fn secs(&self, var: &'static str, out: &mut Duration) -> Result<(), ConfigError> {
        let mut s = out.as_secs();
        self.parse_positive(var, &mut s)?;
        *out = Duration::from_secs(s);
        Ok(())
    }

    pub(super) fn bool(&self, var: &'static str, out: &mut bool) -> Result<(), ConfigError> {
        if let Some(v) = self.get(var) {
            *out = match v.to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => true,
                "0" | "false" | "no" | "off" => false,
                _ => return Err(self.error(var, "expected true or false")),
            };
        }
        Ok(())
    }
}
