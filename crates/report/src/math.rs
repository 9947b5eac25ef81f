//! The lectures' objectives as MathML (rendered by the browser itself: no script, no network).
//!
//! A handful of builders keep each equation readable as the formula it writes.

fn mi(name: &str) -> String {
    format!("<mi>{name}</mi>")
}

fn mn(number: &str) -> String {
    format!("<mn>{number}</mn>")
}

fn mo(operator: &str) -> String {
    format!("<mo>{operator}</mo>")
}

/// Several items in one row.
fn row(items: &[String]) -> String {
    format!("<mrow>{}</mrow>", items.concat())
}

fn sub(base: &str, index: &str) -> String {
    format!("<msub>{base}{index}</msub>")
}

fn sup(base: &str, power: &str) -> String {
    format!("<msup>{base}{power}</msup>")
}

fn frac(top: &str, bottom: &str) -> String {
    format!("<mfrac>{top}{bottom}</mfrac>")
}

fn hat(base: &str) -> String {
    format!("<mover accent=\"true\">{base}<mo>^</mo></mover>")
}

/// `op` with `below` under it (∑ over i, max over D, E over x ~ p).
fn under(op: &str, below: &str) -> String {
    format!("<munder>{op}<mrow>{below}</mrow></munder>")
}

/// ∑ from `from` to `to`.
fn sum(from: &str, to: &str) -> String {
    format!("<munderover><mo movablelimits=\"false\">∑</mo>{from}{to}</munderover>")
}

/// `( inner )`.
fn paren(inner: &str) -> String {
    row(&[mo("("), inner.to_string(), mo(")")])
}

/// `[ inner ]`.
fn bracket(inner: &str) -> String {
    row(&[mo("["), inner.to_string(), mo("]")])
}

fn block(items: &[String]) -> String {
    format!("<math display=\"block\">{}</math>", items.concat())
}

fn gap() -> String {
    "<mspace width=\"1.2em\"/>".to_string()
}

/// `L(θ) = −(1/N) ∑ᵢ ∑_c y_ic log ŷ_ic`.
pub fn cross_entropy() -> String {
    let ic = row(&[mi("i"), mi("c")]);
    block(&[
        mi("L"),
        paren(&mi("θ")),
        mo("="),
        mo("−"),
        frac(&mn("1"), &mi("N")),
        sum(&row(&[mi("i"), mo("="), mn("1")]), &mi("N")),
        sum(&row(&[mi("c"), mo("="), mn("1")]), &mi("C")),
        sub(&mi("y"), &ic),
        mi("log"),
        sub(&hat(&mi("y")), &ic),
    ])
}

/// `min_{θ,φ} (1/N) ∑ᵢ ‖xᵢ − g_φ(f_θ(xᵢ))‖²`.
pub fn autoencoder() -> String {
    let x_i = sub(&mi("x"), &mi("i"));
    let code = row(&[sub(&mi("f"), &mi("θ")), paren(&x_i)]);
    let recon = row(&[sub(&mi("g"), &mi("φ")), paren(&code)]);
    let norm = row(&[mo("‖"), x_i.clone(), mo("−"), recon, mo("‖")]);
    block(&[
        under(&mi("min"), &row(&[mi("θ"), mo(","), mi("φ")])),
        frac(&mn("1"), &mi("N")),
        sum(&row(&[mi("i"), mo("="), mn("1")]), &mi("N")),
        sup(&norm, &mn("2")),
    ])
}

/// `log p_θ(x) ≥ E_{q_φ(z|x)}[log p_θ(x|z)] − D_KL(q_φ(z|x) ‖ N(0, I))`.
pub fn elbo() -> String {
    let q = row(&[sub(&mi("q"), &mi("φ")), paren(&row(&[mi("z"), mo("|"), mi("x")]))]);
    let p_x_given_z = row(&[sub(&mi("p"), &mi("θ")), paren(&row(&[mi("x"), mo("|"), mi("z")]))]);
    let prior = row(&[mi("𝒩"), paren(&row(&[mn("0"), mo(","), mi("I")]))]);
    block(&[
        mi("log"),
        sub(&mi("p"), &mi("θ")),
        paren(&mi("x")),
        mo("≥"),
        sub(&mi("𝔼"), &q),
        bracket(&row(&[mi("log"), p_x_given_z])),
        mo("−"),
        sub(&mi("D"), &mi("KL")),
        paren(&row(&[q.clone(), mo("‖"), prior])),
    ])
}

