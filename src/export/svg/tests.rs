use super::*;
use crate::export::sample::sample;
use crate::export::text::text_width;
use proptest::prelude::*;

fn parse(svg: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed: {e}\n{svg}"))
}

fn num(n: roxmltree::Node, a: &str) -> f64 {
    n.attribute(a).unwrap().parse().unwrap()
}

#[test]
fn well_formed_with_every_node_and_edge() {
    let view = sample();
    let svg = to_svg(
        &view,
        &SvgOptions {
            id_prefix: "g1-".into(),
            heading: true,
        },
    )
    .unwrap();
    let doc = parse(&svg);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    fn id_of<'a>(n: &roxmltree::Node<'a, '_>) -> Option<&'a str> {
        n.attribute("id").and_then(|i| i.strip_prefix("g1-n"))
    }
    // Each node once by its own id; a shared leaf's copies (`n5-1`) after it.
    let groups: Vec<_> = root
        .descendants()
        .filter(|n| id_of(n).is_some_and(|i| i.parse::<usize>().is_ok()))
        .collect();
    assert_eq!(groups.len(), view.nodes.len());
    for copy in root
        .descendants()
        .filter(|n| id_of(n).is_some_and(|i| i.contains('-')))
    {
        let of: usize = id_of(&copy)
            .unwrap()
            .split('-')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            matches!(view.nodes[of], ViewNode::Leaf(_)),
            "only leaves are copied"
        );
        assert_eq!(copy.attribute("class"), groups[of].attribute("class"));
    }
    let paths = root
        .descendants()
        .filter(|n| n.attribute("id").is_some_and(|i| i.starts_with("g1-e")))
        .count();
    assert_eq!(paths, view.edges.len());
    // Gap and conflict leaves stand out.
    let classes: Vec<&str> = groups.iter().filter_map(|g| g.attribute("class")).collect();
    assert!(classes.contains(&"leaf gap") && classes.contains(&"leaf conflict"));
    let red_thick = groups
        .iter()
        .filter(|g| g.attribute("class") == Some("leaf gap"))
        .flat_map(|g| g.children())
        .any(|c| c.tag_name().name() == "rect" && c.attribute("stroke-width") == Some("3"));
    assert!(red_thick, "a gap leaf has a thick red border");
}

#[test]
fn policy_text_is_escaped() {
    let svg = to_svg(
        &sample(),
        &SvgOptions {
            id_prefix: String::new(),
            heading: true,
        },
    )
    .unwrap();
    assert!(!svg.contains("<script>"));
    let doc = parse(&svg);
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "text")
        .map(|n| n.text().unwrap_or("").to_string())
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("<script>alert(1)</script>")),
        "{texts:?}"
    );
}

/// Every text of the drawing lies inside its box, and no two boxes overlap.
fn check_fits_and_no_overlap(svg: &str, min_boxes: usize) {
    let doc = parse(svg);
    let mut boxes = Vec::new();
    // Each node and answer is a <g> holding a <rect> and its <text>s.
    for g in doc.descendants().filter(|n| n.tag_name().name() == "g") {
        let Some(rect) = g.children().find(|c| c.tag_name().name() == "rect") else {
            continue;
        };
        if g.attribute("class") == Some("legend") {
            continue;
        }
        let (x, y, w, h) = (
            num(rect, "x"),
            num(rect, "y"),
            num(rect, "width"),
            num(rect, "height"),
        );
        boxes.push(Rect { x, y, w, h });
        for t in g.children().filter(|c| c.tag_name().name() == "text") {
            let size = num(t, "font-size");
            let bold = t.attribute("font-weight") == Some("bold");
            // A bold answer may follow the text in a <tspan>.
            let tail: String = t
                .children()
                .filter(|c| c.tag_name().name() == "tspan")
                .map(|c| c.text().unwrap_or("").to_string())
                .collect();
            let tw = text_width(t.text().unwrap_or(""), size, bold) + text_width(&tail, size, true);
            let tx = num(t, "x");
            let (left, right) = match t.attribute("text-anchor") {
                Some("middle") => (tx - tw / 2.0, tx + tw / 2.0),
                _ => (tx, tx + tw),
            };
            assert!(
                left >= x - 0.1 && right <= x + w + 0.1,
                "text {:?} overflows its box",
                t.text()
            );
            let ty = num(t, "y");
            assert!(
                ty - size * 0.8 >= y - 0.1 && ty + size * 0.25 <= y + h + 0.1,
                "text {:?} outside vertically",
                t.text()
            );
        }
    }
    assert!(boxes.len() >= min_boxes);
    for (i, a) in boxes.iter().enumerate() {
        for b in boxes.iter().skip(i + 1) {
            assert!(!a.overlaps(b), "{a:?} overlaps {b:?}");
        }
    }
}

