//! Kernels for searching the encoder's vectors: int8 quantization, dot products, and the
//! k-means training and assignment of an inverted-file (IVF) index. They live here so that
//! they are compiled optimized in every profile.

use ndarray::linalg::general_mat_mul;
use ndarray::{ArrayView2, ArrayViewMut2};

use crate::DIM;

/// A vector quantized to signed bytes: `value ~= code * scale`.
pub fn quantize(v: &[f32]) -> (Vec<i8>, f32) {
    let max = v.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    if max == 0.0 {
        return (vec![0; v.len()], 0.0);
    }
    let scale = max / 127.0;
    let code = v
        .iter()
        .map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8)
        .collect();
    (code, scale)
}

/// `sum(q[i] * code[i])`: a float query against a quantized vector (multiply by its scale).
pub fn dot_f32_i8(q: &[f32], code: &[i8]) -> f32 {
    let mut acc = [0.0f32; 16];
    let mut qs = q.chunks_exact(16);
    let mut cs = code.chunks_exact(16);
    for (qc, cc) in (&mut qs).zip(&mut cs) {
        for k in 0..16 {
            acc[k] += qc[k] * f32::from(cc[k]);
        }
    }
    let mut sum: f32 = acc.iter().sum();
    for (a, b) in qs.remainder().iter().zip(cs.remainder()) {
        sum += a * f32::from(*b);
    }
    sum
}

/// Scores of `q` against every code in `codes` (`DIM` bytes each), times their scales.
pub fn scan(q: &[f32], codes: &[i8], scales: &[f32], out: &mut Vec<f32>) {
    out.clear();
    out.extend(
        codes
            .chunks_exact(DIM)
            .zip(scales)
            .map(|(c, s)| dot_f32_i8(q, c) * s),
    );
}

/// `sum(a[i] * b[i])` of two quantized vectors, exact, in 32-bit integers (16 lanes: the
/// compiler multiplies and adds pairs of 16-bit lanes, `pmaddwd`, even for the baseline
/// x86-64 target, instead of converting every byte to a float).
pub fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    let mut acc = [0i32; 16];
    let mut xs = a.chunks_exact(16);
    let mut ys = b.chunks_exact(16);
    for (x, y) in (&mut xs).zip(&mut ys) {
        for k in 0..16 {
            acc[k] += i32::from(x[k]) * i32::from(y[k]);
        }
    }
    let mut sum: i32 = acc.iter().sum();
    for (x, y) in xs.remainder().iter().zip(ys.remainder()) {
        sum += i32::from(*x) * i32::from(*y);
    }
    sum
}

/// Scores of the quantized query `q` (scale `q_scale`) against every code in `codes`
/// (`DIM` bytes each), times their scales: [`scan`] for a query that is itself a code.
pub fn scan_i8(q: &[i8], q_scale: f32, codes: &[i8], scales: &[f32], out: &mut Vec<f32>) {
    out.clear();
    out.extend(
        codes
            .chunks_exact(DIM)
            .zip(scales)
            .map(|(c, s)| dot_i8(q, c) as f32 * q_scale * s),
    );
}

/// Dot products of each row of `a` (`m` rows of `DIM`) with each of `centroids`
/// (`k` rows of `DIM`), into `out` (`m` rows of `k`).
fn dots(a: &[f32], m: usize, centroids: &[f32], k: usize, out: &mut Vec<f32>) {
    out.clear();
    out.resize(m * k, 0.0);
    let a = ArrayView2::from_shape((m, DIM), a);
    let c = ArrayView2::from_shape((k, DIM), centroids);
    let o = ArrayViewMut2::from_shape((m, k), &mut out[..]);
    if let (Ok(a), Ok(c), Ok(mut o)) = (a, c, o) {
        general_mat_mul(1.0, &a, &c.t(), 0.0, &mut o);
    }
}

/// Index of the row of `centroids` (`k` x `DIM`) with the largest dot product with `v`.
pub fn nearest(v: &[f32], centroids: &[f32]) -> usize {
    let mut best = (0, f32::NEG_INFINITY);
    for (i, c) in centroids.chunks_exact(DIM).enumerate() {
        let d: f32 = v.iter().zip(c).map(|(a, b)| a * b).sum();
        if d > best.1 {
            best = (i, d);
        }
    }
    best.0
}

/// The `n` rows of `centroids` with the largest dot products with `v`, best first.
pub fn nearest_n(v: &[f32], centroids: &[f32], n: usize) -> Vec<usize> {
    let mut scored: Vec<(usize, f32)> = centroids
        .chunks_exact(DIM)
        .enumerate()
        .map(|(i, c)| (i, v.iter().zip(c).map(|(a, b)| a * b).sum()))
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scored.into_iter().take(n).map(|(i, _)| i).collect()
}

