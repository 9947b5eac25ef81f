//! A tiny built-in 5×7 bitmap font for labelling plots and image grids.
//!
//! Each glyph is seven rows of five pixels; a row is a 5-bit mask whose most
//! significant bit (`0b10000`) is the leftmost pixel. The font covers digits,
//! upper- and lowercase ASCII letters, space and the punctuation that tick
//! labels and captions need (`. , - + : / ( ) % = _ [ ] ' * ! ? < > ×` and `σ`).
//! Lowercase letters with descenders (`g p q y`) are drawn [`DESCENT`] rows
//! lower than the others (see [`baseline_shift`]), so their tails hang below
//! the baseline; a line of text is therefore `GLYPH_H + DESCENT` rows tall.
//! Any other character renders as a small box, so missing glyphs are visible
//! instead of silently dropped.

/// Width of a glyph in pixels.
pub const GLYPH_W: usize = 5;
/// Height of a glyph in pixels.
pub const GLYPH_H: usize = 7;
/// Blank columns between two neighbouring glyphs.
pub const GLYPH_SPACING: usize = 1;
/// Rows below the glyph box that descenders reach.
pub const DESCENT: usize = 1;
/// Horizontal distance from one glyph's left edge to the next one's.
pub const GLYPH_ADVANCE: usize = GLYPH_W + GLYPH_SPACING;

/// One glyph: seven rows, each a 5-bit mask (MSB = leftmost pixel).
pub type Glyph = [u8; GLYPH_H];

/// Drawn for characters the font does not know.
pub const UNKNOWN: Glyph = [0b00000, 0b11111, 0b10001, 0b10001, 0b10001, 0b11111, 0b00000];

const BLANK: Glyph = [0; GLYPH_H];

#[rustfmt::skip]
const DIGITS: [Glyph; 10] = [
    [0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110], // 0
    [0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110], // 1
    [0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111], // 2
    [0b11111, 0b00010, 0b00100, 0b00010, 0b00001, 0b10001, 0b01110], // 3
    [0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010], // 4
    [0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110], // 5
    [0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110], // 6
    [0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000], // 7
    [0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110], // 8
    [0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100], // 9
];

#[rustfmt::skip]
const UPPERCASE: [Glyph; 26] = [
    [0b01110, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001], // A
    [0b11110, 0b10001, 0b10001, 0b11110, 0b10001, 0b10001, 0b11110], // B
    [0b01110, 0b10001, 0b10000, 0b10000, 0b10000, 0b10001, 0b01110], // C
    [0b11100, 0b10010, 0b10001, 0b10001, 0b10001, 0b10010, 0b11100], // D
    [0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b11111], // E
    [0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b10000], // F
    [0b01110, 0b10001, 0b10000, 0b10111, 0b10001, 0b10001, 0b01111], // G
    [0b10001, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001], // H
    [0b01110, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110], // I
    [0b00111, 0b00010, 0b00010, 0b00010, 0b00010, 0b10010, 0b01100], // J
    [0b10001, 0b10010, 0b10100, 0b11000, 0b10100, 0b10010, 0b10001], // K
    [0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b11111], // L
    [0b10001, 0b11011, 0b10101, 0b10101, 0b10001, 0b10001, 0b10001], // M
    [0b10001, 0b10001, 0b11001, 0b10101, 0b10011, 0b10001, 0b10001], // N
    [0b01110, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110], // O
    [0b11110, 0b10001, 0b10001, 0b11110, 0b10000, 0b10000, 0b10000], // P
    [0b01110, 0b10001, 0b10001, 0b10001, 0b10101, 0b10010, 0b01101], // Q
    [0b11110, 0b10001, 0b10001, 0b11110, 0b10100, 0b10010, 0b10001], // R
    [0b01111, 0b10000, 0b10000, 0b01110, 0b00001, 0b00001, 0b11110], // S
    [0b11111, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100], // T
    [0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110], // U
    [0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01010, 0b00100], // V
    [0b10001, 0b10001, 0b10001, 0b10101, 0b10101, 0b10101, 0b01010], // W
    [0b10001, 0b10001, 0b01010, 0b00100, 0b01010, 0b10001, 0b10001], // X
    [0b10001, 0b10001, 0b01010, 0b00100, 0b00100, 0b00100, 0b00100], // Y
    [0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b10000, 0b11111], // Z
];