#[test]
fn every_text_fits_its_box_and_no_boxes_overlap() {
    let view = sample();
    let svg = to_svg(&view, &SvgOptions::default()).unwrap();
    check_fits_and_no_overlap(&svg, view.nodes.len() + view.edges.len());
}

fn words() -> impl Strategy<Value = String> {
    proptest::collection::vec("[a-zA-Z<>&\"']{1,14}|W{20,40}|≤|≥ 18|é", 1..16)
        .prop_map(|w| w.join(" "))
}

/// Random graphs with random words: text fits and nothing overlaps, whatever the text.
fn random_view() -> impl Strategy<Value = GraphView> {
    (2usize..14).prop_flat_map(|n| {
        (
            proptest::collection::vec((any::<bool>(), words(), words()), n),
            proptest::collection::vec((0..n, 0..n, words()), 1..(2 * n)),
        )
            .prop_map(move |(nodes, edges)| {
                let nodes = nodes
                    .into_iter()
                    .map(|(question, a, b)| {
                        if question {
                            ViewNode::Question(crate::export::view::Question {
                                input: a,
                                text: b,
                                judgement: None,
                            })
                        } else {
                            ViewNode::Leaf(crate::export::view::Leaf::new(vec![
                                crate::export::view::LeafOutput {
                                    asks: a.clone(),
                                    output: a,
                                    status: crate::export::view::OutputStatus::Gap {
                                        accepted: None,
                                    },
                                    rules: vec![],
                                },
                            ]))
                        }
                    })
                    .collect();
                let edges = edges
                    .into_iter()
                    .filter(|(a, b, _)| a != b)
                    .map(|(a, b, label)| crate::export::view::ViewEdge {
                        from: a.min(b),
                        to: a.max(b),
                        code: label.clone(),
                        label,
                        values: crate::export::view::EdgeValues::Bool(vec![true]),
                    })
                    .collect();
                GraphView {
                    policy: "p".into(),
                    title: None,
                    output: None,
                    part: None,
                    nodes,
                    edges,
                    root: 0,
                }
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    #[test]
    fn random_drawings_fit_their_text(view in random_view()) {
        let svg = to_svg(&view, &SvgOptions::default()).unwrap();
        check_fits_and_no_overlap(&svg, view.nodes.len());
    }
}

#[test]
fn long_questions_wrap() {
    let mut view = sample();
    if let ViewNode::Question(q) = &mut view.nodes[0] {
        q.text = "word ".repeat(60);
    }
    let svg = to_svg(&view, &SvgOptions::default()).unwrap();
    let doc = parse(&svg);
    let node = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("n0"))
        .unwrap();
    let lines = node
        .children()
        .filter(|c| c.tag_name().name() == "text")
        .count();
    assert!(lines > 5, "{lines} lines");
}

#[test]
fn too_large_graphs_are_refused() {
    let mut view = sample();
    let leaf = view.nodes[5].clone();
    view.nodes.resize(MAX_DRAWN_NODES + 1, leaf);
    assert!(matches!(
        to_svg(&view, &SvgOptions::default()),
        Err(SvgError::TooLarge { .. })
    ));
}

#[test]
#[ignore = "writes the sample drawing to $POLICYC_SAMPLE_SVG for a person to look at"]
fn write_sample() {
    let path = std::env::var("POLICYC_SAMPLE_SVG").unwrap();
    let svg = to_svg(
        &sample(),
        &SvgOptions {
            id_prefix: String::new(),
            heading: true,
        },
    )
    .unwrap();
    std::fs::write(path, svg).unwrap();
}

/// Every bundled policy's drawings (the whole decision and each output), by name.
fn bundled_views() -> Vec<(String, GraphView)> {
    use crate::export::build::Which;
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for dir in ["policies", "policies/compare", "examples"] {
        let Ok(rd) = std::fs::read_dir(dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "policy") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let mut sources = crate::source::Sources::new();
        let checked = crate::check::check_file(&mut sources, &crate::source::RealFs, &f);
        let Some(policy) = checked.policy else {
            continue;
        };
        if policy.outputs.is_empty() {
            continue;
        }
        let stem = f.file_stem().unwrap().to_string_lossy().into_owned();
        out.push((
            stem.clone(),
            crate::export::policy_view(&policy, Which::Whole).unwrap(),
        ));
        for (o, def) in policy.outputs.entries() {
            out.push((
                format!("{stem}:{}", def.name),
                crate::export::policy_view(&policy, Which::Output(o)).unwrap(),
            ));
        }
    }
    out
}

/// Edge crossings of every bundled policy's drawings, as the drawn curves cross, are
/// the ceiling: a change to the layout may remove crossings, never add them. Asking
/// judgements after the facts (issue 20, review item C-a) made the graphs of policies
/// whose judgements several facts follow share their leaves among far-apart questions
/// (devon-cornwall-dorset 47 crossings, school-advice 12, npcc 9, derbyshire 4); a leaf
/// shared that way is now drawn again under the questions whose answers would cross to
/// it, where the width that costs is worth the crossings it removes (`svg::cost`). The
/// crossings left are among questions, or cost more width to remove than they are worth.
#[test]
fn bundled_drawings_cross_no_more_than_before() {
    let ceiling: &[(&str, usize)] = &[
        ("school", 0),
        ("school:response", 0),
        ("derbyshire", 0),
        ("derbyshire:term", 0),
        ("derbyshire:record_crime", 0),
        ("derbyshire:investigation", 0),
        ("derbyshire:likely_outcomes", 0),
        ("derbyshire:referral", 0),
        ("derbyshire:seize_devices", 0),
        ("derbyshire:delete_imagery", 0),
        ("devon-cornwall-dorset", 1),
        ("devon-cornwall-dorset:record_crime", 0),
        ("devon-cornwall-dorset:resolution", 1),
        ("devon-cornwall-dorset:education_and_intervention", 0),
        ("devon-cornwall-dorset:dbs_disclosure", 0),
        ("gloucestershire", 0),
        ("gloucestershire:crime_report", 0),
        ("gloucestershire:dbs_disclosure", 0),
        ("npcc", 0),
        ("npcc:record_crime", 0),
        ("npcc:police_response", 0),
        ("npcc:strategy_meeting", 0),
        ("npcc:caid_referral", 0),
        ("npcc:dbs_disclosure", 0),
        ("school-advice", 0),
        ("school-advice:response", 0),
        ("school-advice:record_incident", 0),
        ("ukcis-2024", 203),
        ("ukcis-2024:report_to_dsl", 0),
        ("ukcis-2024:record_incident", 0),
        ("ukcis-2024:immediate_referral", 2),
        ("ukcis-2024:immediate_referral_triggers", 16),
        ("ukcis-2024:response", 2),
        ("ukcis-2024:parents_informed", 0),
        ("ukcis-2024:imagery_viewing", 0),
        ("ukcis-2024:deletion", 1),
    ];
    let mut report = String::new();
    for (name, view) in bundled_views() {
        let Ok(d) = draw(&view) else { continue };
        // Every answer leads to a box that shows the node it leads to in the view: a
        // copy of a shared leaf says what the leaf says.
        for (e, &t) in view.edges.iter().zip(&d.targets) {
            assert_eq!(d.of[t], e.to, "{name}: an answer drawn to another box");
        }
        let pairs = crate::export::layout::crossing_pairs(&d.layout);
        let n = pairs.len();
        report.push_str(&format!("(\"{name}\", {n}),\n"));
        let max = ceiling
            .iter()
            .find(|(n2, _)| *n2 == name)
            .map(|c| c.1)
            .unwrap_or_else(|| panic!("{name}: no count recorded"));
        assert!(n <= max, "{name}: {n} crossings, more than {max}");
        // Two answers of one question never cross: a reader follows the answer's label
        // down its own edge, and an edge that crosses its sibling leads the eye to the
        // sibling's outcome.
        for (a, b) in pairs {
            assert_ne!(
                view.edges[a].from, view.edges[b].from,
                "{name}: answers {:?} and {:?} of one question cross",
                view.edges[a].label, view.edges[b].label
            );
        }
    }
    eprintln!("{report}");
}

/// The numbers a layout change is judged by, for every bundled drawing: run with
/// `cargo test --lib measure_bundled -- --ignored --nocapture`.
#[test]
#[ignore = "prints measurements"]
fn measure_bundled() {
    use crate::export::layout::{crossing_pairs, label_intrusions};
    let mut total = (0usize, 0.0f64, 0usize, 0usize, 0usize);
    let only = std::env::var("POLICYC_MEASURE").unwrap_or_default();
    for (name, view) in bundled_views() {
        if !name.starts_with(&only) {
            continue;
        }
        let Ok(d) = draw(&view) else { continue };
        let l = &d.layout;
        let (c, hit, near) = (
            crossing_pairs(l).len(),
            label_intrusions(l, 0.0).len(),
            label_intrusions(l, 8.0).len(),
        );
        let misordered = super::misordered(&view, l).len();
        total.4 += misordered;
        total.0 += c;
        total.1 += l.height;
        total.2 += hit;
        total.3 += near;
        eprintln!(
            "{name:55} cross {c:4} h {:6.0} w {:6.0} through-label {hit:3} near-label {near:3} misordered {misordered:3}",
            l.height, l.width
        );
    }
    eprintln!(
        "TOTAL cross {} h {:.0} through-label {} near-label {} misordered {}",
        total.0, total.1, total.2, total.3, total.4
    );
}

/// Writes the whole (unsplit) drawing named by `POLICYC_DRAW` (as `measure_bundled`
/// names it) to the file `POLICYC_DRAW_OUT`, for looking at a layout.
#[test]
#[ignore = "writes a file for a person to look at"]
fn draw_one_bundled() {
    let (Ok(name), Ok(out)) = (
        std::env::var("POLICYC_DRAW"),
        std::env::var("POLICYC_DRAW_OUT"),
    ) else {
        return;
    };
    for (n, view) in bundled_views() {
        if n == name {
            let opts = SvgOptions {
                id_prefix: String::new(),
                heading: true,
            };
            std::fs::write(&out, to_svg(&view, &opts).unwrap()).unwrap();
        }
    }
}

/// Whether the labels of two questions interleave: a label of one question between two
/// labels of another reads as the other's answer. The pairs of questions whose labels
/// do, as (left question, right question).
fn interleaved_labels(view: &GraphView, l: &Layout) -> Vec<(usize, usize)> {
    // Labels in one band share their top edge's band: group them by row.
    let mut labels: Vec<(f64, f64, usize)> = view
        .edges
        .iter()
        .zip(&l.edges)
        .filter_map(|(e, r)| r.label.map(|b| (b.cy(), b.cx(), e.from)))
        .collect();
    labels.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut out = Vec::new();
    for row in labels.chunk_by(|a, b| (a.0 - b.0).abs() < 20.0) {
        let owners: Vec<usize> = row.iter().map(|x| x.2).collect();
        for (i, &a) in owners.iter().enumerate() {
            // a … b … a in one row.
            if let Some(j) = owners.iter().rposition(|&x| x == a) {
                for &b in owners.get(i + 1..j).unwrap_or(&[]) {
                    if b != a {
                        out.push((a, b));
                    }
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// An answer's label is read as belonging to the line nearest it: no edge passes
/// through another answer's label, none passes within a few pixels of one in the
/// drawings shown whole, and the labels of one question sit together, under it.
#[test]
fn bundled_labels_stand_clear_of_other_edges() {
    use crate::export::layout::label_intrusions;
    for (name, view) in bundled_views() {
        let Ok(d) = draw(&view) else { continue };
        let l = &d.layout;
        let through = label_intrusions(l, 0.0);
        assert!(
            through.is_empty(),
            "{name}: edges through labels: {through:?}"
        );
        if l.width <= crate::export::split::MAX_WIDTH {
            let near = label_intrusions(l, 4.0);
            assert!(near.is_empty(), "{name}: edges brushing labels: {near:?}");
            let mixed = interleaved_labels(&view, l);
            assert!(
                mixed.is_empty(),
                "{name}: labels of questions mixed: {mixed:?}"
            );
        }
    }
}

/// The height of `graph POLICY --format svg` (the whole decision, in parts where too
/// wide), from its viewBox.
fn document_height(file: &str) -> f64 {
    use crate::export::build::Which;
    let mut sources = crate::source::Sources::new();
    let checked = crate::check::check_file(
        &mut sources,
        &crate::source::RealFs,
        std::path::Path::new(file),
    );
    let policy = checked.policy.unwrap();
    let view = crate::export::policy_view(&policy, Which::Whole).unwrap();
    let opts = SvgOptions {
        id_prefix: String::new(),
        heading: true,
    };
    let svg = crate::export::svg_document(&policy, Which::Whole, &view, &opts).unwrap();
    let doc = parse(&svg);
    let vb = doc.root_element().attribute("viewBox").unwrap();
    vb.split(' ').nth(3).unwrap().parse().unwrap()
}

/// UKCIS's drawing was 8,930 pixels tall before issue 20's tighter layers and wider
/// questions where a drawing has room; a reader scrolls through all of it. (Answers in
/// their order where that costs no crossing took it from under 8,000 to 8,086.)
#[test]
fn ukcis_drawing_is_shorter_than_before() {
    let h = document_height("policies/ukcis-2024.policy");
    assert!(h <= 8100.0, "ukcis-2024 is {h} pixels tall");
}

/// Crossings in what `graph --format svg` draws for each bundled policy and each of its
/// outputs: the drawing itself, or the parts a too-wide one is cut into (whose layouts
/// the whole drawing's count above does not see). Issue 20's blind review found the
/// likeliest misreading in parts: two questions' `yes` and `no` side by side above
/// outcomes their edges cross to. Each count is a ceiling, as above.
#[test]
fn bundled_drawn_parts_cross_no_more_than_before() {
    use crate::export::build::Which;
    use crate::export::layout::crossing_pairs;
    let ceiling: &[(&str, usize)] = &[
        ("ukcis-2024", 5),
        ("ukcis-2024:immediate_referral", 2),
        ("ukcis-2024:immediate_referral_triggers", 0),
        ("ukcis-2024:response", 2),
        ("ukcis-2024:deletion", 1),
    ];
    let mut over = Vec::new();
    let mut seen = Vec::new();
    for (name, view) in bundled_views() {
        let (stem, output) = name.split_once(':').unwrap_or((&name, ""));
        let file = ["policies", "policies/compare", "examples"]
            .iter()
            .map(|d| std::path::PathBuf::from(format!("{d}/{stem}.policy")))
            .find(|p| p.exists())
            .unwrap();
        let mut sources = crate::source::Sources::new();
        let checked = crate::check::check_file(&mut sources, &crate::source::RealFs, &file);
        let policy = checked.policy.unwrap();
        let which = if output.is_empty() {
            Which::Whole
        } else {
            let o = policy
                .outputs
                .entries()
                .find(|(_, d)| d.name == output)
                .unwrap()
                .0;
            Which::Output(o)
        };
        let views: Vec<GraphView> = if natural_width(&view) <= crate::export::split::MAX_WIDTH {
            vec![view]
        } else {
            let mut c =
                crate::compile::Compiler::new(&policy, &crate::compile::CompileOptions::default())
                    .unwrap();
            let dg = crate::compile::graph::DecisionGraph::build(&mut c).unwrap();
            let plan =
                crate::export::split::plan(&policy, &mut c, &dg, which, &view, &natural_width)
                    .unwrap();
            plan.parts().map(|(_, p)| p.view.clone()).collect()
        };
        let n: usize = views
            .iter()
            .map(|v| draw(v).map_or(0, |d| crossing_pairs(&d.layout).len()))
            .sum();
        let max = ceiling
            .iter()
            .find(|(c, _)| *c == name)
            .map_or(0, |&(_, m)| m);
        seen.push(format!("{name} {n}"));
        if n > max {
            over.push(format!("{name}: {n} crossings (at most {max})"));
        }
    }
    assert!(over.is_empty(), "{over:#?}\nall: {seen:#?}");
}
