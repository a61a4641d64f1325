//! Cycles and orders in small dependency graphs (`use`, `overrides`, defines).
//!
//! Every walk here is iterative: the graphs come from user text, and a chain of ten
//! thousand defines must not overflow the stack.

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};

/// A directed graph on nodes `0..n`; edge `k` is `edges[k] = (from, to)`.
pub(crate) struct Graph {
    n: usize,
    /// For each node, its outgoing edges as `(to, edge index)`, in edge order.
    out: Vec<Vec<(usize, usize)>>,
    edges: Vec<(usize, usize)>,
}

impl Graph {
    pub(crate) fn new(n: usize, edges: Vec<(usize, usize)>) -> Self {
        let mut out = vec![Vec::new(); n];
        for (k, &(from, to)) in edges.iter().enumerate() {
            if to < n {
                if let Some(list) = out.get_mut(from) {
                    list.push((to, k));
                }
            }
        }
        Graph { n, out, edges }
    }

    fn out(&self, node: usize) -> &[(usize, usize)] {
        self.out.get(node).map(|v| v.as_slice()).unwrap_or(&[])
    }

    /// One cycle for every strongly connected component that contains one, as the
    /// edge indices along it. Each cycle starts at the component's smallest node and is
    /// a shortest way back to it, so the chain shown to the user is short and stable.
    /// Cycles are sorted by their first node.
    pub(crate) fn cycles(&self) -> Vec<Vec<usize>> {
        let mut g: DiGraph<(), ()> = DiGraph::with_capacity(self.n, self.edges.len());
        for _ in 0..self.n {
            g.add_node(());
        }
        for &(from, to) in &self.edges {
            if from < self.n && to < self.n {
                g.add_edge(NodeIndex::new(from), NodeIndex::new(to), ());
            }
        }
        let mut found = Vec::new();
        for scc in kosaraju_scc(&g) {
            let mut members: Vec<usize> = scc.iter().map(|n| n.index()).collect();
            members.sort_unstable();
            let Some(&start) = members.first() else {
                continue;
            };
            if members.len() == 1 {
                if let Some(&(_, k)) = self.out(start).iter().find(|(to, _)| *to == start) {
                    found.push(vec![k]);
                }
                continue;
            }
            if let Some(cycle) = self.shortest_cycle(start, &members) {
                found.push(cycle);
            }
        }
        found.sort_by_key(|c| c.first().and_then(|k| self.edges.get(*k)).map(|e| e.0));
        found
    }

    /// Breadth-first search from `start` within `members` for the shortest way back.
    fn shortest_cycle(&self, start: usize, members: &[usize]) -> Option<Vec<usize>> {
        let mut parent: Vec<Option<usize>> = vec![None; self.n];
        let mut seen = vec![false; self.n];
        if let Some(s) = seen.get_mut(start) {
            *s = true;
        }
        let mut queue = std::collections::VecDeque::from([start]);
        while let Some(node) = queue.pop_front() {
            for &(to, k) in self.out(node) {
                if members.binary_search(&to).is_err() {
                    continue;
                }
                if to == start {
                    // Walk the parents back to the start.
                    let mut path = vec![k];
                    let mut at = node;
                    while at != start {
                        let pk = parent.get(at).copied().flatten()?;
                        path.push(pk);
                        at = self.edges.get(pk)?.0;
                    }
                    path.reverse();
                    return Some(path);
                }
                if seen.get(to).copied() == Some(false) {
                    if let Some(s) = seen.get_mut(to) {
                        *s = true;
                    }
                    if let Some(p) = parent.get_mut(to) {
                        *p = Some(k);
                    }
                    queue.push_back(to);
                }
            }
        }
        None
    }

    /// Every node, each after all the nodes it reaches (dependencies first); roots are
    /// taken in node order and edges in edge order. Cycles are broken arbitrarily.
    pub(crate) fn postorder(&self) -> Vec<usize> {
        let mut order = Vec::with_capacity(self.n);
        let mut state = vec![0u8; self.n]; // 0 new, 1 on the stack, 2 done
        for root in 0..self.n {
            if state.get(root).copied() != Some(0) {
                continue;
            }
            // (node, index of the next outgoing edge to follow)
            let mut stack = vec![(root, 0usize)];
            if let Some(s) = state.get_mut(root) {
                *s = 1;
            }
            while let Some(top) = stack.last_mut() {
                let (node, next) = *top;
                match self.out(node).get(next) {
                    Some(&(to, _)) => {
                        top.1 += 1;
                        if state.get(to).copied() == Some(0) {
                            if let Some(s) = state.get_mut(to) {
                                *s = 1;
                            }
                            stack.push((to, 0));
                        }
                    }
                    None => {
                        stack.pop();
                        if let Some(s) = state.get_mut(node) {
                            *s = 2;
                        }
                        order.push(node);
                    }
                }
            }
        }
        order
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_cycles_in_a_dag() {
        let g = Graph::new(4, vec![(0, 1), (1, 2), (0, 2), (3, 0)]);
        assert!(g.cycles().is_empty());
        assert_eq!(g.postorder(), vec![2, 1, 0, 3]);
    }

    #[test]
    fn self_loop_is_a_cycle() {
        let g = Graph::new(2, vec![(0, 1), (1, 1)]);
        assert_eq!(g.cycles(), vec![vec![1]]);
    }

    #[test]
    fn shortest_cycle_from_smallest_node() {
        // 0 -> 1 -> 2 -> 0 and a longer way 0 -> 3 -> 4 -> 1.
        let g = Graph::new(5, vec![(0, 3), (3, 4), (4, 1), (0, 1), (1, 2), (2, 0)]);
        assert_eq!(g.cycles(), vec![vec![3, 4, 5]]);
    }

    #[test]
    fn one_cycle_per_component() {
        let g = Graph::new(5, vec![(3, 4), (4, 3), (0, 1), (1, 0), (1, 2)]);
        assert_eq!(g.cycles(), vec![vec![2, 3], vec![0, 1]]);
        let order = g.postorder();
        let pos = |n: usize| order.iter().position(|&x| x == n);
        // 2 has no dependencies and 1 depends on it.
        assert!(pos(2) < pos(1));
    }

    #[test]
    fn long_chains_do_not_overflow() {
        let n = 200_000;
        let mut edges: Vec<(usize, usize)> = (0..n - 1).map(|i| (i, i + 1)).collect();
        edges.push((n - 1, 0));
        let g = Graph::new(n, edges);
        let cycles = g.cycles();
        assert_eq!(cycles.len(), 1);
        assert_eq!(cycles.first().map(|c| c.len()), Some(n));
        assert_eq!(g.postorder().len(), n);
    }
}