#[rustfmt::skip]
const LOWERCASE: [Glyph; 26] = [
    [0b00000, 0b00000, 0b01110, 0b00001, 0b01111, 0b10001, 0b01111], // a
    [0b10000, 0b10000, 0b10110, 0b11001, 0b10001, 0b10001, 0b11110], // b
    [0b00000, 0b00000, 0b01110, 0b10000, 0b10000, 0b10001, 0b01110], // c
    [0b00001, 0b00001, 0b01101, 0b10011, 0b10001, 0b10001, 0b01111], // d
    [0b00000, 0b00000, 0b01110, 0b10001, 0b11111, 0b10000, 0b01110], // e
    [0b00110, 0b01001, 0b01000, 0b11100, 0b01000, 0b01000, 0b01000], // f
    [0b00000, 0b01111, 0b10001, 0b10001, 0b01111, 0b00001, 0b01110], // g (drawn one row lower)
    [0b10000, 0b10000, 0b10110, 0b11001, 0b10001, 0b10001, 0b10001], // h
    [0b00100, 0b00000, 0b01100, 0b00100, 0b00100, 0b00100, 0b01110], // i
    [0b00010, 0b00000, 0b00110, 0b00010, 0b00010, 0b10010, 0b01100], // j
    [0b10000, 0b10000, 0b10010, 0b10100, 0b11000, 0b10100, 0b10010], // k
    [0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110], // l
    [0b00000, 0b00000, 0b11010, 0b10101, 0b10101, 0b10001, 0b10001], // m
    [0b00000, 0b00000, 0b10110, 0b11001, 0b10001, 0b10001, 0b10001], // n
    [0b00000, 0b00000, 0b01110, 0b10001, 0b10001, 0b10001, 0b01110], // o
    [0b00000, 0b11110, 0b10001, 0b10001, 0b11110, 0b10000, 0b10000], // p (drawn one row lower)
    [0b00000, 0b01111, 0b10001, 0b10001, 0b01111, 0b00001, 0b00001], // q (drawn one row lower)
    [0b00000, 0b00000, 0b10110, 0b11001, 0b10000, 0b10000, 0b10000], // r
    [0b00000, 0b00000, 0b01111, 0b10000, 0b01110, 0b00001, 0b11110], // s
    [0b01000, 0b01000, 0b11100, 0b01000, 0b01000, 0b01001, 0b00110], // t
    [0b00000, 0b00000, 0b10001, 0b10001, 0b10001, 0b10011, 0b01101], // u
    [0b00000, 0b00000, 0b10001, 0b10001, 0b10001, 0b01010, 0b00100], // v
    [0b00000, 0b00000, 0b10001, 0b10001, 0b10101, 0b10101, 0b01010], // w
    [0b00000, 0b00000, 0b10001, 0b01010, 0b00100, 0b01010, 0b10001], // x
    [0b00000, 0b10001, 0b10001, 0b10001, 0b01111, 0b00001, 0b01110], // y (drawn one row lower)
    [0b00000, 0b00000, 0b11111, 0b00010, 0b00100, 0b01000, 0b11111], // z
];

/// The bitmap for `c`: seven rows, each a 5-bit mask with the leftmost
/// pixel in bit 4. Unknown characters map to [`UNKNOWN`], a small box.
pub fn glyph(c: char) -> Glyph {
    match c {
        '0'..='9' => DIGITS[index_from(c, '0')],
        'A'..='Z' => UPPERCASE[index_from(c, 'A')],
        'a'..='z' => LOWERCASE[index_from(c, 'a')],
        _ => punctuation(c).unwrap_or(UNKNOWN),
    }
}

/// How many rows lower than the top of the line `c`'s glyph is drawn:
/// [`DESCENT`] for the letters with descenders (`g p q y`), 0 for all others.
pub fn baseline_shift(c: char) -> usize {
    match c {
        'g' | 'p' | 'q' | 'y' => DESCENT,
        _ => 0,
    }
}

/// Whether the font has a real glyph for `c` (rather than the unknown box).
pub fn has_glyph(c: char) -> bool {
    c.is_ascii_alphanumeric() || punctuation(c).is_some()
}

fn index_from(c: char, first: char) -> usize {
    (u32::from(c) - u32::from(first)) as usize
}

