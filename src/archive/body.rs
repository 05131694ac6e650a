//! A bulletin's body as HTML and as plain text, held in memory or spilled to disk
//! ([`Spill`]), and let go of as soon as nothing else needs it.

use std::borrow::Cow;
use std::sync::{Arc, Mutex};

use super::spill::{Put, Spill};

/// A bulletin's body as HTML and as plain text: here from the start when the bulletin was
/// parsed in this build (in memory, or in the build's spill file), read back from the source on
/// demand (the build's body loader) when it came from the build cache.
#[derive(Debug)]
pub enum Body {
    /// In memory (one per bulletin, so it is an enum: the two kinds share their room).
    Held {
        /// Let go ([`Body::release_html`]) once the pages and feeds showing it are written:
        /// the search index, built last, needs only the plain text.
        html: Mutex<Option<Arc<String>>>,
        /// Let go ([`Body::release_plain`]) once the build cache has logged it, or once the
        /// search index has its words.
        plain: Option<String>,
    },
    /// In the spill file, at these places (the plain text's is forgotten when it is let go).
    Spilled { spill: Arc<Spill>, html: Put, plain: Option<Put> },
}

/// A bulletin's summary, as lists, feeds and the search index show it: in memory, or, when
/// its body went to the build's spill file, there too (at 1,000,000 bulletins, 230 MB not
/// held).
#[derive(Debug)]
pub enum Summary {
    Held(Box<str>),
    Spilled(Arc<Spill>, Put),
}

impl Summary {
    /// Held, or put in `spill` when there is one (held still if that fails: the spill file's
    /// failures show where bodies are read back).
    pub fn new(text: String, spill: Option<&Arc<Spill>>) -> Summary {
        match spill.map(|s| (s, s.put(&text))) {
            Some((spill, Ok(at))) => Summary::Spilled(spill.clone(), at),
            _ => Summary::Held(text.into_boxed_str()),
        }
    }

    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Summary::Held(text) => Cow::Borrowed(text),
            Summary::Spilled(spill, at) => Cow::Owned(spill.get(*at)),
        }
    }
}

impl Body {
    pub fn new(html: String, plain: String) -> Body {
        Body::Held { html: Mutex::new(Some(Arc::new(html))), plain: Some(plain) }
    }

    /// A body whose HTML and plain text were put in `spill` at `html` and `plain`.
    pub fn spilled(spill: Arc<Spill>, [html, plain]: [Put; 2]) -> Body {
        Body::Spilled { spill, html, plain: Some(plain) }
    }

    /// The HTML, if it was not let go (a spilled one is read back each time).
    pub fn html(&self) -> Option<Arc<String>> {
        match self {
            Body::Spilled { spill, html, .. } => Some(Arc::new(spill.get(*html))),
            Body::Held { html, .. } => html.lock().ok()?.clone(),
        }
    }

    pub fn release_html(&self) {
        if let Body::Held { html, .. } = self
            && let Ok(mut html) = html.lock()
        {
            *html = None;
        }
    }

    /// The plain text, if it was not let go.
    pub fn plain(&self) -> Option<Cow<'_, str>> {
        match self {
            Body::Spilled { spill, plain, .. } => Some(Cow::Owned(spill.get((*plain)?))),
            Body::Held { plain, .. } => plain.as_deref().map(Cow::Borrowed),
        }
    }

    pub fn release_plain(&mut self) {
        match self {
            Body::Held { plain, .. } => *plain = None,
            Body::Spilled { plain, .. } => *plain = None,
        }
    }

    /// Whether it is in the spill file rather than in memory.
    pub fn is_spilled(&self) -> bool {
        matches!(self, Body::Spilled { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_goes_where_its_body_went_and_reads_back_the_same() {
        let dir = tempfile::tempdir().expect("tmp");
        let spill = Arc::new(Spill::create(dir.path()).expect("spill"));
        let text = "Mưa lớn ở Đà Nẵng: 300 mm trong một đêm.";
        let held = Summary::new(text.to_owned(), None);
        assert!(matches!(held, Summary::Held(_)));
        assert_eq!(held.text(), text);
        let spilled = Summary::new(text.to_owned(), Some(&spill));
        assert!(matches!(spilled, Summary::Spilled(..)));
        assert_eq!(spilled.text(), text);
        assert_eq!(Summary::new(String::new(), Some(&spill)).text(), "");
        assert!(spill.check().is_ok());
    }
}
