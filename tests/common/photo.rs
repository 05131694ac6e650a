#![allow(dead_code)]

//! Small photos made by the tests themselves: JPEGs with the EXIF a reporter's camera writes
//! (orientation, GPS position, body serial number), stored turned as cameras store them.

/// The serial number the test photos carry, to look for in published files.
pub const SERIAL: &str = "SN-BANTIN-7731";

/// The four colours of an upright test photo's quadrants: top left, top right, bottom left,
/// bottom right.
pub const QUADRANTS: [[u8; 3]; 4] = [[220, 30, 30], [30, 200, 30], [30, 30, 220], [240, 240, 240]];

/// Where the stored pixel (x, y) of a `w × h` picture shows once EXIF orientation `o` is applied.
fn shown_at(o: u8, x: u32, y: u32, w: u32, h: u32) -> (u32, u32) {
    match o {
        2 => (w - 1 - x, y),
        3 => (w - 1 - x, h - 1 - y),
        4 => (x, h - 1 - y),
        5 => (y, x),
        6 => (h - 1 - y, x),
        7 => (h - 1 - y, w - 1 - x),
        8 => (y, w - 1 - x),
        _ => (x, y),
    }
}

/// A JPEG that shows, upright, a `width × height` picture of four coloured quadrants
/// ([`QUADRANTS`]), stored turned as orientation `o` says, with GPS and a serial number when
/// `camera_tags`.
pub fn jpeg(width: u32, height: u32, o: u8, camera_tags: bool) -> Vec<u8> {
    let (sw, sh) = if o >= 5 { (height, width) } else { (width, height) };
    let mut pixels = Vec::with_capacity((sw * sh * 3) as usize);
    for y in 0..sh {
        for x in 0..sw {
            let (ux, uy) = shown_at(o, x, y, sw, sh);
            let q = usize::from(ux >= width / 2) + 2 * usize::from(uy >= height / 2);
            pixels.extend_from_slice(&QUADRANTS[q]);
        }
    }
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 95);
    encoder.add_app_segment(1, &exif(o, camera_tags)).expect("exif segment");
    encoder.encode(&pixels, sw as u16, sh as u16, jpeg_encoder::ColorType::Rgb).expect("encode");
    out
}

/// An EXIF block: orientation, and (with `camera_tags`) a body serial number and a GPS
/// position in Hà Nội.
fn exif(o: u8, camera_tags: bool) -> Vec<u8> {
    // (tag, type, count, value bytes); types: 1 byte, 2 ASCII, 3 short, 4 long, 5 rational.
    type Entry = (u16, u16, u32, Vec<u8>);
    let rational = |parts: &[(u32, u32)]| {
        parts.iter().flat_map(|(n, d)| [n.to_le_bytes(), d.to_le_bytes()].concat()).collect::<Vec<u8>>()
    };
    let ascii = |s: &str| [s.as_bytes(), b"\0"].concat();
    let size = |entries: &[Entry]| {
        2 + 12 * entries.len()
            + 4
            + entries
                .iter()
                .map(|e| if e.3.len() > 4 { e.3.len().next_multiple_of(2) } else { 0 })
                .sum::<usize>()
    };
    let serial = ascii(SERIAL);
    let exif_ifd: Vec<Entry> =
        if camera_tags { vec![(0xA431, 2, serial.len() as u32, serial)] } else { vec![] };
    let gps_ifd: Vec<Entry> = if camera_tags {
        vec![
            (0x0000, 1, 4, vec![2, 3, 0, 0]),
            (0x0001, 2, 2, ascii("N")),
            (0x0002, 5, 3, rational(&[(21, 1), (1, 1), (4260, 100)])),
            (0x0003, 2, 2, ascii("E")),
            (0x0004, 5, 3, rational(&[(105, 1), (51, 1), (1512, 100)])),
        ]
    } else {
        vec![]
    };
    let mut ifd0: Vec<Entry> = vec![(0x0112, 3, 1, u16::from(o).to_le_bytes().to_vec())];
    if camera_tags {
        ifd0.push((0x8769, 4, 1, vec![0; 4]));
        ifd0.push((0x8825, 4, 1, vec![0; 4]));
    }
    let exif_at = 8 + size(&ifd0);
    let gps_at = exif_at + size(&exif_ifd);
    if camera_tags {
        ifd0[1].3 = (exif_at as u32).to_le_bytes().to_vec();
        ifd0[2].3 = (gps_at as u32).to_le_bytes().to_vec();
    }
    let mut tiff = b"II*\0\x08\0\0\0".to_vec();
    for (entries, at) in [(&ifd0, 8), (&exif_ifd, exif_at), (&gps_ifd, gps_at)] {
        if entries.is_empty() {
            continue;
        }
        assert_eq!(tiff.len(), at);
        let mut data_at = at + 2 + 12 * entries.len() + 4;
        let mut data = Vec::new();
        tiff.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        for (tag, kind, count, value) in entries.iter() {
            tiff.extend_from_slice(&tag.to_le_bytes());
            tiff.extend_from_slice(&kind.to_le_bytes());
            tiff.extend_from_slice(&count.to_le_bytes());
            if value.len() <= 4 {
                let mut inline = value.clone();
                inline.resize(4, 0);
                tiff.extend_from_slice(&inline);
            } else {
                tiff.extend_from_slice(&(data_at as u32).to_le_bytes());
                let mut v = value.clone();
                v.resize(value.len().next_multiple_of(2), 0);
                data_at += v.len();
                data.extend_from_slice(&v);
            }
        }
        tiff.extend_from_slice(&0u32.to_le_bytes());
        tiff.extend_from_slice(&data);
    }
    [b"Exif\0\0".as_slice(), &tiff].concat()
}

/// The size and RGB pixels of a JPEG.
pub fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut d = jpeg_decoder::Decoder::new(bytes);
    let pixels = d.decode().expect("a JPEG");
    let info = d.info().expect("info");
    (u32::from(info.width), u32::from(info.height), pixels)
}
