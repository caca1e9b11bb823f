//! Figures to SVG with plotters. Text is left to the browser's sans-serif font: the SVG backend
//! writes `<text>` elements, so no font is bundled or read from the system.

use plotters::coord::Shift;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use super::{Figure, Plot, Series};
use crate::error::{Error, Result};

const SIZE: (u32, u32) = (900, 540);
const FONT: &str = "sans-serif";
const INK: RGBColor = RGBColor(60, 60, 60);
const BAR: RGBColor = RGBColor(31, 119, 180);
/// Labels longer than this are cut, so one long title cannot squeeze the plot.
const MAX_LABEL: usize = 34;

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Drawn = std::result::Result<(), Box<dyn std::error::Error>>;

/// The chart as an SVG document. The root element carries `data-marks`, the number of data marks
/// drawn, so a page (or a test) can tell a chart with data from a "no data" one without parsing
/// the drawing.
pub fn svg(plot: &Plot, subtitle: &str) -> Result<String> {
    let mut body = String::new();
    draw(&mut body, plot, subtitle).map_err(|e| Error::Internal(format!("drawing a chart: {e}")))?;
    let marked = format!("<svg class=\"na-chart\" data-marks=\"{}\" ", plot.figure.marks());
    Ok(body.replacen("<svg ", &marked, 1))
}

fn draw(out: &mut String, plot: &Plot, subtitle: &str) -> Drawn {
    let root = SVGBackend::with_string(out, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let (header, body) = root.split_vertically(58);
    header.draw(&Text::new(plot.title.clone(), (14, 10), (FONT, 22).into_font().color(&BLACK)))?;
    header.draw(&Text::new(subtitle.to_owned(), (14, 36), (FONT, 14).into_font().color(&INK)))?;
    if plot.figure.marks() == 0 {
        let (width, height) = body.dim_in_pixel();
        let center = (width as i32 / 2 - 50, height as i32 / 2 - 20);
        body.draw(&Text::new("no data", center, (FONT, 30).into_font().color(&INK)))?;
    } else {
        match &plot.figure {
            Figure::Bars { labels, values, value_label } => bars(&body, labels, values, value_label)?,
            Figure::Lines { weeks, series, value_label, lower_is_better } => {
                lines(&body, weeks, series, value_label, *lower_is_better)?
            }
            Figure::Scatter { points, x_label, y_label, note } => scatter(&body, points, x_label, y_label, note)?,
            Figure::Heatmap { labels, cells, value_label } => heatmap(&body, labels, cells, value_label)?,
            Figure::Histogram { buckets, x_label, y_label } => histogram(&body, buckets, x_label, y_label)?,
        }
    }
    root.present()?;
    Ok(())
}

fn bars(area: &Area<'_>, labels: &[String], values: &[f64], value_label: &str) -> Drawn {
    let n = labels.len() as i32;
    let max = values.iter().copied().fold(0.0, f64::max);
    let longest = labels.iter().map(|l| short(l).chars().count()).max().unwrap_or(0);
    // The first row at the top.
    let label_of = |value: &SegmentValue<i32>| match value {
        SegmentValue::CenterOf(i) => labels.get((n - 1 - i) as usize).map(|l| short(l)).unwrap_or_default(),
        _ => String::new(),
    };
    let mut chart = ChartBuilder::on(area)
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size((longest as u32 * 7 + 12).clamp(40, 260))
        .build_cartesian_2d(0.0..upper(max), (0..n).into_segmented())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(labels.len())
        .y_label_formatter(&label_of)
        .x_label_formatter(&|v| human(*v))
        .x_desc(value_label)
        .label_style((FONT, 12))
        .draw()?;
    chart.draw_series(values.iter().enumerate().map(|(k, value)| {
        let row = n - 1 - k as i32;
        let mut bar =
            Rectangle::new([(0.0, SegmentValue::Exact(row)), (*value, SegmentValue::Exact(row + 1))], BAR.filled());
        bar.set_margin(2, 2, 0, 0);
        bar
    }))?;
    Ok(())
}

fn lines(area: &Area<'_>, weeks: &[String], series: &[Series], value_label: &str, lower_is_better: bool) -> Drawn {
    let values = || series.iter().flat_map(|s| s.points.iter().map(|(_, v)| *v));
    let (low, high) = (values().fold(f64::INFINITY, f64::min), values().fold(f64::NEG_INFINITY, f64::max));
    // Ranks are drawn negated, so rank 1 is at the top, and labelled back as positive.
    let (y_range, sign) = if lower_is_better { (-(high + 0.5)..-(low - 0.5), -1.0) } else { (0.0..upper(high), 1.0) };
    let last = weeks.len() as f64 - 1.0;
    let week_of = |x: &f64| {
        let index = x.round();
        let on_a_week = (x - index).abs() < 1e-6 && index >= 0.0 && index <= last;
        if on_a_week { weeks[index as usize].clone() } else { String::new() }
    };
    let mut chart = ChartBuilder::on(area)
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(-0.5..last + 0.5, y_range)?;
    chart
        .configure_mesh()
        .x_labels(weeks.len().min(8))
        .x_label_formatter(&week_of)
        .y_label_formatter(&|y| human(sign * y))
        .y_desc(value_label)
        .label_style((FONT, 12))
        .draw()?;
    for (k, one) in series.iter().enumerate() {
        let color = Palette99::pick(k).to_rgba();
        let points: Vec<(f64, f64)> = one.points.iter().map(|(i, v)| (*i as f64, sign * v)).collect();
        chart
            .draw_series(LineSeries::new(points.iter().copied(), color.stroke_width(2)))?
            .label(short(&one.name))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(3)));
        chart.draw_series(points.iter().map(|point| Circle::new(*point, 3, color.filled())))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(INK)
        .label_font((FONT, 12))
        .draw()?;
    Ok(())
}

