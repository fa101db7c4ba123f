//! Property tests: quantity parsing and label selector matching against
//! models of upstream's code, transcribed from kubernetes/apimachinery:
//!
//! - `pkg/api/resource/quantity.go`: `parseQuantityString` (the scanner),
//!   `ParseQuantity` (suffixes `n u m "" k M G T P E`, `Ki`…`Ei`, exponents
//!   `e`/`E` parsed as int32, the BinarySI cap at 2^63-1) and `MilliValue`
//!   (`ceil(q * 1000)`); `UnmarshalJSON` trims whitespace first.
//! - `pkg/apis/meta/v1/helpers.go` `LabelSelectorAsSelector` (nil → Nothing,
//!   no requirements → Everything, matchLabels as `=` requirements, unknown
//!   operators an error) and `pkg/labels/selector.go` (`NewRequirement`'s
//!   value-count checks, `Requirement.Matches`, requirements ANDed).
//!
//! And a pod's requests against kubernetes/kubernetes:
//!
//! - `pkg/apis/core/v1/defaults.go` `SetDefaults_Pod` (container limits copied
//!   into missing requests, then `defaultHugePagePodLimits` and
//!   `defaultPodRequests` with PodLevelResources on), applied to the whole
//!   pod first, as the API server does;
//! - `staging/src/k8s.io/component-helpers/resource/helpers.go`
//!   `PodRequests` with default options (`AggregateContainerRequests`'
//!   sidecar formula, `IsPodLevelRequestsSet` and `applyPodLevelResources`
//!   for cpu, memory and hugepages, then the overhead added).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use day2_model::quantity::{Milli, cpu_millis, parse};
use day2_model::resources::{pod_level_request, pod_request};
use day2_model::selector::{
    Labels, label_selector_is_empty, label_selector_matches, map_selector_matches,
};
use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};
use proptest::prelude::*;
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------
// Quantities

/// upstream `parseQuantityString` + `quantitySuffixer.interpret`: whether
/// `ParseQuantity` accepts `s` (after `UnmarshalJSON`'s TrimSpace).
fn upstream_accepts(s: &str) -> bool {
    let b = s.trim().as_bytes();
    if b.is_empty() {
        return false;
    }
    let mut pos = 0;
    if matches!(b[0], b'-' | b'+') {
        pos += 1;
    }
    while pos < b.len() && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos < b.len() && b[pos] == b'.' {
        pos += 1;
        while pos < b.len() && b[pos].is_ascii_digit() {
            pos += 1;
        }
    }
    let suffix_start = pos;
    while pos < b.len() && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos < b.len() && matches!(b[pos], b'-' | b'+') {
        pos += 1;
    }
    while pos < b.len() && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos < b.len() {
        return false; // ErrFormatWrong
    }
    let suffix = &s.trim()[suffix_start..];
    match suffix {
        "" | "n" | "u" | "m" | "k" | "M" | "G" | "T" | "P" | "E" => true,
        "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => true,
        _ => {
            // strconv.ParseInt(suffix[1:], 10, 32)
            suffix.len() > 1
                && matches!(suffix.as_bytes()[0], b'e' | b'E')
                && suffix[1..].parse::<i32>().is_ok()
        }
    }
}

/// For a string upstream accepts: `k` where the value is about 10^k units
/// (the position of its first significant digit plus the decimal exponent);
/// `None` for zero.
fn magnitude(s: &str) -> Option<i64> {
    let t = s.trim().trim_start_matches(['+', '-']);
    let int_end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (int, rest) = t.split_at(int_end);
    let (frac, suffix) = match rest.strip_prefix('.') {
        Some(f) => f.split_at(f.find(|c: char| !c.is_ascii_digit()).unwrap_or(f.len())),
        None => ("", rest),
    };
    let exp: i64 = match suffix {
        "" | "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => 0,
        "n" => -9,
        "u" => -6,
        "m" => -3,
        "k" => 3,
        "M" => 6,
        "G" => 9,
        "T" => 12,
        "P" => 15,
        "E" => 18,
        e => e[1..].parse().ok()?,
    };
    let int = int.trim_start_matches('0');
    let first = if !int.is_empty() {
        int.len() as i64
    } else {
        -(frac.find(|c: char| c != '0')? as i64)
    };
    Some(first + exp)
}

