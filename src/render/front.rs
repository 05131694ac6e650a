//! What the front page leads with and how a bulletin page links on: the lead story, the top
//! stories and a block per section, and a bulletin's neighbours in its own section. Both the
//! page's key ([`Renderer::fingerprint`]) and its context ([`Renderer::render`]) are made
//! from these, so that they cannot disagree.

use super::*;

/// Top stories under the lead story.
const TOP: usize = 4;
/// Bulletins in a section's block.
const BLOCK: usize = 4;
/// How far down the newest bulletins the lead story is looked for, when none is featured:
/// the newest with a picture, unless that is older news than a front page should lead with.
const LEAD_WITHIN: usize = 12;

/// The front page's stories, by archive position.
pub(super) struct Front {
    pub(super) lead: Option<usize>,
    pub(super) top: Vec<usize>,
    /// Each section with bulletins (by its position in site.toml) and its newest ones not
    /// already leading the page.
    pub(super) blocks: Vec<(usize, Vec<usize>)>,
}

/// A section's block as templates see it.
#[derive(Serialize)]
pub(super) struct BlockView<'v> {
    pub(super) name: &'v str,
    pub(super) url: String,
    pub(super) cards: Vec<std::borrow::Cow<'v, Value>>,
}

/// Links to share a bulletin, each carrying its absolute address.
#[derive(Serialize)]
pub(super) struct ShareView {
    pub(super) url: String,
    pub(super) facebook: String,
    pub(super) zalo: String,
    pub(super) x: String,
    pub(super) email: String,
}

impl ShareView {
    pub(super) fn new(url: &str, title: &str) -> ShareView {
        use crate::text::escape::percent_encode as enc;
        let (u, t) = (enc(url), enc(title));
        ShareView {
            url: url.to_string(),
            facebook: format!("https://www.facebook.com/sharer/sharer.php?u={u}"),
            zalo: format!("https://sp.zalo.me/share?url={u}"),
            x: format!("https://x.com/intent/post?url={u}&text={t}"),
            email: format!("mailto:?subject={t}&body={u}"),
        }
    }
}

impl Renderer<'_> {
    /// The front page's stories: the featured bulletin (else the newest with a picture among
    /// the newest few, else the newest) leads; the next newest are the top stories; then each
    /// section's newest bulletins that are neither.
    pub(super) fn front(&self) -> Front {
        let entries = &self.archive.entries;
        // A picture its card shows: a site photo, or a lead picture's web address.
        let has_picture = |i: usize| card_image(&entries[i], self.photos.lead_of(i)).is_some();
        let lead = self
            .featured
            .or_else(|| (0..entries.len().min(LEAD_WITHIN)).find(|&i| has_picture(i)))
            .or_else(|| (!entries.is_empty()).then_some(0));
        let top: Vec<usize> = (0..entries.len()).filter(|&i| Some(i) != lead).take(TOP).collect();
        let shown = |i: &usize| Some(*i) != lead && !top.contains(i);
        let blocks = self
            .archive
            .sections
            .iter()
            .enumerate()
            .map(|(si, s)| (si, s.members.iter().copied().filter(shown).take(BLOCK).collect::<Vec<_>>()))
            .filter(|(_, members)| !members.is_empty())
            .collect();
        Front { lead, top, blocks }
    }

    /// Feeds the front page's stories into a page key.
    pub(super) fn front_key(&self, f: &mut Fingerprint) {
        let front = self.front();
        f.str("lead").u64(front.lead.map_or(0, |i| self.card_hashes[i]));
        f.str("top");
        for &i in &front.top {
            f.u64(self.card_hashes[i]);
        }
        for (si, members) in &front.blocks {
            let s = &self.archive.sections[*si];
            f.str("block").str(&s.name).str(&s.slug);
            for &i in members {
                f.u64(self.card_hashes[i]);
            }
        }
    }

    /// Puts the front page's stories into its context.
    pub(super) fn insert_front(&self, ctx: &mut Context) {
        let front = self.front();
        ctx.insert("lead", &front.lead.map(|i| self.card(i)));
        ctx.insert("top", &front.top.iter().map(|&i| self.card(i)).collect::<Vec<_>>());
        let blocks: Vec<BlockView> = front
            .blocks
            .iter()
            .map(|(si, members)| {
                let s = &self.archive.sections[*si];
                BlockView {
                    name: &s.name,
                    url: crate::archive::section_url(&s.slug),
                    cards: members.iter().map(|&i| self.card(i)).collect(),
                }
            })
            .collect();
        ctx.insert("blocks", &blocks);
    }

    /// Entry `i`'s newer and older neighbours: in its section when it has one, else in the
    /// whole archive.
    pub(super) fn neighbours(&self, i: usize) -> (Option<usize>, Option<usize>) {
        let entries = &self.archive.entries;
        // The archive is newest first: its neighbours are the positions beside it.
        let whole = (i.checked_sub(1), (i + 1 < entries.len()).then_some(i + 1));
        let Some(section) = entries[i].section().map(|si| &self.archive.sections[si]) else {
            return whole;
        };
        // Members are in archive order, newest first, as positions are.
        match section.members.binary_search(&i) {
            Ok(at) => (at.checked_sub(1).map(|n| section.members[n]), section.members.get(at + 1).copied()),
            Err(_) => whole,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ShareView;

    #[test]
    fn share_links_carry_the_address_and_title_encoded() {
        let s = ShareView::new("https://a.vn/2020/01/mưa lớn/?x=1&y=2", "Mưa lớn & lũ");
        assert_eq!(
            s.facebook,
            "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fa.vn%2F2020%2F01%2Fm%C6%B0a%20l%E1%BB%9Bn%2F%3Fx%3D1%26y%3D2"
        );
        assert!(s.x.ends_with("&text=M%C6%B0a%20l%E1%BB%9Bn%20%26%20l%C5%A9"), "{}", s.x);
        assert!(s.email.starts_with("mailto:?subject=M%C6%B0a"), "{}", s.email);
        assert!(s.zalo.starts_with("https://sp.zalo.me/share?url=https%3A%2F%2Fa.vn"), "{}", s.zalo);
    }
}
