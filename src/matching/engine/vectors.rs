//! The listings' sentence vectors, int8-quantized (512 bytes each), by the index's
//! internal key, one [`VectorIndex`] per side. Below [`TRAIN_AT`] vectors a query scans
//! them all (exact); from there on they are kept in an inverted file: k-means centroids
//! (trained on a sample, retrained whenever the count doubles) and one list per centroid,
//! and a query scans the lists of its [`probes`] nearest centroids (approximate).
//!
//! The vectors are derived data: stored with each tantivy document (field `vector`),
//! reloaded at open, rebuilt with the index.

use std::collections::HashMap;

use usem3::search;

use super::semantic::DIM;

/// From this many vectors on, the index is an inverted file.
pub const TRAIN_AT: usize = 20_000;
/// Vectors per list the inverted file aims at.
const PER_LIST: usize = 2_000;
/// At most this many lists.
const MAX_LISTS: usize = 512;
/// Sampled vectors per centroid for training.
const SAMPLE_PER_LIST: usize = 32;
/// k-means rounds.
const ITERATIONS: usize = 6;
/// Vectors converted to floats and assigned to their lists at a time while training.
const ASSIGN_BLOCK: usize = 4_096;

/// Lists scanned per query: an eighth of them, at least 8 (all when there are fewer).
pub fn probes(lists: usize) -> usize {
    (lists / 8).max(8).min(lists)
}

/// One quantized vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    pub(crate) code: Vec<i8>,
    pub(crate) scale: f32,
}

impl Code {
    pub fn of(v: &[f32]) -> Code {
        let (code, scale) = search::quantize(v);
        Code { code, scale }
    }

    /// Bytes as stored in the index: the scale (f32, little-endian), then the codes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(4 + self.code.len());
        b.extend_from_slice(&self.scale.to_le_bytes());
        b.extend(self.code.iter().map(|&c| c as u8));
        b
    }

    pub fn from_bytes(b: &[u8]) -> Option<Code> {
        if b.len() != 4 + DIM {
            return None;
        }
        Some(Code {
            scale: f32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            code: b[4..].iter().map(|&c| c as i8).collect(),
        })
    }

    /// The vector, approximately.
    pub fn to_f32(&self) -> Vec<f32> {
        self.code
            .iter()
            .map(|&c| f32::from(c) * self.scale)
            .collect()
    }

    /// Dot product with a float vector (the cosine, both being unit vectors).
    pub fn dot(&self, q: &[f32]) -> f32 {
        search::dot_f32_i8(q, &self.code) * self.scale
    }
}

#[derive(Debug, Default)]
struct List {
    keys: Vec<u64>,
    codes: Vec<i8>,
    scales: Vec<f32>,
}

/// The vectors of one side.
#[derive(Debug, Default)]
pub struct VectorIndex {
    /// `lists.len()` unit centroids of `DIM` floats; empty while untrained (one list).
    centroids: Vec<f32>,
    lists: Vec<List>,
    /// Where each key is: (list, slot).
    at: HashMap<u64, (u32, u32)>,
    trained_at: usize,
}

impl VectorIndex {
    pub fn len(&self) -> usize {
        self.at.len()
    }

    pub fn is_empty(&self) -> bool {
        self.at.is_empty()
    }

    /// Number of lists.
    pub fn lists(&self) -> usize {
        self.lists.len().max(1)
    }

    /// The code stored for `key`.
    pub fn get(&self, key: u64) -> Option<Code> {
        let &(l, s) = self.at.get(&key)?;
        let list = &self.lists[l as usize];
        let s = s as usize;
        Some(Code {
            code: list.codes[s * DIM..(s + 1) * DIM].to_vec(),
            scale: list.scales[s],
        })
    }

    pub fn insert(&mut self, key: u64, code: &Code) {
        self.remove(key);
        if self.lists.is_empty() {
            self.lists.push(List::default());
        }
        let l = if self.centroids.is_empty() {
            0
        } else {
            search::nearest(&code.to_f32(), &self.centroids)
        };
        let list = &mut self.lists[l];
        self.at.insert(key, (l as u32, list.keys.len() as u32));
        list.keys.push(key);
        list.codes.extend_from_slice(&code.code);
        list.scales.push(code.scale);
    }

    pub fn remove(&mut self, key: u64) {
        let Some((l, s)) = self.at.remove(&key) else {
            return;
        };
        let list = &mut self.lists[l as usize];
        let s = s as usize;
        let last = list.keys.len() - 1;
        list.keys.swap_remove(s);
        list.scales.swap_remove(s);
        if s != last {
            let (head, tail) = list.codes.split_at_mut(last * DIM);
            head[s * DIM..(s + 1) * DIM].copy_from_slice(&tail[..DIM]);
            self.at.insert(list.keys[s], (l, s as u32));
        }
        list.codes.truncate(last * DIM);
    }

