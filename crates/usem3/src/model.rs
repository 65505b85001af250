//! The forward pass of Universal Sentence Encoder multilingual v3, as the reference
//! package's numpy backend computes it:
//!
//! 1. each piece id selects a row of the 6-bit-quantized embedding table (17 chunks, id
//!    modulo 17, each with its own scale and offset): 512 values;
//! 2. a projection to 3 x 256 values, layer-normalized over all 768;
//! 3. three CNN branches over n-grams of orders 2, 3 and 5 (left context 0, 1, 2; zero
//!    padding at the sentence's ends), each two layers of `relu(window @ W + b) + input`;
//! 4. the embedding and the three branch outputs (1280 values per token) layer-normalized,
//!    summed over the tokens, projected to 512 and divided by the square root of the length;
//! 5. a residual feed-forward network (512 -> 320 -> 320 -> 512 with skip projections),
//!    `tanh`, and L2 normalization.
//!
//! Matrix products over the tokens go through `ndarray` (and its `matrixmultiply` kernels,
//! which pick AVX2 and FMA at run time); vector-matrix products and the rest are plain loops.
//!
//! Steps 1-2 and the first CNN layer's products depend on the piece alone, not on its
//! neighbours: they are kept per piece id in a bounded [`TokenCache`], so a piece seen
//! before costs only the second CNN layer (38 % of the work per token). The sum over a
//! window is then the sum of the cached products of the pieces in it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use ndarray::linalg::general_mat_mul;
use ndarray::{ArrayView2, ArrayViewMut2};

/// Output dimensions.
pub const DIM: usize = 512;
pub(crate) const CHUNKS: usize = 17;
pub(crate) const CNN: usize = 256;
/// (n-gram order, left context) of the three CNN branches.
pub(crate) const ORDERS: [(usize, usize); 3] = [(2, 0), (3, 1), (5, 2)];
pub(crate) const FEAT: usize = DIM + 3 * CNN;
pub(crate) const HIDDEN: usize = 320;
/// Window slots over the three branches (2 + 3 + 5).
const SLOTS: usize = 10;
/// Floats kept per piece: the normalized projection (768) and the first layer's product
/// for every window slot (10 x 256).
const ENTRY: usize = 3 * CNN + SLOTS * CNN;
/// Pieces the cache holds at most (direct-mapped by id; 13 KiB each, 53 MiB when full).
pub const CACHE_SLOTS: usize = 4096;

/// A cached piece: its id and its `ENTRY` floats.
type Entry = Option<(u32, Box<[f32]>)>;

