//! Paragraphs that show a player: a video's address alone (or a link to it), and a link to a
//! sound file beside the bulletin alone.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::ATTACHMENT_LINK;

/// The video a paragraph's events (from its Start) show, as HTML, if they hold one video's
/// address and nothing else: written bare (`https://youtu.be/…`) or as a link whose words
/// become its title. A link to the video's page, which the bulletin page's script turns into
/// the player on a click: nothing is fetched from the video's site before.
pub(super) fn lone_video(events: &[Event]) -> Option<String> {
    let text = |inner: &[Event]| -> Option<String> {
        inner.iter().map(|e| if let Event::Text(t) = e { Some(t.as_ref()) } else { None }).collect()
    };
    // Looked at first for what is cheap to see: every paragraph's end comes here.
    let (address, title) = match events {
        [Event::Start(Tag::Paragraph), Event::Text(t)] if t.starts_with("http") => (t.trim(), None),
        [
            Event::Start(Tag::Paragraph),
            Event::Start(Tag::Link { dest_url, .. }),
            inner @ ..,
            Event::End(TagEnd::Link),
        ] if dest_url.starts_with("http") => {
            (dest_url.as_ref(), text(inner).filter(|t| !t.trim().is_empty() && t.trim() != dest_url.as_ref()))
        }
        _ => return None,
    };
    let video = super::video::video_of(address)?;
    let title =
        title.unwrap_or_else(|| address.split_once("://").map_or(address, |(_, rest)| rest).to_string());
    Some(format!(
        "<figure class=\"video{}\"><a class=\"video-link\" href=\"{}\"><span class=\"video-play\"></span><span class=\"video-title\">{}</span></a></figure>\n",
        if video.tall { " video-tall" } else { "" },
        crate::text::escape::xml(&video.page),
        crate::text::escape::xml(title.trim())
    ))
}

/// The player a paragraph's events (from its Start) show, as HTML, if they hold a link to a
/// sound file beside the bulletin (an attachment: a radio bulletin's recording, an interview)
/// and nothing else: a play button before the link's words (and the file's note), which the
/// bulletin page's script turns into the browser's own player, playing, on a click. Nothing is
/// fetched before; without the script it is the link. The browser's player is not in the page
/// from the start: its controls lay themselves out again once shown, which moves them (a layout
/// shift). A video file stays a link: a player for it without captions, which bantin cannot
/// make, fails accessibility checks.
pub(super) fn lone_audio(events: &[Event]) -> Option<String> {
    let [
        Event::Start(Tag::Paragraph),
        Event::Start(Tag::Link { dest_url, .. }),
        inner @ ..,
        Event::End(TagEnd::Link),
    ] = events
    else {
        return None;
    };
    let target = dest_url.strip_prefix(ATTACHMENT_LINK)?;
    let path = target.split(['#', '?']).next().unwrap_or(target).to_ascii_lowercase();
    if !matches!(
        path.rsplit_once('.').map(|(_, ext)| ext),
        Some("mp3" | "m4a" | "aac" | "wav" | "ogg" | "oga" | "opus" | "flac")
    ) {
        return None;
    }
    let words: String = inner
        .iter()
        .map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect::<Option<String>>()?;
    let words =
        if words.trim().is_empty() { target.rsplit('/').next().unwrap_or(target) } else { words.trim() };
    Some(format!(
        "{AUDIO_OPEN}href=\"{}\"{AUDIO_BUTTON}{}{AUDIO_CLOSE}\n",
        crate::text::escape::markdown_href(dest_url),
        crate::text::escape::xml(words)
    ))
}

/// A recording's player as [`lone_audio`] writes it: before its link's `href`, between that and
/// the link's words, and after them.
const AUDIO_OPEN: &str = "<figure class=\"audio\"><a class=\"audio-link\" ";
const AUDIO_BUTTON: &str = "><span class=\"audio-play\"></span>";
const AUDIO_CLOSE: &str = "</a></figure>";

/// `html` with the recording player of each link whose `href="…"` is `href` made a plain link
/// in a paragraph: for a file that is not there, whose play button would start a player with
/// nothing to play.
pub fn without_player(html: &str, href: &str) -> String {
    let open = format!("{AUDIO_OPEN}{href}{AUDIO_BUTTON}");
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(&open) {
        let words = &rest[at + open.len()..];
        let Some(close) = words.find(AUDIO_CLOSE) else { break };
        out.push_str(&rest[..at]);
        out.push_str("<p><a ");
        out.push_str(href);
        out.push('>');
        out.push_str(&words[..close]);
        out.push_str("</a></p>");
        rest = &words[close + AUDIO_CLOSE.len()..];
    }
    out.push_str(rest);
    out
}
