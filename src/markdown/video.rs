//! Videos a bulletin shows: the address of a YouTube, Vimeo, Facebook or TikTok video, in any
//! of the forms those sites give it (`youtu.be/…`, `/shorts/…`, `/embed/…`, `m.youtube.com`,
//! `player.vimeo.com`, `facebook.com/<page>/videos/…`, `fb.watch/…`), read as the video's page
//! in one form, which the bulletin page's script (`bulletin.js`) recognises to play it in
//! place: `https://www.youtube.com/watch?v=ID` (with `&t=Ns` for a start time),
//! `https://vimeo.com/NUMBER`, `https://www.facebook.com/watch/?v=NUMBER`,
//! `https://www.facebook.com/reel/NUMBER`, `https://fb.watch/CODE/` or
//! `https://www.tiktok.com/@USER/video/NUMBER`.

/// A video: its page in its one form, and whether it stands upright (9:16: a TikTok, a reel).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Video {
    pub page: String,
    pub tall: bool,
}

/// The video of `address`, if it is a YouTube, Vimeo, Facebook or TikTok video's.
pub fn video_of(address: &str) -> Option<Video> {
    let page = page_of(address)?;
    let tall =
        page.starts_with("https://www.tiktok.com/") || page.starts_with("https://www.facebook.com/reel/");
    Some(Video { page, tall })
}

/// The video's page in its one form, if `address` is a video's.
fn page_of(address: &str) -> Option<String> {
    let rest = address.strip_prefix("https://").or_else(|| address.strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.to_ascii_lowercase();
    let host = ["www.", "m.", "web.", "vm."].iter().find_map(|p| host.strip_prefix(p)).unwrap_or(&host);
    let (path, query) = path.split_once('?').map_or((path, ""), |(p, q)| (p, q));
    let path = path.split('#').next().unwrap_or(path).trim_end_matches('/');
    let query = query.split('#').next().unwrap_or(query);
    let param = |name: &str| {
        query.split('&').find_map(|kv| kv.split_once('=').filter(|(k, _)| *k == name).map(|(_, v)| v))
    };
    let youtube = |id: &str| {
        let id_ok = id.len() == 11 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        id_ok.then(|| match param("t").or_else(|| param("start")).and_then(seconds) {
            Some(t) if t > 0 => format!("https://www.youtube.com/watch?v={id}&t={t}s"),
            _ => format!("https://www.youtube.com/watch?v={id}"),
        })
    };
    match host {
        "youtube.com" | "music.youtube.com" | "youtube-nocookie.com" => match path.split_once('/') {
            None if path == "watch" => youtube(param("v")?),
            Some(("shorts" | "embed" | "live" | "v", id)) => youtube(id),
            _ => None,
        },
        "youtu.be" => youtube(path),
        "facebook.com" => {
            let parts: Vec<&str> = path.split('/').collect();
            match parts.as_slice() {
                ["watch"] => number(param("v")?).map(|id| format!("https://www.facebook.com/watch/?v={id}")),
                ["reel", id] => number(id).map(|id| format!("https://www.facebook.com/reel/{id}")),
                [_, "videos", .., id] => {
                    number(id).map(|id| format!("https://www.facebook.com/watch/?v={id}"))
                }
                _ => None,
            }
        }
        "fb.watch" => {
            let ok = !path.is_empty()
                && path.len() <= 20
                && path.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            ok.then(|| format!("https://fb.watch/{path}/"))
        }
        "tiktok.com" => match path.split('/').collect::<Vec<_>>().as_slice() {
            [user, "video", id] if user.len() > 1 && user.starts_with('@') => {
                let user_ok = user[1..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_');
                (user_ok && user.len() <= 40)
                    .then_some(())
                    .and_then(|()| number(id))
                    .map(|id| format!("https://www.tiktok.com/{user}/video/{id}"))
            }
            _ => None,
        },
        "vimeo.com" | "player.vimeo.com" => {
            let id = path.strip_prefix("video/").unwrap_or(path);
            (!id.is_empty() && id.len() <= 12 && id.bytes().all(|b| b.is_ascii_digit()))
                .then(|| format!("https://vimeo.com/{id}"))
        }
        _ => None,
    }
}

/// `id` if it is a number of at most 20 digits (a Facebook or TikTok video's).
fn number(id: &str) -> Option<&str> {
    (!id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit())).then_some(id)
}

/// A start time in seconds: `90`, `90s`, `1m30s`, `1h2m3s`.
fn seconds(t: &str) -> Option<u32> {
    if let Ok(n) = t.parse() {
        return Some(n);
    }
    let (mut total, mut number) = (0u32, 0u32);
    for c in t.chars() {
        match c {
            '0'..='9' => number = number.checked_mul(10)?.checked_add(c.to_digit(10)?)?,
            'h' => (total, number) = (total.checked_add(number.checked_mul(3600)?)?, 0),
            'm' => (total, number) = (total.checked_add(number.checked_mul(60)?)?, 0),
            's' => (total, number) = (total.checked_add(number)?, 0),
            _ => return None,
        }
    }
    (number == 0).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_a_video_s_address_is_read_as_its_page() {
        let watch = "https://www.youtube.com/watch?v=w7Ejrb8jv5M";
        for address in [
            "https://www.youtube.com/watch?v=w7Ejrb8jv5M",
            "http://youtube.com/watch?feature=share&v=w7Ejrb8jv5M",
            "https://m.youtube.com/watch?v=w7Ejrb8jv5M#x",
            "https://youtu.be/w7Ejrb8jv5M",
            "https://www.youtube.com/shorts/w7Ejrb8jv5M",
            "https://www.youtube-nocookie.com/embed/w7Ejrb8jv5M/",
            "https://YouTube.com/live/w7Ejrb8jv5M?si=abc",
        ] {
            assert_eq!(page_of(address).as_deref(), Some(watch), "{address}");
        }
        assert_eq!(
            page_of("https://youtu.be/w7Ejrb8jv5M?t=1m30s").as_deref(),
            Some("https://www.youtube.com/watch?v=w7Ejrb8jv5M&t=90s")
        );
        assert_eq!(
            page_of("https://www.youtube.com/watch?v=w7Ejrb8jv5M&t=45").as_deref(),
            Some("https://www.youtube.com/watch?v=w7Ejrb8jv5M&t=45s")
        );
        assert_eq!(
            page_of("https://player.vimeo.com/video/146022717").as_deref(),
            Some("https://vimeo.com/146022717")
        );
        for not in [
            "https://www.youtube.com/watch?v=short",
            "https://www.youtube.com/channel/UC123",
            "https://youtu.be/w7Ejrb8jv5M\"><script>",
            "https://vimeo.com/channels/staffpicks",
            "https://evil.example/youtube.com/watch?v=w7Ejrb8jv5M",
            "javascript:alert(1)",
            "youtu.be/w7Ejrb8jv5M",
            "https://www.facebook.com/vtv24/posts/123",
            "https://www.facebook.com/vtv24/videos/abc",
            "https://www.tiktok.com/@a\"b/video/1",
            "https://vm.tiktok.com/ZSabc/",
        ] {
            assert_eq!(page_of(not), None, "{not}");
        }
    }
}
