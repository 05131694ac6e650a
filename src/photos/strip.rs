//! Metadata stripped from a picture published as it is (the site's `static/` files): a JPEG
//! loses its EXIF, XMP, IPTC and comment segments, a PNG its text, EXIF and time chunks, a
//! WebP its EXIF and XMP chunks. The pixels are not touched, except that a JPEG stored turned
//! is encoded again upright (its orientation lived in the EXIF that goes).

use super::probe::{Format, broken};
use super::{PhotoError, Want, make, probe};

/// The picture without its metadata; bytes that are not a picture are returned as they are.
pub fn strip(bytes: &[u8]) -> Result<Vec<u8>, PhotoError> {
    match probe::sniff(bytes) {
        Ok(Format::Jpeg) => {
            let probed = probe::probe(bytes, u64::MAX)?;
            if probed.orientation > 1 {
                let (width, _) = probed.upright();
                let mut made = make(bytes, &probed, &[Want::Size { width, format: Format::Jpeg }], 92)?;
                return made.pop().ok_or_else(|| broken("nothing was made"));
            }
            jpeg(bytes)
        }
        Ok(Format::Png) => png(bytes),
        Ok(Format::WebP) => webp(bytes),
        _ => Ok(bytes.to_vec()),
    }
}

/// A JPEG's segments up to its image data, without APP1 (EXIF, XMP), APP3-APP13 (IPTC,
/// maker data), APP15 and comments; APP0 (JFIF), APP2 (colour profile) and APP14 (Adobe) stay.
fn jpeg(bytes: &[u8]) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]);
    let mut at = 2;
    loop {
        let (Some(&0xFF), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) else {
            return Err(broken("a segment does not start where it should"));
        };
        if marker == 0xFF {
            at += 1;
            continue;
        }
        if marker == 0xDA || marker == 0xD9 {
            out.extend_from_slice(&bytes[at..]);
            return Ok(out);
        }
        let len = match bytes.get(at + 2..at + 4) {
            Some(l) => usize::from(u16::from_be_bytes([l[0], l[1]])),
            None => return Err(broken("cut short in its headers")),
        };
        let end = at + 2 + len;
        if len < 2 || end > bytes.len() {
            return Err(broken("a segment is longer than the file"));
        }
        let drop = matches!(marker, 0xE1 | 0xE3..=0xED | 0xEF | 0xFE);
        if !drop {
            out.extend_from_slice(&bytes[at..end]);
        }
        at = end;
    }
}

/// A PNG without its eXIf, tEXt, zTXt, iTXt (where XMP lives) and tIME chunks.
fn png(bytes: &[u8]) -> Result<Vec<u8>, PhotoError> {
    let mut out = bytes[..8].to_vec();
    let mut at = 8;
    while at < bytes.len() {
        let Some(head) = bytes.get(at..at + 8) else { return Err(broken("cut short in a chunk")) };
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let end = at + 12 + len;
        if end > bytes.len() {
            return Err(broken("a chunk is longer than the file"));
        }
        if !matches!(&head[4..8], b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME") {
            out.extend_from_slice(&bytes[at..end]);
        }
        at = end;
    }
    Ok(out)
}

/// A WebP without its EXIF and XMP chunks (and the flags that announced them).
fn webp(bytes: &[u8]) -> Result<Vec<u8>, PhotoError> {
    let mut out = bytes[..12].to_vec();
    let mut at = 12;
    while at < bytes.len() {
        let Some(head) = bytes.get(at..at + 8) else { return Err(broken("cut short in a chunk")) };
        let len = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as usize;
        let end = (at + 8 + len + (len & 1)).min(bytes.len());
        if at + 8 + len > bytes.len() {
            return Err(broken("a chunk is longer than the file"));
        }
        match &head[..4] {
            b"EXIF" | b"XMP " => {}
            b"VP8X" => {
                let mut chunk = bytes[at..end].to_vec();
                if let Some(flags) = chunk.get_mut(8) {
                    *flags &= !(0x08 | 0x04);
                }
                out.extend_from_slice(&chunk);
            }
            _ => out.extend_from_slice(&bytes[at..end]),
        }
        at = end;
    }
    let size = (out.len() - 8) as u32;
    out[4..8].copy_from_slice(&size.to_le_bytes());
    Ok(out)
}