fn scatter(area: &Area<'_>, points: &[(f64, f64)], x_label: &str, y_label: &str, note: &str) -> Drawn {
    let (note_area, plot_area) = area.split_vertically(24);
    note_area.draw(&Text::new(note.to_owned(), (14, 4), (FONT, 14).into_font().color(&BLACK)))?;
    let span = |pick: fn(&(f64, f64)) -> f64| {
        let low = points.iter().map(pick).fold(f64::INFINITY, f64::min);
        let high = points.iter().map(pick).fold(f64::NEG_INFINITY, f64::max);
        (low - 0.2)..(high + 0.2)
    };
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(span(|p| p.0), span(|p| p.1))?;
    chart
        .configure_mesh()
        .x_label_formatter(&|v| human(10f64.powf(*v)))
        .y_label_formatter(&|v| human(10f64.powf(*v)))
        .x_desc(format!("{x_label} (log scale)"))
        .y_desc(format!("{y_label} (log scale)"))
        .label_style((FONT, 12))
        .draw()?;
    chart.draw_series(points.iter().map(|point| Circle::new(*point, 4, BAR.mix(0.7).filled())))?;
    Ok(())
}

fn heatmap(area: &Area<'_>, labels: &[String], cells: &[(usize, usize, f64)], value_label: &str) -> Drawn {
    let n = labels.len() as i32;
    let label_of = |value: &SegmentValue<i32>| match value {
        SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
        _ => String::new(),
    };
    let exact = |i: usize| SegmentValue::Exact(i as i32);
    let mut chart = ChartBuilder::on(area)
        .margin(14)
        .x_label_area_size(36)
        .y_label_area_size(36)
        .build_cartesian_2d((0..n).into_segmented(), (0..n).into_segmented())?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(labels.len())
        .y_labels(labels.len())
        .x_label_formatter(&label_of)
        .y_label_formatter(&label_of)
        .x_desc(format!("darker: more alike ({value_label}, 0 to 1)"))
        .label_style((FONT, if n > 40 { 7 } else { 11 }))
        .draw()?;
    chart.draw_series(cells.iter().map(|(a, b, value)| {
        Rectangle::new([(exact(*a), exact(*b)), (exact(a + 1), exact(b + 1))], shade(*value).filled())
    }))?;
    Ok(())
}

fn histogram(area: &Area<'_>, buckets: &[(f64, f64, f64)], x_label: &str, y_label: &str) -> Drawn {
    let start = buckets.iter().map(|b| b.0).fold(f64::INFINITY, f64::min);
    let end = buckets.iter().map(|b| b.1).fold(f64::NEG_INFINITY, f64::max);
    let max = buckets.iter().map(|b| b.2).fold(0.0, f64::max);
    let mut chart = ChartBuilder::on(area)
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(start..end, 0.0..upper(max))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_label_formatter(&|v| human(*v))
        .y_label_formatter(&|v| human(*v))
        .x_desc(x_label)
        .y_desc(y_label)
        .label_style((FONT, 12))
        .draw()?;
    chart.draw_series(buckets.iter().map(|(from, to, count)| {
        let mut bar = Rectangle::new([(*from, 0.0), (*to, *count)], BAR.filled());
        bar.set_margin(0, 0, 1, 1);
        bar
    }))?;
    Ok(())
}

/// Headroom above the largest value; an axis of zeros still has a height.
fn upper(max: f64) -> f64 {
    if max > 0.0 { max * 1.05 } else { 1.0 }
}

/// From white (0) to dark blue (1).
fn shade(value: f64) -> RGBColor {
    let t = value.clamp(0.0, 1.0);
    let mix = |from: f64, to: f64| (from + (to - from) * t).round() as u8;
    RGBColor(mix(255.0, 8.0), mix(255.0, 48.0), mix(255.0, 107.0))
}

fn short(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL {
        return label.to_owned();
    }
    let cut: String = label.chars().take(MAX_LABEL - 1).collect();
    format!("{cut}…")
}

/// Axis numbers as people read them: 1.5M, not 1500000.
fn human(value: f64) -> String {
    let (scale, unit) = match value.abs() {
        v if v >= 1e9 => (1e9, "B"),
        v if v >= 1e6 => (1e6, "M"),
        v if v >= 1e3 => (1e3, "K"),
        _ => (1.0, ""),
    };
    let text = format!("{:.2}", value / scale);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}{unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plot(figure: Figure) -> Plot {
        Plot { title: "A & B <chart>".into(), figure }
    }

    #[test]
    fn numbers_are_written_short() {
        assert_eq!(human(1_500_000.0), "1.5M");
        assert_eq!(human(2e9), "2B");
        assert_eq!(human(0.25), "0.25");
        assert_eq!(human(-3.0), "-3");
    }

    #[test]
    fn a_chart_is_svg_marked_with_its_data_marks_and_escapes_text() {
        let figure = Figure::Bars { labels: vec!["x".into(), "y".into()], values: vec![3.0, 1.0], value_label: "v" };
        let svg = svg(&plot(figure), "sub").unwrap();
        assert!(svg.starts_with("<svg class=\"na-chart\" data-marks=\"2\" "), "{}", &svg[..80]);
        assert!(svg.contains("A &amp; B &lt;chart&gt;"));
        assert!(svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn a_figure_without_marks_says_no_data() {
        let figure = Figure::Histogram { buckets: Vec::new(), x_label: "x", y_label: "y" };
        let svg = svg(&plot(figure), "").unwrap();
        assert!(svg.contains("data-marks=\"0\""));
        assert!(svg.contains(">no data<") || svg.contains("no data"));
    }
}
