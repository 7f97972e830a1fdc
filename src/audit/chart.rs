//! The impact-ratio chart: one bar per category of the pooled tables, scoring and
//! selection side by side, with the four-fifths line, drawn by plotters as SVG.
//!
//! SVG keeps text as `<text>` elements, so no font file is read (plotters' built-in
//! layout estimates label widths); the same report draws the same bytes.

use plotters::coord::ranged1d::{IntoSegmentedCoord, SegmentValue};
use plotters::prelude::*;

use super::report::{BiasReport, FOUR_FIFTHS};

const SCORING: RGBColor = RGBColor(0x3b, 0x6e, 0xa8);
const SELECTION: RGBColor = RGBColor(0xe0, 0x8e, 0x2b);

/// The pooled impact ratios of `report` as an SVG document.
pub fn impact_ratio_svg(report: &BiasReport) -> Result<String, String> {
    // (label, scoring ratio, selection ratio)
    let bars: Vec<(String, f64, f64)> = report
        .pooled
        .tables
        .iter()
        .flat_map(|t| {
            t.rows.iter().map(move |r| {
                let small = if r.small { " (small)" } else { "" };
                (
                    format!("{}: {}{small}", t.dimension, r.category),
                    r.scoring_impact_ratio.unwrap_or(0.0),
                    r.selection_impact_ratio.unwrap_or(0.0),
                )
            })
        })
        .collect();
    let n = bars.len().max(1);
    let width = (160 + 46 * n).max(640) as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, 560)).into_drawing_area();
        let e = |e: DrawingAreaErrorKind<_>| format!("drawing the chart: {e}");
        root.fill(&WHITE).map_err(e)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!(
                    "Impact ratios, pooled over {} jobs (scoring: above median; selection: top {})",
                    report.jobs.len(),
                    report.shortlist
                ),
                ("sans-serif", 16),
            )
            .margin(12)
            .x_label_area_size(220)
            .y_label_area_size(48)
            .build_cartesian_2d((0..n).into_segmented(), 0f64..1.35f64)
            .map_err(e)?;
        let labels: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_style(
                ("sans-serif", 11)
                    .into_font()
                    .transform(FontTransform::Rotate90),
            )
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .y_desc("impact ratio")
            .draw()
            .map_err(e)?;
        // Two bars per category: scoring in the left half of its segment, selection in
        // the right half. A segment is drawn from Exact(i) to Exact(i + 1); halves are
        // drawn as rectangles on the backend's pixel coordinates.
        let area = chart.plotting_area();
        for (i, (_, scoring, selection)) in bars.iter().enumerate() {
            let left = area.map_coordinate(&(SegmentValue::Exact(i), 0.0));
            let right = area.map_coordinate(&(SegmentValue::Exact(i + 1), 0.0));
            let span = right.0 - left.0;
            let quarter = span / 8;
            for (k, (value, color)) in [(*scoring, SCORING), (*selection, SELECTION)]
                .into_iter()
                .enumerate()
            {
                let top = area.map_coordinate(&(SegmentValue::Exact(i), value));
                let x0 = left.0 + quarter + k as i32 * (span / 2 - quarter);
                let x1 = x0 + span / 2 - quarter;
                root.draw(&Rectangle::new([(x0, top.1), (x1, left.1)], color.filled()))
                    .map_err(e)?;
            }
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![
                    (SegmentValue::Exact(0), FOUR_FIFTHS),
                    (SegmentValue::Exact(n), FOUR_FIFTHS),
                ],
                RED.stroke_width(2),
            )))
            .map_err(e)?
            .label("four-fifths (0.8)")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], RED.stroke_width(2)));
        chart
            .draw_series(std::iter::empty::<Rectangle<(SegmentValue<usize>, f64)>>())
            .map_err(e)?
            .label("scoring impact ratio")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], SCORING.filled()));
        chart
            .draw_series(std::iter::empty::<Rectangle<(SegmentValue<usize>, f64)>>())
            .map_err(e)?
            .label("selection impact ratio")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], SELECTION.filled()));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()
            .map_err(e)?;
        root.present().map_err(e)?;
    }
    Ok(svg)
}
