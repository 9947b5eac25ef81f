//! The filmstrip: frames of one greedy episode, the cart and pole drawn as gymnasium renders them
//! (pole length `2·l` to scale, the track spanning `±2.4 m`).

use atelier_core::canvas::{Canvas, PALETTE, Rgb, Stroke};

use crate::env::{HALF_LENGTH, X_THRESHOLD};

/// Frames in the strip.
pub const FRAMES: usize = 8;
const FRAME_W: usize = 200;
const FRAME_H: usize = 130;
const MARGIN: usize = 6;
const TITLE_H: usize = 22;
const CART_W: usize = 34;
const CART_H: usize = 16;

/// Evenly spaced frames of `states` (`[x, ẋ, θ, θ̇]` per step, the initial state first), left to
/// right, each labelled with its step; the title says what is shown and how long the episode lasted.
pub fn filmstrip(states: &[[f64; 4]], title: &str) -> Canvas {
    let frames = FRAMES.min(states.len().max(1));
    let width = MARGIN + frames * (FRAME_W + MARGIN);
    let height = TITLE_H + FRAME_H + MARGIN;
    let mut canvas = Canvas::new(width, height, Rgb::WHITE);
    let steps = states.len().saturating_sub(1);
    canvas.text(MARGIN as i32, 6, &format!("{title}: episode of {steps} steps"), Rgb::DARK_GREY, 1);
    for k in 0..frames {
        let index = if frames == 1 { 0 } else { k * (states.len() - 1) / (frames - 1) };
        let left = (MARGIN + k * (FRAME_W + MARGIN)) as i32;
        draw_frame(&mut canvas, left, TITLE_H as i32, states[index], index);
    }
    canvas
}

/// One frame: track, cart, pole, and the step number.
fn draw_frame(canvas: &mut Canvas, left: i32, top: i32, state: [f64; 4], step: usize) {
    let [x, _, theta, _] = state;
    canvas.stroke_rect(left, top, FRAME_W, FRAME_H, 1, Rgb::LIGHT_GREY);
    canvas.text(left + 4, top + 4, &format!("t = {step}"), Rgb::DARK_GREY, 1);
    // Metres to pixels: the track ±2.4 m fills the frame width less a cart width.
    let scale = (FRAME_W - CART_W) as f64 / (2.0 * X_THRESHOLD);
    let track_y = top + FRAME_H as i32 - 24;
    canvas.line(left + 2, track_y, left + FRAME_W as i32 - 3, track_y, Rgb::GREY, Stroke::Thin);
    let cart_x = left + (FRAME_W as f64 / 2.0 + x * scale).round() as i32;
    let cart_top = track_y - CART_H as i32 / 2;
    canvas.fill_rect(cart_x - CART_W as i32 / 2, cart_top, CART_W, CART_H, Rgb::DARK_GREY);
    let pole = 2.0 * HALF_LENGTH * scale;
    let (tip_x, tip_y) = (cart_x as f64 + pole * theta.sin(), cart_top as f64 - pole * theta.cos());
    canvas.line(cart_x, cart_top, tip_x.round() as i32, tip_y.round() as i32, PALETTE[1], Stroke::Thick);
    canvas.dot(cart_x, cart_top, 2, PALETTE[0]);
}