/// `min_G max_D E_x[log D(x)] + E_z[log(1 − D(G(z)))]`.
pub fn gan() -> String {
    let data = row(&[mi("x"), mo("∼"), sub(&mi("p"), &mi("data"))]);
    let noise = row(&[mi("z"), mo("∼"), mi("𝒩"), paren(&row(&[mn("0"), mo(","), mi("I")]))]);
    let d_of_g = row(&[mi("D"), paren(&row(&[mi("G"), paren(&mi("z"))]))]);
    block(&[
        under(&mi("min"), &mi("G")),
        under(&mi("max"), &mi("D")),
        sub(&mi("𝔼"), &data),
        bracket(&row(&[mi("log"), mi("D"), paren(&mi("x"))])),
        mo("+"),
        sub(&mi("𝔼"), &noise),
        bracket(&row(&[mi("log"), paren(&row(&[mn("1"), mo("−"), d_of_g]))])),
    ])
}

/// The LSTM cell: gates from one product, then `c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t`, `h_t = o_t ⊙ tanh(c_t)`.
pub fn lstm() -> String {
    let t = |name: &str| sub(&mi(name), &mi("t"));
    let t_minus_1 = |name: &str| sub(&mi(name), &row(&[mi("t"), mo("−"), mn("1")]));
    let gates = row(&[t("i"), mo(","), t("f"), mo(","), t("o"), mo(","), t("g")]);
    let activations = row(&[mi("σ"), mo(","), mi("σ"), mo(","), mi("σ"), mo(","), mi("tanh")]);
    let pre = row(&[mi("W"), t("x"), mo("+"), mi("U"), t_minus_1("h"), mo("+"), mi("b")]);
    block(&[
        bracket(&gates),
        mo("="),
        bracket(&activations),
        paren(&pre),
        mo(","),
        gap(),
        t("c"),
        mo("="),
        t("f"),
        mo("⊙"),
        t_minus_1("c"),
        mo("+"),
        t("i"),
        mo("⊙"),
        t("g"),
        mo(","),
        gap(),
        t("h"),
        mo("="),
        t("o"),
        mo("⊙"),
        mi("tanh"),
        paren(&t("c")),
    ])
}

/// `L(θ) = E_{(s,a,r,s′)∼D}[ℓ(r + γ max_{a′} Q_{θ⁻}(s′, a′) − Q_θ(s, a))]`.
pub fn dqn() -> String {
    let transition =
        row(&[paren(&row(&[mi("s"), mo(","), mi("a"), mo(","), mi("r"), mo(","), mi("s′")])), mo("∼"), mi("𝒟")]);
    let target_q = row(&[sub(&mi("Q"), &sup(&mi("θ"), &mo("−"))), paren(&row(&[mi("s′"), mo(","), mi("a′")]))]);
    let q = row(&[sub(&mi("Q"), &mi("θ")), paren(&row(&[mi("s"), mo(","), mi("a")]))]);
    let td = row(&[mi("r"), mo("+"), mi("γ"), under(&mi("max"), &mi("a′")), target_q, mo("−"), q]);
    block(&[mi("L"), paren(&mi("θ")), mo("="), sub(&mi("𝔼"), &transition), bracket(&row(&[mi("ℓ"), paren(&td)]))])
}

/// `L = −1/P Σ_p log softmax(z_p)_{y_p}`, the pixel-wise log loss.
pub fn segmentation() -> String {
    let softmax = row(&[mi("softmax"), paren(&sub(&mi("z"), &mi("p")))]);
    block(&[
        mi("L"),
        mo("="),
        mo("−"),
        frac(&mn("1"), &mi("P")),
        under(&mo("∑"), &mi("p")),
        mi("log"),
        sub(&softmax, &sub(&mi("y"), &mi("p"))),
    ])
}

