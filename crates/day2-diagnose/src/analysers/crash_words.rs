//! The crash readings that each recognise one program's or one kernel's
//! words, run as one analyser: a binary the kernel will not start for its
//! file capabilities ([`super::file_caps`]), an admission webhook refusing
//! the program's own calls ([`super::webhook_call`]), and PostgreSQL
//! refusing the mode of its data directory ([`super::pg_permissions`]),
//! and a kernel without flannel's vxlan module ([`super::flannel_backend`]).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::symptoms::Detected;

pub fn read<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let mut out = super::file_caps::refused(a, d);
    out.extend(super::webhook_call::refused_in_crash(a, d));
    out.extend(super::pg_permissions::invalid_mode(a, d));
    out.extend(super::flannel_backend::without_vxlan(a, d));
    out
}
