"""PyTorch versions of Atelier's reference models, timed the way `cargo xtask bench` times ours.

`cargo xtask bench all --reference pytorch` runs this script beside each of our benches, in the same
sitting, and prints the ratio. Each model here is written from the Rust model crate it mirrors
(same layers, sizes, activations, losses and optimiser), so one training step costs the same
arithmetic in both.

Usage: python pytorch_reference.py MODEL [--steps N] [--warmup N] [--batch B] [--threads T]
MODEL: classifier | autoencoder | vae | dcgan | lstm | dqn | pix2pix | cyclegan | segmentation | facenet | ops | gatys-loss | vgg-import | efficientnet-check
`efficientnet-check --weights FILE` classifies the embedded chelsea and coffee (assets/textures-mini, 128×128,
bilinear to 224×224) with EfficientNet-Lite0's ImageNet weights (`cargo xtask data fetch efficientnet`):
the golden data of crates/style/tests/efficientnet_import.rs
`vgg-import --out DIR` writes a small VGG-19-shaped network with random weights in torchvision's layout
(vgg19-small.pth and .safetensors) and its layer outputs (vgg19-small-outputs.json): the golden data of
crates/style/tests/vgg_import.rs
`gatys-loss --inputs DIR --steps N` prints the texture objective of N Adam steps on the pixels from the
inputs a Rust example wrote (the golden curve of crates/style/tests/pytorch_reference.rs)
`ops` times the primitives of `cargo xtask bench ops` (same names and shapes), one JSON line per op:
{"op", "backend": "pytorch", "forward_ms", "forward_backward_ms"}. Any other MODEL prints one JSON line: {"model", "backend": "pytorch", "device", "threads", "batch_size", "steps",
"images_per_s" (or "updates_per_s" for dqn), "peak_memory_mb"}.

Install (CPU only is enough): python3 -m venv .venv && .venv/bin/pip install torch (and pillow for efficientnet-check)
"""
import argparse
import json
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Autoencoder(nn.Module):
    """crates/autoencoder: conv 1→32→64 (4×4, stride 2), linear to k, and back; sigmoid output."""

    def __init__(self, latent=32, encoder_out=None):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 4, 2, 1)
        self.conv2 = nn.Conv2d(32, 64, 4, 2, 1)
        self.code = nn.Linear(64 * 7 * 7, encoder_out or latent)
        self.fc = nn.Linear(latent, 64 * 7 * 7)
        self.deconv1 = nn.ConvTranspose2d(64, 32, 4, 2, 1)
        self.deconv2 = nn.ConvTranspose2d(32, 1, 4, 2, 1)

    def encode(self, x):
        x = F.relu(self.conv2(F.relu(self.conv1(x))))  # [n, 64, 7, 7]
        return self.code(x.flatten(1))

    def decode_logits(self, z):
        x = F.relu(self.fc(z)).view(-1, 64, 7, 7)
        return self.deconv2(F.relu(self.deconv1(x)))  # [n, 1, 28, 28]

    def loss(self, x):
        return F.mse_loss(torch.sigmoid(self.decode_logits(self.encode(x))), x)


class Vae(nn.Module):
    """crates/vae: the autoencoder's encoder with two heads (mean, log-variance), Bernoulli likelihood."""

    def __init__(self, latent=32):
        super().__init__()
        self.body = Autoencoder(latent)
        self.mean = nn.Linear(64 * 7 * 7, latent)
        self.log_var = nn.Linear(64 * 7 * 7, latent)
        del self.body.code

    def loss(self, x):
        b = self.body
        h = F.relu(b.conv2(F.relu(b.conv1(x)))).flatten(1)
        mean, log_var = self.mean(h), self.log_var(h)
        z = mean + torch.randn_like(mean) * torch.exp(0.5 * log_var)
        target = (torch.rand_like(x) < x).float()  # dynamic binarisation
        recon = F.binary_cross_entropy_with_logits(b.decode_logits(z), target, reduction="sum") / x.shape[0]
        kl = -0.5 * torch.sum(1 + log_var - mean.pow(2) - log_var.exp()) / x.shape[0]
        return recon + kl


