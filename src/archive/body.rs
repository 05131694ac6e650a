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
