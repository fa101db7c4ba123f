//! Inline SVG drawn from the report: the four loops and observability, and
//! an incident's events in lanes on a time axis. Nothing here decides: the
//! colours are the report's severities, the arrows its diagnoses, the
//! positions its time stamps.

use super::util::T;
use day2_model::{Loop, Severity};
use maud::{Markup, html};

/// What the loop picture shows of one loop.
pub(crate) struct LoopBox {
    pub loop_: Loop,
    pub findings: usize,
    pub worst: Option<Severity>,
    pub checklist: &'static str,
}

/// A diagnosis crossing loops: symptom loop → cause loop, with the incidents
/// (1-based numbers) that cross that way.
pub(crate) struct Crossing {
    pub from: Loop,
    pub to: Loop,
    pub incidents: Vec<usize>,
}

const W: f64 = 720.0;

fn centre(l: Loop) -> (f64, f64) {
    match l {
        Loop::Identity => (190.0, 80.0),
        Loop::Compute => (530.0, 80.0),
        Loop::Network => (190.0, 300.0),
        Loop::Storage => (530.0, 300.0),
        Loop::Observability => (360.0, 414.0),
    }
}

const R: f64 = 66.0;

fn sev_class(s: Option<Severity>) -> &'static str {
    match s {
        Some(Severity::Critical) => "s-critical",
        Some(Severity::High) => "s-high",
        Some(Severity::Medium) => "s-medium",
        Some(Severity::Low) => "s-low",
        Some(Severity::Info) => "s-info",
        None => "s-none",
    }
}

/// A point on the edge of loop `l` facing `(x, y)`.
fn edge(l: Loop, toward: (f64, f64)) -> (f64, f64) {
    let (cx, cy) = centre(l);
    let (dx, dy) = (toward.0 - cx, toward.1 - cy);
    if l == Loop::Observability {
        // The band: leave from its top or bottom edge under the other loop.
        let x = toward.0.clamp(130.0, 590.0);
        return (x, if dy < 0.0 { cy - 20.0 } else { cy + 20.0 });
    }
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    (cx + dx / len * (R + 4.0), cy + dy / len * (R + 4.0))
}

fn incident_label(ns: &[usize]) -> String {
    let shown: Vec<String> = ns.iter().take(3).map(|n| format!("#{n}")).collect();
    let more = ns.len().saturating_sub(3);
    let mut s = format!(
        "{} {}",
        if ns.len() == 1 {
            "incident"
        } else {
            "incidents"
        },
        shown.join(", ")
    );
    if more > 0 {
        s.push_str(&format!(" +{more}"));
    }
    s
}