class Cnn(nn.Module):
    """crates/classifier, architecture cnn: two [3×3 conv, ReLU, 2×2 max-pool], dense 3136→128→10."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.hidden = nn.Linear(64 * 7 * 7, 128)
        self.out = nn.Linear(128, 10)

    def loss(self, x, y):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return F.cross_entropy(self.out(F.relu(self.hidden(x.flatten(1)))), y)


class Generator(nn.Module):
    """crates/dcgan: z (100) → linear 6272 + BN + ReLU → [128, 7, 7] → deconv 64 + BN + ReLU → deconv 1, tanh."""

    def __init__(self, latent=100):
        super().__init__()
        self.project = nn.Linear(latent, 128 * 7 * 7)
        self.project_norm = nn.BatchNorm1d(128 * 7 * 7)
        self.up1 = nn.ConvTranspose2d(128, 64, 4, 2, 1)
        self.up1_norm = nn.BatchNorm2d(64)
        self.up2 = nn.ConvTranspose2d(64, 1, 4, 2, 1)

    def forward(self, z):
        x = F.relu(self.project_norm(self.project(z))).view(-1, 128, 7, 7)
        return torch.tanh(self.up2(F.relu(self.up1_norm(self.up1(x)))))


class Discriminator(nn.Module):
    """crates/dcgan: conv 64 (4×4 s2), LeakyReLU 0.2, conv 128 + BN, LeakyReLU, linear 6272 → 1 logit."""

    def __init__(self):
        super().__init__()
        self.down1 = nn.Conv2d(1, 64, 4, 2, 1)
        self.down2 = nn.Conv2d(64, 128, 4, 2, 1)
        self.down2_norm = nn.BatchNorm2d(128)
        self.classify = nn.Linear(128 * 7 * 7, 1)

    def forward(self, x):
        x = F.leaky_relu(self.down1(x), 0.2)
        x = F.leaky_relu(self.down2_norm(self.down2(x)), 0.2)
        return self.classify(x.flatten(1))


class RowsLstm(nn.Module):
    """crates/lstm, task rows: 28 steps of 28 pixels, LSTM 128, linear head on h_28."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, 128, batch_first=True)
        self.head = nn.Linear(128, 10)

    def loss(self, x, y):
        _, (h, _) = self.lstm(x.view(-1, 28, 28))
        return F.cross_entropy(self.head(h[-1]), y)


class QNetwork(nn.Module):
    """crates/dqn: 4 → 120 → 84 → 2, ReLU."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 2))

    def forward(self, s):
        return self.net(s)


def image_step(model, batch, labelled):
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(batch, 1, 28, 28)
    y = torch.randint(0, 10, (batch,))

    def step():
        optimiser.zero_grad(set_to_none=True)
        loss = model.loss(x, y) if labelled else model.loss(x)
        loss.backward()
        optimiser.step()

    return step


def dcgan_step(batch):
    g, d = Generator(), Discriminator()
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real = torch.rand(batch, 1, 28, 28) * 2 - 1
    ones, zeros = torch.ones(batch, 1), torch.zeros(batch, 1)

    def step():
        # One discriminator step, then one generator step (non-saturating), as Algorithm 1 with k = 1.
        fake = g(torch.randn(batch, 100))
        opt_d.zero_grad(set_to_none=True)
        d_loss = F.binary_cross_entropy_with_logits(d(real), ones) + F.binary_cross_entropy_with_logits(
            d(fake.detach()), zeros)
        d_loss.backward()
        opt_d.step()
        opt_g.zero_grad(set_to_none=True)
        g_loss = F.binary_cross_entropy_with_logits(d(fake), ones)
        g_loss.backward()
        opt_g.step()

    return step


def down(c_in, c_out, norm=True, act=True):
    layers = [nn.LeakyReLU(0.2)] if act else []
    layers.append(nn.Conv2d(c_in, c_out, 4, 2, 1, bias=not norm))
    if norm:
        layers.append(nn.BatchNorm2d(c_out))
    return nn.Sequential(*layers)


def up(c_in, c_out, dropout, last=False):
    layers = [nn.ReLU(), nn.ConvTranspose2d(c_in, c_out, 4, 2, 1, bias=last)]
    if not last:
        layers.append(nn.BatchNorm2d(c_out))
    if dropout:
        layers.append(nn.Dropout(0.5))
    return nn.Sequential(*layers)


class UNet(nn.Module):
    """pix2pix's U-Net at 64x64 as crates/pix2pix builds it: 6 downs to 1x1, 6 ups, skips, tanh."""

    def __init__(self, ngf=32, c=3):
        super().__init__()
        w = [ngf, 2 * ngf, 4 * ngf, 8 * ngf, 8 * ngf, 8 * ngf]
        self.downs = nn.ModuleList([down(c, w[0], norm=False, act=False)] +
                                   [down(w[i - 1], w[i], norm=i < 5) for i in range(1, 6)])
        self.ups = nn.ModuleList([up(w[5], w[4], True)] +
                                 [up(2 * w[5 - j], w[4 - j], j < 3) for j in range(1, 5)] +
                                 [up(2 * w[0], c, False, last=True)])

    def forward(self, x):
        skips = []
        for d in self.downs:
            x = d(x)
            skips.append(x)
        skips.pop()
        for u in self.ups[:-1]:
            x = torch.cat([u(x), skips.pop()], 1)
        return torch.tanh(self.ups[-1](x))


