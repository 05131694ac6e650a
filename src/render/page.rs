//! The page stage's work for one job: its key ([`Renderer::fingerprint`]: everything
//! [`Renderer::render`] reads) and its rendering, side by side so that what a page shows and
//! what its key covers are changed together.

use super::*;

impl<'a> Renderer<'a> {
    /// A fingerprint of everything [`Renderer::render`] reads for `job`: two equal
    /// fingerprints mean the same page. Every input `render` uses must be fed in here;
    /// tests/incremental.rs compares incremental builds with clean ones to hold us to it.
    /// Long because it has one arm per kind of page, as [`Renderer::render`] below has.
    pub fn fingerprint(&self, job: Job) -> u64 {
        let a = self.archive;
        let mut f = Fingerprint::new();
        f.u64(self.global).str(&self.job_path(job));
        // A list page shows its span's bulletins and links to its neighbours: not how many
        // bulletins the list has, so that new ones leave its older pages as they are.
        let most = self.most_pages(job);
        let list = |f: &mut Fingerprint, members: &[usize], page: usize| {
            let span = Span::of(members.len(), self.config.per_page, most, page);
            f.u64(page as u64).u64(u64::from(span.capped));
            f.u64(span.newer.map_or(u64::MAX, |p| p as u64)).u64(span.older.map_or(u64::MAX, |p| p as u64));
            for &m in &members[span.range] {
                f.u64(self.card_hashes[m]);
            }
        };
        let years = |f: &mut Fingerprint| {
            for y in &a.years {
                f.u64(y.year as u64);
                for m in &y.months {
                    f.u64(m.month as u64).u64(m.members.len() as u64);
                }
            }
        };
        match job {
            Job::Home(p) => {
                f.str("home");
                list(&mut f, &self.all, p);
                if p == 0 {
                    self.front_key(&mut f);
                }
            }
            Job::Bulletin(i) => {
                let e = &a.entries[i];
                f.str("bulletin").u64(self.entry_hashes[i]);
                let (newer, older) = self.neighbours(i);
                for n in [newer, older] {
                    f.u64(n.map_or(0, |n| self.card_hashes[n]));
                }
                for &r in &e.related {
                    f.u64(self.card_hashes[r as usize]);
                }
            }
            Job::Terms(kind) => {
                f.str("terms").str(kind.folder());
                for t in a.terms(kind) {
                    f.str(&t.name).str(&t.slug).u64(t.members.len() as u64);
                }
            }
            Job::Term(kind, ti, p) => {
                let t = &a.terms(kind)[ti];
                f.str("term").str(kind.folder()).str(&t.name).str(&t.slug);
                // Only the newest page has the count and the chart (see `render`).
                if p == 0 {
                    f.u64(self.term_hashes[kind as usize][ti]);
                    f.u64(a.years.first().map_or(0, |y| y.year as u64));
                    f.u64(a.years.last().map_or(0, |y| y.year as u64));
                }
                list(&mut f, &t.members, p);
            }
            Job::ArchiveIndex => {
                f.str("archive");
                years(&mut f);
            }
            Job::Year(yi) => {
                let y = &a.years[yi];
                f.str("year").u64(y.year as u64);
                for m in &y.months {
                    f.u64(m.month as u64).u64(m.members.len() as u64);
                }
            }
            Job::Month(yi, mi, p) => {
                let y = &a.years[yi];
                f.str("month").u64(y.year as u64);
                list(&mut f, &y.months[mi].members, p);
            }
            Job::Search => {
                f.str("search");
            }
            Job::NotFound => {
                f.str("404");
            }
            Job::Alias(i, _) => {
                let e = &a.entries[i];
                f.str("alias").str(&e.path).str(&e.bulletin.title);
            }
            Job::Section(si, p) => {
                let section = &a.sections[si];
                f.str("section").str(&section.name).str(&section.slug).str(&section.description);
                list(&mut f, &section.members, p);
            }
            Job::Corrections => {
                f.str("corrections");
                for e in a.entries.iter().filter(|e| !e.bulletin.corrections.is_empty()) {
                    f.str(&e.path).str(&e.bulletin.title).u64(e.bulletin.corrections.len() as u64);
                    for c in &e.bulletin.corrections {
                        f.u64s(c.date.identity()).str(&c.text);
                    }
                }
            }
        }
        f.finish()
    }

