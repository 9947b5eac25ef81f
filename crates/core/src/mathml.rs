//! MathML builders: each lecture writes its objective with them, and the course report shows it
//! (rendered by the browser itself: no script, no network). A handful of builders keep each
//! equation readable as the formula it writes:
//!
//! ```
//! use atelier_core::mathml::*;
//! let x_i = sub(&mi("x"), &mi("i"));
//! assert_eq!(x_i, "<msub><mi>x</mi><mi>i</mi></msub>");
//! assert!(block(&[mi("L"), mo("="), x_i]).starts_with("<math display=\"block\">"));
//! ```

pub fn mi(name: &str) -> String {
    format!("<mi>{name}</mi>")
}

pub fn mn(number: &str) -> String {
    format!("<mn>{number}</mn>")
}

pub fn mo(operator: &str) -> String {
    format!("<mo>{operator}</mo>")
}

/// Several items in one row.
pub fn row(items: &[String]) -> String {
    format!("<mrow>{}</mrow>", items.concat())
}

pub fn sub(base: &str, index: &str) -> String {
    format!("<msub>{base}{index}</msub>")
}

pub fn sup(base: &str, power: &str) -> String {
    format!("<msup>{base}{power}</msup>")
}

pub fn frac(top: &str, bottom: &str) -> String {
    format!("<mfrac>{top}{bottom}</mfrac>")
}

pub fn hat(base: &str) -> String {
    format!("<mover accent=\"true\">{base}<mo>^</mo></mover>")
}

/// `op` with `below` under it (∑ over i, max over D, E over x ~ p).
pub fn under(op: &str, below: &str) -> String {
    format!("<munder>{op}<mrow>{below}</mrow></munder>")
}

/// ∑ from `from` to `to`.
pub fn sum(from: &str, to: &str) -> String {
    format!("<munderover><mo movablelimits=\"false\">∑</mo>{from}{to}</munderover>")
}

/// `( inner )`.
pub fn paren(inner: &str) -> String {
    row(&[mo("("), inner.to_string(), mo(")")])
}

/// `[ inner ]`.
pub fn bracket(inner: &str) -> String {
    row(&[mo("["), inner.to_string(), mo("]")])
}

pub fn block(items: &[String]) -> String {
    format!("<math display=\"block\">{}</math>", items.concat())
}

pub fn gap() -> String {
    "<mspace width=\"1.2em\"/>".to_string()
}