class PatchGan(nn.Module):
    def __init__(self, ndf=32, c=6):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(c, ndf, 4, 2, 1), nn.LeakyReLU(0.2),
                                 nn.Conv2d(ndf, 2 * ndf, 4, 2, 1), nn.BatchNorm2d(2 * ndf), nn.LeakyReLU(0.2),
                                 nn.Conv2d(2 * ndf, 4 * ndf, 4, 1, 1), nn.BatchNorm2d(4 * ndf), nn.LeakyReLU(0.2),
                                 nn.Conv2d(4 * ndf, 1, 4, 1, 1))

    def forward(self, x, y):
        return self.net(torch.cat([x, y], 1))


def pix2pix_step(batch):
    g, d = UNet(), PatchGan()
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    x, y = torch.rand(batch, 3, 64, 64) * 2 - 1, torch.rand(batch, 3, 64, 64) * 2 - 1

    def step():
        # One D step on (x, y) and (x, G(x)) detached, then one G step on BCE + 100·L1.
        fake = g(x)
        real_logits, fake_logits = d(x, y), d(x, fake.detach())
        d_loss = 0.5 * (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits)) +
                        F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
        opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        opt_d.step()
        logits = d(x, fake)
        g_loss = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits)) + 100 * F.l1_loss(fake, y)
        opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        opt_g.step()

    return step


class ResidualBlock(nn.Module):
    """x + IN(Conv3(Pad(ReLU(IN(Conv3(Pad(x))))))) as crates/cyclegan builds it."""

    def __init__(self, c):
        super().__init__()
        self.body = nn.Sequential(nn.ReflectionPad2d(1), nn.Conv2d(c, c, 3), nn.InstanceNorm2d(c), nn.ReLU(),
                                  nn.ReflectionPad2d(1), nn.Conv2d(c, c, 3), nn.InstanceNorm2d(c))

    def forward(self, x):
        return x + self.body(x)


class ResnetGenerator(nn.Module):
    """CycleGAN's generator as crates/cyclegan builds it: c7s1-ngf, d2ngf, d4ngf, blocks x R4ngf, u2ngf, ungf, c7s1-c, tanh."""

    def __init__(self, c=3, ngf=32, blocks=6):
        super().__init__()
        def cnr(c_in, c_out, k, s, p):
            return [nn.Conv2d(c_in, c_out, k, s, p), nn.InstanceNorm2d(c_out), nn.ReLU()]
        def unr(c_in, c_out):
            return [nn.ConvTranspose2d(c_in, c_out, 3, 2, 1, output_padding=1), nn.InstanceNorm2d(c_out), nn.ReLU()]
        self.net = nn.Sequential(nn.ReflectionPad2d(3), *cnr(c, ngf, 7, 1, 0), *cnr(ngf, 2 * ngf, 3, 2, 1),
                                 *cnr(2 * ngf, 4 * ngf, 3, 2, 1), *[ResidualBlock(4 * ngf) for _ in range(blocks)],
                                 *unr(4 * ngf, 2 * ngf), *unr(2 * ngf, ngf), nn.ReflectionPad2d(3),
                                 nn.Conv2d(ngf, c, 7), nn.Tanh())

    def forward(self, x):
        return self.net(x)


