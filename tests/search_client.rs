//! The search client (`search.js`, run in Node) agrees with the index builder on how text
//! is cut into words, folded and hashed to shards, and reads the index it wrote.

mod common;

use std::process::Command;

use bantin::search::format::shard_of;
use bantin::text::tokenize;

const SAMPLES: &[&str] = &[
    "Ðà Nẵng, Hà Nội-2020.",
    "UBND tỉnh tổng kết phong trào toàn dân bảo vệ an ninh Tổ quốc năm 2019",
    "Ha\u{0300} No\u{0302}\u{0323}i có mưa; TRƯỜNG ĐẠI HỌC\nmới",
    "Guðrún Þórðardóttir và HÐND",
    "“cánh tay nối dài” (ANTQ) 100% – chợ/cho, dầu’đầu",
    "COVID-19 e-mail x\u{0301}y café naïve 日本語 ١٢٣",
    "Quản lý, kĩ thuật: công ty Quý Tỷ, tay huy thuỷ Myanmar HY",
    "Chi 5.300 tỷ; 1.000.000đ, 3,5 tấn, ngày 12.03.2019, 1.0005 và 12345.678. Năm 2019. 100 người",
    "Ngân h\u{AD}àng\u{200B}Nhà n\u{200D}ước \u{FEFF}tăng\u{2060} lãi \u{200E}suất 5\u{AD}.300",
];

fn node() -> Option<String> {
    let ok = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    if !ok {
        let msg = "search_client: SKIPPED — node is not installed";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{msg}; CI=true requires it");
        }
        eprintln!("\n!!!!!!!! {msg} !!!!!!!!\n");
        return None;
    }
    Some(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/static/search-engine.js").to_string())
}

#[test]
fn tokenizer_fold_and_shards_agree_with_rust() {
    let Some(script) = node() else { return };
    let samples = serde_json::to_string(SAMPLES).expect("json");
    let js = format!(
        "const s = require({script:?}); const out = {samples}.map(t => s.tokenize(t).map(k => [k.word, k.folded, k.newSegment, s.shardOf(k.folded, 4096)])); console.log(JSON.stringify(out));"
    );
    let out = Command::new("node").args(["-e", &js]).output().expect("node");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let from_js: Vec<Vec<(String, String, bool, u32)>> = serde_json::from_slice(&out.stdout).expect("json");
    for (sample, js_tokens) in SAMPLES.iter().zip(from_js) {
        let rust: Vec<(String, String, bool, u32)> = tokenize(sample)
            .into_iter()
            .map(|t| {
                let shard = shard_of(&t.folded, 4096);
                (t.word, t.folded, t.new_segment, shard)
            })
            .collect();
        assert_eq!(rust, js_tokens, "{sample}");
    }
}

#[test]
fn the_client_filters_and_counts_by_section_on_a_built_index() {
    let Some(script) = node() else { return };
    let site = common::Site::new(
        "title = \"Tin\"\nbase_url = \"https://tin.example/\"\n[[sections]]\nname = \"Thời sự\"\n[[sections]]\nname = \"Kinh tế\"\n",
    );
    site.bulletin(
        "2020/01/a.md",
        "title: \"Mưa lớn ở Đà Nẵng\"\ndate: 2020-01-01\nsection: Thời sự",
        "Mưa lớn.",
    );
    site.bulletin(
        "2020/01/b.md",
        "title: \"Giá lúa ở Đà Nẵng tăng\"\ndate: 2020-01-02\nsection: Kinh tế",
        "Giá lúa.",
    );
    site.bulletin("2020/01/c.md", "title: \"Đà Nẵng đón khách\"\ndate: 2020-01-03", "Khách.");
    site.build(&[]);
    let public = site.public();
    let js = format!(
        r#"const s = require({script:?}); const fs = require('fs'); const path = require('path');
        const fetchFn = async (u) => {{ try {{ return new Response(fs.readFileSync(path.join({dir:?}, u)), {{ status: 200 }}); }} catch (e) {{ return new Response('', {{ status: 404 }}); }} }};
        (async () => {{
          const e = s.createEngine('', fetchFn);
          const all = await e.search({{ q: 'da nang' }});
          const docs = await e.docs(all.ids);
          const facets = await e.facets(all, docs);
          const kinhTe = await e.search({{ q: 'da nang', section: 'Kinh tế' }});
          const only = await e.search({{ q: '', section: 'thời sự' }});
          console.log(JSON.stringify({{ total: all.total, sections: facets.sections, kinhTe: (await e.docs(kinhTe.ids)).map(d => d.t), only: (await e.docs(only.ids)).map(d => d.c) }}));
        }})().catch((err) => {{ console.error(err); process.exit(1); }});"#,
        dir = public.join("search").to_string_lossy()
    );
    let out = Command::new("node").args(["-e", &js]).output().expect("node");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["total"], 3, "{v}");
    let mut counts: Vec<(String, u64)> = v["sections"]
        .as_array()
        .expect("sections facet")
        .iter()
        .map(|f| (f["name"].as_str().unwrap_or_default().to_string(), f["count"].as_u64().unwrap_or(0)))
        .collect();
    counts.sort();
    assert_eq!(counts, [("Kinh tế".to_string(), 1), ("Thời sự".to_string(), 1)], "{v}");
    assert_eq!(v["kinhTe"], serde_json::json!(["Giá lúa ở Đà Nẵng tăng"]), "{v}");
    assert_eq!(v["only"], serde_json::json!(["Thời sự"]), "{v}");
}

/// Runs queries through search.js on `site`'s built index: per query, the titles in order
/// and the corrected query, if any.
fn ask(script: &str, site: &common::Site, queries: &[&str]) -> Vec<(Vec<String>, Option<String>)> {
    ask_as(script, site, queries, false)
}

