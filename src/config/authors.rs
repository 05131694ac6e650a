//! Authors' profiles (`[[authors]]` in site.toml): what an author's page says of them — a
//! line of who they are, an address to write to, their pages elsewhere — and what it tells
//! search engines (JSON-LD `ProfilePage`, whose `Person` has those pages as `sameAs`).

use serde::Deserialize;

use crate::diag::Diagnostic;

/// One author's profile.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorConfig {
    /// The name, as bylines write it (matched as tags are: any case, either tone placement).
    pub name: String,
    /// A line of who they are ("Phóng viên thời sự, theo dõi giao thông và đô thị").
    #[serde(default)]
    pub description: String,
    /// An address readers may write to.
    #[serde(default)]
    pub email: String,
    /// Their pages elsewhere (`https://…`): another site's profile, a social network's.
    #[serde(default)]
    pub links: Vec<String>,
}

/// Checks the profiles, each error at its `[[authors]]` table: a name, an email address that
/// is one, links that are web addresses, and one profile a name.
pub(super) fn check(authors: &mut [AuthorConfig], text: &str) -> Vec<Diagnostic> {
    let tables: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("[[authors]]"))
        .map(|(i, _)| i)
        .collect();
    let mut errors = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (k, a) in authors.iter_mut().enumerate() {
        let at = |d: Diagnostic| {
            let d = d.in_file("site.toml");
            match tables.get(k) {
                Some(&i) => d.at(text, i + 1, 1),
                None => d,
            }
        };
        a.name = crate::text::single_line(&crate::text::normalize(&a.name));
        a.description = crate::text::single_line(&a.description);
        a.email = a.email.trim().to_string();
        let key = crate::text::name_key(&a.name);
        if key.is_empty() {
            errors.push(
                at(Diagnostic::error("an author's profile has no name"))
                    .with_hint("give it the name bylines write: `name = \"Minh Anh\"`"),
            );
        } else if seen.contains(&key) {
            errors.push(
                at(Diagnostic::error(format!("two profiles for the author `{}`", a.name)))
                    .with_hint("keep one `[[authors]]` table for each author"),
            );
        }
        seen.push(key);
        let email_ok = |e: &str| {
            e.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
                && !e.contains(char::is_whitespace)
                && !e.contains(['<', '>', '"', '?'])
        };
        if !a.email.is_empty() && !email_ok(&a.email) {
            errors.push(
                at(Diagnostic::error(format!("`{}` is not an email address", a.email)))
                    .with_hint("write it as `email = \"minhanh@baotinh.vn\"`, or leave it out"),
            );
        }
        for link in &mut a.links {
            *link = link.trim().to_string();
            let web = (link.starts_with("https://") || link.starts_with("http://"))
                && link.split_once("://").is_some_and(|(_, rest)| !rest.is_empty())
                && !link.contains(char::is_whitespace);
            if !web {
                errors.push(
                    at(Diagnostic::error(format!(
                        "`{link}` in the links of `{}` is not a web address",
                        a.name
                    )))
                    .with_hint("write each whole, from https:// on"),
                );
            }
        }
    }
    errors
}

/// The profile of the author whose name key is `key`.
pub fn profile_of<'a>(authors: &'a [AuthorConfig], key: &str) -> Option<&'a AuthorConfig> {
    authors.iter().find(|a| crate::text::name_key(&a.name) == key)
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    #[test]
    fn profiles_are_read_and_checked() {
        let config = Config::parse(
            "[[authors]]\nname = \"Minh  Anh\"\ndescription = \"Phóng viên\"\nemail = \"ma@bao.vn\"\nlinks = [\"https://x.com/ma\"]\n",
        )
        .expect("valid");
        assert_eq!(config.authors[0].name, "Minh Anh");
        assert!(super::profile_of(&config.authors, &crate::text::name_key("minh anh")).is_some());
        for (bad, says) in [
            ("[[authors]]\nname = \"\"\n", "has no name"),
            ("[[authors]]\nname = \"A\"\n[[authors]]\nname = \"a\"\n", "two profiles"),
            ("[[authors]]\nname = \"A\"\nemail = \"a at bao\"\n", "not an email"),
            ("[[authors]]\nname = \"A\"\nlinks = [\"x.com/a\"]\n", "not a web address"),
            ("[[authors]]\nname = \"A\"\nbio = \"x\"\n", "unknown key `bio` in [[authors]] of site.toml"),
        ] {
            let errors = Config::parse(bad).expect_err(bad);
            assert!(errors.iter().any(|e| e.message.contains(says)), "{bad}: {errors:?}");
        }
        // A key of a table is told with the table's own keys.
        let errors = Config::parse("title = \"x\"\n[[authors]]\nname = \"A\"\nemial = \"a@b.vn\"\n")
            .expect_err("typo");
        assert_eq!(errors[0].hint.as_deref(), Some("did you mean `email`?"), "{errors:?}");
        let errors = Config::parse("[[authors]]\nname = \"A\"\nbio = \"x\"\n").expect_err("unknown");
        assert_eq!(
            errors[0].hint.as_deref(),
            Some("known keys are: name, description, email, links"),
            "{errors:?}"
        );
    }
}