/// A suffix and its value as (binary multiplier, decimal exponent).
fn suffixes() -> impl Strategy<Value = (String, u128, i32)> {
    prop_oneof![
        Just(("".to_owned(), 1, 0)),
        Just(("n".to_owned(), 1, -9)),
        Just(("u".to_owned(), 1, -6)),
        Just(("m".to_owned(), 1, -3)),
        Just(("k".to_owned(), 1, 3)),
        Just(("M".to_owned(), 1, 6)),
        Just(("G".to_owned(), 1, 9)),
        Just(("T".to_owned(), 1, 12)),
        Just(("P".to_owned(), 1, 15)),
        Just(("E".to_owned(), 1, 18)),
        Just(("Ki".to_owned(), 1 << 10, 0)),
        Just(("Mi".to_owned(), 1 << 20, 0)),
        Just(("Gi".to_owned(), 1 << 30, 0)),
        Just(("Ti".to_owned(), 1 << 40, 0)),
        Just(("Pi".to_owned(), 1 << 50, 0)),
        Just(("Ei".to_owned(), 1 << 60, 0)),
        (
            -15i32..=15,
            prop::bool::ANY,
            prop::sample::select(vec!["", "+", "0"])
        )
            .prop_map(|(e, upper, pad)| {
                let pad = if e < 0 { "" } else { pad };
                (format!("{}{pad}{e}", if upper { 'E' } else { 'e' }), 1, e)
            }),
    ]
}

/// `ceil(x * 1000)` for `x = digits / 10^frac · bin · 10^exp`, exactly, with
/// the BinarySI cap (2^63-1 units).
fn upstream_milli(digits: u128, frac: u32, bin: u128, exp: i32) -> i128 {
    let num = digits * bin;
    let shift = exp + 3 - frac as i32;
    let milli = if shift >= 0 {
        num * 10u128.pow(shift as u32)
    } else {
        let d = 10u128.pow((-shift) as u32);
        num.div_ceil(d)
    };
    let milli = i128::try_from(milli).unwrap();
    if bin > 1 {
        milli.min(i128::from(i64::MAX) * 1000)
    } else {
        milli
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    /// Well-formed quantities: day2's value is upstream's MilliValue.
    #[test]
    fn quantity_value_is_upstream_milli_value(
        int in "[0-9]{0,7}",
        frac in prop::option::of("[0-9]{0,7}"),
        (suffix, bin, exp) in suffixes(),
        sign in prop::sample::select(vec!["", "+", "-"]),
    ) {
        let number = match &frac {
            Some(f) => format!("{int}.{f}"),
            None => int.clone(),
        };
        let s = format!("{sign}{number}{suffix}");
        // The empty string is the one refused (ParseQuantity: len(str) == 0).
        prop_assume!(!s.is_empty());
        prop_assert!(upstream_accepts(&s), "{s}");
        let f = frac.clone().unwrap_or_default();
        let digits: u128 = format!("0{int}{f}").parse().unwrap();
        let want = upstream_milli(digits, f.len() as u32, bin, exp);
        let got = parse(&s);
        if sign == "-" {
            // Negative values (invalid in resources): the same magnitude,
            // rounded away from zero as upstream's RoundUp does.
            prop_assert_eq!(got, Some(Milli(-want)), "{}", s);
        } else {
            prop_assert_eq!(got, Some(Milli(want)), "{}", s);
        }
    }

    /// Any string over the characters quantities are made of: day2 accepts
    /// what upstream accepts, except a decimal value of 10^16 units or more
    /// (its milli value is past i64::MAX, where upstream's MilliValue
    /// overflows), which day2 may refuse.
    #[test]
    fn quantity_accepts_what_upstream_accepts(s in "[ +\\-.0-9eEinumkKMGTPia]{0,8}") {
        let accepted = parse(&s).is_some();
        let upstream = upstream_accepts(&s);
        if upstream && !accepted {
            prop_assert!(magnitude(&s).is_some_and(|m| m + 3 > 19), "{:?} refused", s);
        } else {
            prop_assert_eq!(accepted, upstream, "{:?} → {:?}", s, parse(&s));
        }
    }

    /// CPU requests finer than a millicore round up (`MilliValue`).
    #[test]
    fn cpu_rounds_up_to_the_millicore(n in 0u64..10_000_000_000, suffix in prop::sample::select(vec![("u", 1_000u64), ("n", 1_000_000)])) {
        let (suffix, per_milli) = suffix;
        prop_assert_eq!(cpu_millis(&format!("{n}{}", suffix)), Some(n.div_ceil(per_milli) as i64));
    }
}

#[test]
fn quantity_model_agrees_with_upstream_tests() {
    // Spot checks of the model itself, from quantity_test.go TestQuantityParse.
    for ok in [
        "0",
        "1.",
        "1.G",
        ".001",
        "1E-3",
        "1.3E+6",
        "0.5e-2",
        "100.035Ki",
        "9Ei",
        ".",
        "-.",
    ] {
        assert!(upstream_accepts(ok), "{ok}");
    }
    for bad in [
        "1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-",
    ] {
        assert!(!upstream_accepts(bad), "{bad}");
    }
}

// ---------------------------------------------------------------------------
// Label selectors

#[derive(Debug, Clone)]
struct Req {
    key: String,
    op: String,
    values: Option<Vec<String>>,
}

/// upstream `LabelSelectorAsSelector(ps).Matches(labels)`; `Err` when the
/// selector cannot be built.
fn upstream_matches(sel: Option<(&Labels, &[Req])>, labels: &Labels) -> Result<bool, String> {
    let Some((match_labels, exprs)) = sel else {
        return Ok(false); // labels.Nothing()
    };
    if match_labels.len() + exprs.len() == 0 {
        return Ok(true); // labels.Everything()
    }
    let mut all = true;
    for (k, v) in match_labels {
        // selection.Equals: Has(key) && value == v
        all &= labels.get(k) == Some(v);
    }
    for r in exprs {
        let values = r.values.clone().unwrap_or_default();
        let has = labels.contains_key(&r.key);
        let has_value = || labels.get(&r.key).is_some_and(|v| values.contains(v));
        let m = match r.op.as_str() {
            "In" | "NotIn" if values.is_empty() => {
                return Err("for 'in', 'notin' operators, values set can't be empty".into());
            }
            "Exists" | "DoesNotExist" if !values.is_empty() => {
                return Err("values set must be empty for exists and does not exist".into());
            }
            "In" => has && has_value(),
            "NotIn" => !has || !has_value(),
            "Exists" => has,
            "DoesNotExist" => !has,
            op => return Err(format!("{op:?} is not a valid label selector operator")),
        };
        all &= m;
    }
    Ok(all)
}

fn key() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["app", "tier", "topology.kubernetes.io/zone"]).prop_map(str::to_owned)
}

