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
    Some(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/static/search.js").to_string())
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