    /// Trains (or retrains) the inverted file when the count calls for it.
    ///
    /// The vectors move list by list into the new lists, converted to floats a block at a
    /// time: the codes are never held twice over and the floats of at most one block are
    /// alive (at 1M listings, converting a side's codes at once took 1.4 GiB).
    pub fn maintain(&mut self) {
        let n = self.len();
        if n < TRAIN_AT || (self.trained_at > 0 && n < 2 * self.trained_at) {
            return;
        }
        let k = (n / PER_LIST).clamp(8, MAX_LISTS);
        let mut keys: Vec<u64> = self.at.keys().copied().collect();
        keys.sort_unstable();
        let step = (keys.len() / (k * SAMPLE_PER_LIST)).max(1);
        let sample: Vec<f32> = keys
            .iter()
            .step_by(step)
            .filter_map(|&key| self.get(key))
            .flat_map(|c| unit(c.to_f32()))
            .collect();
        drop(keys);
        let m = sample.len() / DIM;
        let centroids = search::kmeans(&sample, m, k, ITERATIONS);
        let mut lists: Vec<List> = (0..centroids.len() / DIM)
            .map(|_| List::default())
            .collect();
        let mut at = HashMap::with_capacity(n);
        let mut floats = Vec::with_capacity(ASSIGN_BLOCK * DIM);
        for old in std::mem::take(&mut self.lists) {
            for (b, block) in old.keys.chunks(ASSIGN_BLOCK).enumerate() {
                let first = b * ASSIGN_BLOCK;
                let codes = &old.codes[first * DIM..(first + block.len()) * DIM];
                let scales = &old.scales[first..first + block.len()];
                floats.clear();
                for (code, &scale) in codes.chunks_exact(DIM).zip(scales) {
                    floats.extend(code.iter().map(|&c| f32::from(c) * scale));
                }
                let owner = search::assign(&floats, block.len(), &centroids);
                for (i, (&key, l)) in block.iter().zip(owner).enumerate() {
                    let list = &mut lists[l];
                    at.insert(key, (l as u32, list.keys.len() as u32));
                    list.keys.push(key);
                    list.codes.extend_from_slice(&codes[i * DIM..(i + 1) * DIM]);
                    list.scales.push(scales[i]);
                }
            }
        }
        tracing::debug!(vectors = n, lists = lists.len(), "vector index trained");
        *self = VectorIndex {
            centroids,
            lists,
            at,
            trained_at: n,
        };
    }

    /// The `k` keys whose vectors are nearest to the unit vector `q`, with their cosines,
    /// best first (ties by key).
    pub fn nearest(&self, q: &[f32], k: usize) -> Vec<(u64, f32)> {
        self.nearest_probing(q, k, probes(self.lists.len()))
    }

    /// [`VectorIndex::nearest`] scanning the lists of the `probe` nearest centroids (all
    /// lists: the exact answer).
    pub fn nearest_probing(&self, q: &[f32], k: usize, probe: usize) -> Vec<(u64, f32)> {
        let probe: Vec<usize> = if self.centroids.is_empty() {
            (0..self.lists.len()).collect()
        } else {
            search::nearest_n(q, &self.centroids, probe.min(self.lists.len()))
        };
        // The query is a dequantized code (see `hybrid`): quantizing it again gives the same
        // bytes, and the scan multiplies bytes by bytes.
        let qc = Code::of(q);
        let mut best: Vec<(u64, f32)> = Vec::with_capacity(k * 2);
        let mut scores = Vec::new();
        let mut floor = f32::NEG_INFINITY;
        for l in probe {
            let list = &self.lists[l];
            search::scan_i8(&qc.code, qc.scale, &list.codes, &list.scales, &mut scores);
            for (&key, &s) in list.keys.iter().zip(&scores) {
                if s > floor || best.len() < k {
                    best.push((key, s));
                    if best.len() >= 2 * k.max(1) {
                        prune(&mut best, k);
                        floor = best.last().map_or(f32::NEG_INFINITY, |b| b.1);
                    }
                }
            }
        }
        prune(&mut best, k);
        best
    }
}

fn prune(best: &mut Vec<(u64, f32)>, k: usize) {
    best.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    best.truncate(k);
}

fn unit(mut v: Vec<f32>) -> Vec<f32> {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector(seed: u64) -> Vec<f32> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        unit(
            (0..DIM)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x % 2001) as f32 / 1000.0 - 1.0
                })
                .collect(),
        )
    }

    #[test]
    fn exact_then_inverted_file_finds_the_vector_itself() {
        let mut idx = VectorIndex::default();
        for k in 0..(TRAIN_AT as u64 + 10) {
            idx.insert(k, &Code::of(&vector(k)));
        }
        idx.remove(5);
        assert_eq!(idx.len(), TRAIN_AT + 9);
        let q = vector(7);
        assert_eq!(idx.nearest(&q, 3)[0].0, 7);
        idx.maintain();
        assert!(idx.lists() >= 8, "trained into {} lists", idx.lists());
        // Every vector moved into the new lists intact, across the assignment blocks.
        assert_eq!(idx.len(), TRAIN_AT + 9);
        for k in (0..(TRAIN_AT as u64 + 10)).filter(|&k| k != 5) {
            assert_eq!(idx.get(k), Some(Code::of(&vector(k))), "key {k}");
        }
        assert_eq!(idx.get(5), None);
        let found = idx.nearest(&q, 3);
        assert_eq!(found[0].0, 7);
        assert!((found[0].1 - 1.0).abs() < 0.02);
        assert!(idx.nearest(&vector(5), 1)[0].0 != 5, "removed key found");
        idx.insert(5, &Code::of(&vector(5)));
        assert_eq!(idx.nearest(&vector(5), 1)[0].0, 5);
        let code = Code::of(&q);
        assert_eq!(Code::from_bytes(&code.to_bytes()), Some(code));
    }
}
