use super::*;
use proptest::prelude::*;

fn drawn_crossing_pairs_of(l: &Layout) -> Vec<(usize, usize)> {
    crossing_pairs(l)
}

fn all_boxes(l: &Layout) -> Vec<Rect> {
    let mut v = l.nodes.clone();
    v.extend(l.edges.iter().filter_map(|e| e.label));
    v
}

fn endpoints(path: &[Seg]) -> Option<((f64, f64), (f64, f64))> {
    let first = match path.first()? {
        Seg::Move(x, y) => (*x, *y),
        _ => return None,
    };
    let last = match path.last()? {
        Seg::Move(x, y) | Seg::Line(x, y) | Seg::Curve(_, _, _, _, x, y) => (*x, *y),
    };
    Some((first, last))
}

/// Random DAGs: edges only from lower to higher index, sizes like real nodes.
fn dag() -> impl Strategy<Value = (Vec<Size>, Vec<EdgeSpec>)> {
    (1usize..24).prop_flat_map(|n| {
        let sizes = proptest::collection::vec((20.0f64..260.0, 16.0f64..120.0), n);
        let edges = proptest::collection::vec(
            (
                0..n,
                0..n,
                proptest::option::of((10.0f64..120.0, 10.0f64..30.0)),
            ),
            0..(3 * n),
        );
        (sizes, edges).prop_map(|(sizes, edges)| {
            let nodes = sizes.into_iter().map(|(w, h)| Size { w, h }).collect();
            let edges = edges
                .into_iter()
                .filter(|(a, b, _)| a != b)
                .map(|(a, b, l)| EdgeSpec {
                    from: a.min(b),
                    to: a.max(b),
                    label: l.map(|(w, h)| Size { w, h }),
                })
                .collect();
            (nodes, edges)
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn no_two_boxes_overlap((nodes, edges) in dag()) {
        let l = layout(&nodes, &edges, &Options::default());
        let boxes = all_boxes(&l);
        for (i, a) in boxes.iter().enumerate() {
            prop_assert!(a.x >= 0.0 && a.y >= 0.0, "box {i} off the page: {a:?}");
            prop_assert!(a.right() <= l.width + 1e-6 && a.bottom() <= l.height + 1e-6);
            for (j, b) in boxes.iter().enumerate().skip(i + 1) {
                prop_assert!(!a.overlaps(b), "boxes {i} and {j} overlap: {a:?} {b:?}");
            }
        }
    }

    #[test]
    fn sizes_are_kept_and_edges_join_their_nodes((nodes, edges) in dag()) {
        let l = layout(&nodes, &edges, &Options::default());
        prop_assert_eq!(l.nodes.len(), nodes.len());
        prop_assert_eq!(l.edges.len(), edges.len());
        for (r, s) in l.nodes.iter().zip(&nodes) {
            prop_assert!((r.w - s.w).abs() < 1e-9 && (r.h - s.h).abs() < 1e-9);
        }
        for (e, route) in edges.iter().zip(&l.edges) {
            let (start, end) = endpoints(&route.path).expect("every edge is drawn");
            let (a, b) = (l.nodes[e.from], l.nodes[e.to]);
            prop_assert!((start.1 - a.bottom()).abs() < 1e-6, "starts at the source's bottom");
            prop_assert!(start.0 >= a.x && start.0 <= a.right());
            prop_assert!((end.1 - b.y).abs() < 1e-6, "ends at the target's top");
            prop_assert!(end.0 >= b.x && end.0 <= b.right());
            // Every edge points down: the picture reads top to bottom.
            prop_assert!(b.y > a.bottom());
            prop_assert_eq!(route.label.is_some(), e.label.is_some());
        }
        // Two answers of one node never cross each other below their labels: a reader
        // follows a label down its own edge. (Their order is `no` before `yes` where that
        // costs no crossing.)
        for (a, b) in drawn_crossing_pairs_of(&l) {
            let (ea, eb) = (edges[a], edges[b]);
            // (Edges without a label, which the exporters never draw, may.)
            let labelled = ea.label.is_some() && eb.label.is_some();
            prop_assert!(
                ea.from != eb.from || ea.to == eb.to || !labelled,
                "answers {a} and {b} of node {} cross", ea.from
            );
        }
    }

    #[test]
    fn straight_parts_of_edges_miss_every_other_box((nodes, edges) in dag()) {
        // Edges run vertically inside layers and curve only in the gaps between them,
        // so a vertical segment must not pass through a node other than its own ends.
        let l = layout(&nodes, &edges, &Options::default());
        for (e, route) in edges.iter().zip(&l.edges) {
            let mut at = (0.0, 0.0);
            for seg in &route.path {
                match *seg {
                    Seg::Move(x, y) => at = (x, y),
                    Seg::Line(x, y) => {
                        let (y0, y1) = (at.1.min(y), at.1.max(y));
                        for (i, b) in l.nodes.iter().enumerate() {
                            if i == e.from || i == e.to {
                                continue;
                            }
                            let hits = x > b.x && x < b.right() && y0 < b.bottom() && y1 > b.y;
                            prop_assert!(!hits, "edge {e:?} crosses node {i}");
                        }
                        at = (x, y);
                    }
                    Seg::Curve(_, _, _, _, x, y) => {
                        // The curve's vertical extent holds no box at all.
                        let (y0, y1) = (at.1.min(y), at.1.max(y));
                        for b in &l.nodes {
                            prop_assert!(!(y0 < b.bottom() - 1e-6 && y1 > b.y + 1e-6));
                        }
                        at = (x, y);
                    }
                }
            }
        }
    }

    #[test]
    fn inversions_match_brute_force(v in proptest::collection::vec(0usize..10, 0..40)) {
        let mut brute = 0u64;
        for i in 0..v.len() {
            for j in i + 1..v.len() {
                if v[i] > v[j] {
                    brute += 1;
                }
            }
        }
        let mut w = v.clone();
        prop_assert_eq!(inversions(&mut w), brute);
        let mut sorted = v;
        sorted.sort_unstable();
        prop_assert_eq!(w, sorted);
    }

    #[test]
    fn constrained_fit_is_feasible_and_optimal(
        rows in proptest::collection::vec((-100.0f64..100.0, 0.5f64..8.0, 0.0f64..40.0), 1..12)
    ) {
        let targets: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let weights: Vec<f64> = rows.iter().map(|r| r.1).collect();
        let gaps: Vec<f64> = rows.iter().skip(1).map(|r| r.2).collect();
        let x = constrained_fit(&targets, &weights, &gaps);
        prop_assert_eq!(x.len(), targets.len());
        for i in 1..x.len() {
            prop_assert!(x[i] - x[i - 1] >= gaps[i - 1] - 1e-6);
        }
        let cost = |x: &[f64]| -> f64 {
            x.iter().zip(&targets).zip(&weights).map(|((a, t), w)| w * (a - t) * (a - t)).sum()
        };
        let c = cost(&x);
        // No feasible nudge of one block of the solution improves it.
        for i in 0..x.len() {
            for j in i..x.len() {
                for d in [-0.5, 0.5] {
                    let mut y = x.clone();
                    for v in &mut y[i..=j] {
                        *v += d;
                    }
                    let feasible = (1..y.len()).all(|k| y[k] - y[k - 1] >= gaps[k - 1] - 1e-9);
                    if feasible {
                        prop_assert!(cost(&y) >= c - 1e-6);
                    }
                }
            }
        }
    }
}

#[test]
fn a_cycle_does_not_hang_and_is_drawn() {
    let nodes = vec![Size { w: 40.0, h: 20.0 }; 3];
    let edges = vec![
        EdgeSpec {
            from: 0,
            to: 1,
            label: None,
        },
        EdgeSpec {
            from: 1,
            to: 2,
            label: None,
        },
        EdgeSpec {
            from: 2,
            to: 0,
            label: None,
        },
    ];
    let l = layout(&nodes, &edges, &Options::default());
    assert_eq!(l.edges.len(), 3);
    assert!(l.edges.iter().all(|e| !e.path.is_empty()));
}

#[test]
fn answers_keep_their_order_under_a_question() {
    // A question with three answers to three leaves: the leaves read left to right in
    // the order of the answers.
    let nodes = vec![Size { w: 100.0, h: 30.0 }; 4];
    let edges: Vec<EdgeSpec> = (1..4)
        .map(|t| EdgeSpec {
            from: 0,
            to: t,
            label: Some(Size { w: 30.0, h: 14.0 }),
        })
        .collect();
    let l = layout(&nodes, &edges, &Options::default());
    assert!(l.nodes[1].x < l.nodes[2].x && l.nodes[2].x < l.nodes[3].x);
    // The question is centred over its answers.
    let mid = (l.nodes[1].cx() + l.nodes[3].cx()) / 2.0;
    assert!((l.nodes[0].cx() - mid).abs() < 1.0);
}

#[test]
fn a_diamond_has_no_crossings() {
    // 0 -> 1, 0 -> 2, 1 -> 3, 2 -> 3, 1 -> 4, 2 -> 5: the best order has no crossing.
    let nodes = vec![Size { w: 50.0, h: 20.0 }; 6];
    let e = |a, b| EdgeSpec {
        from: a,
        to: b,
        label: None,
    };
    let edges = vec![e(0, 2), e(0, 1), e(1, 3), e(2, 3), e(1, 5), e(2, 4)];
    let l = layout(&nodes, &edges, &Options::default());
    // Nodes 4 and 5 hang under 2 and 1 respectively: on their parents' sides.
    assert_eq!(l.nodes[5].x < l.nodes[4].x, l.nodes[1].x < l.nodes[2].x);
}

#[test]
fn answers_read_in_their_order_where_that_costs_no_crossing() {
    // The shape of UKCIS's `deletion` under its first question: the youngest's age
    // "12 or under" and "13 to 17" lead to questions whose answers meet again below,
    // "18 or over" to a leaf of its own. Its label was drawn between the other two.
    let nodes = vec![Size { w: 120.0, h: 30.0 }; 9];
    let e = |a, b| EdgeSpec {
        from: a,
        to: b,
        label: Some(Size { w: 40.0, h: 14.0 }),
    };
    let edges = vec![
        e(0, 1),
        e(0, 2),
        e(0, 3),
        e(1, 4),
        e(1, 7),
        e(2, 5),
        e(2, 7),
        e(4, 6),
        e(4, 7),
        e(5, 6),
        e(5, 7),
        e(6, 7),
        e(6, 8),
    ];
    let l = layout(&nodes, &edges, &Options::default());
    let x = |i: usize| l.edges[i].label.unwrap().cx();
    assert!(x(0) < x(1) && x(1) < x(2), "{} {} {}", x(0), x(1), x(2));
}
