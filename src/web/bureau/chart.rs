//! Bar charts drawn on the server as SVG (no script, no style attribute: the pages' policy
//! allows neither): one bar per label, scaled to the largest value, the value beside it.

/// Width of the label column, the bars' longest length and a row's height, in SVG units.
const LABEL: u32 = 210;
const LONGEST: u32 = 360;
const ROW: u32 = 30;
/// Labels longer than this many characters are cut with an ellipsis (the figures' table
/// beside the chart holds them in full).
const LABEL_CHARS: usize = 14;

/// One bar.
pub struct Bar {
    pub label: String,
    pub value: i64,
    /// Top of the bar's row.
    pub y: u32,
    /// The baseline of its texts.
    pub text_y: u32,
    pub width: u32,
    /// Where the value is written, after the bar.
    pub value_x: u32,
}

/// A chart: its element id, title, bars and height.
pub struct Chart {
    pub id: &'static str,
    pub title: &'static str,
    pub bars: Vec<Bar>,
    pub height: u32,
    pub label_x: u32,
    pub bar_x: u32,
}

fn cut(label: &str) -> String {
    let mut out: String = label.chars().take(LABEL_CHARS).collect();
    if label.chars().count() > LABEL_CHARS {
        out.push('…');
    }
    out
}

/// A chart of `items`, largest first (ties by label), at most `limit` bars.
pub fn bars(
    id: &'static str,
    title: &'static str,
    mut items: Vec<(String, i64)>,
    limit: usize,
) -> Chart {
    items.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    items.truncate(limit);
    let max = items.iter().map(|x| x.1).max().unwrap_or(0).max(1);
    let bars: Vec<Bar> = (items.into_iter().enumerate())
        .map(|(i, (label, value))| {
            let y = u32::try_from(i)
                .unwrap_or(u32::MAX / ROW)
                .saturating_mul(ROW);
            let scaled = i128::from(value.max(0)) * i128::from(LONGEST) / i128::from(max);
            let width = u32::try_from(scaled)
                .unwrap_or(LONGEST)
                .max(u32::from(value > 0) * 2);
            Bar {
                label: cut(&label),
                value,
                y: y + 6,
                text_y: y + 21,
                width,
                value_x: LABEL + width + 6,
            }
        })
        .collect();
    Chart {
        id,
        title,
        height: u32::try_from(bars.len()).unwrap_or(0).max(1) * ROW + 6,
        bars,
        label_x: LABEL - 8,
        bar_x: LABEL,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_scaled_to_the_largest_and_sorted() {
        let c = bars(
            "c",
            "t",
            vec![("a".into(), 1), ("b".into(), 4), ("c".into(), 0)],
            10,
        );
        let got: Vec<_> = c.bars.iter().map(|b| (b.label.as_str(), b.width)).collect();
        assert_eq!(got, [("b", LONGEST), ("a", LONGEST / 4), ("c", 0)]);
        assert_eq!(c.height, 3 * ROW + 6);
        assert_eq!(bars("c", "t", Vec::new(), 5).bars.len(), 0);
        let long = bars(
            "c",
            "t",
            vec![("一二三四五六七八九十一二三四五六".into(), 1)],
            1,
        );
        assert_eq!(long.bars[0].label.chars().count(), LABEL_CHARS + 1);
    }
}