/// Nearest centroid of each of the `m` rows of `a`.
pub fn assign(a: &[f32], m: usize, centroids: &[f32]) -> Vec<usize> {
    let k = centroids.len() / DIM;
    let mut d = Vec::new();
    let mut out = Vec::with_capacity(m);
    // Blocks of rows bound the size of the score matrix.
    for (b, block) in a.chunks(4096 * DIM).enumerate() {
        let rows = block.len() / DIM;
        dots(block, rows, centroids, k, &mut d);
        for r in 0..rows {
            let row = &d[r * k..(r + 1) * k];
            let mut best = (0, f32::NEG_INFINITY);
            for (i, &s) in row.iter().enumerate() {
                if s > best.1 {
                    best = (i, s);
                }
            }
            out.push(best.0);
        }
        debug_assert_eq!(out.len(), b * 4096 + rows);
    }
    out
}

/// Spherical k-means over the `m` unit rows of `sample`: `k` unit centroids, starting from
/// evenly spaced rows of the sample (deterministic), `iterations` rounds.
pub fn kmeans(sample: &[f32], m: usize, k: usize, iterations: usize) -> Vec<f32> {
    let k = k.clamp(1, m.max(1));
    let mut centroids: Vec<f32> = (0..k)
        .flat_map(|i| {
            sample[(i * m / k) * DIM..(i * m / k + 1) * DIM]
                .iter()
                .copied()
        })
        .collect();
    for _ in 0..iterations {
        let owner = assign(sample, m, &centroids);
        let mut sums = vec![0.0f32; k * DIM];
        let mut counts = vec![0usize; k];
        for (r, &c) in owner.iter().enumerate() {
            counts[c] += 1;
            for (s, v) in sums[c * DIM..(c + 1) * DIM]
                .iter_mut()
                .zip(&sample[r * DIM..(r + 1) * DIM])
            {
                *s += v;
            }
        }
        for c in 0..k {
            let s = &mut sums[c * DIM..(c + 1) * DIM];
            let norm = s.iter().map(|x| x * x).sum::<f32>().sqrt();
            if counts[c] == 0 || norm == 0.0 {
                // An empty cluster keeps its centroid.
                s.copy_from_slice(&centroids[c * DIM..(c + 1) * DIM]);
            } else {
                s.iter_mut().for_each(|x| *x /= norm);
            }
        }
        centroids = sums;
    }
    centroids
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(seed: usize) -> Vec<f32> {
        let v: Vec<f32> = (0..DIM)
            .map(|i| (((i * 31 + seed * 17) % 97) as f32 - 48.0) / 48.0)
            .collect();
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.into_iter().map(|x| x / n).collect()
    }

    #[test]
    fn quantized_dot_is_close_to_the_float_dot() {
        let (a, b) = (unit(1), unit(2));
        let exact: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        let (code, scale) = quantize(&b);
        let approx = dot_f32_i8(&a, &code) * scale;
        assert!((exact - approx).abs() < 0.01, "{exact} vs {approx}");
    }

    #[test]
    fn integer_scan_agrees_with_the_float_scan() {
        let (a, b, c) = (unit(1), unit(2), unit(3));
        let (qa, sa) = quantize(&a);
        let (qb, sb) = quantize(&b);
        let (qc, sc) = quantize(&c);
        let codes: Vec<i8> = qb.iter().chain(&qc).copied().collect();
        let q: Vec<f32> = qa.iter().map(|&x| f32::from(x) * sa).collect();
        let (mut float, mut int) = (Vec::new(), Vec::new());
        scan(&q, &codes, &[sb, sc], &mut float);
        scan_i8(&qa, sa, &codes, &[sb, sc], &mut int);
        for (f, i) in float.iter().zip(&int) {
            assert!((f - i).abs() < 1e-4, "{f} vs {i}");
        }
        let exact: i32 = qa
            .iter()
            .zip(&qb)
            .map(|(&x, &y)| i32::from(x) * i32::from(y))
            .sum();
        assert_eq!(dot_i8(&qa, &qb), exact);
    }

    #[test]
    fn kmeans_separates_two_groups() {
        let (a, b) = (unit(1), unit(50));
        let mut sample = Vec::new();
        for _ in 0..5 {
            sample.extend(&a);
            sample.extend(&b);
        }
        let c = kmeans(&sample, 10, 2, 3);
        let owner = assign(&sample, 10, &c);
        assert_ne!(owner[0], owner[1]);
        assert!(owner.iter().step_by(2).all(|&o| o == owner[0]));
        assert_eq!(nearest(&a, &c), owner[0]);
        assert_eq!(nearest_n(&b, &c, 1), vec![owner[1]]);
    }
}
