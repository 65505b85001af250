//! A reader for the `.npz` file of the model: a zip archive of `.npy` arrays, each stored
//! or deflated. Only what `weights.npz` uses is supported: little-endian `u1`, `i1`, `f4`
//! and `f8` arrays in C order.

use std::collections::HashMap;
use std::io::Read;

use crate::Error;

/// One array: its shape and its raw little-endian bytes.
#[derive(Debug, Clone)]
pub(crate) struct Array {
    pub(crate) dtype: String,
    pub(crate) shape: Vec<usize>,
    pub(crate) data: Vec<u8>,
}

impl Array {
    /// The elements as `f32` (from `<f4` or `<f8`).
    pub(crate) fn f32s(&self) -> Result<Vec<f32>, Error> {
        match self.dtype.as_str() {
            "<f4" => Ok(self
                .data
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect()),
            "<f8" => Ok(self
                .data
                .chunks_exact(8)
                .map(|b| {
                    let mut a = [0u8; 8];
                    a.copy_from_slice(b);
                    f64::from_le_bytes(a) as f32
                })
                .collect()),
            other => Err(Error::new(format!("expected a float array, found {other}"))),
        }
    }

    /// Number of elements the shape describes.
    pub(crate) fn len(&self) -> usize {
        self.shape.iter().product()
    }
}

fn u16_at(b: &[u8], at: usize) -> Result<usize, Error> {
    b.get(at..at + 2)
        .map(|s| usize::from(u16::from_le_bytes([s[0], s[1]])))
        .ok_or_else(|| Error::new("truncated zip record"))
}

fn u32_at(b: &[u8], at: usize) -> Result<usize, Error> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
        .ok_or_else(|| Error::new("truncated zip record"))
}

/// Every array of the archive, by name without the `.npy` suffix.
pub(crate) fn read(zip: &[u8]) -> Result<HashMap<String, Array>, Error> {
    // End of central directory: the last "PK\x05\x06" record (no archive comment here).
    let eocd = (0..zip.len().saturating_sub(21))
        .rev()
        .find(|&i| zip[i..].starts_with(b"PK\x05\x06"))
        .ok_or_else(|| Error::new("not a zip archive"))?;
    let entries = u16_at(zip, eocd + 10)?;
    let mut at = u32_at(zip, eocd + 16)?;
    let mut out = HashMap::new();
    for _ in 0..entries {
        if !zip.get(at..).is_some_and(|s| s.starts_with(b"PK\x01\x02")) {
            return Err(Error::new("bad zip central directory"));
        }
        let method = u16_at(zip, at + 10)?;
        let compressed = u32_at(zip, at + 20)?;
        let size = u32_at(zip, at + 24)?;
        let name_len = u16_at(zip, at + 28)?;
        let extra_len = u16_at(zip, at + 30)?;
        let comment_len = u16_at(zip, at + 32)?;
        let local = u32_at(zip, at + 42)?;
        let name = zip
            .get(at + 46..at + 46 + name_len)
            .ok_or_else(|| Error::new("truncated zip name"))?;
        let name = String::from_utf8_lossy(name).into_owned();
        at += 46 + name_len + extra_len + comment_len;

        let data_at = local + 30 + u16_at(zip, local + 26)? + u16_at(zip, local + 28)?;
        let raw = zip
            .get(data_at..data_at + compressed)
            .ok_or_else(|| Error::new(format!("truncated zip member {name}")))?;
        let bytes = match method {
            0 => raw.to_vec(),
            8 => {
                let mut v = Vec::with_capacity(size);
                flate2::read::DeflateDecoder::new(raw)
                    .read_to_end(&mut v)
                    .map_err(|e| Error::new(format!("inflating {name}: {e}")))?;
                v
            }
            m => return Err(Error::new(format!("zip method {m} in {name}"))),
        };
        if bytes.len() != size {
            return Err(Error::new(format!("{name}: size mismatch")));
        }
        let key = name.strip_suffix(".npy").unwrap_or(&name).to_string();
        out.insert(key, npy(&bytes).map_err(|e| e.context(&name))?);
    }
    Ok(out)
}

/// Parses one `.npy` file (format 1.0 or 2.0).
fn npy(b: &[u8]) -> Result<Array, Error> {
    if !b.starts_with(b"\x93NUMPY") || b.len() < 10 {
        return Err(Error::new("not an npy array"));
    }
    let (header_len, start) = match b[6] {
        1 => (u16_at(b, 8)?, 10),
        _ => (u32_at(b, 8)?, 12),
    };
    let header = b
        .get(start..start + header_len)
        .ok_or_else(|| Error::new("truncated npy header"))?;
    let header = String::from_utf8_lossy(header);
    let value = |key: &str| -> Result<&str, Error> {
        let k = format!("'{key}':");
        let at = header
            .find(&k)
            .ok_or_else(|| Error::new(format!("npy header lacks {key}")))?;
        Ok(header[at + k.len()..].trim_start())
    };
    let dtype = value("descr")?;
    let dtype = dtype
        .strip_prefix('\'')
        .and_then(|d| d.split('\'').next())
        .ok_or_else(|| Error::new("npy descr"))?
        .replace('|', "<");
    if value("fortran_order")?.starts_with("True") {
        return Err(Error::new("fortran-ordered npy array"));
    }
    let shape = value("shape")?;
    let shape = shape
        .strip_prefix('(')
        .and_then(|s| s.split(')').next())
        .ok_or_else(|| Error::new("npy shape"))?;
    let shape = shape
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>().map_err(|_| Error::new("npy shape")))
        .collect::<Result<Vec<_>, _>>()?;
    let width = match dtype.as_str() {
        "<u1" | "<i1" => 1,
        "<f4" => 4,
        "<f8" => 8,
        other => return Err(Error::new(format!("npy dtype {other}"))),
    };
    let data = b[start + header_len..].to_vec();
    let arr = Array { dtype, shape, data };
    if arr.data.len() != arr.len() * width {
        return Err(Error::new("npy data length does not match its shape"));
    }
    Ok(arr)
}