def instance_patch_gan(c=3, ndf=32):
    return nn.Sequential(nn.Conv2d(c, ndf, 4, 2, 1), nn.LeakyReLU(0.2),
                         nn.Conv2d(ndf, 2 * ndf, 4, 2, 1), nn.InstanceNorm2d(2 * ndf), nn.LeakyReLU(0.2),
                         nn.Conv2d(2 * ndf, 4 * ndf, 4, 1, 1), nn.InstanceNorm2d(4 * ndf), nn.LeakyReLU(0.2),
                         nn.Conv2d(4 * ndf, 1, 4, 1, 1))


def cyclegan_step(batch):
    g, f = ResnetGenerator(), ResnetGenerator()
    dx, dy = instance_patch_gan(), instance_patch_gan()
    opt_g = torch.optim.Adam(list(g.parameters()) + list(f.parameters()), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(list(dx.parameters()) + list(dy.parameters()), lr=2e-4, betas=(0.5, 0.999))
    x, y = torch.rand(batch, 3, 64, 64) * 2 - 1, torch.rand(batch, 3, 64, 64) * 2 - 1

    def step():
        # Both generators (LSGAN through frozen D's + 10·cycle + 5·identity), then both D's (no
        # history buffer here: it only selects which images D sees).
        fake_y, fake_x = g(x), f(y)
        for p in list(dx.parameters()) + list(dy.parameters()):
            p.requires_grad_(False)
        loss_g = ((dy(fake_y) - 1) ** 2).mean() + ((dx(fake_x) - 1) ** 2).mean() \
            + 10 * ((f(fake_y) - x).abs().mean() + (g(fake_x) - y).abs().mean()) \
            + 5 * ((f(x) - x).abs().mean() + (g(y) - y).abs().mean())
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        for p in list(dx.parameters()) + list(dy.parameters()):
            p.requires_grad_(True)
        loss_d = 0.5 * (((dy(y) - 1) ** 2).mean() + (dy(fake_y.detach()) ** 2).mean()) \
            + 0.5 * (((dx(x) - 1) ** 2).mean() + (dx(fake_x.detach()) ** 2).mean())
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()

    return step


def conv_bn_relu(c_in, c_out):
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.ReLU())


def double_conv(c_in, c_out):
    return nn.Sequential(conv_bn_relu(c_in, c_out), conv_bn_relu(c_out, c_out))


class SegmentationUNet(nn.Module):
    """crates/segmentation at its defaults: 3 levels of double 3×3 conv–BN–ReLU and 2×2 max-pooling
    (32-64-128 channels), a 256-channel bottleneck, k2 s2 transposed convolutions back up, each
    followed by a double conv on the concatenated skip, a 1×1 head to 11 classes."""

    def __init__(self, c_in=1, classes=11, base=32, depth=3):
        super().__init__()
        widths = [base << level for level in range(depth + 1)]
        self.encoder = nn.ModuleList(double_conv(c_in if l == 0 else widths[l - 1], widths[l]) for l in range(depth))
        self.bottleneck = double_conv(widths[depth - 1], widths[depth])
        self.ups = nn.ModuleList(nn.ConvTranspose2d(widths[l + 1], widths[l], 2, 2) for l in reversed(range(depth)))
        self.decoder = nn.ModuleList(double_conv(2 * widths[l], widths[l]) for l in reversed(range(depth)))
        self.head = nn.Conv2d(base, classes, 1)

    def forward(self, x):
        skips = []
        for block in self.encoder:
            x = block(x)
            skips.append(x)
            x = F.max_pool2d(x, 2)
        x = self.bottleneck(x)
        for up, block, skip in zip(self.ups, self.decoder, reversed(skips)):
            x = block(torch.cat([up(x), skip], 1))
        return self.head(x)


def segmentation_step(batch):
    model = SegmentationUNet()
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = torch.rand(batch, 1, 64, 64), torch.randint(0, 11, (batch, 64, 64))

    def step():
        loss = F.cross_entropy(model(x), y)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()

    return step