/// The four loops (a square: identity and compute above, network and storage
/// below) and observability beneath them, each coloured by its worst finding,
/// with an arrow for each symptom-loop → cause-loop crossing.
pub(crate) fn loops(boxes: &[LoopBox], crossings: &[Crossing]) -> Markup {
    let desc = {
        let mut s = String::from("The four loops and observability, coloured by worst finding.");
        for c in crossings {
            s.push_str(&format!(
                " {}: a symptom in {} traced to a cause in {}.",
                incident_label(&c.incidents),
                c.from.as_str(),
                c.to.as_str()
            ));
        }
        s
    };
    html! {
        svg.loops viewBox={ "0 0 " (W) " 440" } role="img" aria-labelledby="loops-title loops-desc" {
            title #loops-title { "Loops and cross-loop incidents" }
            desc #loops-desc { (desc) }
            defs {
                marker #arrowhead viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse" {
                    path.arrowhead d="M0,0 L10,5 L0,10 z" {}
                }
            }
            @for b in boxes {
                @let (cx, cy) = centre(b.loop_);
                @let label = format!(
                    "{}: {} finding{}, worst {}, checklist {}. Show its findings.",
                    b.loop_.title(), b.findings, if b.findings == 1 { "" } else { "s" },
                    b.worst.map_or("none", Severity::as_str), b.checklist
                );
                a.loopnode href="#findings" data-loop=(b.loop_.as_str()) aria-label=(label) {
                    @if b.loop_ == Loop::Observability {
                        rect class={ "node " (sev_class(b.worst)) } x="110" y=(cy - 20.0) width="500" height="40" rx="20" {}
                        text.lt x=(cx) y=(cy + 5.0) text-anchor="middle" {
                            tspan.ln { "Observability" }
                            " · " (b.findings) " findings · "
                            (b.worst.map_or("clean", Severity::as_str))
                            " · checklist " (b.checklist)
                        }
                    } @else {
                        circle class={ "node " (sev_class(b.worst)) } cx=(cx) cy=(cy) r=(R) {}
                        text.lt x=(cx) y=(cy - 18.0) text-anchor="middle" { tspan.ln { (b.loop_.title()) } }
                        text.lt x=(cx) y=(cy + 2.0) text-anchor="middle" { (b.findings) " findings" }
                        text.lt x=(cx) y=(cy + 20.0) text-anchor="middle" { (b.worst.map_or("clean", Severity::as_str)) }
                        text.lt.small x=(cx) y=(cy + 37.0) text-anchor="middle" { "checklist " (b.checklist) }
                    }
                }
            }
            @for c in crossings {
                @let a = edge(c.from, centre(c.to));
                @let b = edge(c.to, centre(c.from));
                // Bend to the left of the direction, so that opposite arrows part.
                @let (mx, my) = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
                @let (dx, dy) = (b.0 - a.0, b.1 - a.1);
                @let len = (dx * dx + dy * dy).sqrt().max(1.0);
                @let (qx, qy) = (mx - dy / len * 22.0, my + dx / len * 22.0);
                @let (lx, ly) = (mx - dy / len * 30.0, my + dx / len * 30.0 + 4.0);
                g.crossing data-from=(c.from.as_str()) data-to=(c.to.as_str()) {
                    path.arrow d=(format!("M{:.0},{:.0} Q{:.0},{:.0} {:.0},{:.0}", a.0, a.1, qx, qy, b.0, b.1)) marker-end="url(#arrowhead)" {}
                    text.al x=(format!("{lx:.0}")) y=(format!("{ly:.0}")) text-anchor="middle" { (incident_label(&c.incidents)) }
                }
            }
        }
    }
}

/// One event of an incident, in the order the report gives.
pub(crate) struct Event<'a> {
    pub id: String,
    pub at: Option<jiff::Timestamp>,
    pub loop_: Loop,
    pub label: String,
    pub what: &'a str,
}

const LANE: f64 = 58.0;
const LW: f64 = 880.0;
const LEFT: f64 = 118.0;
const RIGHT: f64 = 760.0;
/// Room a broken axis leaves between its two parts.
const BREAK: f64 = 90.0;

/// A stretch of the time axis: seconds `t0..=t1` drawn at `x0..=x1`.
struct Segment {
    t0: i64,
    t1: i64,
    x0: f64,
    x1: f64,
}

impl Segment {
    fn x(&self, t: i64) -> f64 {
        if self.t1 == self.t0 {
            (self.x0 + self.x1) / 2.0
        } else {
            self.x0 + (t - self.t0) as f64 / (self.t1 - self.t0) as f64 * (self.x1 - self.x0)
        }
    }
}

/// The axis over `start..RIGHT`: one linear stretch, or two when one gap
/// dwarfs the rest (a StorageClass made months before the minutes of the
/// incident), so that the minutes stay readable.
fn segments(times: &[i64], start: f64) -> Vec<Segment> {
    let mut d: Vec<i64> = times.to_vec();
    d.sort_unstable();
    d.dedup();
    let (Some(&first), Some(&last)) = (d.first(), d.last()) else {
        return Vec::new();
    };
    let span = last - first;
    let gap = d
        .windows(2)
        .enumerate()
        .map(|(i, w)| (w[1] - w[0], i))
        .max();
    if let Some((g, i)) = gap
        && g > 3600
        && g > 4 * (span - g)
    {
        let (a0, a1, b0, b1) = (first, d[i], d[i + 1], last);
        let room = RIGHT - start - BREAK;
        let (sa, sb) = ((a1 - a0) as f64, (b1 - b0) as f64);
        let wa = if sa == 0.0 {
            40.0
        } else if sb == 0.0 {
            room - 40.0
        } else {
            (room * sa / (sa + sb)).clamp(60.0, room - 60.0)
        };
        return vec![
            Segment {
                t0: a0,
                t1: a1,
                x0: start,
                x1: start + wa,
            },
            Segment {
                t0: b0,
                t1: b1,
                x0: start + wa + BREAK,
                x1: RIGHT,
            },
        ];
    }
    vec![Segment {
        t0: first,
        t1: last,
        x0: start,
        x1: RIGHT,
    }]
}