    /// Renders one page (UTF-8 HTML, as bytes: the templates are text, so checking the
    /// result again would only cost time). Long because it is one `match` over the kinds of page,
    /// each arm the context of one template; [`Renderer::fingerprint`] above has the same arms.
    pub fn render(&self, job: Job) -> Result<Vec<u8>, Diagnostic> {
        let a = self.archive;
        let path = self.job_path(job);
        let mut ctx = Context::new();
        // Links are relative to the page, so the site works under any prefix on any host;
        // the 404 page is served at arbitrary depths and uses the base URL's path instead.
        let root = if job == Job::NotFound { base_path(&self.config.base_url) } else { relative_root(&path) };
        ctx.insert("root", &root);
        ctx.insert("current_path", &path);
        let canonical = format!("{}/{}", self.config.base(), path);
        ctx.insert("canonical", &canonical);
        ctx.insert("pager", &None::<()>);
        ctx.insert("term_feed", "");
        ctx.insert("meta_description", &self.config.description);
        let s = &self.strings;
        let template = match job {
            Job::Home(p) => {
                self.insert_list(&mut ctx, &self.all, job, p, "", &root)?;
                if p == 0 {
                    self.insert_front(&mut ctx);
                }
                ctx.insert("heading", if p == 0 { s.get("latest") } else { s.get("older_bulletins") });
                "index.html"
            }
            Job::Bulletin(i) => {
                let e = &a.entries[i];
                let b = &e.bulletin;
                let html = e.html();
                let content = a.link_internal(e, &html, &root);
                let content = self.body_with_photos(i, &content, &root);
                let summary = e.summary();
                let date_view = |d: &crate::content::PubDate| DateView {
                    machine: d.machine(),
                    display: s.format_date(d),
                };
                let modified = b.modified();
                let names = |kind: TermKind, idx: &[u32]| -> Vec<(String, String)> {
                    idx.iter()
                        .map(|&t| {
                            let term = &a.terms(kind)[t as usize];
                            (
                                term.name.clone(),
                                format!("{}/{}", self.config.base(), term_url(kind, &term.slug)),
                            )
                        })
                        .collect()
                };
                let authors = names(TermKind::Author, &e.authors);
                let tags = names(TermKind::Tag, &e.tags);
                let page = PageView {
                    title: &b.title,
                    summary: &summary,
                    sapo: e.facts.summary_given.then_some(summary.as_ref()),
                    content: &content,
                    has_code: e.facts.has_code,
                    reading_minutes: (e.facts.words as usize)
                        .div_ceil(self.config.words_per_minute.max(1))
                        .max(1),
                    date: date_view(&b.date),
                    dateline: s.format_dateline(&b.date),
                    month: self.month_view(b.date.year(), b.date.month(), 0),
                    updated: b.updated.as_deref().map(date_view),
                    image: self.lead_view(i, &root),
                    published: crate::feeds::rfc3339(&b.date),
                    modified: crate::feeds::rfc3339(modified),
                    author_urls: authors.iter().map(|(_, u)| u.as_str()).collect(),
                    tag_names: tags.iter().map(|(n, _)| n.as_str()).collect(),
                    corrections: b
                        .corrections
                        .iter()
                        .map(|c| CorrectionView {
                            date: date_view(&c.date),
                            text: &c.text,
                            title: None,
                            url: None,
                        })
                        .collect(),
                };
                let mut ld = serde_json::json!({
                    "@context": "https://schema.org",
                    "@type": "NewsArticle",
                    "headline": b.title,
                    "description": summary,
                    "datePublished": page.published,
                    "dateModified": page.modified,
                    "author": authors.iter().map(|(n, u)| serde_json::json!({"@type": "Person", "name": n, "url": u})).collect::<Vec<_>>(),
                    "keywords": tags.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
                    "mainEntityOfPage": canonical,
                    "url": canonical,
                    "inLanguage": self.config.language,
                    "publisher": {"@type": "Organization", "name": self.config.title},
                });
                let images = self.lead_images_ld(i);
                if !images.is_empty() {
                    ld["image"] = serde_json::json!(images);
                }
                // The breadcrumb the page shows: home, its section (else its month), itself.
                let base = self.config.base();
                let (step, step_url) = match e.section().map(|si| &a.sections[si]) {
                    Some(section) => {
                        ld["articleSection"] = serde_json::json!(section.name);
                        (section.name.clone(), crate::archive::section_url(&section.slug))
                    }
                    None => (page.month.name.clone(), page.month.url.clone()),
                };
                ld["breadcrumb"] = serde_json::json!({
                    "@type": "BreadcrumbList",
                    "itemListElement": [
                        {"@type": "ListItem", "position": 1, "name": self.config.title, "item": format!("{base}/")},
                        {"@type": "ListItem", "position": 2, "name": step, "item": format!("{base}/{step_url}")},
                        {"@type": "ListItem", "position": 3, "name": b.title, "item": canonical},
                    ],
                });
                if !b.corrections.is_empty() {
                    ld["correction"] = b
                        .corrections
                        .iter()
                        .map(|c| {
                            serde_json::json!({
                                "@type": "CorrectionComment",
                                "text": c.text,
                                "datePublished": crate::feeds::rfc3339(&c.date),
                            })
                        })
                        .collect();
                }
                ctx.insert("jsonld", &script_json(&ld));
                ctx.insert("meta_description", &summary);
                ctx.insert("page", &page);
                ctx.insert("card", &self.card(i));
                let (newer, older) = self.neighbours(i);
                ctx.insert("newer", &newer.map(|n| self.card(n)));
                ctx.insert("older", &older.map(|n| self.card(n)));
                ctx.insert("share", &ShareView::new(&canonical, &b.title));
                let related: Vec<std::borrow::Cow<Value>> =
                    e.related.iter().map(|&r| self.card(r as usize)).collect();
                ctx.insert("related", &related);
                "bulletin.html"
            }
            Job::Terms(kind) => {
                let max = a.terms(kind).iter().map(|t| t.members.len()).max().unwrap_or(1).max(1) as f64;
                let terms: Vec<TermCount> = a
                    .terms(kind)
                    .iter()
                    .map(|t| {
                        let n = t.members.len() as f64;
                        let size = if max <= 1.0 { 1 } else { 1 + (4.0 * n.ln() / max.ln()).round() as u8 };
                        TermCount {
                            name: &t.name,
                            url: term_url(kind, &t.slug),
                            count: t.members.len(),
                            size,
                        }
                    })
                    .collect();
                // The most used first (by count, then in the list's order), then all from A to Z.
                let mut popular: Vec<&TermCount> = terms.iter().collect();
                popular.sort_by_key(|t| std::cmp::Reverse(t.count));
                popular.truncate(POPULAR_TERMS);
                ctx.insert("popular", &popular);
                ctx.insert("letters", &by_letter(&terms));
                ctx.insert("terms", &terms);
                ctx.insert("kind", kind.folder());
                ctx.insert("heading", s.get(kind.folder()));
                "terms.html"
            }
            Job::Term(kind, ti, p) => {
                let t = &a.terms(kind)[ti];
                self.insert_list(&mut ctx, &t.members, job, p, &term_url(kind, &t.slug), &root)?;
                // The count and the chart change with every new bulletin of the term: only
                // its newest page, which changes then anyway, has them.
                if p == 0 {
                    ctx.insert("term", &serde_json::json!({"name": t.name, "count": t.members.len()}));
                    ctx.insert("chart", &self.activity_chart(&t.members, &t.name));
                } else {
                    ctx.insert("term", &serde_json::json!({"name": t.name}));
                    ctx.insert("chart", "");
                }
                ctx.insert("kind", kind.folder());
                ctx.insert("heading", &t.name);
                ctx.insert("term_feed", &term_url(kind, &t.slug));
                let profile = (kind == TermKind::Author)
                    .then(|| crate::config::profile_of(&self.config.authors, &crate::text::name_key(&t.name)))
                    .flatten();
                ctx.insert(
                    "profile",
                    &profile.map(|p| self.profile_view(p, &t.name, &term_url(kind, &t.slug))),
                );
                "term.html"
            }
            Job::ArchiveIndex => {
                let years: Vec<YearView> = (0..a.years.len()).map(|yi| self.year_view(yi)).collect();
                ctx.insert("years", &years);
                ctx.insert("heading", s.get("archive"));
                "archive.html"
            }
            Job::Year(yi) => {
                let y = &a.years[yi];
                let bars: Vec<(String, usize)> = (1..=12)
                    .map(|m: i8| {
                        let count = y.months.iter().find(|x| x.month == m).map_or(0, |x| x.members.len());
                        (m.to_string(), count)
                    })
                    .collect();
                let title = format!("{} {} — {}", s.get("year"), y.year, s.get("chart_by_month"));
                ctx.insert("chart", &chart::bar_chart("chart-months", &title, &bars));
                ctx.insert("year", &self.year_view(yi));
                ctx.insert("heading", &format!("{} {}", s.get("year"), a.years[yi].year));
                "year.html"
            }
            Job::Month(yi, mi, p) => {
                let y = &a.years[yi];
                let m = &y.months[mi];
                self.insert_list(&mut ctx, &m.members, job, p, &month_url(y.year, m.month), &root)?;
                ctx.insert("year", &serde_json::json!({"year": y.year, "url": year_url(y.year)}));
                ctx.insert("heading", &s.format_month(y.year, m.month));
                "month.html"
            }
            Job::Search => "search.html",
            Job::NotFound => "404.html",
            Job::Section(si, p) => {
                let section = &a.sections[si];
                let url = crate::archive::section_url(&section.slug);
                self.insert_list(&mut ctx, &section.members, job, p, &url, &root)?;
                ctx.insert(
                    "section",
                    &serde_json::json!({"name": section.name, "description": section.description, "url": url}),
                );
                ctx.insert("heading", &section.name);
                ctx.insert("term_feed", &url);
                "section.html"
            }
            Job::Corrections => {
                let mut items: Vec<(i64, CorrectionView)> = a
                    .entries
                    .iter()
                    .flat_map(|e| {
                        e.bulletin.corrections.iter().map(move |c| {
                            let view = CorrectionView {
                                date: DateView { machine: c.date.machine(), display: s.format_date(&c.date) },
                                text: &c.text,
                                title: Some(&e.bulletin.title),
                                url: Some(e.path.trim_start_matches('/')),
                            };
                            (c.date.sort_key(), view)
                        })
                    })
                    .collect();
                // Newest first; notices of one moment in archive order (a stable sort).
                items.sort_by_key(|(t, _)| std::cmp::Reverse(*t));
                let items: Vec<CorrectionView> = items.into_iter().map(|(_, v)| v).collect();
                ctx.insert("corrections", &items);
                ctx.insert("heading", s.get("corrections"));
                "corrections.html"
            }
            // An old URL's page is made without the theme.
            Job::Alias(i, _) => return Ok(self.redirect(&path, &a.entries[i]).into_bytes()),
        };
        let mut html = Vec::with_capacity(32 * 1024);
        self.tera
            .render_to(template, &ctx, &mut html)
            .map_err(|e| template_error(&e, Some(template), &self.template_files))?;
        Ok(html)
    }

