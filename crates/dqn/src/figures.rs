//! The filmstrip: frames of one greedy episode, the cart and pole drawn as gymnasium renders them
//! (pole length `2·l` to scale, the track spanning `±2.4 m`), each frame captioned with its step,
//! the cart position `x` and the pole angle `θ`.

use atelier_core::canvas::{PALETTE, Rgb};
use atelier_core::picture::{Picture, drawing_error};
use atelier_core::text::{TextSize, font};
use plotters::backend::DrawingBackend;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{Circle, PathElement, Rectangle, Text};
use plotters::style::{Color, ShapeStyle};

use crate::env::{HALF_LENGTH, X_THRESHOLD};

/// Frames in the strip.
pub const FRAMES: usize = 8;
const FRAME_W: i32 = 200;
const FRAME_H: i32 = 150;
const MARGIN: i32 = 6;
const TITLE_H: i32 = 34;
const CART_W: i32 = 34;
const CART_H: i32 = 16;
const POLE_WIDTH: u32 = 5;
/// Height of the two caption lines at the top of a frame.
const CAPTION_H: i32 = 36;

/// Evenly spaced frames of an episode's states (`[x, ẋ, θ, θ̇]` per step, the initial state
/// first), left to right; the title says what is shown and how long the episode lasted.
#[derive(Debug, Clone, PartialEq)]
pub struct Filmstrip {
    pub states: Vec<[f64; 4]>,
    pub title: String,
}

/// The filmstrip of `states` under `title`.
pub fn filmstrip(states: &[[f64; 4]], title: &str) -> Filmstrip {
    Filmstrip { states: states.to_vec(), title: title.to_string() }
}

impl Filmstrip {
    fn frames(&self) -> usize {
        FRAMES.min(self.states.len().max(1))
    }

    /// The step shown in frame `k`.
    fn step_of_frame(&self, k: usize) -> usize {
        let frames = self.frames();
        if frames == 1 { 0 } else { k * (self.states.len() - 1) / (frames - 1) }
    }
}

impl Picture for Filmstrip {
    fn size(&self) -> (usize, usize) {
        let frames = self.frames() as i32;
        ((MARGIN + frames * (FRAME_W + MARGIN)) as usize, (TITLE_H + FRAME_H + MARGIN) as usize)
    }

    fn paint<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let steps = self.states.len().saturating_sub(1);
        let title_size = TextSize::Label.pixels();
        let title = font(title_size)?.color(&Rgb::DARK_GREY.plotters());
        let heading = format!("{}: an episode of {steps} steps", self.title);
        root.draw(&Text::new(heading, (MARGIN + 2, 8), &title)).map_err(drawing_error)?;
        for k in 0..self.frames() {
            let step = self.step_of_frame(k);
            let left = MARGIN + k as i32 * (FRAME_W + MARGIN);
            let state = self.states.get(step).copied().unwrap_or_default();
            draw_frame(root, left, TITLE_H, state, step)?;
        }
        Ok(())
    }
}

/// One frame: its caption, the track, the cart and the pole.
fn draw_frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    left: i32,
    top: i32,
    state: [f64; 4],
    step: usize,
) -> Result<(), String> {
    let [x, _, theta, _] = state;
    let frame = Rectangle::new([(left, top), (left + FRAME_W, top + FRAME_H)], Rgb::LIGHT_GREY.plotters());
    root.draw(&frame).map_err(drawing_error)?;
    let small = TextSize::Small.pixels();
    let ink = Rgb::DARK_GREY.plotters();
    let caption = font(small)?.color(&ink);
    let lines = [format!("t = {step}"), format!("x = {x:+.2} m,  θ = {:+.1}°", theta.to_degrees())];
    for (i, line) in lines.into_iter().enumerate() {
        let at = (left + 6, top + 4 + i as i32 * 17);
        root.draw(&Text::new(line, at, &caption)).map_err(drawing_error)?;
    }
    // Metres to pixels: the track ±2.4 m fills the frame width less a cart width.
    let scale = f64::from(FRAME_W - CART_W) / (2.0 * X_THRESHOLD);
    let track_y = top + FRAME_H - 22;
    let track = PathElement::new(vec![(left + 2, track_y), (left + FRAME_W - 3, track_y)], Rgb::GREY.plotters());
    root.draw(&track).map_err(drawing_error)?;
    let cart_x = left + (f64::from(FRAME_W) / 2.0 + x * scale).round() as i32;
    let cart_top = track_y - CART_H / 2;
    let cart =
        Rectangle::new([(cart_x - CART_W / 2, cart_top), (cart_x + CART_W / 2, cart_top + CART_H)], ink.filled());
    root.draw(&cart).map_err(drawing_error)?;
    // The pole, to scale, leaning by θ; it may reach into the caption band at large angles.
    let pole = (2.0 * HALF_LENGTH * scale).min(f64::from(FRAME_H - CAPTION_H - CART_H));
    let tip = (cart_x + (pole * theta.sin()).round() as i32, cart_top - (pole * theta.cos()).round() as i32);
    let pole_style = ShapeStyle::from(&PALETTE[1].plotters()).stroke_width(POLE_WIDTH);
    root.draw(&PathElement::new(vec![(cart_x, cart_top), tip], pole_style)).map_err(drawing_error)?;
    root.draw(&Circle::new((cart_x, cart_top), 3, PALETTE[0].plotters().filled())).map_err(drawing_error)
}