fn at_x(segs: &[Segment], t: i64) -> f64 {
    segs.iter()
        .find(|s| t >= s.t0 && t <= s.t1)
        .or(segs.last())
        .map_or(LEFT, |s| s.x(t))
}

/// `4 months`, `3 days`, `5 hours`: a gap in words.
fn gap_words(s: i64) -> String {
    let (n, unit) = if s >= 60 * 86_400 {
        (s / (30 * 86_400), "months")
    } else if s >= 2 * 86_400 {
        (s / 86_400, "days")
    } else if s >= 2 * 3600 {
        (s / 3600, "hours")
    } else {
        (s / 60, "minutes")
    };
    format!("≈ {n} {unit}")
}

/// Events in lanes, one per loop they touch, on a time axis when they carry
/// time stamps (in order otherwise), each a link to its row in the list
/// beneath.
pub(crate) fn lanes(title_id: &str, events: &[Event<'_>]) -> Markup {
    let lanes: Vec<Loop> = Loop::ALL
        .into_iter()
        .filter(|l| events.iter().any(|e| e.loop_ == *l))
        .collect();
    let times: Vec<Option<i64>> = events.iter().map(|e| e.at.map(|t| t.as_second())).collect();
    let known: Vec<i64> = times.iter().flatten().copied().collect();
    let timed = known.iter().min() != known.iter().max();
    let unknown = times.iter().any(Option::is_none);
    // Events without a time stand in a column of their own at the left.
    let start = if timed && unknown {
        LEFT + 70.0
    } else {
        LEFT + 14.0
    };
    let segs = if timed {
        segments(&known, start)
    } else {
        Vec::new()
    };
    let mut xs: Vec<f64> = events
        .iter()
        .enumerate()
        .map(|(i, _)| match (timed, times[i]) {
            (true, Some(t)) => at_x(&segs, t),
            (true, None) => LEFT + 30.0,
            (false, _) if events.len() > 1 => {
                start + i as f64 / (events.len() - 1) as f64 * (RIGHT - start)
            }
            (false, _) => (start + RIGHT) / 2.0,
        })
        .collect();
    // Two markers of one lane never cover each other: a later one steps right.
    for i in 0..events.len() {
        let prev = (0..i)
            .filter(|j| events[*j].loop_ == events[i].loop_)
            .map(|j| xs[j])
            .fold(f64::MIN, f64::max);
        if xs[i] < prev + 22.0 && (xs[i] - prev).abs() < 22.0 {
            xs[i] = prev + 22.0;
        }
    }
    let top = 8.0;
    let height = top + lanes.len() as f64 * LANE + 40.0;
    let lane_y = |l: Loop| {
        let i = lanes.iter().position(|x| *x == l).unwrap_or(0);
        top + i as f64 * LANE + LANE / 2.0
    };
    // Labels: beside the marker when there is room in the lane, else above or
    // below it, else none (the number and the list carry it).
    let mut placed: Vec<(Loop, i8, f64, f64)> = Vec::new(); // lane, row, x0, x1
    let marks: Vec<(Loop, f64)> = events.iter().zip(&xs).map(|(e, x)| (e.loop_, *x)).collect();
    let labels: Vec<Option<(f64, f64, &str)>> = events
        .iter()
        .zip(&xs)
        .map(|(e, x)| {
            let w = e.label.chars().count() as f64 * 6.3;
            let mut options = vec![(0i8, x + 14.0, x + 14.0 + w, "start")];
            for row in [-1i8, 1] {
                options.push((row, x - w / 2.0, x + w / 2.0, "middle"));
            }
            for (row, a, b, anchor) in options {
                if a < LEFT || b > LW - 4.0 {
                    continue;
                }
                let free = placed
                    .iter()
                    .all(|(l, r, p0, p1)| *l != e.loop_ || *r != row || b < *p0 || a > *p1);
                // Beside the marker, the label must clear the lane's other markers.
                let clear = row != 0
                    || marks
                        .iter()
                        .all(|(l, mx)| *l != e.loop_ || *mx < a - 10.0 || *mx > b + 10.0);
                if free && clear {
                    placed.push((e.loop_, row, a - 4.0, b + 4.0));
                    let dy = f64::from(row) * 19.0 + 4.0;
                    let lx = if anchor == "start" { a } else { (a + b) / 2.0 };
                    return Some((lx, dy, anchor));
                }
            }
            None
        })
        .collect();
    let desc = if timed {
        format!(
            "{} events from {} to {}, one lane per loop.",
            events.len(),
            crate::time::stamp(events.iter().find_map(|e| e.at)),
            crate::time::stamp(events.iter().rev().find_map(|e| e.at))
        )
    } else {
        format!("{} events in order, one lane per loop.", events.len())
    };
    let axis = top + lanes.len() as f64 * LANE;
    html! {
        svg.lanes viewBox={ "0 0 " (LW) " " (height) } role="group" aria-labelledby=(title_id) aria-description=(desc) {
            @for (i, l) in lanes.iter().enumerate() {
                @let y = top + i as f64 * LANE;
                rect class={ "lane " (l.as_str()) } x="0" y=(y) width=(LW) height=(LANE) {}
                text.lanelabel x="8" y=(y + LANE / 2.0 + 4.0) { (l.title()) }
            }
            line.axis x1=(LEFT) y1=(axis) x2=(RIGHT) y2=(axis) {}
            @if timed {
                @for seg in &segs {
                    @if seg.t1 == seg.t0 {
                        @let x = seg.x(seg.t0);
                        line.tick x1=(fx(x)) y1=(top) x2=(fx(x)) y2=(axis + 4.0) {}
                        text.ticklabel x=(fx(x)) y=(axis + 16.0) text-anchor="middle" { (day_label(seg.t0)) }
                        text.ticklabel x=(fx(x)) y=(axis + 29.0) text-anchor="middle" { (hm(seg.t0)) }
                    } @else {
                        @for (t, label) in ticks(seg.t0, seg.t1) {
                            @let x = seg.x(t);
                            line.tick x1=(fx(x)) y1=(top) x2=(fx(x)) y2=(axis + 4.0) {}
                            text.ticklabel x=(fx(x)) y=(axis + 16.0) text-anchor="middle" { (label) }
                        }
                        @if ticks(seg.t0, seg.t1).first().is_some_and(|(_, l)| !l.contains('-')) {
                            text.ticklabel x=(fx(seg.x0)) y=(axis + 29.0) text-anchor="middle" { (day_label(seg.t0)) }
                        }
                    }
                }
                @if let [a, b] = segs.as_slice() {
                    @let x = (a.x1 + b.x0) / 2.0;
                    path.break d=(format!("M{:.1},{:.1} l6,-6 l6,12 l6,-6", x - 9.0, axis)) {}
                    text.ticklabel.gap x=(fx(x)) y=(axis + 16.0) text-anchor="middle" { (gap_words(b.t0 - a.t1)) }
                }
                @if unknown {
                    text.ticklabel x=(LEFT + 30.0) y=(axis + 16.0) text-anchor="middle" { "time ?" }
                }
                text.ticklabel x=(RIGHT) y=(axis + 29.0) text-anchor="end" { "UTC" }
            } @else {
                text.ticklabel x=(RIGHT) y=(axis + 16.0) text-anchor="end" { "in order (no time stamps)" }
            }
            // The domino: each event to the next.
            @for i in 1..events.len() {
                @let (ax, ay) = (xs[i - 1], lane_y(events[i - 1].loop_));
                @let (bx, by) = (xs[i], lane_y(events[i].loop_));
                @if (bx - ax).abs() > 1.0 || (by - ay).abs() > 1.0 {
                    path.domino d=(format!("M{ax:.1},{ay:.1} C{:.1},{ay:.1} {:.1},{by:.1} {bx:.1},{by:.1}", (ax + bx) / 2.0, (ax + bx) / 2.0)) {}
                }
            }
            @for (i, e) in events.iter().enumerate() {
                @let (x, y) = (xs[i], lane_y(e.loop_));
                @let at = e.at.map_or_else(|| "time unknown".to_owned(), |t| t.to_string());
                a.ev href={ "#" (e.id) } data-ev=(e.id) aria-label=(format!("{} · {} · {}: {}", i + 1, at, e.loop_.as_str(), e.label)) {
                    title { (T(&at)) " · " (e.loop_.as_str()) " · " (T(&e.label)) "\n" (T(e.what)) }
                    circle class={ "mark " (e.loop_.as_str()) } cx=(fx(x)) cy=(y) r="10" {}
                    text.marknum x=(fx(x)) y=(y + 4.0) text-anchor="middle" { (i + 1) }
                    @if let Some((lx, dy, anchor)) = labels[i] {
                        text.evlabel x=(fx(lx)) y=(y + dy) text-anchor=(anchor) { (T(&e.label)) }
                    }
                }
            }
        }
    }
}

fn fx(x: f64) -> String {
    format!("{x:.1}")
}

/// `HH:MM` of epoch seconds (UTC).
fn hm(t: i64) -> String {
    let sod = t.rem_euclid(86_400);
    format!("{:02}:{:02}", sod / 3600, sod / 60 % 60)
}

/// Axis ticks at a round step, 3 to 8 of them, labelled `HH:MM` (with the
/// date when the span crosses midnight).
fn ticks(t0: i64, t1: i64) -> Vec<(i64, String)> {
    const STEPS: [i64; 14] = [
        1, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21_600, 86_400,
    ];
    let span = t1 - t0;
    let step = STEPS
        .into_iter()
        .find(|s| span / s <= 7)
        .unwrap_or_else(|| (span / 7).max(1));
    let days = t0.div_euclid(86_400) != t1.div_euclid(86_400);
    let mut t = (t0 + step - 1).div_euclid(step) * step;
    let mut out = Vec::new();
    while t <= t1 {
        let sod = t.rem_euclid(86_400);
        let mut label = if step < 60 {
            format!("{:02}:{:02}:{:02}", sod / 3600, sod / 60 % 60, sod % 60)
        } else {
            format!("{:02}:{:02}", sod / 3600, sod / 60 % 60)
        };
        if days && (sod < step || out.is_empty()) {
            label = format!("{} {label}", day_label(t));
        }
        out.push((t, label));
        t += step;
    }
    out
}

/// `MM-DD` of epoch seconds.
fn day_label(t: i64) -> String {
    // Civil from days (Howard Hinnant's algorithm).
    let z = t.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    format!("{m:02}-{d:02}")
}

/// A chain link's short label for the picture: `Kind name`.
pub(crate) fn short_label(kind: &str, name: &str) -> String {
    let mut s = format!("{kind} {name}");
    if s.chars().count() > 30 {
        s = s.chars().take(29).collect::<String>() + "…";
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_span() {
        let t0 = 1_767_258_000; // 2026-01-01T09:00:00Z
        let t = ticks(t0, t0 + 600);
        let labels: Vec<&str> = t.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(
            labels,
            ["09:00", "09:02", "09:04", "09:06", "09:08", "09:10"]
        );
        let two_days = ticks(t0, t0 + 86_400);
        assert!(two_days[0].1.starts_with("01-01 "), "{two_days:?}");
        assert!(
            two_days.iter().any(|(_, l)| l == "01-02 00:00"),
            "{two_days:?}"
        );
    }
}
