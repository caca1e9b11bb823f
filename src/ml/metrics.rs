//! Forecast scores: errors on hours, and how well staying probabilities are calibrated and rank.

/// Mean absolute error.
pub fn mae(pairs: &[(f64, f64)]) -> f64 {
    mean(pairs.iter().map(|(actual, predicted)| (actual - predicted).abs()))
}

/// Mean absolute percentage error, as a fraction (0.25 is 25%).
pub fn mape(pairs: &[(f64, f64)]) -> f64 {
    mean(pairs.iter().map(|(actual, predicted)| ((actual - predicted) / actual).abs()))
}

/// Mean squared error of probabilities against what happened.
pub fn brier(outcomes: &[(bool, f64)]) -> f64 {
    mean(outcomes.iter().map(|(happened, p)| (f64::from(u8::from(*happened)) - p).powi(2)))
}

/// Area under the ROC curve: the chance that an entry that stayed scored above one that did not,
/// ties counting half. NaN when either kind is missing.
pub fn auc(outcomes: &[(bool, f64)]) -> f64 {
    let mut scored: Vec<(f64, bool)> = outcomes.iter().map(|(happened, p)| (*p, *happened)).collect();
    scored.sort_by(|a, b| a.0.total_cmp(&b.0));
    let positives = scored.iter().filter(|(_, happened)| *happened).count() as f64;
    let negatives = scored.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return f64::NAN;
    }
    // Mann-Whitney: the sum of the positives' ranks, ties given their average rank.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < scored.len() {
        let mut j = i;
        while j < scored.len() && scored[j].0 == scored[i].0 {
            j += 1;
        }
        let average_rank = (i + 1 + j) as f64 / 2.0;
        rank_sum += average_rank * scored[i..j].iter().filter(|(_, happened)| *happened).count() as f64;
        i = j;
    }
    (rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives)
}

/// The `q` quantile (0 to 1) by linear interpolation; NaN for no values.
pub fn quantile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let position = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(sum, n), v| (sum + v, n + 1));
    if n == 0 { f64::NAN } else { sum / n as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_match_hand_computed_values() {
        let pairs = [(100.0, 90.0), (200.0, 250.0)];
        assert_eq!(mae(&pairs), 30.0);
        assert!((mape(&pairs) - (0.1 + 0.25) / 2.0).abs() < 1e-12);
        let outcomes = [(true, 0.9), (false, 0.2), (true, 0.4), (false, 0.4)];
        assert!((brier(&outcomes) - (0.01 + 0.04 + 0.36 + 0.16) / 4.0).abs() < 1e-12);
        // Pairs (stayed, left): (0.9, 0.2) win, (0.9, 0.4) win, (0.4, 0.2) win, (0.4, 0.4) tie.
        assert!((auc(&outcomes) - 3.5 / 4.0).abs() < 1e-12);
        assert_eq!(quantile(&[3.0, 1.0, 2.0], 0.5), 2.0);
        assert_eq!(quantile(&[1.0, 2.0], 0.25), 1.25);
    }
}