/// `L = Σ_{(a,p,n) ∈ T} max(0, ‖f(xᵃ) − f(xᵖ)‖² − ‖f(xᵃ) − f(xⁿ)‖² + α)`, FaceNet's triplet loss.
pub fn facenet() -> String {
    let f = |who: &str| row(&[mi("f"), paren(&sup(&mi("x"), &mi(who)))]);
    let distance = |other: &str| sup(&row(&[mo("‖"), f("a"), mo("−"), f(other), mo("‖")]), &mn("2"));
    let triplet = row(&[mi("a"), mo(","), mi("p"), mo(","), mi("n")]);
    block(&[
        mi("L"),
        mo("="),
        under(&mo("∑"), &row(&[paren(&triplet), mo("∈"), mi("T")])),
        mi("max"),
        paren(&row(&[mn("0"), mo(","), distance("p"), mo("−"), distance("n"), mo("+"), mi("α")])),
    ])
}

/// `G* = arg min_G max_D L_cGAN(G, D) + λ L_L1(G)`, with
/// `L_cGAN = E_{x,y}[log D(x, y)] + E_x[log(1 − D(x, G(x)))]` and `L_L1 = E_{x,y}‖y − G(x)‖₁`.
pub fn pix2pix() -> String {
    let g_of_x = row(&[mi("G"), paren(&mi("x"))]);
    let pair = |second: String| paren(&row(&[mi("x"), mo(","), second]));
    let l = |name: &str| sub(&mi("ℒ"), &mi(name));
    block(&[
        sup(&mi("G"), &mo("*")),
        mo("="),
        under(&row(&[mi("arg"), mi("min")]), &mi("G")),
        under(&mi("max"), &mi("D")),
        l("cGAN"),
        paren(&row(&[mi("G"), mo(","), mi("D")])),
        mo("+"),
        mi("λ"),
        l("L1"),
        paren(&mi("G")),
        mo(","),
        gap(),
        l("cGAN"),
        mo("="),
        sub(&mi("𝔼"), &row(&[mi("x"), mo(","), mi("y")])),
        bracket(&row(&[mi("log"), mi("D"), pair(mi("y"))])),
        mo("+"),
        sub(&mi("𝔼"), &mi("x")),
        bracket(&row(&[mi("log"), paren(&row(&[mn("1"), mo("−"), mi("D"), pair(g_of_x.clone())]))])),
        mo(","),
        gap(),
        l("L1"),
        mo("="),
        sub(&mi("𝔼"), &row(&[mi("x"), mo(","), mi("y")])),
        sub(&row(&[mo("‖"), mi("y"), mo("−"), g_of_x, mo("‖")]), &mn("1")),
    ])
}

/// `L = L_GAN(G, D_Y) + L_GAN(F, D_X) + λ_cyc(‖F(G(x)) − x‖₁ + ‖G(F(y)) − y‖₁) + λ_id(‖G(y) − y‖₁ + ‖F(x) − x‖₁)`
/// (the least-squares `L_GAN` is spelled out in the lecture's note: both lines would not fit the page).
pub fn cyclegan() -> String {
    let (g, f) = (|arg: String| row(&[mi("G"), paren(&arg)]), |arg: String| row(&[mi("F"), paren(&arg)]));
    let gan = |generator: &str, domain: &str| {
        let players = row(&[mi(generator), mo(","), sub(&mi("D"), &mi(domain))]);
        row(&[sub(&mi("ℒ"), &mi("GAN")), paren(&players)])
    };
    let l1 = |inner: String, target: &str| sub(&row(&[mo("‖"), inner, mo("−"), mi(target), mo("‖")]), &mn("1"));
    let lambda = |name: &str| sub(&mi("λ"), &mi(name));
    block(&[
        mi("ℒ"),
        mo("="),
        gan("G", "Y"),
        mo("+"),
        gan("F", "X"),
        mo("+"),
        lambda("cyc"),
        paren(&row(&[l1(f(g(mi("x"))), "x"), mo("+"), l1(g(f(mi("y"))), "y")])),
        mo("+"),
        lambda("id"),
        paren(&row(&[l1(g(mi("y")), "y"), mo("+"), l1(f(mi("x")), "x")])),
    ])
}