/// [`ask`], as submitted queries or (`typing`) as the words being typed.
fn ask_as(
    script: &str,
    site: &common::Site,
    queries: &[&str],
    typing: bool,
) -> Vec<(Vec<String>, Option<String>)> {
    let js = format!(
        r#"const s = require({script:?}); const fs = require('fs'); const path = require('path');
        const fetchFn = async (u) => {{ try {{ return new Response(fs.readFileSync(path.join({dir:?}, u)), {{ status: 200 }}); }} catch (e) {{ return new Response('', {{ status: 404 }}); }} }};
        (async () => {{
          const out = [];
          for (const q of {queries}) {{
            const e = s.createEngine('', fetchFn);
            const r = await e.search({{ q, typing: {typing} }});
            out.push([(await e.docs(r.ids)).map(d => d.t), r.corrected || null]);
          }}
          console.log(JSON.stringify(out));
        }})().catch((err) => {{ console.error(err); process.exit(1); }});"#,
        dir = site.public().join("search").to_string_lossy(),
        queries = serde_json::to_string(queries).expect("queries"),
    );
    let out = Command::new("node").args(["-e", &js]).output().expect("node");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

/// The pieces of `text` the client's snippet marks for the query `q`.
fn marked(script: &str, text: &str, q: &str) -> Vec<String> {
    let js = format!(
        "const s = require({script:?}); console.log(JSON.stringify(s.snippet({text}, s.parseQuery({q}).words).filter(p => p.mark).map(p => p.text)));",
        text = serde_json::to_string(text).expect("text"),
        q = serde_json::to_string(q).expect("query"),
    );
    let out = Command::new("node").args(["-e", &js]).output().expect("node");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

/// A site of bulletins (slug, title, date, body), built.
fn built(bulletins: &[(&str, &str, &str, &str)]) -> common::Site {
    let site = common::Site::new("title = \"Tin\"\nbase_url = \"https://tin.example/\"\n");
    for (slug, title, date, body) in bulletins {
        site.bulletin(&format!("x/{slug}.md"), &format!("title: \"{title}\"\ndate: {date}"), body);
    }
    site.build(&[]);
    site
}

/// A site of `bulletins` (as [`built`]) and `n` more, dated 2018-01-01, the `i`th with the
/// title and body `filler(i)` gives.
fn built_with<'a>(
    bulletins: &[(&str, &str, &str, &str)],
    n: usize,
    filler: impl Fn(usize) -> (&'a str, &'a str),
) -> common::Site {
    let slugs: Vec<String> = (0..n).map(|i| format!("s{i}")).collect();
    let mut all: Vec<(&str, &str, &str, &str)> = bulletins.to_vec();
    for (i, slug) in slugs.iter().enumerate() {
        let (title, body) = filler(i);
        all.push((slug, title, "2018-01-01", body));
    }
    built(&all)
}

#[test]
fn the_client_forgives_tones_and_typos_puts_titles_first_and_finds_phrases_across_punctuation() {
    let Some(script) = node() else { return };
    let site = built(&[
        ("a", "Hà Nội mưa to suốt đêm", "2015-01-01", "Nước ngập nhiều phố."),
        ("b", "Tên lửa đạn đạo mới được phóng thử", "2013-01-01", "Một vụ thử."),
        ("c", "Triều Tiên nói về tên lửa đạn đạo", "2016-01-01", "Một tuyên bố."),
        ("d", "Tin quốc tế trong ngày", "2017-01-01", "Họ bàn về tên lửa đạn đạo và hạt nhân."),
        ("e", "Giữ rừng đầu nguồn", "2018-01-01", "Công tác quản lý, bảo vệ rừng được siết chặt."),
        ("f", "Môi trường sạch", "2019-01-01", "Bảo vệ môi trường là việc của mọi người; rác được xử lý."),
        ("g", "Động đất ở Indonesia", "2019-02-01", "Động đất 6,7 độ Richter làm rung chuyển đảo."),
    ]);
    let answers = ask(
        &script,
        &site,
        &[
            "hà nôi",
            "tên lửa đạn đạo",
            "\"lý bảo vệ\"",
            "\"đất độ richter\"",
            "tne lửa đạn đạo",
            "\"lửa hạt nhân\"",
        ],
    );
    let titles = |i: usize| answers[i].0.iter().map(String::as_str).collect::<Vec<_>>();
    // A wrong tone still finds the word.
    assert_eq!(titles(0), ["Hà Nội mưa to suốt đêm"]);
    // The title that starts with the query, then the one that holds it, then the body.
    assert_eq!(
        titles(1),
        ["Tên lửa đạn đạo mới được phóng thử", "Triều Tiên nói về tên lửa đạn đạo", "Tin quốc tế trong ngày"]
    );
    // A quoted phrase across a comma, and across a number.
    assert_eq!(titles(2), ["Giữ rừng đầu nguồn"]);
    assert_eq!(titles(3), ["Động đất ở Indonesia"]);
    // A typo is forgiven and the page can say what it searched for.
    assert_eq!(titles(4).first(), Some(&"Tên lửa đạn đạo mới được phóng thử"), "{answers:?}");
    assert_eq!(answers[4].1.as_deref(), Some("tên lửa đạn đạo"), "{answers:?}");
    assert!(answers[1].1.is_none() && answers[0].1.is_none());
    // A phrase no bulletin has: the bulletins with its words, rather than nothing.
    assert_eq!(titles(5), ["Tin quốc tế trong ngày"]);
}

#[test]
fn a_typo_is_forgiven_when_it_is_another_word_or_its_first_letter_is_wrong_or_left_out() {
    let Some(script) = node() else { return };
    // "tôi" is in many bulletins, never beside "câu"; so are "lời" and "giải", apart.
    let mut bulletins = vec![
        ("a", "Lời giải câu hỏi khó", "2015-01-01", "Bài toán."),
        ("b", "Hỏi đáp pháp luật", "2016-01-01", "Người đọc hỏi."),
        ("c", "Mưa lớn ở Đà Nẵng", "2017-01-01", "Nước ngập."),
        ("d", "Đà Nẵng đón khách", "2017-02-01", "Khách đông."),
    ];
    let slugs = ["t0", "t1", "t2", "t3", "t4", "t5"];
    for slug in slugs {
        bulletins.push((
            slug,
            "Tin trong ngày",
            "2018-01-01",
            "Tôi nghe lời khuyên. Giải thưởng lớn. Một câu chuyện.",
        ));
    }
    let site = built(&bulletins);
    let answers =
        ask(&script, &site, &["lời giải câu toi", "mưa lớn ở đà ẵng", "đà vẵng", "tôi chuyện", "tôi giải"]);
    let first = |i: usize| answers[i].0.first().map(String::as_str);
    // "toi" is a word, found with the others in six bulletins, but beside none of them: as
    // "hỏi" (a letter changed) a title holds every word.
    assert_eq!(first(0), Some("Lời giải câu hỏi khó"), "{answers:?}");
    assert_eq!(answers[0].1.as_deref(), Some("lời giải câu hỏi"), "{answers:?}");
    // The first letter left out, or changed: found by the words' second letters.
    assert_eq!(first(1), Some("Mưa lớn ở Đà Nẵng"), "{answers:?}");
    assert_eq!(answers[1].1.as_deref(), Some("mưa lớn ở đà nẵng"), "{answers:?}");
    assert!(answers[2].0.iter().any(|t| t.contains("Đà Nẵng")), "{answers:?}");
    // Words that stand apart with no nearer word making a title: taken as typed.
    assert_eq!(answers[3].0.len(), slugs.len(), "{answers:?}");
    assert!(answers[3].1.is_none(), "{answers:?}");
    // Apart too, but "tôi" → "lời" makes a title's first words ("hỏi" is as near, and in
    // the title, but not beside "giải"): what was searched for names the one beside it.
    assert_eq!(first(4), Some("Lời giải câu hỏi khó"), "{answers:?}");
    assert_eq!(answers[4].1.as_deref(), Some("lời giải"), "{answers:?}");
}

#[test]
fn the_page_names_a_typo_s_word_as_the_first_result_spells_it_and_as_the_query_was_typed() {
    let Some(script) = node() else { return };
    // "nói" is in more bulletins than "nội"; "Đà Nẵng" in more than "đã năm" (so the pair
    // "đã năm" weighs more, being rarer), and "năm" in more than "nẵng".
    let bulletins = vec![
        ("h", "Hà Nội mưa to suốt đêm", "2015-01-01", "Nước ngập nhiều phố."),
        ("n", "Đã năm ngày mưa", "2016-01-01", "Mưa dầm."),
    ];
    let site = built_with(&bulletins, 15, |i| {
        if i < 12 {
            ("Đà Nẵng đón khách", "Khách đông.")
        } else {
            ("Tin trong ngày", "Họ nói gì trong năm.")
        }
    });
    let answers = ask(&script, &site, &["hà nộii", "ha noii", "da nag"]);
    let first = |i: usize| answers[i].0.first().map(String::as_str);
    // Typed with marks: the nearest word's spelling one edit from it as typed ("nội"), not
    // its most frequent ("nói").
    assert_eq!(first(0), Some("Hà Nội mưa to suốt đêm"), "{answers:?}");
    assert_eq!(answers[0].1.as_deref(), Some("hà nội"), "{answers:?}");
    // Typed without marks: the letters put right, no marks added to one word of it.
    assert_eq!(first(1), Some("Hà Nội mưa to suốt đêm"), "{answers:?}");
    assert_eq!(answers[1].1.as_deref(), Some("ha noi"), "{answers:?}");
    // "nang" (a letter left out) is likelier than "nam" (a letter changed to one far from
    // it on the keyboard): its title first, though "đã năm" is the rarer pair.
    assert_eq!(first(2), Some("Đà Nẵng đón khách"), "{answers:?}");
    assert_eq!(answers[2].1.as_deref(), Some("da nang"), "{answers:?}");
}

#[test]
fn words_typed_with_marks_the_archive_mostly_spells_so_rank_as_typed_before_titles_in_other_tones() {
    let Some(script) = node() else { return };
    let site = built(&[
        ("a", "Lấy phiếu tín nhiệm cán bộ", "2019-01-01", "Quốc hội họp."),
        ("b", "Dịch bệnh ở châu Phi", "2015-01-01", "Virus lây nhiễm rất nhanh."),
        ("c", "Hà Nội mưa to", "2015-01-01", "Nước ngập."),
        ("d", "Tin trong ngày", "2019-01-01", "Người hà nôi xưa nói vậy."),
        ("e", "Hà Nội đón khách", "2016-01-01", "Khách đông."),
        ("f", "Phố cổ Hà Nội", "2017-01-01", "Phố đông."),
        ("g", "Hà Nội trồng cây", "2018-01-01", "Cây xanh."),
        ("h", "Hà Nội lập quy hoạch", "2018-02-01", "Quy hoạch."),
    ]);
    let answers = ask(&script, &site, &["lây nhiễm", "hà nôi"]);
    let first = |i: usize| answers[i].0.first().map(String::as_str);
    // "lây nhiễm" as typed is the only spelling of its pair: the bulletin with it goes
    // before the title with "lấy" and "nhiệm" (other tones, apart).
    assert_eq!(first(0), Some("Dịch bệnh ở châu Phi"), "{answers:?}");
    // "hà nôi" is the rarer spelling of its pair (a tone left out, one bulletin of six):
    // titles with "Hà Nội" go before the text that has the pair as typed.
    assert!(answers[1].0[..5].iter().all(|t| t.contains("Hà Nội")), "{answers:?}");
    assert_eq!(answers[1].0.last().map(String::as_str), Some("Tin trong ngày"), "{answers:?}");
}

#[test]
fn too_few_results_and_a_word_far_rarer_than_one_a_letter_away_try_that_word_where_it_makes_a_title() {
    let Some(script) = node() else { return };
    // Two texts misspell "Donald" as "Donal"; "Donald" is in 48 titles (20 × 2 or more).
    // "Hèn" is in one title (the rarest word of "pò hèn"), "hơn" (one letter away) in 25
    // texts, never in a title beside "pò".
    let bulletins = vec![
        ("m1", "Tin trong ngày", "2015-01-01", "Ông Donal Trump nói."),
        ("m2", "Tin thế giới", "2015-02-01", "Donal Trump đến."),
        ("p", "Trận chiến Pò Hèn năm 1979", "2016-01-01", "Biên giới."),
        ("q", "Tin biên giới", "2016-02-01", "Đồn Pò Mã xa hơn."),
    ];
    let site = built_with(&bulletins, 72, |i| {
        if i < 48 {
            ("Donald Trump thăm châu Á", "Chuyến đi dài.")
        } else {
            ("Tin trong tuần", "Hai người hơn nữa.")
        }
    });
    let answers = ask(&script, &site, &["donal trump", "pò hèn"]);
    let first = |i: usize| answers[i].0.first().map(String::as_str);
    assert_eq!(first(0), Some("Donald Trump thăm châu Á"), "{answers:?}");
    assert_eq!(answers[0].1.as_deref(), Some("donald trump"), "{answers:?}");
    // The texts as typed are still among the results.
    assert!(answers[0].0.iter().any(|t| t == "Tin thế giới"), "{answers:?}");
    // No nearer word makes a title: the query stands as typed (not "pò hơn" too).
    assert_eq!(answers[1], (vec!["Trận chiến Pò Hèn năm 1979".to_string()], None), "{answers:?}");
}

#[test]
fn the_word_being_typed_is_matched_by_the_words_it_begins_as_typed_and_beside_the_word_before() {
    let Some(script) = node() else { return };
    let site = built(&[
        ("a", "Phẫn nộ trước clip ở Hà Nội", "2019-01-01", "Dư luận."),
        ("b", "Hà Nội mưa to", "2015-01-01", "Nước ngập."),
        ("c", "Tổng bí thư đến Cuba", "2016-01-01", "Chuyến thăm."),
        ("d", "Tin trong ngày", "2019-02-01", "Tổng hợp bí quyết thi cử."),
    ]);
    let answers = ask_as(&script, &site, &["hà nộ", "tổng bí th"], true);
    let first = |i: usize| answers[i].0.first().map(String::as_str);
    // "nộ" may become "nội": the title that starts with "Hà Nội" goes before the one with
    // "nộ" as typed, apart from "Hà".
    assert_eq!(first(0), Some("Hà Nội mưa to"), "{answers:?}");
    assert_eq!(first(1), Some("Tổng bí thư đến Cuba"), "{answers:?}");
    // Submitted, the words are what they are.
    let answers = ask(&script, &site, &["hà nộ"]);
    assert_eq!(answers[0].0.first().map(String::as_str), Some("Phẫn nộ trước clip ở Hà Nội"), "{answers:?}");
}

#[test]
fn while_typing_no_title_starting_so_looks_for_more_words_beside_the_word_before() {
    let Some(script) = node() else { return };
    // "ph" begins "phải", "phát", "phòng" and "phía", each in six bulletins, and "phố", in
    // two: the likeliest three words are looked for first; no title starts with "thành"
    // and one of them, so more of them are looked for beside "thành".
    let bulletins = vec![
        ("p", "Thành phố mới mở đường", "2015-01-01", "Đường rộng."),
        ("q", "Tin trong ngày", "2015-02-01", "Phố cổ đông vui."),
    ];
    let words = ["Phải", "Phát", "Phòng", "Phía"];
    let site = built_with(&bulletins, 24, |i| ("Tin thành công", words[i % words.len()]));
    let answers = ask_as(&script, &site, &["thành ph", "thành phá"], true);
    assert_eq!(answers[0].0.first().map(String::as_str), Some("Thành phố mới mở đường"), "{answers:?}");
    // A word no title begins so: the results stand as they were.
    assert!(answers[1].0.iter().all(|t| t != "Thành phố mới mở đường"), "{answers:?}");
}

#[test]
fn words_typed_without_spaces_are_read_as_the_syllables_the_archive_has_side_by_side() {
    let Some(script) = node() else { return };
    // "hanoi" reads as "ha noi" or "han oi": the archive has "Hà Nội" in three bulletins and
    // "hạn ơi" in one, so it is "ha noi". "mưa" and "hà" are in it, never side by side.
    let site = built(&[
        ("a", "Hà Nội mưa to suốt đêm", "2015-01-01", "Nước ngập nhiều phố."),
        ("b", "Tin trong ngày", "2016-01-01", "Đường ở Hà Nội thông thoáng."),
        ("c", "Nắng nóng kéo dài", "2017-01-01", "Người dân kêu: hạn ơi là hạn. Hà Nội có mưa."),
        ("d", "Tổng Bí thư Nguyễn Phú Trọng tiếp đoàn đại biểu", "2018-01-01", "Buổi sáng."),
        ("e", "Đội tuyển Việt Nam thắng", "2019-01-01", "Trận đấu hay."),
        ("f", "Anh em nhà họ Lê", "2019-02-01", "Chuyện làng."),
        ("g", "Tin vui", "2019-03-01", "Anh em đoàn tụ."),
        ("h", "Bé Na", "2019-04-01", "Bé nói: a, nhem nhuốc quá."),
        ("i", "Melania Trump thăm trường", "2019-05-01", "Chuyến thăm."),
        ("i2", "Tin tối", "2019-05-02", "Bà Melania dự tiệc."),
        ("j", "Tin làng", "2019-06-01", "Bà mẹ Lan kể."),
        ("l", "Vắc xin Covid-19 mới", "2019-07-01", "Thử nghiệm."),
    ]);
    let answers = ask(
        &script,
        &site,
        &["hanoi mua", "nguyenphutrong", "vietnam", "hànội", "muaha", "anhem", "covid19"],
    );
    let first = |i: usize| answers[i].0.first().map(String::as_str);
    assert_eq!(first(0), Some("Hà Nội mưa to suốt đêm"), "{answers:?}");
    // The page says how the words were read, as typed (without marks).
    assert_eq!(answers[0].1.as_deref(), Some("ha noi mua"), "{answers:?}");
    assert_eq!(first(1), Some("Tổng Bí thư Nguyễn Phú Trọng tiếp đoàn đại biểu"), "{answers:?}");
    assert_eq!(answers[1].1.as_deref(), Some("nguyen phu trong"), "{answers:?}");
    assert_eq!(answers[2], (vec!["Đội tuyển Việt Nam thắng".to_string()], Some("viet nam".to_string())));
    // Typed with marks, the marks stay where they were typed.
    assert_eq!(first(3), Some("Hà Nội mưa to suốt đêm"), "{answers:?}");
    assert_eq!(answers[3].1.as_deref(), Some("hà nội"), "{answers:?}");
    // Syllables the archive never has side by side are not read so.
    assert!(answers[4].0.is_empty(), "{answers:?}");
    // "a nhem" is side by side once, "anh em" twice.
    assert_eq!(first(5), Some("Anh em nhà họ Lê"), "{answers:?}");
    assert_eq!(answers[5].1.as_deref(), Some("anh em"), "{answers:?}");
    // Letters and a number typed together are read apart.
    assert_eq!(answers[6], (vec!["Vắc xin Covid-19 mới".to_string()], Some("covid 19".to_string())));
    // While typing, a word that words (of two bulletins or more) begin so is the start of one
    // ("melan": "Melania"), and one that no word begins so is read as syllables.
    let answers = ask_as(&script, &site, &["melan", "hanoi"], true);
    assert_eq!(answers[0].0.first().map(String::as_str), Some("Melania Trump thăm trường"), "{answers:?}");
    assert_eq!(answers[1].0.first().map(String::as_str), Some("Hà Nội mưa to suốt đêm"), "{answers:?}");

    // A word the archive has as typed, rarely (a brand), is read as syllables it has side by
    // side ten times as often (not twice); beside a word as the archive has it in more than
    // one bulletin, it stands as typed. A word one edit from a far more frequent one is a
    // typo, not syllables ("kho na").
    let bulletins = vec![
        ("v", "Vietnam Airlines mở đường bay mới", "2015-01-01", "Hãng bay."),
        ("v2", "Vietnam Airlines tăng chuyến", "2014-01-01", "Hãng bay."),
        ("v3", "Tin vui", "2013-01-01", "Vietnam thắng đậm."),
        ("x", "Cái kho na ná cái nhà", "2015-02-01", "Kho hàng."),
        ("k", "Quán Hoaky khai trương", "2015-03-01", "Đồ ăn."),
        ("k1", "Tin Hoa Kỳ", "2015-04-01", "Bầu cử."),
        ("k2", "Tin Hoa Kỳ", "2015-05-01", "Bầu cử."),
    ];
    let site = built_with(&bulletins, 150, |i| match i % 3 {
        0 => ("Việt Nam thắng trận", "Bóng đá."),
        1 => ("Khoan giếng mùa khô", "Nước ngầm."),
        _ => ("Tin trong ngày", "Thời tiết."),
    });
    let answers = ask(&script, &site, &["vietnam", "vietnam airlines", "khona", "hoaky", "vietnam thắng"]);
    let first = |i: usize| answers[i].0.first().map(String::as_str);
    assert_eq!(first(0), Some("Việt Nam thắng trận"), "{answers:?}");
    assert_eq!(answers[0].1.as_deref(), Some("viet nam"), "{answers:?}");
    assert_eq!(
        answers[1],
        (
            vec!["Vietnam Airlines mở đường bay mới".to_string(), "Vietnam Airlines tăng chuyến".to_string()],
            None
        ),
        "{answers:?}"
    );
    assert_eq!(first(2), Some("Khoan giếng mùa khô"), "{answers:?}");
    assert_eq!(answers[2].1.as_deref(), Some("khoan"), "{answers:?}");
    // "Hoa Kỳ" side by side only twice as often as "Hoaky": it stands as typed.
    assert_eq!(answers[3], (vec!["Quán Hoaky khai trương".to_string()], None), "{answers:?}");
    // Beside "thắng" in one bulletin only: read as syllables.
    assert_eq!(first(4), Some("Việt Nam thắng trận"), "{answers:?}");
    assert_eq!(answers[4].1.as_deref(), Some("viet nam thắng"), "{answers:?}");
}

#[test]
fn a_typo_that_is_another_word_is_found_as_the_word_least_often_beside_its_neighbours() {
    let Some(script) = node() else { return };
    // "con tri mất tích": every word is in three bulletins, but no title holds them all;
    // "tri" stands beside "con" there, never beside "mất", while "mất tích" is in six
    // bulletins: "tri" (with "con") is the word least often beside its neighbours, and
    // "trai", a letter away, makes a title hold every word.
    let bulletins = vec![("a", "Con trai mất tích bí ẩn", "2015-01-01", "Gia đình tìm kiếm.")];
    let site = built_with(&bulletins, 10, |i| match i {
        0..5 => ("Ngư dân mất tích trên biển", "Tàu cá."),
        5..8 => ("Tin làng", "Bà con trì hoãn. Mất điện. Tích nước."),
        _ => ("Con trai đi học", "Sáng sớm."),
    });
    let answers = ask(&script, &site, &["con tri mất tích"]);
    assert_eq!(answers[0].0.first().map(String::as_str), Some("Con trai mất tích bí ẩn"), "{answers:?}");
    assert_eq!(answers[0].1.as_deref(), Some("con trai mất tích"), "{answers:?}");
    // The bulletins with the words as typed are still found.
    assert!(answers[0].0.iter().any(|t| t == "Tin làng"), "{answers:?}");
}

#[test]
fn a_word_at_an_end_beside_only_the_typo_brings_the_word_beside_it_under_suspicion_too() {
    let Some(script) = node() else { return };
    // "trump ki có thể", "ki" typed for "kim": "trump" stands beside "ki" in one bulletin,
    // "ki" beside "có" in two, "có thể" in 49. "trump" is least often beside its neighbour,
    // but only because that neighbour is the typo; "ki", itself beside "có" twenty times
    // less often than "có" beside "thể", is tried too, and "kim" makes a title hold every word.
    let bulletins = vec![
        ("a", "Trump Kim có thể gặp lần hai", "2016-01-01", "Hội nghị."),
        ("b", "Tin Mỹ", "2016-01-02", "Trump kì vọng nhiều."),
        ("c1", "Tin lạ", "2016-01-03", "Một kì có mưa."),
        ("c2", "Tin lạ", "2016-01-04", "Một kì có mưa."),
        ("e1", "Tin Triều Tiên", "2016-01-05", "Ông Kim nói."),
        ("e2", "Tin Triều Tiên", "2016-01-06", "Ông Kim nói."),
    ];
    let site = built_with(&bulletins, 48, |i| match i {
        0..3 => ("Tin tổng hợp", "Ông Trump nói. Năm kì này mưa. Có thể."),
        _ => ("Tin tức có thể", "Người ta nói có thể."),
    });
    let answers = ask(&script, &site, &["trump ki có thể"]);
    assert_eq!(answers[0].0.first().map(String::as_str), Some("Trump Kim có thể gặp lần hai"), "{answers:?}");
    assert_eq!(answers[0].1.as_deref(), Some("trump kim có thể"), "{answers:?}");
}

#[test]
fn a_typo_s_nearest_words_are_tried_likeliest_first_not_only_most_frequent_first() {
    let Some(script) = node() else { return };
    // "qanh" is one edit from "quanh" (a letter left out: what typists do most), from "anh"
    // (a "q" added, its key beside "a"'s) and from "cành", "danh", "hạnh", "mạnh" (a letter
    // changed to one whose key is far from it). Those five are in six bulletins each,
    // "quanh" in two: by frequency alone it would be the fifth, and never tried.
    let bulletins = vec![
        ("q", "Đi bộ quanh hồ", "2015-01-01", "Sáng sớm."),
        ("r", "Chuyện quanh năm", "2015-02-01", "Chiều muộn."),
    ];
    let words = ["Anh", "Cành", "Danh", "Hạnh", "Mạnh"];
    let site = built_with(&bulletins, 30, |i| ("Tin trong ngày", words[i % words.len()]));
    let answers = ask(&script, &site, &["qanh"]);
    assert!(answers[0].0.iter().any(|t| t == "Đi bộ quanh hồ"), "{answers:?}");
    assert_eq!(answers[0].1.as_deref(), Some("quanh"), "{answers:?}");
}

#[test]
fn a_typo_s_nearest_word_beside_the_word_typed_beside_it_is_tried_though_seven_are_more_frequent() {
    let Some(script) = node() else { return };
    // "thanh iên", "niên" meant: "iên" is one letter short of "tiên", "hiện", "điện", "viên",
    // "kiên", "biển", "liên" and "niên", all as likely an edit. The first seven are in four
    // or five bulletins each, "niên" in two: by frequency it is the eighth, and was never
    // tried. But the archive has "thanh niên" side by side, and none of the others beside
    // "thanh" (in those bulletins "thanh" is in another paragraph).
    let bulletins = vec![
        ("a", "Thanh niên tình nguyện", "2015-01-01", "Mùa hè xanh."),
        ("b", "Đoàn thanh niên", "2015-02-01", "Hoạt động hè."),
    ];
    let words = ["Tiên", "Hiện", "Điện", "Viên", "Kiên", "Biển", "Liên"];
    let bodies: Vec<String> = words.iter().map(|w| format!("Thanh bình.\n\n{w} cảnh.")).collect();
    let site = built_with(&bulletins, 32, |i| ("Tin trong ngày", bodies[i % bodies.len()].as_str()));
    let answers = ask(&script, &site, &["thanh iên"]);
    assert_eq!(answers[0].0.first().map(String::as_str), Some("Thanh niên tình nguyện"), "{answers:?}");
    assert_eq!(answers[0].1.as_deref(), Some("thanh niên"), "{answers:?}");
}

#[test]
fn while_typing_a_word_none_of_whose_likeliest_words_is_meant_the_words_before_it_answer() {
    let Some(script) = node() else { return };
    // "mùa bão áp th": "thấp" is in one bulletin, so no list of words "th" begins has it;
    // the likeliest ("thi", "thu", "thể") are in thirty texts that hold the other words in
    // other spellings, and no title holds them all. A title holds "mùa bão áp" side by
    // side: the query without the word being typed answers.
    let bulletins = vec![("a", "Mùa bão, áp thấp đến sớm", "2019-01-01", "Tin.")];
    let site = built_with(&bulletins, 30, |_| ("Tin vắn", "Mua bao ấp, thi thu thể."));
    let answers = ask_as(&script, &site, &["mùa bão áp th"], true);
    assert_eq!(answers[0].0.first().map(String::as_str), Some("Mùa bão, áp thấp đến sớm"), "{answers:?}");
}

#[test]
fn a_syllable_typed_onto_a_word_of_another_tongue_is_read_apart() {
    let Some(script) = node() else { return };
    // "trumpkim" and "xecontainer" read as syllables alone nowhere ("trump" and "container"
    // are none): as a syllable and another word, the archive has "trump kim" and "xe
    // container" side by side.
    let bulletins = vec![
        ("a", "Trump Kim có thể gặp lần hai", "2019-01-01", "Hội nghị."),
        ("b", "Xe container lật trên quốc lộ", "2019-01-02", "Tai nạn."),
    ];
    let site = built_with(&bulletins, 12, |i| match i % 3 {
        0 => ("Có thể mưa to, ông Trump nói", "Nhà Trắng."),
        1 => ("Ông Kim nói có thể", "Bình Nhưỡng."),
        _ => ("Lật xe buýt", "Container hàng."),
    });
    let answers = ask(&script, &site, &["trumpkim co the", "xecontainer lat"]);
    assert_eq!(answers[0].0.first().map(String::as_str), Some("Trump Kim có thể gặp lần hai"), "{answers:?}");
    assert_eq!(answers[0].1.as_deref(), Some("trump kim co the"), "{answers:?}");
    assert_eq!(
        answers[1].0.first().map(String::as_str),
        Some("Xe container lật trên quốc lộ"),
        "{answers:?}"
    );
    assert_eq!(answers[1].1.as_deref(), Some("xe container lat"), "{answers:?}");
}

#[test]
fn two_abbreviations_or_an_abbreviation_and_a_word_typed_as_one_are_read_apart() {
    let Some(script) = node() else { return };
    // "tphcm": one bulletin spells it so, twelve "TP HCM" (or "TP.HCM"); "csgt" is itself an
    // abbreviation the archive has, and stands.
    let mut bulletins = vec![("a", "TPHCM mở tuyến buýt mới", "2016-01-01", "Xe buýt.")];
    let hcm: Vec<(String, String)> = (0..12)
        .map(|i| {
            (
                format!("h{i}"),
                if i % 2 == 0 {
                    format!("TP HCM làm đường số {i}")
                } else {
                    format!("TP.HCM xây cầu số {i}")
                },
            )
        })
        .collect();
    for (slug, title) in &hcm {
        bulletins.push((slug.as_str(), title.as_str(), "2015-01-01", "Giao thông."));
    }
    bulletins.push(("c", "CSGT kiểm tra xe tải", "2016-02-01", "Tải trọng."));
    // An abbreviation typed onto a word: "vnindex" is "VN-Index" (twelve bulletins; one
    // writes "VNIndex").
    let index: Vec<(String, String)> =
        (0..12).map(|i| (format!("v{i}"), format!("VN-Index tăng {i} điểm"))).collect();
    for (slug, title) in &index {
        bulletins.push((slug.as_str(), title.as_str(), "2015-01-01", "Chứng khoán."));
    }
    bulletins.push(("n", "VNIndex hồi phục", "2014-01-01", "Chứng khoán."));
    let site = built_with(&bulletins, 40, |_| ("Tin trong ngày", "Thời tiết đẹp."));
    let answers = ask(&script, &site, &["tphcm", "csgt", "vnindex"]);
    let first = answers[0].0.first().map(String::as_str).unwrap_or_default();
    assert!(first.starts_with("TP HCM") || first.starts_with("TP.HCM"), "{answers:?}");
    assert_eq!(answers[0].1.as_deref(), Some("tp hcm"), "{answers:?}");
    assert_eq!(answers[1].0, ["CSGT kiểm tra xe tải"], "{answers:?}");
    assert_eq!(answers[1].1, None, "{answers:?}");
    let first = answers[2].0.first().map(String::as_str).unwrap_or_default();
    assert!(first.starts_with("VN-Index"), "{answers:?}");
    assert_eq!(answers[2].1.as_deref(), Some("vn index"), "{answers:?}");
}

#[test]
fn a_link_pasted_is_searched_as_its_page_s_title_words() {
    let Some(script) = node() else { return };
    // A link's words as tokens ("https", "tin", "example", "2016", "01"…) are in no bulletin:
    // its page's name is its title's words (a slug), on this site or another paper's, after
    // an article number there.
    let bulletins = vec![
        ("a", "Mưa lớn ở Huế, nhiều nơi ngập sâu", "2016-01-01", "Nước lên nhanh."),
        ("b", "Mưa ở Hà Nội", "2016-01-02", "Trời mát."),
        ("c", "Huế đón khách", "2016-01-03", "Lễ hội lớn."),
    ];
    let site = built(&bulletins);
    let answers = ask(
        &script,
        &site,
        &[
            "https://tin.example/2016/01/mua-lon-o-hue-nhieu-noi-ngap-sau/",
            "  https://baokhac.vn/thoi-su/mua-lon-o-hue-nhieu-noi-ngap-sau-4012345.html ",
            "www.baokhac.vn/mua-lon-o-hue/c/31234567.epi",
            "https://baokhac.vn/thoi-su/4012345.html",
        ],
    );
    for (k, said) in ["mua lon o hue nhieu noi ngap sau", "mua lon o hue nhieu noi ngap sau", "mua lon o hue"]
        .iter()
        .enumerate()
    {
        let first = answers[k].0.first().map(String::as_str);
        assert_eq!(first, Some("Mưa lớn ở Huế, nhiều nơi ngập sâu"), "{k}: {answers:?}");
        assert_eq!(answers[k].1.as_deref(), Some(*said), "{k}: {answers:?}");
    }
    // A link that names no page by its words finds nothing (not its host's syllables).
    assert!(answers[3].0.is_empty(), "{answers:?}");
}

#[test]
fn in_a_query_typed_with_marks_a_word_without_any_is_meant_so_where_the_archive_mostly_spells_it_so() {
    let Some(script) = node() else { return };
    // "trung" is mostly spelled so ("Trung Quốc", "miền Trung"); "ha" mostly is not ("Hà").
    let site = built(&[
        ("a", "Mỹ - Trung nối lại đàm phán", "2016-01-01", "Thương mại."),
        ("b", "Mỹ trừng phạt quan chức Iran", "2019-01-01", "Lệnh cấm."),
        ("c", "Trung Quốc mở cảng mới", "2017-01-01", "Hàng hải."),
        ("d", "Miền Trung mưa lớn", "2017-02-01", "Lũ về."),
        ("e", "Hà Nội đón khách", "2016-02-01", "Du lịch."),
        ("f", "Hà Giang vào mùa hoa", "2016-03-01", "Núi đá."),
        ("g", "Cười ha hả ở nội thành", "2019-02-01", "Vui."),
    ]);
    let answers = ask(&script, &site, &["mỹ trung", "Mỹ-Trung", "ha nội", "my trung"]);
    let first = |i: usize| answers[i].0.first().map(String::as_str);
    assert_eq!(first(0), Some("Mỹ - Trung nối lại đàm phán"), "{answers:?}");
    assert_eq!(first(1), Some("Mỹ - Trung nối lại đàm phán"), "{answers:?}");
    // A word whose marks were left off still matches every spelling alike.
    assert_eq!(first(2), Some("Hà Nội đón khách"), "{answers:?}");
    // Typed without any marks, no spelling is preferred: the newer title first.
    assert_eq!(first(3), Some("Mỹ trừng phạt quan chức Iran"), "{answers:?}");
}

#[test]
fn a_syllable_written_with_i_or_y_is_one_word_either_way_and_marked_so_in_snippets() {
    let Some(script) = node() else { return };
    // "lý"/"lí", "quy"/"qui", "kỹ"/"kĩ", "tỷ"/"tỉ": both spellings are in print. "tay" and
    // "tai", "huy" and "hui" are other words.
    let site = built(&[
        ("a", "Xử lý rác thải ở ngoại thành", "2016-01-01", "Nhà máy mới."),
        ("b", "Quy định mới về thuế", "2016-02-01", "Từ tháng sau."),
        ("c", "Kỹ thuật số cho nhà nông", "2016-03-01", "Ứng dụng."),
        ("d", "Chi 300 tỉ đồng làm đường", "2016-04-01", "Vốn ngân sách."),
        ("e", "Quyết định mới của thành phố", "2016-05-01", "Công bố."),
        ("f", "Tai nạn trên cầu", "2019-01-01", "Tay lái."),
        ("g", "Huy chương vàng", "2019-02-01", "Quyết thắng."),
    ]);
    let answers = ask(&script, &site, &["xử lí rác", "qui định", "kĩ thuật", "300 tỷ đồng", "tay", "hui"]);
    let first = |i: usize| answers[i].0.first().map(String::as_str);
    assert_eq!(first(0), Some("Xử lý rác thải ở ngoại thành"), "{answers:?}");
    assert_eq!(first(1), Some("Quy định mới về thuế"), "{answers:?}");
    assert_eq!(first(2), Some("Kỹ thuật số cho nhà nông"), "{answers:?}");
    assert_eq!(first(3), Some("Chi 300 tỉ đồng làm đường"), "{answers:?}");
    assert_eq!(answers[4].0, ["Tai nạn trên cầu"], "{answers:?}");
    assert!(answers[5].0.is_empty(), "{answers:?}");
    // While typing, "quy" is still the start of "quyết".
    let typing = ask_as(&script, &site, &["quy"], true);
    assert!(typing[0].0.iter().any(|t| t == "Quyết định mới của thành phố"), "{typing:?}");
    // The snippet marks the word as the text spells it.
    assert_eq!(marked(&script, "Nhà máy xử lý rác.", "xử lí"), ["xử", "lý"]);
}

#[test]
fn a_word_with_a_character_that_shows_nothing_inside_is_found_and_marked_whole() {
    let Some(script) = node() else { return };
    // A soft hyphen and a word joiner pasted from a word processor sit inside the words.
    let site = built(&[
        ("a", "Lãi suất tháng Ba", "2016-01-01", "Ngân h\u{AD}àng Nhà nư\u{2060}ớc giữ lãi suất điều hành."),
        ("b", "Giá vàng", "2016-02-01", "Ngân sách và nhà ở."),
    ]);
    let answers = ask(&script, &site, &["\"ngân hàng nhà nước\"", "nhà nước"]);
    assert_eq!(answers[0].0, ["Lãi suất tháng Ba"], "{answers:?}");
    assert_eq!(answers[1].0, ["Lãi suất tháng Ba"], "{answers:?}");
    assert_eq!(marked(&script, "Ngân h\u{AD}àng giữ lãi.", "ngân hàng"), ["Ngân", "h\u{AD}àng"]);
}

#[test]
fn a_number_is_found_with_or_without_the_full_stops_between_its_thousands_and_only_whole() {
    let Some(script) = node() else { return };
    // "5.300 tỷ" is the number 5300: "5300 tỷ" and "5.300 tỷ" find it, "300 tỷ" does not
    // (it finds "300 tỷ"); "1000 tỷ" finds "1.000 tỷ". A decimal comma stays: "3,5 tấn".
    let site = built_with(
        &[
            ("a", "Đề xuất xây cầu 5.300 tỷ nối huyện đảo", "2016-01-01", "Vốn lớn."),
            ("b", "Thông xe cầu vượt 300 tỷ", "2015-01-01", "Nút giao."),
            ("c", "Chính phủ hỗ trợ 1.000 tỷ đồng khắc phục bão lũ", "2015-02-01", "Tiền về."),
            ("d", "Bắt xe chở 3,5 tấn hàng lậu", "2015-03-01", "Quốc lộ."),
            ("e", "Hỗ trợ 1 tỷ cho xã vùng lũ", "2017-01-01", "Lúc 7 giờ 00, tiền về xã."),
            ("f", "Xây 1.000 nhà cho dân", "2014-01-01", "Nhà mới."),
        ],
        30,
        |i| {
            if i % 2 == 0 {
                ("Vốn 5 tỷ cho xã", "Có 1 000 người.")
            } else {
                ("Giá lúa tăng", "Mua 300 tấn.")
            }
        },
    );
    let answers = ask(&script, &site, &["5300 tỷ", "5.300 tỷ", "300 tỷ", "1000 tỷ đồng", "\"3,5 tấn\""]);
    let first = |i: usize| answers[i].0.first().map(String::as_str);
    assert_eq!(first(0), Some("Đề xuất xây cầu 5.300 tỷ nối huyện đảo"), "{answers:?}");
    assert_eq!(first(1), Some("Đề xuất xây cầu 5.300 tỷ nối huyện đảo"), "{answers:?}");
    assert_eq!(first(2), Some("Thông xe cầu vượt 300 tỷ"), "{answers:?}");
    assert!(!answers[2].0.iter().any(|t| t.contains("5.300")), "{answers:?}");
    assert_eq!(first(3), Some("Chính phủ hỗ trợ 1.000 tỷ đồng khắc phục bão lũ"), "{answers:?}");
    assert_eq!(answers[4].0, ["Bắt xe chở 3,5 tấn hàng lậu"], "{answers:?}");
    // While typing, a number's last group half typed is the digits so far, which begin it
    // (not "1" and a word beginning "00").
    let typing = ask_as(&script, &site, &["hỗ trợ 1.0", "hỗ trợ 1.00"], true);
    for (titles, _) in &typing {
        assert_eq!(
            titles.first().map(String::as_str),
            Some("Chính phủ hỗ trợ 1.000 tỷ đồng khắc phục bão lũ"),
            "{typing:?}"
        );
    }
    // The snippet marks the number as the text writes it, and not a part of another one.
    assert_eq!(marked(&script, "Chi 1.000 tỷ đồng, 1.000.000 đồng.", "1000 tỷ"), ["1.000", "tỷ"]);
    assert_eq!(marked(&script, "Cầu 5.300 tỷ và 300 tỷ.", "300"), ["300"]);
}

#[test]
fn a_tone_mark_placed_the_old_way_or_the_new_is_the_same_spelling() {
    let Some(script) = node() else { return };
    // "hoà"/"hòa", "thuỷ"/"thủy": one word, its tone mark on either vowel (both ways are
    // in use, often in one newsroom). "Hóa" and "thùy" are other words.
    let site = built(&[
        ("a", "Hoà Bình đón khách", "2015-01-01", "Du lịch."),
        ("b", "Hóa đơn bình thường", "2019-01-01", "Thuế."),
        ("c", "Hòa nhạc ở Bình Dương", "2019-02-01", "Âm nhạc."),
        ("d", "Thuỷ điện xả lũ", "2016-01-01", "Mưa lớn."),
        ("e", "Thùy dương điện ảnh", "2020-01-01", "Phim."),
    ]);
    let answers = ask(&script, &site, &["hòa bình", "hoà bình", "thủy điện"]);
    let titles = |i: usize| answers[i].0.iter().map(String::as_str).collect::<Vec<_>>();
    // Typed either way, the title that starts with the words comes first, then the one
    // with them apart; the other word ("hóa") last.
    let hoa = ["Hoà Bình đón khách", "Hòa nhạc ở Bình Dương", "Hóa đơn bình thường"];
    assert_eq!(titles(0), hoa, "{answers:?}");
    assert_eq!(titles(1), hoa, "{answers:?}");
    assert_eq!(titles(2).first(), Some(&"Thuỷ điện xả lũ"), "{answers:?}");
    assert!(answers.iter().all(|a| a.1.is_none()), "{answers:?}");
}

#[test]
fn a_tag_or_author_written_with_either_tone_placement_is_one_name() {
    let Some(script) = node() else { return };
    let site = common::Site::new("title = \"Tin\"\nbase_url = \"https://tin.example/\"\n");
    let fm = |title: &str, tag: &str, author: &str| {
        format!("title: \"{title}\"\ndate: 2020-01-01\ntags: [{tag}]\nauthor: {author}")
    };
    site.bulletin("x/a.md", &fm("Một", "Thủy điện", "Thùy Linh"), "Xả lũ.");
    site.bulletin("x/b.md", &fm("Hai", "Thuỷ điện", "Thuỳ Linh"), "Tích nước.");
    site.bulletin("x/c.md", &fm("Ba", "Hòa Bình", "Hoà Bình"), "Hồ.");
    site.build(&[]);
    // One page for the tag, and for the author, whichever way their tone marks were placed.
    let folders = |kind: &str| -> Vec<String> {
        let dir = std::fs::read_dir(site.public().join(kind)).expect("folder");
        let mut names: Vec<String> = dir
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let tags = folders("tags");
    assert_eq!(tags.iter().filter(|t| t.starts_with("thuy-dien")).count(), 1, "{tags:?}");
    assert_eq!(tags.iter().filter(|t| t.starts_with("hoa-binh")).count(), 1, "{tags:?}");
    let authors = folders("authors");
    assert_eq!(authors.iter().filter(|t| t.starts_with("thuy-linh")).count(), 1, "{authors:?}");
    // The search client keys names as the build does: a filter by either spelling finds both.
    let js = format!(
        r#"const s = require({script:?}); const fs = require('fs'); const path = require('path');
        const fetchFn = async (u) => {{ try {{ return new Response(fs.readFileSync(path.join({dir:?}, u)), {{ status: 200 }}); }} catch (e) {{ return new Response('', {{ status: 404 }}); }} }};
        (async () => {{
          const out = [];
          for (const p of [{{ tag: 'Thủy điện' }}, {{ tag: 'thuỷ điện' }}, {{ author: 'Thuỳ Linh' }}, {{ q: 'hồ', tag: 'Hoà Bình' }}]) {{
            out.push((await s.createEngine('', fetchFn).search(p)).ids.length);
          }}
          console.log(JSON.stringify(out));
        }})().catch((err) => {{ console.error(err); process.exit(1); }});"#,
        dir = site.public().join("search").to_string_lossy(),
    );
    let out = Command::new("node").args(["-e", &js]).output().expect("node");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let counts: Vec<u64> = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(counts, [2, 2, 2, 1]);
}

#[test]
fn a_query_typed_in_telex_or_vni_with_the_input_method_off_is_read_as_the_words_it_spells() {
    let Some(script) = node() else { return };
    let site = built(&[
        ("a", "Việt Nam đón khách quốc tế", "2015-01-01", "Du lịch."),
        ("b", "Người dân Đà Nẵng ra đường", "2016-01-01", "Trời đẹp."),
        ("c", "Viết về Nam Bộ", "2019-01-01", "Sách."),
        ("d", "Tin nawm", "2014-01-01", "Một từ lạ: nawm."),
        ("e", "Bắt quả tang xe quá tải", "2017-01-01", "Trạm cân."),
        ("f", "Qua cầu", "2020-01-01", "Cầu mới."),
    ]);
    let answers = ask(
        &script,
        &site,
        &["vieetj nam", "nguowif daan ddaf nawngx", "nawm", "viết nam", "bawts quar tang", "vie65t nam"],
    );
    let first = |i: usize| answers[i].0.first().map(String::as_str);
    assert_eq!(first(0), Some("Việt Nam đón khách quốc tế"), "{answers:?}");
    assert_eq!(answers[0].1.as_deref(), Some("việt nam"), "{answers:?}");
    assert_eq!(first(1), Some("Người dân Đà Nẵng ra đường"), "{answers:?}");
    assert_eq!(answers[1].1.as_deref(), Some("người dân đà nẵng"), "{answers:?}");
    // A word the archive has as typed stays as typed.
    assert_eq!(answers[2].0, ["Tin nawm"], "{answers:?}");
    assert!(answers[2].1.is_none() && answers[3].1.is_none(), "{answers:?}");
    // Beside a word typed in Telex, one that only its tone key makes unfound ("quar") is read
    // with that tone too.
    assert_eq!(first(4), Some("Bắt quả tang xe quá tải"), "{answers:?}");
    assert_eq!(answers[4].1.as_deref(), Some("bắt quả tang"), "{answers:?}");
    // VNI, likewise.
    assert_eq!(first(5), Some("Việt Nam đón khách quốc tế"), "{answers:?}");
    assert_eq!(answers[5].1.as_deref(), Some("việt nam"), "{answers:?}");
    // A word alone with a Telex tone key last is a typo of the word without it, spelled with
    // that tone first ("hạnh" is the more frequent).
    let site = built(&[
        ("a", "Hành trình xuyên Việt", "2015-01-01", "Đi xa."),
        ("b", "Hạnh phúc", "2019-01-01", "Hạnh phúc gia đình."),
        ("c", "Hạnh ngộ", "2019-02-01", "Hạnh ngộ bạn cũ."),
    ]);
    let answers = ask(&script, &site, &["hanhf"]);
    assert_eq!(answers[0].0.first().map(String::as_str), Some("Hành trình xuyên Việt"), "{answers:?}");
    assert_eq!(answers[0].1.as_deref(), Some("hành"), "{answers:?}");
    // Several words found nowhere, each with a Telex tone key typed last and nothing else of
    // Telex: Telex too, read as the words they spell, not corrected as typos (no list of
    // nearest words fetched).
    let site = built(&[
        ("m", "Du học Mỹ: chính sách thị thực mới", "2013-01-01", "Sinh viên."),
        ("n", "Học sinh chính quy", "2012-01-01", "Mỹ thuật."),
    ]);
    let answers = ask(&script, &site, &["du hocj myx chinhs"]);
    assert_eq!(answers[0].0, ["Du học Mỹ: chính sách thị thực mới"], "{answers:?}");
    assert_eq!(answers[0].1.as_deref(), Some("du học mỹ chính"), "{answers:?}");
    let (lists, ..) = fetched_under(&script, &site, "x/", "du hocj myx chinhs");
    assert_eq!(lists, 0, "no nearest words looked for");
    // In a query typed in Telex, a word the archive has as typed, but far more rarely than the
    // word it spells ("cos", once; "có", in every other bulletin), is that word too.
    let others: Vec<(String, String)> =
        (0..24).map(|i| (format!("o{i}"), format!("Tin có số {i}"))).collect();
    let mut bulletins: Vec<(&str, &str, &str, &str)> =
        others.iter().map(|(slug, title)| (slug.as_str(), title.as_str(), "2016-01-01", "Có tin.")).collect();
    bulletins.push(("nga", "Nga có thể đáp trả", "2013-01-01", "Thông báo."));
    bulletins.push(("cos", "Hàm số lượng giác", "2012-01-01", "Nga học hàm cos và thể tích."));
    let site = built(&bulletins);
    let answers = ask(&script, &site, &["nga cos theer"]);
    // (Read as typed, "cos" would have found the other bulletin too, by its body.)
    assert_eq!(answers[0].0, ["Nga có thể đáp trả"], "{answers:?}");
    assert_eq!(answers[0].1.as_deref(), Some("nga có thể"), "{answers:?}");
}

#[test]
fn a_title_spelled_as_typed_comes_first_and_a_title_with_every_word_beats_a_body_phrase() {
    let Some(script) = node() else { return };
    let site = built(&[
        ("a", "Bán nhà giá rẻ ở ngoại ô", "2019-01-01", "Nhiều người rao bán."),
        ("b", "Chiếc bàn gỗ quý", "2015-01-01", "Một món đồ cổ."),
        ("c", "Trung Quốc nói không với than đá", "2014-01-01", "Một chính sách mới."),
        ("d", "Chuyện bên lề hội nghị", "2020-01-01", "Phía Trung Quốc không nói gì thêm về hội nghị."),
    ]);
    let answers = ask(&script, &site, &["bàn", "trung quốc không nói", "\"trung quốc không nói\""]);
    let titles = |i: usize| answers[i].0.iter().map(String::as_str).collect::<Vec<_>>();
    // Both spellings of "ban" are found; the title with the word as typed goes first, though
    // the other title starts with another spelling of it and is newer.
    assert_eq!(titles(0), ["Chiếc bàn gỗ quý", "Bán nhà giá rẻ ở ngoại ô"]);
    // Unquoted, a title that holds every word goes before a body that holds them in the
    // typed order; quoted, the phrase as typed goes first.
    assert_eq!(titles(1), ["Trung Quốc nói không với than đá", "Chuyện bên lề hội nghị"]);
    assert_eq!(titles(2).first(), Some(&"Chuyện bên lề hội nghị"), "{answers:?}");
}

#[test]
fn the_search_page_costs_at_most_20_kb_before_the_first_query() {
    let site = common::Site::new("title = \"Tin\"\nbase_url = \"https://tin.example/\"\n");
    site.bulletin("x/a.md", "title: \"Mưa lớn ở Đà Nẵng\"\ndate: 2020-01-01", "Mưa lớn.");
    site.build(&[]);
    let public = site.public();
    let page = std::fs::read_to_string(public.join("search/index.html")).expect("search page");
    // What the page makes a browser fetch: its style sheets, icon and scripts.
    let mut fetched = vec![];
    for (tag, attr) in [("<link ", "href=\""), ("<script ", "src=\"")] {
        for piece in page.split(tag).skip(1) {
            let element = &piece[..piece.find('>').expect("element end")];
            if tag == "<link " && !(element.contains("stylesheet") || element.contains("icon")) {
                continue;
            }
            if let Some(at) = element.find(attr) {
                let rest = &element[at + attr.len()..];
                fetched.push(rest[..rest.find('"').expect("quote")].to_string());
            }
        }
    }
    assert!(fetched.iter().any(|f| f.ends_with("search.js")), "{fetched:?}");
    assert!(
        !fetched.iter().any(|f| f.contains("search-engine")),
        "the engine waits for a query: {fetched:?}"
    );
    let bytes: u64 =
        fetched.iter().map(|f| std::fs::metadata(public.join("search").join(f)).expect(f).len()).sum::<u64>()
            + page.len() as u64;
    assert!(bytes <= 20 * 1024, "{bytes} bytes before the first query: {fetched:?}");
    assert!(public.join("search-engine.js").is_file());
}

/// A cold query `q` through search.js on `site`'s index: how many distinct files under
/// `folder` (`t/`, `b/`…) it fetched, and its result's number of bulletins, corrected query
/// and whether it said no bulletin has the exact phrase.
fn fetched_under(
    script: &str,
    site: &common::Site,
    folder: &str,
    q: &str,
) -> (usize, usize, Option<String>, bool) {
    let js = format!(
        r#"const s = require({script:?}); const fs = require('fs'); const path = require('path');
        const files = new Set();
        const fetchFn = async (u) => {{
          if (u.startsWith({folder:?})) files.add(u);
          try {{ return new Response(fs.readFileSync(path.join({dir:?}, u)), {{ status: 200 }}); }}
          catch (e) {{ return new Response('', {{ status: 404 }}); }}
        }};
        (async () => {{
          const r = await s.createEngine('', fetchFn).search({{ q: {q:?} }});
          console.log(JSON.stringify([files.size, r.ids.length, r.corrected || null, Boolean(r.phraseMissing)]));
        }})().catch((err) => {{ console.error(err); process.exit(1); }});"#,
        dir = site.public().join("search").to_string_lossy(),
    );
    let out = Command::new("node").args(["-e", &js]).output().expect("node");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

/// The search index's manifest of `site`.
fn manifest(site: &common::Site) -> serde_json::Value {
    let text = std::fs::read_to_string(site.public().join("search/manifest.json")).expect("manifest");
    serde_json::from_str(&text).expect("json")
}

#[test]
fn a_query_of_typos_fetches_a_bounded_number_of_shards_and_still_finds_the_words() {
    let Some(script) = node() else { return };
    // 128 words ("ban", "bam"… "xay"), each one letter from several others, in bulletins long
    // enough that most of their pairs occur: the index has hundreds of shards, and each word
    // typed wrong ("bax") has several nearest words, each with its own shard and its pairs'.
    let words: Vec<String> = "bcdghklmnpqrstvx"
        .chars()
        .flat_map(|c| ["an", "am", "at", "ao", "ai", "ay", "ac", "ap"].map(move |e| format!("{c}{e}")))
        .collect();
    let site = common::Site::new("title = \"Tin\"\nbase_url = \"https://tin.example/\"\n");
    let mut seed = 7u64;
    for b in 0..160 {
        let body: Vec<&str> = (0..400)
            .map(|_| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                words[(seed >> 33) as usize % words.len()].as_str()
            })
            .collect();
        let fm = format!("title: \"Tin số {b}\"\ndate: 2020-01-01");
        site.bulletin(&format!("x/{b}.md"), &fm, &body.join(" "));
    }
    site.bulletin("x/z.md", "title: \"Ban cam dat hao\"\ndate: 2021-01-01", "Ban cam dat hao.");
    site.build(&[]);
    let shard_count = manifest(&site)["shards"].as_u64().expect("shards");
    assert!(shard_count >= 128, "{shard_count} shards");
    let (shards, found, corrected, _) = fetched_under(&script, &site, "t/", "bax cax dax hax");
    // The typed words' shards and their three pairs' (7 at most); each word ends with a Telex
    // tone key, so, found nowhere, its Telex reading's ("bã": no bulletin has it) (4 at
    // most); then at most 12 for the pairs the nearest words make with their neighbours,
    // looked up to try first those the archive has beside them, and 12 for the nearest words
    // tried and their pairs; every word found nowhere had some.
    assert!(shards <= 7 + 4 + 12 + 12, "{shards} shards fetched");
    assert!(shards > 7 + 4, "{shards} shards fetched: no nearest word was tried");
    assert!(found > 0 && corrected.is_some(), "{found} found, corrected {corrected:?}");
}

#[test]
fn a_quoted_phrase_checks_ten_bulletins_filters_before_the_next_ten() {
    let Some(script) = node() else { return };
    // Thirty bulletins hold the phrase: the ten first ranked hold it, so the next ten's
    // filters are not fetched.
    let site = common::Site::new("title = \"Tin\"\nbase_url = \"https://tin.example/\"\n");
    for b in 0..30 {
        site.bulletin(
            &format!("x/{b}.md"),
            &format!("title: \"Tin số {b}\"\ndate: 2020-01-{:02}", b % 28 + 1),
            "Công tác bảo vệ rừng đầu nguồn được siết chặt.",
        );
    }
    site.build(&[]);
    let (files, found, _, missing) = fetched_under(&script, &site, "b/", "\"bảo vệ rừng đầu\"");
    assert_eq!(found, 30);
    assert!(!missing, "every bulletin holds the phrase");
    // Ten bulletins' filters, `chunk` to a file (one more file when the ten straddle).
    let chunk = manifest(&site)["chunk"].as_u64().expect("chunk") as usize;
    assert!(files <= 10usize.div_ceil(chunk) + 1, "{files} filter files for chunks of {chunk}");
}

#[test]
fn a_very_common_word_is_answered_from_its_head_and_the_whole_list_follows_on_demand() {
    let Some(script) = node() else { return };
    // 3,100 bulletins say "công tác bảo vệ": more than a head holds (1,000), so the words
    // and pairs have heads, and more than a query of several words fetches whole (3,000
    // postings). Every 50th starts its title with "bảo vệ"; five old ones carry a tag; 45
    // say "rừng" too, and 31 "bão" (a spelling of the same folded term, "bao", so in the same
    // long list and head).
    let site = common::Site::new("title = \"Tin\"\nbase_url = \"https://tin.example/\"\n");
    for b in 0..3100 {
        let title = if b % 50 == 0 { format!("Bảo vệ số {b}") } else { format!("Tin số {b}") };
        let tags = if b < 5 { "\ntags: [Hiếm]" } else { "" };
        let body = match b {
            _ if b % 70 == 0 => "Công tác bảo vệ rừng.",
            _ if b % 100 == 7 => "Công tác bảo vệ sau bão.",
            _ if b % 20 == 3 => "Công tác bảo vệ bạo lực.",
            _ => "Công tác bảo vệ.",
        };
        let fm = format!(
            "title: \"{title}\"\ndate: 2020-01-{:02}T{:02}:{:02}:00Z{tags}",
            b % 28 + 1,
            b / 60 % 24,
            b % 60
        );
        site.bulletin(&format!("x/{b}.md"), &fm, body);
    }
    site.build(&[]);
    let js = format!(
        r#"const s = require({script:?}); const fs = require('fs'); const path = require('path');
        let files = [];
        const fetchFn = async (u) => {{
          files.push(u);
          try {{ return new Response(fs.readFileSync(path.join({dir:?}, u)), {{ status: 200 }}); }}
          catch (e) {{ return new Response('', {{ status: 404 }}); }}
        }};
        (async () => {{
          const out = {{}};
          const run = async (name, p, options) => {{
            files = [];
            const e = s.createEngine('', fetchFn, options || {{ wholePostings: 500 }});
            const r = await e.search(p);
            const docs = await e.docs(r.ids.slice(0, 10));
            const f = await e.facets(r, docs);
            out[name] = {{ n: r.ids.length, more: Boolean(r.more), titles: docs.map(d => d.t),
              heads: files.filter(u => u.endsWith('.h.json.gz')).length,
              longs: files.filter(u => u.startsWith('p/') && !u.endsWith('.h.json.gz')).length,
              files,
              years: f.years, corrected: r.corrected || null }};
          }};
          await run('word', {{ q: 'bảo' }});
          await run('whole', {{ q: 'bảo', full: true }});
          await run('rare', {{ q: 'bảo rừng' }});
          await run('tagged', {{ q: 'bảo', tag: 'Hiếm' }});
          await run('newest', {{ q: 'bảo', sort: 'new' }});
          await run('body', {{ q: 'bảo công' }});
          await run('typo', {{ q: 'vệ rừgn' }});
          await run('begun', {{ q: 'sau bã', typing: true }}, {{}});
          await run('beside', {{ q: 'vệ bạ', typing: true }}, {{}});
          console.log(JSON.stringify(out));
        }})().catch((err) => {{ console.error(err); process.exit(1); }});"#,
        dir = site.public().join("search").to_string_lossy(),
    );
    let out = Command::new("node").args(["-e", &js]).output().expect("node");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    // One word: its head only, not its long list; a thousand results, more beyond; the
    // titles that start with it first; the year facet without a count it does not know.
    let word = &v["word"];
    assert_eq!((word["n"].as_u64(), word["more"].as_bool()), (Some(1000), Some(true)), "{v}");
    assert!(word["heads"].as_u64() >= Some(1) && word["longs"] == 0, "{v}");
    let titles: Vec<&str> =
        word["titles"].as_array().expect("titles").iter().filter_map(|t| t.as_str()).collect();
    assert!(titles.iter().all(|t| t.starts_with("Bảo vệ số")), "{titles:?}");
    assert_eq!(word["years"], serde_json::json!([{ "name": "2020", "count": null }]), "{v}");
    // The whole list, when asked for: every bulletin, counted.
    let whole = &v["whole"];
    assert_eq!(
        (whole["n"].as_u64(), whole["more"].as_bool(), whole["heads"].as_u64()),
        (Some(3100), Some(false), Some(0)),
        "{v}"
    );
    assert_eq!(whole["years"], serde_json::json!([{ "name": "2020", "count": 3100 }]), "{v}");
    // A rare word beside it: every bulletin with both, from the rare word's own list.
    assert_eq!((v["rare"]["n"].as_u64(), v["rare"]["more"].as_bool()), (Some(45), Some(false)), "{v}");
    // A filter the head's bulletins miss, and newest first: answered from the whole list.
    assert_eq!((v["tagged"]["n"].as_u64(), v["tagged"]["more"].as_bool()), (Some(5), Some(false)), "{v}");
    assert_eq!((v["newest"]["n"].as_u64(), v["newest"]["heads"].as_u64()), (Some(3100), Some(0)), "{v}");
    // Words no title holds together, nor any body in this order, each too common to fetch
    // whole: read from heads first, whose first result says little, so the query runs on
    // the whole lists, and finds every bulletin.
    let body = &v["body"];
    assert_eq!((body["n"].as_u64(), body["more"].as_bool()), (Some(3100), Some(false)), "{v}");
    assert!(body["heads"].as_u64() >= Some(1) && body["longs"].as_u64() >= Some(1), "{v}");
    // A common word beside a word found nowhere ("rừgn"): the typo is looked for in the run
    // on heads, and the corrected query answered there, without the common word's whole list.
    let typo = &v["typo"];
    assert_eq!((typo["n"].as_u64(), typo["corrected"].as_str()), (Some(45), Some("vệ rừng")), "{v}");
    assert_eq!(typo["longs"], 0, "{v}");
    // A word being typed ("bã") whose likeliest word ("bão") is a rare spelling of a common
    // term: its 31 bulletins are whole in the term's head (each spelling's first hundred are
    // there), which is read instead of the long list of every spelling (3,100 bulletins).
    let begun = &v["begun"];
    assert_eq!(begun["n"], 31, "{v}");
    assert_eq!((begun["heads"].as_u64(), begun["longs"].as_u64()), (Some(1), Some(0)), "{v}");
    // A likeliest word ("bạo") in more bulletins than a head holds of it, beside the word
    // before ("vệ bạo"): its long list would bring every spelling of "bao" (3,286 postings,
    // more than a query of several words fetches), so only the pair is read, which finds
    // every bulletin that has both.
    let beside = &v["beside"];
    assert_eq!(beside["n"], 155, "{v}");
    let fetched = |name: &str| beside["files"].as_array().is_some_and(|f| f.iter().any(|u| u == name));
    let bao = bantin::search::files::long_file("bao");
    assert!(!fetched(&bao) && !fetched(&bantin::search::files::head_file("bao")), "{v}");
    assert!(
        fetched(&bantin::search::files::long_file("ve"))
            || fetched(&bantin::search::files::long_file("ve bao")),
        "{v}"
    );
}

#[test]
fn a_pasted_headline_with_a_word_mangled_into_a_rare_one_finds_the_bulletin_with_all_its_other_pairs() {
    let Some(script) = node() else { return };
    // 3,100 bulletins say the headline's first ten words in their body, a third of them in
    // its order: each word's list is long, over the 3,000 postings a query fetches of them,
    // and its pairs' are not. One text has "kkk", the word the reader's copy has for "siết",
    // which no edit finds: it was the only candidate (the one word whose bulletins were
    // known). The bulletins with all but two of the pairs whose lists are known are
    // candidates too; the headline's title holds every other word.
    let site = common::Site::new("title = \"Tin\"\nbase_url = \"https://tin.example/\"\n");
    let headline = "Công tác bảo vệ rừng đầu nguồn được siết chặt ở Hà Giang";
    for b in 0..3100 {
        let fm = format!("title: \"Tin số {b}\"\ndate: 2020-01-{:02}", b % 28 + 1);
        let body = if b % 3 == 0 {
            "Công tác bảo vệ rừng đầu nguồn được siết chặt."
        } else {
            "Chặt, siết, được, nguồn, đầu, rừng, vệ, bảo, tác, công."
        };
        site.bulletin(&format!("x/{b}.md"), &fm, body);
    }
    site.bulletin("x/hg.md", &format!("title: \"{headline}\"\ndate: 2019-01-01"), "Tin.");
    site.bulletin("x/kk.md", "title: \"Thư bạn đọc\"\ndate: 2019-04-01", "Chữ kkk viết sai.");
    site.build(&[]);
    let answers = ask(&script, &site, &["Công tác bảo vệ rừng đầu nguồn được kkk chặt"]);
    assert_eq!(answers[0].0.first().map(String::as_str), Some(headline), "{answers:?}");
}

#[test]
fn a_pasted_headline_fetches_only_its_rarest_common_lists_and_a_word_typed_wrong_in_it_is_found() {
    let Some(script) = node() else { return };
    // 1,600 bulletins say the headline's first ten words in their body, and three of them in
    // their title: each of its common pairs (1,601 bulletins) and those words' title-only
    // terms have long lists. One bulletin is titled with the whole headline, which ends in
    // two rare words.
    let site = common::Site::new("title = \"Tin\"\nbase_url = \"https://tin.example/\"\n");
    let headline = "Công tác bảo vệ rừng đầu nguồn được siết chặt ở Hà Giang";
    for b in 0..1600 {
        let fm = format!("title: \"Bảo vệ rừng: tin số {b}\"\ndate: 2020-01-{:02}", b % 28 + 1);
        let body = "Công tác bảo vệ rừng đầu nguồn được siết chặt ở nhiều nơi trong tỉnh.";
        site.bulletin(&format!("x/{b}.md"), &fm, body);
    }
    site.bulletin("x/hg.md", &format!("title: \"{headline}\"\ndate: 2019-01-01"), "Tin.");
    // Three bulletins hold every word of it but "Giang", and "Gianh" (a word one letter
    // from it), never beside "Hà"; one more says "Giang" (a word in two bulletins is one a
    // typo may be).
    for k in 0..3 {
        let body = "Công tác bảo vệ rừng đầu nguồn được siết chặt ở Hà Tĩnh, bên sông Gianh.";
        site.bulletin(
            &format!("x/g{k}.md"),
            &format!("title: \"Sông Gianh: tin {k}\"\ndate: 2019-02-01"),
            body,
        );
    }
    site.bulletin("x/kg.md", "title: \"Tin Kiên Giang\"\ndate: 2019-03-01", "Kiên Giang.");
    site.build(&[]);
    let typo = headline.replace("Giang", "Gianh");
    let answers = ask(&script, &site, &[headline, &typo]);
    assert_eq!(answers[0].0, vec![headline.to_string()], "{answers:?}");
    // Typed with "Gianh": its three bulletins hold every word, but no title the words whose
    // titles are known ("Hà", "Gianh": not the common words') is looked for as one, so
    // "Gianh", beside no query word as the archive has it, is tried as a typo.
    assert_eq!(answers[1].0.first(), Some(&headline.to_string()), "{answers:?}");
    assert!(answers[1].1.as_deref().is_some_and(|c| c.ends_with("ở hà giang")), "{answers:?}");
    // Twelve words: the rarest common word's long list (a query of several words fetches
    // 3,000 postings of them), and the rarest of the ten common pairs' while they total
    // 6,000 postings (three); not the other seven, nor the common words' title-only lists
    // (the two rare words and their pairs tell the bulletin apart). Before, all fourteen.
    let (long_files, found, _, _) = fetched_under(&script, &site, "p/", headline);
    assert_eq!(found, 1);
    assert!(long_files <= 4, "{long_files} long lists fetched");
    // Five words of the same: every common pair's list, as before.
    let (long_files, _, _, _) = fetched_under(&script, &site, "p/", "bảo vệ rừng đầu nguồn");
    assert!(long_files > 4, "{long_files} long lists fetched");
}