class EmbeddingNet(nn.Module):
    """crates/facenet at its emoji defaults: four 3×3 conv–BN–ReLU blocks (32-64-128-256) with 2×2
    max-pooling between them, global average pooling, a linear map to 64, L2 normalisation."""

    def __init__(self, c_in=3, dim=64, base=32):
        super().__init__()
        widths = [base << level for level in range(4)]
        self.blocks = nn.ModuleList(conv_bn_relu(c_in if l == 0 else widths[l - 1], widths[l]) for l in range(4))
        self.head = nn.Linear(widths[-1], dim)

    def forward(self, x):
        for level, block in enumerate(self.blocks):
            x = block(x)
            if level < 3:
                x = F.max_pool2d(x, 2)
        return F.normalize(self.head(x.mean(dim=(2, 3))), dim=1)


def semi_hard_triplet_loss(e, labels, margin=0.2):
    """The loss of crates/facenet's loss.rs, vectorised the same way: for every positive pair, the
    closest negative farther than the positive, else the farthest negative."""
    n = e.shape[0]
    squares = (e * e).sum(1, keepdim=True)
    d = (squares + squares.t() - 2 * e @ e.t()).clamp_min(0)
    same = labels[:, None] == labels[None, :]
    positive = same & ~torch.eye(n, dtype=torch.bool)
    negative = ~same
    d_ap, d_an = d[:, :, None], d[:, None, :]
    farther = negative[:, None, :] & (d_an > d_ap)
    semi = d_an.masked_fill(~farther, 1e6).amin(2)
    farthest = d_an.expand(n, n, n).masked_fill(~negative[:, None, :].expand(n, n, n), -1e6).amax(2)
    chosen = torch.where(farther.any(2), semi, farthest)
    losses = (d - chosen + margin).clamp_min(0) * positive
    return losses.sum() / positive.sum()


def facenet_step(batch):
    model = EmbeddingNet()
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, labels = torch.rand(batch, 3, 64, 64), torch.arange(batch) // 4

    def step():
        loss = semi_hard_triplet_loss(model(x), labels)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()

    return step


def dqn_step(batch):
    q, target = QNetwork(), QNetwork()
    target.load_state_dict(q.state_dict())
    optimiser = torch.optim.Adam(q.parameters(), lr=1e-3)
    s, s2 = torch.randn(batch, 4), torch.randn(batch, 4)
    a = torch.randint(0, 2, (batch, 1))
    r, done = torch.ones(batch), torch.zeros(batch)

    def step():
        with torch.no_grad():
            y = r + 0.99 * (1 - done) * target(s2).max(1).values
        taken = q(s).gather(1, a).squeeze(1)
        loss = F.smooth_l1_loss(taken, y)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(q.parameters(), 10.0)
        optimiser.step()

    return step


