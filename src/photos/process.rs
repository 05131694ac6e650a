//! Making a photo's variants: decoded once (a JPEG at the smallest scale its largest variant
//! needs, which its decoder does in the IDCT), turned upright, resized with SIMD, and encoded
//! again as WebP and JPEG. Nothing of the original's metadata is carried over.

use fast_image_resize as fr;

use super::probe::{Format, Probed, broken, image_format};
use super::{PhotoError, scaled};

/// Bumped when the encoders or their settings change, so variants are made again.
pub const ENCODER_VERSION: u64 = 1;

/// libwebp's effort, 0 (fast) to 6 (small): 4 is its default, and on 12 MP photos ~2.5×
/// slower than 2 for ~6% smaller files (docs/photos.md).
const WEBP_METHOD: i32 = 4;

/// One file to make of a photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// The whole picture, `width` pixels wide.
    Size { width: u32, format: Format },
    /// The largest centred part of the shape `width:height`, at that size, as JPEG.
    Crop { width: u32, height: u32 },
}

/// Decoded pixels, 3 (RGB) or 4 (RGBA) bytes each.
struct Pixels {
    width: u32,
    height: u32,
    alpha: bool,
    data: Vec<u8>,
}

/// Makes the files `wants` asks for, in that order, from a photo's bytes.
pub fn make(bytes: &[u8], probed: &Probed, wants: &[Want], quality: u8) -> Result<Vec<Vec<u8>>, PhotoError> {
    let (up_w, up_h) = probed.upright();
    // The smallest fraction of the original the largest variant needs.
    let mut need = 0.0f64;
    for want in wants {
        let fraction = match *want {
            Want::Size { width, .. } => f64::from(width) / f64::from(up_w),
            Want::Crop { width, height } => {
                let box_w = f64::from(up_w).min(f64::from(up_h) * f64::from(width) / f64::from(height));
                f64::from(width) / box_w
            }
        };
        need = need.max(fraction);
    }
    let source = orient(decode(bytes, probed, need.min(1.0))?, probed.orientation)?;
    let mut resizer = fr::Resizer::new();
    let mut out = Vec::with_capacity(wants.len());
    for want in wants {
        let (width, height, format, crop) = match *want {
            Want::Size { width, format } => (width, scaled(up_h, width, up_w).max(1), format, None),
            Want::Crop { width, height } => (width, height, Format::Jpeg, Some((width, height))),
        };
        let resized = resize(&mut resizer, &source, width, height, crop)?;
        out.push(encode(&resized, format, quality)?);
    }
    Ok(out)
}

/// Whether a photo's pixels can be read whole, as [`make`] would read them (a JPEG at its
/// smallest scale: its every byte is still read), without making anything of them.
pub fn verify(bytes: &[u8], probed: &Probed) -> Result<(), PhotoError> {
    decode(bytes, probed, 0.0).map(drop)
}

/// Decodes a photo, a JPEG at the smallest scale that keeps `fraction` of its size.
fn decode(bytes: &[u8], probed: &Probed, fraction: f64) -> Result<Pixels, PhotoError> {
    if probed.format == Format::Jpeg {
        let mut decoder = jpeg_decoder::Decoder::new(bytes);
        decoder.read_info().map_err(|e| broken(&e.to_string()))?;
        let want = |side: u32| (f64::from(side) * fraction).ceil().clamp(1.0, f64::from(u16::MAX)) as u16;
        decoder.scale(want(probed.width), want(probed.height)).map_err(|e| broken(&e.to_string()))?;
        let data = decoder.decode().map_err(|e| broken(&e.to_string()))?;
        let info = decoder.info().ok_or_else(|| broken("no picture header"))?;
        let (width, height) = (u32::from(info.width), u32::from(info.height));
        let rgb: Vec<u8> = match info.pixel_format {
            jpeg_decoder::PixelFormat::RGB24 => data,
            jpeg_decoder::PixelFormat::L8 => data.iter().flat_map(|&l| [l, l, l]).collect(),
            jpeg_decoder::PixelFormat::L16 => data.chunks_exact(2).flat_map(|l| [l[0], l[0], l[0]]).collect(),
            jpeg_decoder::PixelFormat::CMYK32 => data
                .chunks_exact(4)
                .flat_map(|p| {
                    let k = 255 - u32::from(p[3]);
                    [0, 1, 2].map(|i| ((255 - u32::from(p[i])) * k / 255) as u8)
                })
                .collect(),
        };
        if rgb.len() != width as usize * height as usize * 3 {
            return Err(broken("fewer pixels than its size says"));
        }
        return Ok(Pixels { width, height, alpha: false, data: rgb });
    }
    let mut reader =
        image::ImageReader::with_format(std::io::Cursor::new(bytes), image_format(probed.format));
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(probed.width);
    limits.max_image_height = Some(probed.height);
    limits.max_alloc = Some(u64::from(probed.width) * u64::from(probed.height) * 8 + (64 << 20));
    reader.limits(limits);
    let image = reader.decode().map_err(|e| broken(&e.to_string()))?;
    let (width, height) = (image.width(), image.height());
    Ok(if image.color().has_alpha() {
        Pixels { width, height, alpha: true, data: image.into_rgba8().into_raw() }
    } else {
        Pixels { width, height, alpha: false, data: image.into_rgb8().into_raw() }
    })
}

