//! What a photo file is, read from its first bytes and headers without decoding its pixels:
//! format, size, the turn its camera recorded, and whether it carries a location or a serial
//! number.

use serde::{Deserialize, Serialize};

use super::PhotoError;

/// The picture formats bantin reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Format {
    Jpeg,
    Png,
    WebP,
    Gif,
}

impl Format {
    /// The extension of its files.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::WebP => "webp",
            Format::Gif => "gif",
        }
    }

    /// Its MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::WebP => "image/webp",
            Format::Gif => "image/gif",
        }
    }
}

/// What a photo file is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Probed {
    /// Hash of the file's bytes.
    pub hash: u64,
    pub format: Format,
    /// Size as stored, before the turn is applied.
    pub width: u32,
    pub height: u32,
    /// EXIF orientation, 1 to 8 (1: stored upright).
    pub orientation: u8,
    /// The GPS position it carries (latitude, longitude in degrees), if any.
    pub location: Option<(f64, f64)>,
    /// Whether it carries a camera body or lens serial number.
    pub serial: bool,
}

impl Probed {
    /// The size once turned upright.
    pub fn upright(&self) -> (u32, u32) {
        if self.orientation >= 5 { (self.height, self.width) } else { (self.width, self.height) }
    }
}

/// The format of a file from its first bytes, or what is wrong with it.
pub(super) fn sniff(bytes: &[u8]) -> Result<Format, PhotoError> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"\xFF\xD8\xFF") {
        return Ok(Format::Jpeg);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Ok(Format::Png);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Ok(Format::Gif);
    }
    if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Ok(Format::WebP);
    }
    let convert = "convert it to JPEG first: on a Mac, Preview's File › Export; on an iPhone, set Camera › Formats › Most Compatible; or `heif-convert anh.heic anh.jpg`";
    if bytes.get(4..8) == Some(b"ftyp") {
        let brand = bytes.get(8..12).unwrap_or_default();
        return Err(match brand {
            b"avif" | b"avis" => {
                PhotoError::new("this is an AVIF picture, which bantin does not read yet", convert)
            }
            _ => PhotoError::new(
                "this is a HEIC/HEIF picture (as phones save them), which bantin does not read",
                convert,
            ),
        });
    }
    if starts(b"II*\0") || starts(b"MM\0*") {
        return Err(PhotoError::new(
            "this is a TIFF (or camera raw) file, which bantin does not publish",
            "export it as JPEG from the photo editor",
        ));
    }
    if bytes.is_empty() {
        return Err(PhotoError::new(
            "the file is empty",
            "copy the photo again from the camera or the reporter's message",
        ));
    }
    Err(PhotoError::new(
        "this is not a picture bantin reads (JPEG, PNG, WebP or GIF)",
        "check that the file is a photo and not a document or a web page saved with a picture's name",
    ))
}

/// Reads what a photo file is, refusing one larger than `max_pixels`.
pub fn probe(bytes: &[u8], max_pixels: u64) -> Result<Probed, PhotoError> {
    let format = sniff(bytes)?;
    let (width, height) = match format {
        Format::Jpeg => {
            let mut decoder = jpeg_decoder::Decoder::new(bytes);
            decoder.read_info().map_err(|e| broken(&e.to_string()))?;
            let info = decoder.info().ok_or_else(|| broken("no picture header"))?;
            (u32::from(info.width), u32::from(info.height))
        }
        _ => image::ImageReader::with_format(std::io::Cursor::new(bytes), image_format(format))
            .into_dimensions()
            .map_err(|e| broken(&e.to_string()))?,
    };
    if width == 0 || height == 0 {
        return Err(broken("the picture has no pixels"));
    }
    let pixels = u64::from(width) * u64::from(height);
    if pixels > max_pixels {
        return Err(PhotoError::new(
            format!(
                "the picture is {width} × {height} pixels ({} million), more than the {} million bantin decodes",
                pixels / 1_000_000,
                max_pixels / 1_000_000
            ),
            "make it smaller before publishing it, or raise `max_megapixels` under [photos] in site.toml if the file is trusted",
        ));
    }
    let mut probed = Probed {
        hash: crate::hash::hash_bytes(bytes),
        format,
        width,
        height,
        orientation: 1,
        location: None,
        serial: false,
    };
    read_exif(bytes, &mut probed);
    Ok(probed)
}

