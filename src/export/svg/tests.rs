use super::*;
use crate::export::sample::sample;
use crate::export::text::text_width;

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
    let groups: Vec<_> = root
        .descendants()
        .filter(|n| n.attribute("id").is_some_and(|i| i.starts_with("g1-n")))
        .collect();
    assert_eq!(groups.len(), view.nodes.len());
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

#[test]
fn every_text_fits_its_box_and_no_boxes_overlap() {
    let view = sample();
    let svg = to_svg(&view, &SvgOptions::default()).unwrap();
    let doc = parse(&svg);
    let mut boxes = Vec::new();
    // Each node and answer is a <g> holding a <rect> and its <text>s.
    for g in doc.descendants().filter(|n| n.tag_name().name() == "g") {
        let Some(rect) = g.children().find(|c| c.tag_name().name() == "rect") else {
            continue;
        };
        let (x, y, w, h) = (
            num(rect, "x"),
            num(rect, "y"),
            num(rect, "width"),
            num(rect, "height"),
        );
        if g.attribute("class") == Some("legend") {
            continue;
        }
        boxes.push(Rect { x, y, w, h });
        for t in g.children().filter(|c| c.tag_name().name() == "text") {
            let size = num(t, "font-size");
            let bold = t.attribute("font-weight") == Some("bold");
            let tw = text_width(t.text().unwrap_or(""), size, bold);
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
    assert!(boxes.len() >= view.nodes.len() + view.edges.len());
    for (i, a) in boxes.iter().enumerate() {
        for b in boxes.iter().skip(i + 1) {
            assert!(!a.overlaps(b), "{a:?} overlaps {b:?}");
        }
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