/// Turns decoded pixels upright as EXIF orientation `o` says.
fn orient(pixels: Pixels, o: u8) -> Result<Pixels, PhotoError> {
    if o <= 1 || o > 8 {
        return Ok(pixels);
    }
    let Pixels { width, height, alpha, data } = pixels;
    let image = if alpha {
        image::RgbaImage::from_raw(width, height, data).map(image::DynamicImage::ImageRgba8)
    } else {
        image::RgbImage::from_raw(width, height, data).map(image::DynamicImage::ImageRgb8)
    };
    let mut image = image.ok_or_else(|| broken("fewer pixels than its size says"))?;
    if let Some(orientation) = image::metadata::Orientation::from_exif(o) {
        image.apply_orientation(orientation);
    }
    let (width, height) = (image.width(), image.height());
    let data = if alpha { image.into_rgba8().into_raw() } else { image.into_rgb8().into_raw() };
    Ok(Pixels { width, height, alpha, data })
}

/// Resizes to `width × height`: the whole picture, or its largest centred part of the shape
/// `crop` (width : height).
fn resize(
    resizer: &mut fr::Resizer,
    source: &Pixels,
    width: u32,
    height: u32,
    crop: Option<(u32, u32)>,
) -> Result<Pixels, PhotoError> {
    let kind = if source.alpha { fr::PixelType::U8x4 } else { fr::PixelType::U8x3 };
    let fail = |e: &dyn std::fmt::Display| {
        PhotoError::new(format!("the picture cannot be resized: {e}"), "open it and save it again as JPEG")
    };
    let src =
        fr::images::ImageRef::new(source.width, source.height, &source.data, kind).map_err(|e| fail(&e))?;
    let mut dst = fr::images::Image::new(width, height, kind);
    let mut options =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    if let Some((rw, rh)) = crop {
        let (sw, sh) = (f64::from(source.width), f64::from(source.height));
        let box_w = sw.min(sh * f64::from(rw) / f64::from(rh));
        let box_h = box_w * f64::from(rh) / f64::from(rw);
        options = options.crop((sw - box_w) / 2.0, (sh - box_h) / 2.0, box_w, box_h);
    }
    resizer.resize(&src, &mut dst, &options).map_err(|e| fail(&e))?;
    Ok(Pixels { width, height, alpha: source.alpha, data: dst.into_vec() })
}

/// Encodes pixels as WebP (keeping transparency) or JPEG (transparency over white).
fn encode(pixels: &Pixels, format: Format, quality: u8) -> Result<Vec<u8>, PhotoError> {
    let fail = |what: &str| {
        PhotoError::new(
            format!("the picture cannot be encoded as {what}"),
            "open it and save it again as JPEG",
        )
    };
    match format {
        Format::WebP => {
            let mut config = webp::WebPConfig::new().map_err(|()| fail("WebP"))?;
            config.quality = f32::from(quality);
            config.method = WEBP_METHOD;
            let encoder = if pixels.alpha {
                webp::Encoder::from_rgba(&pixels.data, pixels.width, pixels.height)
            } else {
                webp::Encoder::from_rgb(&pixels.data, pixels.width, pixels.height)
            };
            Ok(encoder.encode_advanced(&config).map_err(|_| fail("WebP"))?.to_vec())
        }
        _ => {
            let flat;
            let rgb = if pixels.alpha {
                flat = pixels
                    .data
                    .chunks_exact(4)
                    .flat_map(|p| {
                        let a = u32::from(p[3]);
                        [0, 1, 2].map(|i| ((u32::from(p[i]) * a + 255 * (255 - a) + 127) / 255) as u8)
                    })
                    .collect::<Vec<u8>>();
                &flat
            } else {
                &pixels.data
            };
            let (w, h) = (u16::try_from(pixels.width), u16::try_from(pixels.height));
            let (Ok(w), Ok(h)) = (w, h) else { return Err(fail("JPEG (wider than 65,535 pixels)")) };
            let mut out = Vec::new();
            let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
            encoder.set_optimized_huffman_tables(true);
            encoder.encode(rgb, w, h, jpeg_encoder::ColorType::Rgb).map_err(|_| fail("JPEG"))?;
            Ok(out)
        }
    }
}