fn value() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["web", "db", ""]).prop_map(str::to_owned)
}

fn labels() -> impl Strategy<Value = Labels> {
    prop::collection::btree_map(key(), value(), 0..=3)
}

fn req() -> impl Strategy<Value = Req> {
    (
        key(),
        prop::sample::select(vec![
            "In",
            "NotIn",
            "Exists",
            "DoesNotExist",
            "in",
            "Equals",
        ]),
        prop::option::of(prop::collection::vec(value(), 0..=2)),
    )
        .prop_map(|(key, op, values)| Req {
            key,
            op: op.to_owned(),
            values,
        })
}

fn to_selector(match_labels: Option<&Labels>, exprs: Option<&[Req]>) -> LabelSelector {
    LabelSelector {
        match_labels: match_labels.cloned(),
        match_expressions: exprs.map(|e| {
            e.iter()
                .map(|r| LabelSelectorRequirement {
                    key: r.key.clone(),
                    operator: r.op.clone(),
                    values: r.values.clone(),
                })
                .collect()
        }),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    /// day2 matches as upstream's selector does; a selector upstream refuses
    /// to build matches nothing.
    #[test]
    fn label_selector_matches_like_upstream(
        match_labels in prop::option::of(prop::collection::btree_map(key(), value(), 0..=2)),
        exprs in prop::option::of(prop::collection::vec(req(), 0..=3)),
        object in labels(),
    ) {
        let sel = to_selector(match_labels.as_ref(), exprs.as_deref());
        let empty = Labels::new();
        let upstream = upstream_matches(
            Some((match_labels.as_ref().unwrap_or(&empty), exprs.as_deref().unwrap_or(&[]))),
            &object,
        );
        prop_assert_eq!(
            label_selector_matches(&sel, &object),
            upstream.clone().unwrap_or(false),
            "selector {:?} labels {:?} upstream {:?}", sel, object, upstream
        );
        // Everything() exactly when there is no requirement.
        prop_assert_eq!(
            label_selector_is_empty(&sel),
            match_labels.as_ref().is_none_or(|m| m.is_empty()) && exprs.as_ref().is_none_or(|e| e.is_empty())
        );
    }

    /// A Service selector (`map[string]string`, `labels.SelectorFromSet`): every
    /// pair must match; a Service without one selects no pods (the
    /// EndpointSlice controller skips it: kubernetes/kubernetes
    /// `pkg/controller/endpointslice/endpointslice_controller.go`).
    #[test]
    fn service_selector_matches_like_selector_from_set(
        sel in prop::collection::btree_map(key(), value(), 0..=2),
        object in labels(),
    ) {
        let want = !sel.is_empty() && upstream_matches(Some((&sel, &[])), &object) == Ok(true);
        prop_assert_eq!(map_selector_matches(&sel, &object), want);
    }
}

#[test]
fn nil_selector_matches_nothing_empty_matches_everything() {
    let object: Labels = [("app".to_owned(), "web".to_owned())].into();
    assert_eq!(upstream_matches(None, &object), Ok(false));
    assert_eq!(
        upstream_matches(Some((&Labels::new(), &[])), &object),
        Ok(true)
    );
    // day2: the empty selector selects every pod (a PDB or NetworkPolicy with `{}`).
    assert!(label_selector_matches(&LabelSelector::default(), &object));
    assert!(label_selector_matches(
        &LabelSelector::default(),
        &Labels::new()
    ));
    // NotIn and DoesNotExist match an object without the key.
    let sel = to_selector(
        None,
        Some(&[
            Req {
                key: "tier".into(),
                op: "NotIn".into(),
                values: Some(vec!["db".into()]),
            },
            Req {
                key: "zone".into(),
                op: "DoesNotExist".into(),
                values: None,
            },
        ]),
    );
    assert!(label_selector_matches(&sel, &object));
    // A NotIn without values is refused upstream, so it matches nothing here.
    let sel = to_selector(
        None,
        Some(&[Req {
            key: "tier".into(),
            op: "NotIn".into(),
            values: Some(vec![]),
        }]),
    );
    assert!(!label_selector_matches(&sel, &object));
}

// ---------------------------------------------------------------------------
// Pod requests

/// A `ResourceList` in the scheduler's unit (millicores for cpu).
type Rl = BTreeMap<String, i128>;

#[derive(Debug, Clone)]
struct UContainer {
    requests: Option<Rl>,
    limits: Option<Rl>,
    restart_always: bool,
}

#[derive(Debug, Clone)]
struct UPod {
    containers: Vec<UContainer>,
    init_containers: Vec<UContainer>,
    overhead: Option<Rl>,
    /// `spec.resources`: (requests, limits).
    resources: Option<(Option<Rl>, Option<Rl>)>,
}

const HUGE: &str = "hugepages-2Mi";

/// `addResourceList`.
fn add_list(list: &mut Rl, other: &Rl) {
    for (k, v) in other {
        *list.entry(k.clone()).or_insert(0) += v;
    }
}

/// `maxResourceList`.
fn max_list(list: &mut Rl, other: &Rl) {
    for (k, v) in other {
        match list.get_mut(k) {
            None => {
                list.insert(k.clone(), *v);
            }
            Some(cur) if *v > *cur => *cur = *v,
            Some(_) => {}
        }
    }
}

/// `IsSupportedPodLevelResource`.
fn supported(k: &str) -> bool {
    k == "cpu" || k == "memory" || k.starts_with("hugepages-")
}

/// `IsOvercommitAllowed`: native resources but hugepages.
fn overcommit_allowed(k: &str) -> bool {
    (!k.contains('/') || k.contains("kubernetes.io/")) && !k.starts_with("hugepages-")
}

/// `aggregateContainerResourcesByFn` with spec requests or limits.
fn aggregate(pod: &UPod, get: fn(&UContainer) -> Option<&Rl>) -> Rl {
    let empty = Rl::new();
    let mut result = Rl::new();
    for c in &pod.containers {
        add_list(&mut result, get(c).unwrap_or(&empty));
    }
    let mut restartable = Rl::new();
    let mut init = Rl::new();
    for c in &pod.init_containers {
        let r = get(c).unwrap_or(&empty);
        let use_ = if c.restart_always {
            add_list(&mut result, r);
            add_list(&mut restartable, r);
            restartable.clone()
        } else {
            let mut combined = Rl::new();
            add_list(&mut combined, r);
            add_list(&mut combined, &restartable);
            combined
        };
        max_list(&mut init, &use_);
    }
    max_list(&mut result, &init);
    result
}

/// `SetDefaults_Pod`, the parts that touch resources.
fn set_defaults_pod(pod: &mut UPod) {
    for c in pod
        .containers
        .iter_mut()
        .chain(pod.init_containers.iter_mut())
    {
        if let Some(limits) = &c.limits {
            let req = c.requests.get_or_insert_with(Rl::new);
            for (k, v) in limits {
                req.entry(k.clone()).or_insert(*v);
            }
        }
    }
    // defaultHugePagePodLimits
    if let Some((reqs, lims)) = pod.resources.clone() {
        let len = |m: &Option<Rl>| m.as_ref().map_or(0, |m| m.len());
        if len(&lims) + len(&reqs) > 0 {
            let mut pod_lims = lims.unwrap_or_default();
            for (k, v) in aggregate(pod, |c| c.limits.as_ref()) {
                if !supported(&k) || !k.starts_with("hugepages-") {
                    continue;
                }
                if reqs.as_ref().is_some_and(|r| r.contains_key(&k)) {
                    continue;
                }
                pod_lims.entry(k).or_insert(v);
            }
            if !pod_lims.is_empty() {
                pod.resources = Some((reqs, Some(pod_lims)));
            }
        }
    }
    // defaultPodRequests
    if let Some((reqs, lims)) = pod.resources.clone() {
        let lims = lims.unwrap_or_default();
        if !lims.is_empty() {
            let mut pod_reqs = reqs.clone().unwrap_or_default();
            for (k, v) in aggregate(pod, |c| c.requests.as_ref()) {
                if !pod_reqs.contains_key(&k) && supported(&k) && overcommit_allowed(&k) {
                    pod_reqs.insert(k, v);
                }
            }
            for (k, v) in &lims {
                if !pod_reqs.contains_key(k) && supported(k) {
                    pod_reqs.insert(k.clone(), *v);
                }
            }
            let reqs = if pod_reqs.is_empty() {
                reqs
            } else {
                Some(pod_reqs)
            };
            pod.resources = Some((reqs, Some(lims)));
        }
    }
}

/// The pod-level requests (`spec.resources.requests`) after defaulting.
fn upstream_pod_level_requests(pod: &UPod) -> Rl {
    let mut pod = pod.clone();
    set_defaults_pod(&mut pod);
    pod.resources.and_then(|(r, _)| r).unwrap_or_default()
}

/// `PodRequests(pod, PodResourcesOptions{})` on the defaulted pod.
fn upstream_pod_requests(pod: &UPod) -> Rl {
    let mut pod = pod.clone();
    set_defaults_pod(&mut pod);
    let mut reqs = aggregate(&pod, |c| c.requests.as_ref());
    if let Some((Some(pod_reqs), _)) = &pod.resources
        && pod_reqs.keys().any(|k| supported(k))
    {
        for (k, v) in pod_reqs {
            if supported(k) {
                reqs.insert(k.clone(), *v);
            }
        }
    }
    if let Some(o) = &pod.overhead {
        add_list(&mut reqs, o);
    }
    reqs
}

const RESOURCES: [&str; 5] = ["cpu", "memory", "ephemeral-storage", "nvidia.com/gpu", HUGE];

/// A resource list as written in a manifest: cpu in millicores, memory in
/// Mi, the rest in units.
fn to_json(list: &Rl) -> serde_json::Value {
    list.iter()
        .map(|(k, v)| {
            let q = match k.as_str() {
                "cpu" => format!("{v}m"),
                "memory" => format!("{}Mi", v >> 20),
                _ => v.to_string(),
            };
            (k.clone(), serde_json::Value::String(q))
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

fn to_spec(pod: &UPod) -> PodSpec {
    let container = |(i, c): (usize, &UContainer)| {
        let mut res = serde_json::Map::new();
        if let Some(r) = &c.requests {
            res.insert("requests".into(), to_json(r));
        }
        if let Some(l) = &c.limits {
            res.insert("limits".into(), to_json(l));
        }
        let mut v = serde_json::json!({"name": format!("c{i}"), "resources": res});
        if c.restart_always {
            v["restartPolicy"] = "Always".into();
        }
        v
    };
    let mut v = serde_json::json!({
        "containers": pod.containers.iter().enumerate().map(container).collect::<Vec<_>>(),
        "initContainers": pod.init_containers.iter().enumerate().map(container).collect::<Vec<_>>(),
    });
    if let Some(o) = &pod.overhead {
        v["overhead"] = to_json(o);
    }
    if let Some((r, l)) = &pod.resources {
        let mut res = serde_json::Map::new();
        if let Some(r) = r {
            res.insert("requests".into(), to_json(r));
        }
        if let Some(l) = l {
            res.insert("limits".into(), to_json(l));
        }
        v["resources"] = res.into();
    }
    serde_json::from_value(v).unwrap()
}

/// An amount of the resource in its unit (memory in whole Mi).
fn amount_of(k: &'static str) -> impl Strategy<Value = (String, i128)> {
    let v = match k {
        "cpu" => (0i128..4000).boxed(),
        "memory" => (0i128..4096).prop_map(|m| m << 20).boxed(),
        _ => (0i128..8).boxed(),
    };
    v.prop_map(move |v| (k.to_owned(), v))
}

fn list_of(keys: &'static [&'static str]) -> impl Strategy<Value = Option<Rl>> {
    let entries: Vec<_> = keys
        .iter()
        .map(|k| prop::option::weighted(0.5, amount_of(k)))
        .collect();
    prop::option::weighted(0.8, entries.prop_map(|e| e.into_iter().flatten().collect()))
}

/// A container as validation admits it: hugepages requests equal their
/// limits (a hugepages limit alone is defaulted into the request).
fn ucontainer() -> impl Strategy<Value = UContainer> {
    const KEYS: &[&str] = &["cpu", "memory", "ephemeral-storage", "nvidia.com/gpu"];
    (
        list_of(KEYS),
        list_of(KEYS),
        prop::option::weighted(0.2, (amount_of(HUGE), any::<bool>())),
        any::<bool>(),
    )
        .prop_map(|(mut requests, mut limits, huge, restart_always)| {
            if let Some(((k, v), also_request)) = huge {
                limits.get_or_insert_with(Rl::new).insert(k.clone(), v);
                if also_request {
                    requests.get_or_insert_with(Rl::new).insert(k, v);
                }
            }
            UContainer {
                requests,
                limits,
                restart_always,
            }
        })
}

fn upod() -> impl Strategy<Value = UPod> {
    const POD_LEVEL: &[&str] = &["cpu", "memory", HUGE, "nvidia.com/gpu"];
    const OVERHEAD: &[&str] = &["cpu", "memory"];
    (
        prop::collection::vec(
            ucontainer().prop_map(|c| UContainer {
                restart_always: false,
                ..c
            }),
            0..4,
        ),
        prop::collection::vec(ucontainer(), 0..4),
        prop::option::weighted(0.3, list_of(OVERHEAD)),
        prop::option::weighted(0.4, (list_of(POD_LEVEL), list_of(POD_LEVEL))),
    )
        .prop_map(|(containers, init_containers, overhead, resources)| UPod {
            containers,
            init_containers,
            overhead: overhead.flatten(),
            resources,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    /// day2's pod request, per resource, is upstream's `PodRequests` on the
    /// pod the API server defaulted.
    #[test]
    fn pod_request_is_upstream_pod_requests(pod in upod()) {
        let want = upstream_pod_requests(&pod);
        let spec = to_spec(&pod);
        for r in RESOURCES {
            prop_assert_eq!(
                i128::from(pod_request(&spec, r)),
                want.get(r).copied().unwrap_or(0),
                "resource {}", r
            );
        }
    }

    /// A pod-level request is set, and worth, what the API server's
    /// defaulting leaves in `spec.resources.requests`.
    #[test]
    fn pod_level_request_is_upstream_defaulted(pod in upod()) {
        let want = upstream_pod_level_requests(&pod);
        let spec = to_spec(&pod);
        for r in ["cpu", "memory", HUGE] {
            prop_assert_eq!(
                pod_level_request(&spec, r).map(i128::from),
                want.get(r).copied(),
                "resource {}", r
            );
        }
        prop_assert_eq!(pod_level_request(&spec, "nvidia.com/gpu"), None);
    }
}
