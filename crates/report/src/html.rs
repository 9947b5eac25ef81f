//! HTML text: escaping and the way numbers are shown.

/// `text` safe inside an element or a double-quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number as the report shows it: integers whole, others rounded to four significant digits
/// (at least two decimals below 1,000, one above) without trailing zeros, never in exponent form.
pub fn number(value: f64) -> String {
    if !value.is_finite() {
        return if value.is_nan() {
            "NaN".into()
        } else if value > 0.0 {
            "∞".into()
        } else {
            "−∞".into()
        };
    }
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return format!("{value:.0}");
    }
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (3 - magnitude).clamp(2, 8) as usize;
    let decimals = if value.abs() >= 1000.0 { 1 } else { decimals };
    let text = format!("{value:.decimals$}");
    // 0.02000 → 0.02: trailing zeros say nothing (the exact value is in `data-value`).
    let trimmed = text.trim_end_matches('0').trim_end_matches('.');
    if trimmed.is_empty() || trimmed == "-0" { "0".into() } else { trimmed.to_string() }
}

/// The largest difference between `value` and what [`number`] shows for it (half a unit of the
/// last digit shown).
pub fn shown_precision(value: f64) -> f64 {
    let text = number(value);
    match text.split_once('.') {
        Some((_, decimals)) => 0.5 * 10f64.powi(-(decimals.len() as i32)),
        None => 0.5,
    }
}

/// `1 h 35 min`, `4 min 12 s`, `38 s`.
pub fn duration(seconds: u64) -> String {
    match seconds {
        s if s >= 3600 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        s if s >= 60 => format!("{} min {} s", s / 60, s % 60),
        s => format!("{s} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(escape(r#"<a href="x">&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    }

    #[test]
    fn numbers_keep_four_significant_digits_and_state_their_precision() {
        assert_eq!(number(10.0), "10");
        assert_eq!(number(0.925_6), "0.9256");
        assert_eq!(number(0.000_123_456), "0.0001235");
        assert_eq!(number(21.168_4), "21.17");
        assert_eq!(number(240.904), "240.9");
        assert_eq!(number(0.02), "0.02");
        assert_eq!(number(-0.000_000_001), "0");
        assert_eq!(number(1204.6), "1204.6");
        assert_eq!(number(f64::NAN), "NaN");
        for v in [0.925_61, 21.168_4, 240.904, 1204.66, 3.0, 0.000_123_456] {
            let shown: f64 = number(v).parse().unwrap();
            assert!((shown - v).abs() <= shown_precision(v) + 1e-12, "{v}: {shown}");
        }
        assert_eq!(duration(5700), "1 h 35 min");
        assert_eq!(duration(252), "4 min 12 s");
    }
}
