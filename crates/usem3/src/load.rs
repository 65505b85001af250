//! Loading the model's weights from the arrays of `weights.npz`.

use std::collections::HashMap;

use crate::Error;
use crate::model::{
    Branch, CACHE_SLOTS, CHUNKS, CNN, DIM, Dense, FEAT, HIDDEN, Model, ORDERS, TokenCache,
};
use crate::npz::Array;

/// `w1` (n * 256, 256), row block k for window slot k, as (256, n * 256), column block k.
fn slots_of(w1: Dense, n: usize) -> Dense {
    let mut w = vec![0.0; CNN * n * CNN];
    for k in 0..n {
        for r in 0..CNN {
            let src = &w1.w[(k * CNN + r) * CNN..(k * CNN + r + 1) * CNN];
            w[r * n * CNN + k * CNN..r * n * CNN + (k + 1) * CNN].copy_from_slice(src);
        }
    }
    Dense {
        w,
        rows: CNN,
        cols: n * CNN,
    }
}

/// The arrays of `weights.npz`, taken out one by one.
struct Weights(HashMap<String, Array>);

impl Weights {
    fn take(&mut self, name: &str) -> Result<Array, Error> {
        self.0
            .remove(name)
            .ok_or_else(|| Error::new(format!("weights.npz lacks {name}")))
    }

    fn vec(&mut self, name: &str, len: usize) -> Result<Vec<f32>, Error> {
        let v = self.take(name)?.f32s()?;
        if v.len() != len {
            return Err(Error::new(format!(
                "{name}: {} values, expected {len}",
                v.len()
            )));
        }
        Ok(v)
    }

    fn dense(&mut self, name: &str, rows: usize, cols: usize) -> Result<Dense, Error> {
        Ok(Dense {
            w: self.vec(name, rows * cols)?,
            rows,
            cols,
        })
    }
}

impl Model {
    pub(crate) fn new(a: HashMap<String, Array>) -> Result<Model, Error> {
        let mut w = Weights(a);
        let (take, vec, d) = (Weights::take, Weights::vec, Weights::dense);
        let w = &mut w;
        let scale: [f32; CHUNKS] = vec(w, "scale", CHUNKS)?
            .try_into()
            .map_err(|_| Error::new("scale"))?;
        let lo: [f32; CHUNKS] = vec(w, "lo", CHUNKS)?
            .try_into()
            .map_err(|_| Error::new("lo"))?;
        let eps = vec(w, "eps", 1)?[0];
        // proj2 | proj3 | proj5 side by side: one (512, 768) matrix.
        let parts: Vec<Vec<f32>> = [2, 3, 5]
            .iter()
            .map(|n| vec(w, &format!("proj{n}"), DIM * CNN))
            .collect::<Result<_, _>>()?;
        let mut proj = Vec::with_capacity(DIM * 3 * CNN);
        for r in 0..DIM {
            for p in &parts {
                proj.extend_from_slice(&p[r * CNN..(r + 1) * CNN]);
            }
        }
        let cat = |w: &mut Weights, prefix: &str| -> Result<Vec<f32>, Error> {
            let mut v = Vec::with_capacity(3 * CNN);
            for n in [2, 3, 5] {
                v.extend(w.vec(&format!("{prefix}{n}"), CNN)?);
            }
            Ok(v)
        };
        let proj_b = cat(w, "proj_b")?;
        let ln_g_proj = cat(w, "ln_g")?;
        let ln_b_proj = cat(w, "ln_b")?;
        let mut branches = Vec::new();
        for (n, _) in ORDERS {
            branches.push(Branch {
                w1_slots: slots_of(d(w, &format!("w1_{n}"), n * CNN, CNN)?, n),
                b1: vec(w, &format!("b1_{n}"), CNN)?,
                w2: d(w, &format!("w2_{n}"), n * CNN, CNN)?,
                b2: vec(w, &format!("b2_{n}"), CNN)?,
            });
        }
        let rows = (1..=CHUNKS)
            .map(|i| take(w, &format!("q{i}")))
            .collect::<Result<Vec<_>, _>>()?;
        let per_chunk = rows[0].shape.first().copied().unwrap_or(0);
        if rows
            .iter()
            .any(|q| q.dtype != "<u1" || q.shape != [per_chunk, DIM])
        {
            return Err(Error::new("embedding chunks differ in shape or type"));
        }
        // Chunk i holds the ids i, i + 17, i + 34, ...: interleave them into id order.
        let mut table = vec![0u8; CHUNKS * per_chunk * DIM];
        for (i, q) in rows.iter().enumerate() {
            for r in 0..per_chunk {
                let id = r * CHUNKS + i;
                table[id * DIM..(id + 1) * DIM].copy_from_slice(&q.data[r * DIM..(r + 1) * DIM]);
            }
        }
        Ok(Model {
            table,
            scale,
            lo,
            proj: Dense {
                w: proj,
                rows: DIM,
                cols: 3 * CNN,
            },
            proj_b,
            ln_g_proj,
            ln_b_proj,
            branches,
            ln_g: vec(w, "ln_g", FEAT)?,
            ln_b: vec(w, "ln_b", FEAT)?,
            cnn_w: d(w, "cnn_W", FEAT, DIM)?,
            cnn_b: vec(w, "cnn_b", DIM)?,
            d0: d(w, "d0", DIM, HIDDEN)?,
            d1: d(w, "d1", HIDDEN, HIDDEN)?,
            p1: d(w, "p1", DIM, HIDDEN)?,
            d2: d(w, "d2", HIDDEN, DIM)?,
            p3: d(w, "p3", HIDDEN, DIM)?,
            d3: d(w, "d3", DIM, DIM)?,
            eps,
            cache: TokenCache::new(CACHE_SLOTS),
        })
    }
}
