//! Small inline SVG bar charts, drawn at build time: no JavaScript, no requests. Each has a
//! title and a description that reads the data out, for screen readers and text browsers;
//! colours come from the theme's CSS, so they follow the light and dark schemes.

use std::fmt::Write as _;

use crate::text::escape::xml;

const BAR: u32 = 22;
const GAP: u32 = 6;
const HEIGHT: u32 = 90;
const LABEL: u32 = 16;

/// A bar chart of `(label, value)` pairs. `id` must be unique in the page.
pub fn bar_chart(id: &str, title: &str, bars: &[(String, usize)]) -> String {
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let width = (bars.len() as u32).max(1) * (BAR + GAP);
    let desc: Vec<String> = bars.iter().map(|(l, v)| format!("{l}: {v}")).collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" viewBox=\"-12 0 {} {}\" \
         preserveAspectRatio=\"xMinYMin meet\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        width + 24,
        HEIGHT + LABEL,
        xml(title),
        xml(&desc.join(", "))
    );
    // Label every bar when there are up to twelve, else about ten of them.
    let every = if bars.len() <= 12 { 1 } else { bars.len().div_ceil(10) };
    let _ = write!(svg, "<line class=\"axis\" x1=\"0\" y1=\"{HEIGHT}\" x2=\"{width}\" y2=\"{HEIGHT}\"/>");
    for (i, (label, value)) in bars.iter().enumerate() {
        let x = i as u32 * (BAR + GAP);
        let h = ((*value as u64 * u64::from(HEIGHT - 4)) / max as u64) as u32;
        let h = if *value > 0 { h.max(2) } else { 0 };
        let _ = write!(
            svg,
            "<rect class=\"bar\" x=\"{x}\" y=\"{}\" width=\"{BAR}\" height=\"{h}\"/>",
            HEIGHT - h
        );
        if i % every == 0 {
            let _ = write!(
                svg,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                x + BAR / 2,
                HEIGHT + LABEL - 3,
                xml(label)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_has_a_text_alternative_and_escapes() {
        let svg = bar_chart("c1", "Tin <theo> tháng", &[("1".into(), 3), ("2".into(), 0), ("3".into(), 6)]);
        assert!(svg.contains("<title id=\"c1-t\">Tin &lt;theo&gt; tháng</title>"));
        assert!(svg.contains("<desc id=\"c1-d\">1: 3, 2: 0, 3: 6</desc>"));
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains("height=\"86\""), "the largest bar fills the chart: {svg}");
    }
}
