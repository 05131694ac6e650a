//! What pages, feeds and the build tell of a file a bulletin links beside it (an attachment)
//! or a site's static file: its type and size as readers read them, its media type, and
//! whether it is larger than some static hosts publish.

/// A file a bulletin links beside it, as pages and feeds tell of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedFile {
    /// Its size in bytes.
    pub len: u64,
    /// What a link to it says of it: "PDF, 245 KB".
    pub note: String,
    /// Its media type, from its extension (`application/pdf`, `audio/mpeg`).
    pub media_type: &'static str,
}

/// What a link to a file says of it: its type, from its extension, and its size, as news sites
/// write them beside a document to download ("PDF, 245 KB"; "DOCX, 1,2 MB" in Vietnamese, with
/// its decimal comma): a reader on a phone's data sees what following the link costs.
pub fn note(path: &str, len: u64, language: crate::config::Language) -> String {
    const KB: u64 = 1024;
    let decimal = if language == crate::config::Language::Vi { ',' } else { '.' };
    // Below ten of a unit, one decimal ("2,4 MB"); above, whole ones ("24 MB", "245 KB").
    let scaled = |unit: u64, name: &str| {
        let tenths = (len * 10 + unit / 2) / unit;
        if tenths < 100 {
            format!("{}{decimal}{} {name}", tenths / 10, tenths % 10)
        } else {
            format!("{} {name}", (len + unit / 2) / unit)
        }
    };
    // The unit is the largest the size rounds to one or more of (1,048,500 bytes: "1,0 MB",
    // not "1024 KB").
    let size = if len < KB {
        format!("{len} B")
    } else if (len + KB / 2) / KB < KB {
        format!("{} KB", (len + KB / 2) / KB)
    } else if (len + KB * KB / 2) / (KB * KB) < KB {
        scaled(KB * KB, "MB")
    } else {
        scaled(KB * KB * KB, "GB")
    };
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some(ext) if (1..=5).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_alphanumeric()) => {
            format!("{}, {size}", ext.to_ascii_uppercase())
        }
        _ => size,
    }
}

/// The media type of a file a bulletin links, from its extension (feed readers and podcast
/// players go by it): documents, spreadsheets, archives, sound, video and pictures newsrooms
/// publish; any other is `application/octet-stream`.
pub fn media_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "odp" => "application/vnd.oasis.opendocument.presentation",
        "rtf" => "application/rtf",
        "zip" => "application/zip",
        "rar" => "application/vnd.rar",
        "7z" => "application/x-7z-compressed",
        "csv" => "text/csv",
        "txt" => "text/plain",
        "json" => "application/json",
        "xml" => "application/xml",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "aac" => "audio/aac",
        "wav" => "audio/wav",
        "ogg" | "oga" => "audio/ogg",
        "opus" => "audio/opus",
        "flac" => "audio/flac",
        "mp4" | "m4v" => "video/mp4",
        "webm" => "video/webm",
        "mov" => "video/quicktime",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// The largest file every static host publishes: Cloudflare Pages refuses a file over 25 MiB
/// (and GitHub refuses one over 100 MiB in a repository, GitHub Pages' source).
pub const HOST_FILE_LIMIT: u64 = 25 << 20;

/// The warning for a file published from `source` (site-relative) that is `len` bytes, when
/// that is more than some static hosts take ([`HOST_FILE_LIMIT`]).
pub fn too_large_for_hosts(
    source: &str,
    len: u64,
    language: crate::config::Language,
) -> Option<crate::diag::Diagnostic> {
    (len > HOST_FILE_LIMIT).then(|| {
        let size = note(source, len, language);
        crate::diag::Diagnostic::warning(format!(
            "this file ({size}) is larger than some static hosts publish: Cloudflare Pages takes files up to 25 MiB, GitHub Pages up to 100 MiB"
        ))
        .in_file(source)
        .with_hint("put a video on a video site and link it (a link alone in its paragraph shows as a video), or publish the site to object storage or a web server, which take files of any size")
    })
}

#[cfg(test)]
mod tests {
    use super::{media_type, note};
    use crate::config::Language::{En, Vi};

    #[test]
    fn a_note_gives_the_type_and_the_size_as_readers_read_them() {
        assert_eq!(note("files/2025/07/quyet-dinh-so-12.pdf", 250_880, Vi), "PDF, 245 KB");
        assert_eq!(note("files/a/bang.xlsx", 1_258_291, Vi), "XLSX, 1,2 MB");
        assert_eq!(note("files/a/bang.xlsx", 1_258_291, En), "XLSX, 1.2 MB");
        assert_eq!(note("files/a/phim.mp4", 25_165_824, En), "MP4, 24 MB");
        assert_eq!(note("files/a/ghi-chu.txt", 812, Vi), "TXT, 812 B");
        assert_eq!(note("files/a/x.zip", 1024, Vi), "ZIP, 1 KB");
        // A size is told in the largest unit it rounds to one of, never as "1024 KB".
        assert_eq!(note("files/a/x.zip", 1_047_000, Vi), "ZIP, 1022 KB");
        assert_eq!(note("files/a/x.zip", 1_048_500, Vi), "ZIP, 1,0 MB");
        assert_eq!(note("files/a/x.iso", 3 * 1_073_741_824 / 2, Vi), "ISO, 1,5 GB");
        // An extension that is no type's name is left out.
        assert_eq!(note("files/a/ban-ghi.thang-mot", 2048, Vi), "2 KB");
    }

    #[test]
    fn a_media_type_is_known_by_the_extension_in_any_case() {
        assert_eq!(media_type("files/2025/07/ban-tin-18h.MP3"), "audio/mpeg");
        assert_eq!(media_type("files/a/quyet-dinh.pdf"), "application/pdf");
        assert_eq!(
            media_type("files/a/bang.xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(media_type("files/a/khong-ro.abc"), "application/octet-stream");
        assert_eq!(media_type("files/a/khong-duoi"), "application/octet-stream");
    }
}
