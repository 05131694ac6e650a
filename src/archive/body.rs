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
/// its body went to the build's spill file or the archive would not fit the memory budget,
/// there too with the hash of its text (at 1,000,000 bulletins, 230 MB not held).
#[derive(Debug)]
pub enum Summary {
    Held(Box<str>),
    Spilled(Arc<Spill>, Put, u64),
}

impl Summary {
    /// Held, or put in `spill` when there is one (held still if that fails: the spill file's
    /// failures show where bodies are read back).
    pub fn new(text: String, spill: Option<&Arc<Spill>>) -> Summary {
        match spill.map(|s| (s, s.put(&text))) {
            Some((spill, Ok(at))) => {
                Summary::Spilled(spill.clone(), at, crate::hash::hash_bytes(text.as_bytes()))
            }
            _ => Summary::Held(text.into_boxed_str()),
        }
    }

    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Summary::Held(text) => Cow::Borrowed(text),
            Summary::Spilled(spill, at, _) => Cow::Owned(spill.get(*at)),
        }
    }

    /// The hash of the text, wherever it is (known without reading a spilled one back).
    pub fn key(&self) -> u64 {
        match self {
            Summary::Held(text) => crate::hash::hash_bytes(text.as_bytes()),
            Summary::Spilled(_, _, hash) => *hash,
        }
    }

    /// A held summary whose bytes `spill` has at `at` already: read from there from now on,
    /// and let go.
    pub fn found_in(&mut self, spill: &Arc<Spill>, at: Put) {
        if let Summary::Held(text) = self
            && text.len() == at.1 as usize
        {
            *self = Summary::Spilled(spill.clone(), at, crate::hash::hash_bytes(text.as_bytes()));
        }
    }

    /// Puts the held ones of `summaries` in `spill`, in one write.
    pub fn spill_held<'s>(
        summaries: impl Iterator<Item = &'s mut Summary>,
        spill: &Arc<Spill>,
    ) -> std::io::Result<()> {
        let mut held: Vec<&'s mut Summary> = summaries.filter(|s| matches!(s, Summary::Held(_))).collect();
        let texts: Vec<&[u8]> = held
            .iter()
            .map(|s| match &**s {
                Summary::Held(text) => text.as_bytes(),
                Summary::Spilled(..) => &[],
            })
            .collect();
        let puts = spill.put_many(&texts)?;
        let keys: Vec<u64> = texts.iter().map(|t| crate::hash::hash_bytes(t)).collect();
        drop(texts);
        for ((summary, at), key) in held.iter_mut().zip(puts).zip(keys) {
            **summary = Summary::Spilled(spill.clone(), at, key);
        }
        Ok(())
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
        assert_eq!(spilled.key(), held.key(), "the same key wherever the text is");
        // Held ones put in the spill file together, each reading back as it was.
        let texts = ["Một", "", "Bão số 3 đổ bộ"];
        let mut many: Vec<Summary> = texts.iter().map(|t| Summary::new(t.to_string(), None)).collect();
        many.push(Summary::new("đã ở đó".into(), Some(&spill)));
        let keys: Vec<u64> = many.iter().map(Summary::key).collect();
        Summary::spill_held(many.iter_mut(), &spill).expect("spilled");
        assert!(many.iter().all(|s| matches!(s, Summary::Spilled(..))));
        let back: Vec<String> = many.iter().map(|s| s.text().into_owned()).collect();
        assert_eq!(back, ["Một", "", "Bão số 3 đổ bộ", "đã ở đó"]);
        assert_eq!(many.iter().map(Summary::key).collect::<Vec<_>>(), keys);
        assert!(spill.check().is_ok());
    }
}