def op_calls(batch):
    """The ops of `bench ops`: name → (forward call, forward+backward call), inputs built once."""
    n = batch

    def module_op(module, shape):
        x = torch.randn(*shape)
        xg = x.clone().requires_grad_(True)

        def forward():
            with torch.no_grad():
                return module(x).sum().item()

        def forward_backward():
            xg.grad = None
            module.zero_grad(set_to_none=True)
            module(xg).sum().backward()
            return xg.grad.sum().item()

        return forward, forward_backward

    class MatMul(nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(torch.randn(3136, 128) * 0.02)

        def forward(self, a):
            return a @ self.weight

    class LstmStep(nn.Module):
        def __init__(self):
            super().__init__()
            self.cell = nn.LSTMCell(28, 128)
            self.zeros = torch.zeros(n, 128)

        def forward(self, x):
            return self.cell(x, (self.zeros, self.zeros))[0]

    norm = nn.BatchNorm2d(64)
    norm.train()
    calls = {
        "conv4x4s2_1to32_28": module_op(nn.Conv2d(1, 32, 4, 2, 1), (n, 1, 28, 28)),
        "conv4x4s2_32to64_14": module_op(nn.Conv2d(32, 64, 4, 2, 1), (n, 32, 14, 14)),
        "conv3x3_32to64_14": module_op(nn.Conv2d(32, 64, 3, padding=1), (n, 32, 14, 14)),
        "conv3x3_32to32_64_b32": module_op(nn.Conv2d(32, 32, 3, padding=1), (32, 32, 64, 64)),
        "deconv4x4s2_64to32_7": module_op(nn.ConvTranspose2d(64, 32, 4, 2, 1), (n, 64, 7, 7)),
        "deconv4x4s2_128to64_7": module_op(nn.ConvTranspose2d(128, 64, 4, 2, 1), (n, 128, 7, 7)),
        "matmul_3136x128": module_op(MatMul(), (n, 3136)),
        "batchnorm_64_14": module_op(norm, (n, 64, 14, 14)),
        "lstm_step_28to128": module_op(LstmStep(), (n, 28)),
    }
    return calls


def time_calls(call, warmup, steps):
    for _ in range(warmup):
        call()
    start = time.perf_counter()
    for _ in range(steps):
        call()
    return (time.perf_counter() - start) * 1000.0 / steps


def run_ops(args):
    for name, (forward, forward_backward) in op_calls(args.batch).items():
        print(json.dumps({
            "op": name,
            "backend": "pytorch",
            "forward_ms": time_calls(forward, args.warmup, args.steps),
            "forward_backward_ms": time_calls(forward_backward, args.warmup, args.steps),
        }))


def gatys_loss(args):
    """The texture synthesis objective of crates/style (Gatys et al. 2015, its normalisation) on the
    inputs the Rust example `gatys_inputs` wrote: random zero-mean filters (one ReLU layer per size on
    the image centred to [-1, 1]), Gram matrices G = F·Fᵀ/(N·M), E_l = ¼·Σ(G − A)², weights
    w_l = 1/(L·¼·‖A_l‖²), Adam on the pixels (lr from the inputs, β = 0.9/0.999, ε = 1e-8).
    Prints one JSON line: {"losses": [the objective before each of the steps]}."""
    folder = args.inputs
    with open(f"{folder}/inputs.json") as f:
        meta = json.load(f)

    def tensor(name, shape):
        data = torch.frombuffer(bytearray(open(f"{folder}/{name}", "rb").read()), dtype=torch.float32)
        return data.reshape(shape).clone()

    size, channels = meta["size"], meta["channels"]
    style = tensor("style.f32", [1, 3, size, size])
    canvas = tensor("canvas.f32", [1, channels, size, size]).requires_grad_(True)
    filters = [tensor(f"filters-{k}.f32", [meta["filters"], 3, k, k]) for k in meta["sizes"]]

    def features(x):
        centred = x * 2.0 - 1.0
        return [F.relu(F.conv2d(centred, w, padding=w.shape[2] // 2)) for w in filters]

    def gram(f):
        n, c, h, w = f.shape
        flat = f.reshape(n, c, h * w)
        return flat @ flat.transpose(1, 2) / (c * h * w)

    targets = [gram(f).detach() for f in features(style)]
    weights = [1.0 / (len(targets) * 0.25 * float((a * a).sum())) for a in targets]
    optimiser = torch.optim.Adam([canvas], lr=meta["lr"], betas=(0.9, 0.999), eps=1e-8)
    losses = []
    for _ in range(args.steps):
        rgb = canvas.expand(1, 3, size, size) if channels == 1 else canvas
        loss = sum(w * 0.25 * ((gram(f) - a) ** 2).sum() for f, a, w in zip(features(rgb), targets, weights))
        losses.append(float(loss.detach()))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    print(json.dumps({"losses": losses}))


VGG19_LAYOUT = [1, 1, "M", 2, 2, "M", 3, 3, 3, 3, "M", 4, 4, 4, 4, "M", 5, 5, 5, 5, "M"]
"""torchvision's VGG-19 `features` (configuration E): convolutions of stage 1..5 (3×3, padding 1, each
followed by a ReLU) and 2×2 poolings, so conv1_1 is features.0, conv2_1 features.5, conv5_1 features.28."""


def vgg_import(args):
    """A VGG-19-shaped network with narrow stages (widths 4, 8, 8, 16, 16), random weights from seed 0,
    saved in torchvision's key layout (features.N.weight/bias, and a classifier the import ignores);
    its outputs after the ReLUs of conv1_1, conv2_1, conv3_1, conv4_1, conv5_1 on a fixed image, with
    ImageNet normalisation and the average pooling of Gatys et al. (crates/style/src/vgg.rs)."""
    import os
    widths = {1: 4, 2: 8, 3: 8, 4: 16, 5: 16}
    layers, channels = [], 3
    for item in VGG19_LAYOUT:
        if item == "M":
            layers.append(nn.MaxPool2d(2))
        else:
            layers += [nn.Conv2d(channels, widths[item], 3, padding=1), nn.ReLU()]
            channels = widths[item]
    features = nn.Sequential(*layers)
    for m in features:
        if isinstance(m, nn.Conv2d):
            nn.init.normal_(m.weight, std=(2.0 / (m.in_channels * 9)) ** 0.5)
            nn.init.uniform_(m.bias, -0.1, 0.1)
    classifier = nn.Sequential(nn.Linear(16, 10))
    state = {f"features.{k}": v for k, v in features.state_dict().items()}
    state.update({f"classifier.{k}": v for k, v in classifier.state_dict().items()})
    os.makedirs(args.out, exist_ok=True)
    torch.save(state, f"{args.out}/vgg19-small.pth")
    from safetensors.torch import save_file
    save_file({k: v.contiguous() for k, v in state.items()}, f"{args.out}/vgg19-small.safetensors")

    size = 32
    index = torch.arange(3 * size * size, dtype=torch.float64)
    image = (0.5 + 0.45 * torch.sin(0.37 * index)).float().reshape(1, 3, size, size)
    mean = torch.tensor([0.485, 0.456, 0.406]).reshape(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).reshape(1, 3, 1, 1)
    x = (image - mean) / std
    outputs, stage, within = {}, 1, 0
    with torch.no_grad():
        for m in features:
            if isinstance(m, nn.MaxPool2d):
                x = F.avg_pool2d(x, 2)
                stage, within = stage + 1, 0
            elif isinstance(m, nn.Conv2d):
                x = m(x)
                within += 1
            else:
                x = m(x)
                if within == 1:
                    flat = x[0].reshape(x.shape[1], -1)
                    outputs[f"conv{stage}_1"] = {
                        "shape": list(x.shape),
                        "channel_means": flat.mean(1).tolist(),
                        "channel_rms": flat.square().mean(1).sqrt().tolist(),
                        "first": x.flatten()[:8].tolist(),
                    }
    with open(f"{args.out}/vgg19-small-outputs.json", "w") as f:
        json.dump({"source": "crates/runner/reference/pytorch_reference.py vgg-import, PyTorch " + torch.__version__, "layers": outputs}, f, indent=1)
    print(json.dumps({"written": args.out, "layers": list(outputs)}))


EFFICIENTNET_STAGES = [(1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3), (6, 5, 1, 112, 3),
                       (6, 5, 2, 192, 4), (6, 3, 1, 320, 1)]
"""EfficientNet-Lite0's stages: (expansion, kernel, stride, channels, repeats), as crates/style/src/efficientnet.rs."""


def efficientnet_check(args):
    """EfficientNet-Lite0 written from crates/style/src/efficientnet.rs (TensorFlow "same" padding,
    ReLU6, batch norm ε = 1e-3, input (255·x − 127)/128) on the weights file's state dict; prints each
    image's top-3 ImageNet classes and their probabilities as one JSON line."""
    import math
    sd = torch.load(args.weights, map_location="cpu")

    def same(x, k, s):
        h, w = x.shape[2], x.shape[3]
        ph = max((math.ceil(h / s) - 1) * s + k - h, 0)
        pw = max((math.ceil(w / s) - 1) * s + k - w, 0)
        return F.pad(x, [pw // 2, pw - pw // 2, ph // 2, ph - ph // 2])

    def bn(x, p):
        return F.batch_norm(x, sd[p + ".running_mean"], sd[p + ".running_var"], sd[p + ".weight"], sd[p + ".bias"],
                            False, 0.0, 1e-3)

    def conv(x, p, s=1, groups=1):
        w = sd[p + ".weight"]
        return F.conv2d(same(x, w.shape[2], s), w, None, s, 0, 1, groups)

    def forward(x):
        x = bn(conv(x, "_conv_stem", 2), "_bn0").clamp(0, 6)
        i = 0
        for e, k, s, o, r in EFFICIENTNET_STAGES:
            for j in range(r):
                p, inp, st = f"_blocks.{i}.", x, s if j == 0 else 1
                if e != 1:
                    x = bn(conv(x, p + "_expand_conv"), p + "_bn0").clamp(0, 6)
                x = bn(conv(x, p + "_depthwise_conv", st, groups=x.shape[1]), p + "_bn1").clamp(0, 6)
                x = bn(conv(x, p + "_project_conv"), p + "_bn2")
                if st == 1 and inp.shape == x.shape:
                    x = x + inp
                i += 1
        x = bn(conv(x, "_conv_head"), "_bn1").clamp(0, 6).mean([2, 3])
        return x @ sd["_fc.weight"].T + sd["_fc.bias"]

    def png_rgb(path):
        """An image's RGB pixels [3, h, w] in [0, 1]."""
        from PIL import Image  # pillow: only this mode reads image files
        image = Image.open(path).convert("RGB")
        pixels = torch.tensor(list(image.tobytes()), dtype=torch.float32)
        return pixels.reshape(image.height, image.width, 3).permute(2, 0, 1) / 255.0

    result = {}
    for name in ["chelsea", "coffee"]:
        image = png_rgb(f"assets/textures-mini/{name}.png")[None]
        image = F.interpolate(image, size=(224, 224), mode="bilinear", align_corners=False)
        with torch.no_grad():
            probabilities = forward(image * (255.0 / 128.0) - 127.0 / 128.0).softmax(1)[0]
        top = probabilities.topk(3)
        result[name] = {"classes": top.indices.tolist(), "probabilities": top.values.tolist()}
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", choices=["classifier", "autoencoder", "vae", "dcgan", "lstm", "dqn", "pix2pix", "cyclegan", "segmentation", "facenet", "ops", "gatys-loss", "vgg-import", "efficientnet-check"])
    parser.add_argument("--inputs", help="gatys-loss: the folder `cargo run -p atelier-style --example gatys_inputs -- DIR` wrote")
    parser.add_argument("--weights", help="efficientnet-check: data/imagenet/efficientnet-lite0.pth")
    parser.add_argument("--out", help="vgg-import: the folder the small network and its outputs are written to")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=0, help="0: PyTorch's default")
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.model == "ops":
        run_ops(args)
        return
    if args.model == "gatys-loss":
        gatys_loss(args)
        return
    if args.model == "vgg-import":
        vgg_import(args)
        return
    if args.model == "efficientnet-check":
        efficientnet_check(args)
        return
    step = {
        "classifier": lambda: image_step(Cnn(), args.batch, labelled=True),
        "autoencoder": lambda: image_step(Autoencoder(), args.batch, labelled=False),
        "vae": lambda: image_step(Vae(), args.batch, labelled=False),
        "lstm": lambda: image_step(RowsLstm(), args.batch, labelled=True),
        "dcgan": lambda: dcgan_step(args.batch),
        "pix2pix": lambda: pix2pix_step(args.batch),
        "cyclegan": lambda: cyclegan_step(args.batch),
        "segmentation": lambda: segmentation_step(args.batch),
        "facenet": lambda: facenet_step(args.batch),
        "dqn": lambda: dqn_step(args.batch),
    }[args.model]()
    steps = max(args.steps, 300) if args.model == "dqn" else args.steps
    for _ in range(args.warmup if args.model != "dqn" else max(args.warmup, 20)):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - start
    threads = torch.get_num_threads()
    result = {
        "model": args.model,
        "backend": "pytorch",
        "device": f"host CPU ({threads} threads), PyTorch {torch.__version__}",
        "threads": threads,
        "batch_size": args.batch,
        "steps": steps,
        "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }
    if args.model == "dqn":
        result["updates_per_s"] = steps / seconds
    else:
        result["images_per_s"] = steps * args.batch / seconds
    print(json.dumps(result))


if __name__ == "__main__":
    main()