    /// The page at an old URL of bulletin `e` (`path`): it sends browsers on at once
    /// (`http-equiv="refresh"`), tells search engines where the bulletin lives now
    /// (`rel="canonical"`) and is itself kept out of their indexes, and links to it for anyone
    /// the refresh does not move. Made without the theme: a static host serves it in place of a
    /// server-side redirect.
    fn redirect(&self, path: &str, e: &Entry) -> String {
        use crate::text::escape::xml;
        let target = format!("{}{}", relative_root(path), e.path.trim_start_matches('/'));
        let canonical = if crate::feeds::has_absolute_base(self.config) {
            format!("{}{}", self.config.base(), e.path)
        } else {
            target.clone()
        };
        let (lang, title, target, canonical) =
            (self.config.language.as_str(), xml(&e.bulletin.title), xml(&target), xml(&canonical));
        format!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
             <link rel=\"canonical\" href=\"{canonical}\">\n<meta name=\"robots\" content=\"noindex\">\n\
             <meta http-equiv=\"refresh\" content=\"0; url={target}\">\n</head>\n\
             <body>\n<main><h1><a href=\"{target}\">{title}</a></h1></main>\n</body>\n</html>\n"
        )
    }

    pub(super) fn insert_list(
        &self,
        ctx: &mut Context,
        members: &[usize],
        job: Job,
        page: usize,
        base: &str,
        root: &str,
    ) -> Result<(), Diagnostic> {
        let span = Span::of(members.len(), self.config.per_page, self.most_pages(job), page);
        let shown = &members[span.range.clone()];
        let cards: Vec<std::borrow::Cow<Value>> = shown.iter().map(|&i| self.card(i)).collect();
        if let Some(cache) = &self.card_html {
            let html = shown
                .iter()
                .zip(&cards)
                .map(|(&i, card)| self.card_html(cache, i, card, root))
                .collect::<Result<Vec<String>, Diagnostic>>()?;
            ctx.insert("card_html", &html);
        }
        ctx.insert("cards", &cards);
        let day = |i: Option<&usize>| {
            i.map(|&i| {
                let d = &self.archive.entries[i].bulletin.date;
                DateView { machine: d.machine_day(), display: self.strings.format_day(d) }
            })
        };
        ctx.insert(
            "pager",
            &PagerView {
                current: page,
                newer_url: span.newer.map(|p| paged(base, p)),
                older_url: span.older.map(|p| paged(base, p)),
                archive_url: span.capped.then(|| self.job_path(Job::ArchiveIndex).into_owned()),
                from: day(shown.last()),
                to: day(shown.first()),
            },
        );
        Ok(())
    }

    /// Entry `i`'s `card.html` on a page whose `root` is `root`: rendered once with
    /// [`ROOT_MARK`] in its place, which each page then replaces. A card whose own text has
    /// the mark is rendered for each page instead.
    pub(super) fn card_html(
        &self,
        cache: &[std::sync::OnceLock<Option<CardHtml>>],
        i: usize,
        card: &Value,
        root: &str,
    ) -> Result<String, Diagnostic> {
        let render = |root: &str| -> Result<String, Diagnostic> {
            let mut ctx = Context::new();
            ctx.insert("card", card);
            ctx.insert("root", root);
            self.tera
                .render("card.html", &ctx)
                .map_err(|e| template_error(&e, Some("card.html"), &self.template_files))
        };
        let cached = match cache[i].get() {
            Some(c) => c,
            None => {
                let e = &self.archive.entries[i];
                let marked = |t: &str| t.contains('\u{E000}');
                let clean = !(marked(&e.bulletin.title)
                    || marked(&e.summary())
                    || marked(&e.path)
                    || e.bulletin.tags.iter().chain(&e.bulletin.authors).any(|n| marked(n)));
                let html = if clean { Some(MarkedHtml::new(&render(ROOT_MARK)?)) } else { None };
                let kept = match (html, &self.card_spill) {
                    (Some(html), Some(spill)) => Some(CardHtml::Spilled(
                        html.to_bytes()
                            .and_then(|bytes| spill.put_bytes(&bytes))
                            .map_err(|e| spill_failed("write a card's HTML to the build's spill file", e))?,
                    )),
                    (html, _) => html.map(CardHtml::Held),
                };
                cache[i].get_or_init(|| kept)
            }
        };
        match (cached, &self.card_spill) {
            (Some(CardHtml::Held(html)), _) => Ok(html.with_root(root)),
            (Some(CardHtml::Spilled(at)), Some(spill)) => {
                let failed = |e: &dyn std::fmt::Display| {
                    spill_failed("read a card's HTML back from the build's spill file", e)
                };
                let bytes = spill.get_bytes(*at).map_err(|e| failed(&e))?;
                let html = MarkedHtml::from_bytes(&bytes).ok_or_else(|| failed(&"not the card written"))?;
                Ok(html.with_root(root))
            }
            _ => render(root),
        }
    }

    /// Bulletins per year for a tag's or author's bulletins, over the archive's whole span.
    /// What an author's page shows of their profile (`name` as the page heads it; `url`
    /// site-relative): its line, email and links (each with the host it is on, which the page
    /// shows), and its JSON-LD `ProfilePage`, whose `Person` has the links as `sameAs`.
    pub(super) fn profile_view(
        &self,
        p: &crate::config::AuthorConfig,
        name: &str,
        url: &str,
    ) -> serde_json::Value {
        let base = self.config.base();
        let page = format!("{base}/{url}");
        let mut person = serde_json::json!({"@type": "Person", "name": name, "url": page});
        if !p.description.is_empty() {
            person["description"] = p.description.clone().into();
        }
        if !p.email.is_empty() {
            person["email"] = format!("mailto:{}", p.email).into();
        }
        if !p.links.is_empty() {
            person["sameAs"] = p.links.clone().into();
        }
        let ld = serde_json::json!({"@context": "https://schema.org", "@type": "ProfilePage", "url": page, "mainEntity": person});
        let links: Vec<serde_json::Value> = p
            .links
            .iter()
            .map(|l| {
                let host = l.split_once("://").map_or(l.as_str(), |(_, r)| r).split(['/', '?', '#']).next();
                let host = host.unwrap_or(l).trim_start_matches("www.");
                serde_json::json!({"url": l, "host": host})
            })
            .collect();
        serde_json::json!({
            "description": p.description,
            "email": p.email,
            "links": links,
            "jsonld": (base.contains("://")).then(|| script_json(&ld)),
        })
    }

    pub(super) fn activity_chart(&self, members: &[usize], name: &str) -> String {
        let years = &self.archive.years;
        let (Some(first), Some(last)) = (years.last().map(|y| y.year), years.first().map(|y| y.year)) else {
            return String::new();
        };
        let mut counts = std::collections::BTreeMap::new();
        for &m in members {
            *counts.entry(self.archive.entries[m].bulletin.date.year()).or_insert(0usize) += 1;
        }
        let bars: Vec<(String, usize)> =
            (first..=last).map(|y| (y.to_string(), counts.get(&y).copied().unwrap_or(0))).collect();
        let title = format!("{name} — {}", self.strings.get("chart_by_year"));
        chart::bar_chart("chart-years", &title, &bars)
    }

    pub(super) fn year_view(&self, yi: usize) -> YearView {
        let y = &self.archive.years[yi];
        YearView {
            year: y.year,
            url: year_url(y.year),
            count: y.members.len(),
            months: y.months.iter().map(|m| self.month_view(y.year, m.month, m.members.len())).collect(),
        }
    }

    /// A month's archive page as a link: "Tháng 1/2020", "tháng 1" and its URL.
    pub(super) fn month_view(&self, year: i16, month: i8, count: usize) -> MonthView {
        MonthView {
            name: self.strings.format_month(year, month),
            short: self.strings.month_name(month).to_string(),
            url: month_url(year, month),
            count,
        }
    }
}