#[rustfmt::skip]
fn punctuation(c: char) -> Option<Glyph> {
    let rows = match c {
        ' ' => BLANK,
        '.' => [0b00000, 0b00000, 0b00000, 0b00000, 0b00000, 0b01100, 0b01100],
        ',' => [0b00000, 0b00000, 0b00000, 0b00000, 0b01100, 0b00100, 0b01000],
        '-' => [0b00000, 0b00000, 0b00000, 0b11111, 0b00000, 0b00000, 0b00000],
        '+' => [0b00000, 0b00100, 0b00100, 0b11111, 0b00100, 0b00100, 0b00000],
        ':' => [0b00000, 0b01100, 0b01100, 0b00000, 0b01100, 0b01100, 0b00000],
        '/' => [0b00000, 0b00001, 0b00010, 0b00100, 0b01000, 0b10000, 0b00000],
        '(' => [0b00010, 0b00100, 0b01000, 0b01000, 0b01000, 0b00100, 0b00010],
        ')' => [0b01000, 0b00100, 0b00010, 0b00010, 0b00010, 0b00100, 0b01000],
        '[' => [0b01110, 0b01000, 0b01000, 0b01000, 0b01000, 0b01000, 0b01110],
        ']' => [0b01110, 0b00010, 0b00010, 0b00010, 0b00010, 0b00010, 0b01110],
        '%' => [0b11000, 0b11001, 0b00010, 0b00100, 0b01000, 0b10011, 0b00011],
        '=' => [0b00000, 0b00000, 0b11111, 0b00000, 0b11111, 0b00000, 0b00000],
        '_' => [0b00000, 0b00000, 0b00000, 0b00000, 0b00000, 0b00000, 0b11111],
        '\'' => [0b00100, 0b00100, 0b01000, 0b00000, 0b00000, 0b00000, 0b00000],
        '*' => [0b00000, 0b00100, 0b10101, 0b01110, 0b10101, 0b00100, 0b00000],
        '!' => [0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00000, 0b00100],
        '?' => [0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b00000, 0b00100],
        '<' => [0b00010, 0b00100, 0b01000, 0b10000, 0b01000, 0b00100, 0b00010],
        '>' => [0b01000, 0b00100, 0b00010, 0b00001, 0b00010, 0b00100, 0b01000],
        '×' => [0b00000, 0b10001, 0b01010, 0b00100, 0b01010, 0b10001, 0b00000],
        'σ' => [0b00000, 0b00000, 0b01111, 0b10010, 0b10001, 0b10001, 0b01110],
        _ => return None,
    };
    Some(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROW_MASK: u8 = (1 << GLYPH_W) - 1;

    fn all_known_chars() -> impl Iterator<Item = char> {
        ('0'..='9').chain('A'..='Z').chain('a'..='z').chain(" .,-+:/()[]%=_'*!?<>×σ".chars())
    }

    #[test]
    fn every_row_fits_in_five_bits() {
        for c in all_known_chars() {
            for row in glyph(c) {
                assert_eq!(row & !ROW_MASK, 0, "glyph {c:?} has a row wider than 5 px");
            }
        }
    }

    #[test]
    fn known_characters_have_their_own_glyphs() {
        for c in all_known_chars() {
            assert!(has_glyph(c), "{c:?} should be known");
            assert_ne!(glyph(c), UNKNOWN, "{c:?} must not render as the unknown box");
        }
    }

    #[test]
    fn printable_glyphs_are_not_blank_and_space_is() {
        for c in all_known_chars().filter(|&c| c != ' ') {
            assert_ne!(glyph(c), BLANK, "{c:?} would be invisible");
        }
        assert_eq!(glyph(' '), BLANK);
    }

    #[test]
    fn digits_and_letters_are_distinct() {
        let glyphs: Vec<(char, Glyph)> = ('0'..='9').chain('A'..='Z').map(|c| (c, glyph(c))).collect();
        for (i, (a, ga)) in glyphs.iter().enumerate() {
            for (b, gb) in &glyphs[i + 1..] {
                // O and 0 are the classic look-alikes; 0 has its slash.
                assert_ne!(ga, gb, "{a:?} and {b:?} look the same");
            }
        }
    }

    #[test]
    fn only_descenders_are_shifted() {
        assert_eq!(baseline_shift('g'), DESCENT);
        assert_eq!(baseline_shift('y'), DESCENT);
        assert_eq!(baseline_shift('a'), 0);
        assert_eq!(baseline_shift('P'), 0);
        for c in ['g', 'p', 'q', 'y'] {
            assert_eq!(glyph(c)[0], 0, "{c:?}: its top row is empty so the shifted body sits at x-height");
        }
    }

    #[test]
    fn lowercase_differs_from_uppercase() {
        assert_ne!(glyph('a'), glyph('A'));
        assert_ne!(glyph('e'), glyph('E'));
    }

    #[test]
    fn unknown_characters_render_as_a_box() {
        assert_eq!(glyph('€'), UNKNOWN);
        assert_eq!(glyph('\u{1F600}'), UNKNOWN);
        assert!(!has_glyph('€'));
    }
}
