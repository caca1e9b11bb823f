//! Correlation coefficients for the engagement analysis.

/// Pearson's r; `None` below three pairs or when either side does not vary.
pub fn pearson(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len();
    if n < 3 || n != ys.len() {
        return None;
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (mx, my) = (mean(xs), mean(ys));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in xs.iter().zip(ys) {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx).powi(2);
        syy += (y - my).powi(2);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// Spearman's rho: Pearson's r of the ranks, tied values sharing their average rank.
pub fn spearman(xs: &[f64], ys: &[f64]) -> Option<f64> {
    if xs.len() != ys.len() {
        return None;
    }
    pearson(&ranks(xs), &ranks(ys))
}

/// 1-based ranks; ties get the mean of the ranks they span.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start;
        while end + 1 < order.len() && values[order[end + 1]] == values[order[start]] {
            end += 1;
        }
        let average = (start + end) as f64 / 2.0 + 1.0;
        for &i in &order[start..=end] {
            ranks[i] = average;
        }
        start = end + 1;
    }
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn perfect_linear_and_monotonic_relations() {
        let xs = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert!(close(pearson(&xs, &[2.0, 4.0, 6.0, 8.0, 10.0]).unwrap(), 1.0));
        assert!(close(pearson(&xs, &[10.0, 8.0, 6.0, 4.0, 2.0]).unwrap(), -1.0));
        // Monotonic but not linear: Spearman sees a perfect relation, Pearson does not.
        let cubes = [1.0, 8.0, 27.0, 64.0, 125.0];
        assert!(close(spearman(&xs, &cubes).unwrap(), 1.0));
        assert!(pearson(&xs, &cubes).unwrap() < 1.0);
    }

    #[test]
    fn a_worked_example_with_ties() {
        // Ranks with ties: [1, 2.5, 2.5, 4, 5] against [1, 3, 2, 5, 4].
        let xs = [10.0, 20.0, 20.0, 30.0, 40.0];
        let ys = [1.0, 3.0, 2.0, 5.0, 4.0];
        assert_eq!(ranks(&xs), [1.0, 2.5, 2.5, 4.0, 5.0]);
        // Pearson of those ranks, worked by hand: sxy = 8.5, sxx = 9.5, syy = 10.
        assert!(close(spearman(&xs, &ys).unwrap(), 8.5 / (9.5f64 * 10.0).sqrt()));
        // Pearson of the raw values: mx = 24, my = 3; sxy = 60, sxx = 520, syy = 10.
        assert!(close(pearson(&xs, &ys).unwrap(), 60.0 / (520.0f64 * 10.0).sqrt()));
    }

    #[test]
    fn too_few_pairs_or_no_variation_give_nothing() {
        assert_eq!(pearson(&[1.0, 2.0], &[1.0, 2.0]), None);
        assert_eq!(pearson(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), None);
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[1.0, 2.0]), None);
    }
}