/// Per-piece results that do not depend on the context, shared by all threads.
pub struct TokenCache {
    slots: Vec<Mutex<Entry>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl TokenCache {
    pub(crate) fn new(n: usize) -> TokenCache {
        TokenCache {
            slots: (0..n.max(1)).map(|_| Mutex::new(None)).collect(),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Lookups that found their piece, and lookups that did not, since the start.
    pub fn stats(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    fn count(&self, hit: bool) -> bool {
        let counter = if hit { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        hit
    }

    /// Copies the entry of `id` into `out`; false when it is not cached.
    fn get(&self, id: u32, out: &mut [f32]) -> bool {
        let slot = &self.slots[id as usize % self.slots.len()];
        let hit = match slot.lock() {
            Ok(g) => match g.as_ref() {
                Some((sid, data)) if *sid == id => {
                    out.copy_from_slice(data);
                    true
                }
                _ => false,
            },
            Err(_) => false,
        };
        self.count(hit)
    }

    fn put(&self, id: u32, entry: &[f32]) {
        if let Ok(mut g) = self.slots[id as usize % self.slots.len()].lock() {
            *g = Some((id, entry.into()));
        }
    }
}

/// A dense layer's weights, row-major `(rows, cols)`.
pub(crate) struct Dense {
    pub(crate) w: Vec<f32>,
    pub(crate) rows: usize,
    pub(crate) cols: usize,
}

impl Dense {
    fn view(&self) -> ArrayView2<'_, f32> {
        ArrayView2::from_shape((self.rows, self.cols), &self.w).unwrap_or_else(|_| {
            // The shape was checked when the weights were loaded.
            unreachable!("dense layer shape")
        })
    }
}

/// `out = a @ w` (`beta = 0`) or `out += a @ w` (`beta = 1`), `a` row-major `(m, w.rows)`.
fn matmul(a: &[f32], m: usize, w: &Dense, out: &mut [f32], beta: f32) {
    let a = ArrayView2::from_shape((m, w.rows), a);
    let c = ArrayViewMut2::from_shape((m, w.cols), out);
    if let (Ok(a), Ok(mut c)) = (a, c) {
        general_mat_mul(1.0, &a, &w.view(), beta, &mut c);
    } else {
        unreachable!("matmul operand shapes");
    }
}

/// `out = a @ w` (`beta = 0`) or `out += a @ w` (`beta = 1`) for one row `a`.
fn vecmat(a: &[f32], w: &Dense, out: &mut [f32], beta: f32) {
    if beta == 0.0 {
        out.fill(0.0);
    }
    for (&ak, row) in a.iter().zip(w.w.chunks_exact(w.cols)) {
        for (o, &v) in out.iter_mut().zip(row) {
            *o += ak * v;
        }
    }
}

fn layernorm(rows: &mut [f32], width: usize, gamma: &[f32], beta: &[f32], eps: f32) {
    for row in rows.chunks_exact_mut(width) {
        let mean = row.iter().sum::<f32>() / width as f32;
        let mut var = 0.0;
        for v in row.iter_mut() {
            *v -= mean;
            var += *v * *v;
        }
        let inv = 1.0 / (var / width as f32 + eps).sqrt();
        for ((v, g), b) in row.iter_mut().zip(gamma).zip(beta) {
            *v = *v * inv * g + b;
        }
    }
}

fn add_bias_relu(rows: &mut [f32], bias: &[f32]) {
    for row in rows.chunks_exact_mut(bias.len()) {
        for (v, b) in row.iter_mut().zip(bias) {
            *v = (*v + b).max(0.0);
        }
    }
}

/// Fills `win` (`t` rows of `n * CNN`) with the n-gram windows over `src` (`t` rows of
/// `stride`, a branch's `CNN` columns starting at `col`), zeros outside the sentence.
fn windows(
    src: &[f32],
    stride: usize,
    col: usize,
    t: usize,
    n: usize,
    left: usize,
    win: &mut [f32],
) {
    for (row, w) in win.chunks_exact_mut(n * CNN).enumerate().take(t) {
        for k in 0..n {
            let dst = &mut w[k * CNN..(k + 1) * CNN];
            match (row + k).checked_sub(left).filter(|&p| p < t) {
                Some(p) => dst.copy_from_slice(&src[p * stride + col..p * stride + col + CNN]),
                None => dst.fill(0.0),
            }
        }
    }
}

pub(crate) struct Branch {
    /// `w1` rearranged to (256, n * 256): the products of one piece with every slot's weights.
    pub(crate) w1_slots: Dense,
    pub(crate) b1: Vec<f32>,
    pub(crate) w2: Dense,
    pub(crate) b2: Vec<f32>,
}

/// The model's weights.
pub struct Model {
    /// Quantized embedding rows in piece-id order, `DIM` bytes each.
    pub(crate) table: Vec<u8>,
    pub(crate) scale: [f32; CHUNKS],
    pub(crate) lo: [f32; CHUNKS],
    pub(crate) proj: Dense,
    pub(crate) proj_b: Vec<f32>,
    pub(crate) ln_g_proj: Vec<f32>,
    pub(crate) ln_b_proj: Vec<f32>,
    pub(crate) branches: Vec<Branch>,
    pub(crate) ln_g: Vec<f32>,
    pub(crate) ln_b: Vec<f32>,
    pub(crate) cnn_w: Dense,
    pub(crate) cnn_b: Vec<f32>,
    pub(crate) d0: Dense,
    pub(crate) d1: Dense,
    pub(crate) p1: Dense,
    pub(crate) d2: Dense,
    pub(crate) p3: Dense,
    pub(crate) d3: Dense,
    pub(crate) eps: f32,
    pub(crate) cache: TokenCache,
}

/// Scratch buffers reused across encodings of one thread.
#[derive(Default)]
pub struct Scratch {
    emb: Vec<f32>,
    /// Per position: the piece's cache entry (`ENTRY` floats).
    tok: Vec<f32>,
    miss: Vec<u32>,
    x: Vec<f32>,
    p: Vec<f32>,
    win: Vec<f32>,
    h: Vec<f32>,
    c: Vec<f32>,
    feats: Vec<f32>,
}

impl Model {
    /// Rows of the embedding table (piece ids `0..rows`).
    pub fn vocab_rows(&self) -> usize {
        self.table.len() / DIM
    }

    /// The embedding row of a piece, dequantized.
    fn embedding(&self, id: u32, out: &mut [f32]) {
        let id = (id as usize).min(self.vocab_rows().saturating_sub(1));
        let (scale, lo) = (self.scale[id % CHUNKS], self.lo[id % CHUNKS]);
        for (v, &q) in out.iter_mut().zip(&self.table[id * DIM..(id + 1) * DIM]) {
            *v = f32::from(q) * scale + lo;
        }
    }

    /// Computes the cache entries of `ids` (distinct) into `out`, `ENTRY` floats each.
    fn entries(&self, ids: &[u32], s: &mut Scratch, out: &mut [f32]) {
        let m = ids.len();
        s.emb.resize(m * DIM, 0.0);
        for (row, &id) in s.emb.chunks_exact_mut(DIM).zip(ids) {
            self.embedding(id, row);
        }
        s.x.resize(m * 3 * CNN, 0.0);
        matmul(&s.emb, m, &self.proj, &mut s.x, 0.0);
        for row in s.x.chunks_exact_mut(3 * CNN) {
            for (v, b) in row.iter_mut().zip(&self.proj_b) {
                *v += b;
            }
        }
        layernorm(
            &mut s.x,
            3 * CNN,
            &self.ln_g_proj,
            &self.ln_b_proj,
            self.eps,
        );
        for (e, x) in out.chunks_exact_mut(ENTRY).zip(s.x.chunks_exact(3 * CNN)) {
            e[..3 * CNN].copy_from_slice(x);
        }
        let mut at = 3 * CNN;
        for (i, ((n, _), br)) in ORDERS.iter().zip(&self.branches).enumerate() {
            s.win.resize(m * CNN, 0.0);
            for (w, x) in s.win.chunks_exact_mut(CNN).zip(s.x.chunks_exact(3 * CNN)) {
                w.copy_from_slice(&x[i * CNN..(i + 1) * CNN]);
            }
            s.p.resize(m * n * CNN, 0.0);
            matmul(&s.win, m, &br.w1_slots, &mut s.p, 0.0);
            for (e, p) in out.chunks_exact_mut(ENTRY).zip(s.p.chunks_exact(n * CNN)) {
                e[at..at + n * CNN].copy_from_slice(p);
            }
            at += n * CNN;
        }
    }

    /// The sentence vector of a sequence of piece ids (with `<s>` and `</s>`), L2-normalized.
    pub fn forward(&self, ids: &[u32], s: &mut Scratch) -> [f32; DIM] {
        let ids = if ids.is_empty() { &[0][..] } else { ids };
        let t = ids.len();
        // Per-piece parts: from the cache, or computed together for the pieces it lacks.
        s.tok.resize(t * ENTRY, 0.0);
        s.miss.clear();
        let mut missing = Vec::new();
        for (p, &id) in ids.iter().enumerate() {
            if !self.cache.get(id, &mut s.tok[p * ENTRY..(p + 1) * ENTRY]) {
                missing.push(p);
                if !s.miss.contains(&id) {
                    s.miss.push(id);
                }
            }
        }
        if !s.miss.is_empty() {
            let miss = std::mem::take(&mut s.miss);
            let mut computed = vec![0.0f32; miss.len() * ENTRY];
            self.entries(&miss, s, &mut computed);
            for (id, e) in miss.iter().zip(computed.chunks_exact(ENTRY)) {
                self.cache.put(*id, e);
            }
            for p in missing {
                if let Some(j) = miss.iter().position(|&id| id == ids[p]) {
                    s.tok[p * ENTRY..(p + 1) * ENTRY]
                        .copy_from_slice(&computed[j * ENTRY..(j + 1) * ENTRY]);
                }
            }
            s.miss = miss;
        }

        s.feats.resize(t * FEAT, 0.0);
        for (row, &id) in s.feats.chunks_exact_mut(FEAT).zip(ids) {
            self.embedding(id, &mut row[..DIM]);
        }
        let mut slot_at = 3 * CNN;
        for (i, ((n, left), br)) in ORDERS.iter().zip(&self.branches).enumerate() {
            let (n, left) = (*n, *left);
            s.win.resize(t * n * CNN, 0.0);
            s.h.resize(t * CNN, 0.0);
            s.c.resize(t * CNN, 0.0);
            // Layer 1: h = relu(sum over the window of the cached products + b1) + x.
            for (row, h) in s.h.chunks_exact_mut(CNN).enumerate() {
                h.copy_from_slice(&br.b1);
                for k in 0..n {
                    if let Some(p) = (row + k).checked_sub(left).filter(|&p| p < t) {
                        let at = p * ENTRY + slot_at + k * CNN;
                        for (v, c) in h.iter_mut().zip(&s.tok[at..at + CNN]) {
                            *v += c;
                        }
                    }
                }
                let x = &s.tok[row * ENTRY + i * CNN..row * ENTRY + (i + 1) * CNN];
                for (v, x) in h.iter_mut().zip(x) {
                    *v = v.max(0.0) + x;
                }
            }
            slot_at += n * CNN;
            // Layer 2: c = relu(window(h) @ w2 + b2) + h.
            windows(&s.h, CNN, 0, t, n, left, &mut s.win);
            matmul(&s.win, t, &br.w2, &mut s.c, 0.0);
            add_bias_relu(&mut s.c, &br.b2);
            let col = DIM + i * CNN;
            for ((fr, cr), hr) in s
                .feats
                .chunks_exact_mut(FEAT)
                .zip(s.c.chunks_exact(CNN))
                .zip(s.h.chunks_exact(CNN))
            {
                for ((f, c), h) in fr[col..col + CNN].iter_mut().zip(cr).zip(hr) {
                    *f = c + h;
                }
            }
        }
        layernorm(&mut s.feats, FEAT, &self.ln_g, &self.ln_b, self.eps);

        // Sum over tokens, then project (the projection is linear, so it commutes).
        let mut sum = vec![0.0f32; FEAT];
        for row in s.feats.chunks_exact(FEAT) {
            for (a, v) in sum.iter_mut().zip(row) {
                *a += v;
            }
        }
        let mut mean = vec![0.0f32; DIM];
        vecmat(&sum, &self.cnn_w, &mut mean, 0.0);
        let len = t as f32;
        let inv = 1.0 / len.sqrt();
        for (m, b) in mean.iter_mut().zip(&self.cnn_b) {
            *m = (*m + len * b) * inv;
        }

        let relu = |v: &mut [f32]| v.iter_mut().for_each(|x| *x = x.max(0.0));
        let mut y0 = vec![0.0f32; HIDDEN];
        vecmat(&mean, &self.d0, &mut y0, 0.0);
        relu(&mut y0);
        let mut y1 = vec![0.0f32; HIDDEN];
        vecmat(&mean, &self.p1, &mut y1, 0.0);
        vecmat(&y0, &self.d1, &mut y1, 1.0);
        relu(&mut y1);
        let mut y2 = vec![0.0f32; DIM];
        vecmat(&y1, &self.d2, &mut y2, 0.0);
        relu(&mut y2);
        let mut z = vec![0.0f32; DIM];
        vecmat(&y1, &self.p3, &mut z, 0.0);
        vecmat(&y2, &self.d3, &mut z, 1.0);
        z.iter_mut().for_each(|v| *v = v.tanh());
        let norm = z.iter().map(|v| v * v).sum::<f32>().max(self.eps).sqrt();
        let mut out = [0.0f32; DIM];
        for (o, v) in out.iter_mut().zip(&z) {
            *o = v / norm;
        }
        out
    }
}
