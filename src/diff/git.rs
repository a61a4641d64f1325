//! `policyc diff --git REV`: the working tree's policies against a git revision.