/// The `image` crate's name of a format.
pub(super) fn image_format(format: Format) -> image::ImageFormat {
    match format {
        Format::Jpeg => image::ImageFormat::Jpeg,
        Format::Png => image::ImageFormat::Png,
        Format::WebP => image::ImageFormat::WebP,
        Format::Gif => image::ImageFormat::Gif,
    }
}

/// A file that says it is a picture but cannot be read as one.
pub(super) fn broken(why: &str) -> PhotoError {
    PhotoError::new(
        format!("the picture cannot be read: it is damaged or cut short ({why})"),
        "copy the photo again from the camera or the reporter's message, or open it and save it again",
    )
}

/// Orientation, location and serial numbers from the EXIF the file carries (if any: a file
/// without EXIF, or with EXIF too broken to read, is upright and carries nothing).
fn read_exif(bytes: &[u8], probed: &mut Probed) {
    let mut reader = exif::Reader::new();
    reader.continue_on_error(true);
    let exif = match reader.read_from_container(&mut std::io::Cursor::new(bytes)) {
        Ok(exif) => exif,
        Err(e) => match e.distill_partial_result(|_| {}) {
            Ok(exif) => exif,
            Err(_) => return,
        },
    };
    let get = |tag| exif.get_field(tag, exif::In::PRIMARY);
    if let Some(o) = get(exif::Tag::Orientation).and_then(|f| f.value.get_uint(0))
        && (1..=8).contains(&o)
    {
        probed.orientation = o as u8;
    }
    let degrees = |tag, ref_tag, negative: &[u8]| -> Option<f64> {
        let exif::Value::Rational(parts) = &get(tag)?.value else { return None };
        let mut value = 0.0;
        for (part, scale) in parts.iter().zip([1.0, 60.0, 3600.0]) {
            value += part.to_f64() / scale;
        }
        let negative = match get(ref_tag).map(|f| &f.value) {
            Some(exif::Value::Ascii(v)) => {
                v.first().is_some_and(|s| s.first().is_some_and(|c| negative.contains(c)))
            }
            _ => false,
        };
        value.is_finite().then_some(if negative { -value } else { value })
    };
    let latitude = degrees(exif::Tag::GPSLatitude, exif::Tag::GPSLatitudeRef, b"S");
    let longitude = degrees(exif::Tag::GPSLongitude, exif::Tag::GPSLongitudeRef, b"W");
    probed.location = match (latitude, longitude) {
        (Some(lat), Some(lon)) => Some((lat, lon)),
        // A position that cannot be read is still a position.
        _ if exif.fields().any(|f| {
            f.ifd_num == exif::In::PRIMARY
                && f.tag.context() == exif::Context::Gps
                && f.tag != exif::Tag::GPSVersionID
        }) =>
        {
            Some((f64::NAN, f64::NAN))
        }
        _ => None,
    };
    probed.serial = get(exif::Tag::BodySerialNumber).is_some() || get(exif::Tag::LensSerialNumber).is_some();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_that_are_not_pictures_say_what_they_are() {
        assert!(probe(b"", 1000).is_err_and(|e| e.message.contains("empty")));
        assert!(probe(b"<html>", 1000).is_err_and(|e| e.message.contains("not a picture")));
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert!(probe(heic, 1000).is_err_and(|e| e.message.contains("HEIC") && e.hint.contains("JPEG")));
        assert!(probe(b"\xFF\xD8\xFF\xE0\0\x10JFIF", 1000).is_err_and(|e| e.message.contains("damaged")));
    }
}
