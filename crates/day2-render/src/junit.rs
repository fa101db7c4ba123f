//! JUnit XML for CI dashboards: a test suite per loop; a failing test case per
//! rule × object and per diagnosis; a passing case per checklist item that
//! passed and a skipped one per item that could not be judged.

use crate::RenderError;
use day2_model::Loop;
use day2_model::report::{Report, Status};
use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite};

pub fn report(r: &Report) -> Result<String, RenderError> {
    let mut out = quick_junit::Report::new("day2");
    for l in Loop::ALL {
        let mut suite = TestSuite::new(format!("day2.{}", l.as_str()));
        let cl = r.checklist.get(l);
        suite.add_property(Property::new("checklist", cl.status.as_str()));
        suite.add_property(Property::new("source", r.source.kind.as_str()));
        suite.add_property(Property::new("cloud", r.source.cloud.as_str()));
        for f in r.findings.iter().filter(|f| f.loop_ == l) {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let at = f
                .location
                .as_ref()
                .map(|l| format!(" ({l})"))
                .unwrap_or_default();
            status
                .set_type(f.severity.as_str())
                .set_message(f.message.as_str())
                .set_description(format!(
                    "{} {} [{}] on {}{at}\n{}\nfix: {}",
                    f.rule, f.name, f.severity, f.object, f.message, f.fix
                ));
            let mut case = TestCase::new(format!("{} {}", f.rule, f.object), status);
            case.set_classname(format!("day2.{}.{}", l.as_str(), f.rule));
            suite.add_test_case(case);
        }
        for d in r.diagnoses.iter().filter(|d| d.symptom.loop_ == l) {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let mut text = format!(
                "{} on {}{}\n",
                d.symptom.kind,
                d.symptom.object,
                d.symptom
                    .since
                    .as_ref()
                    .map(|s| format!(" since {s}"))
                    .unwrap_or_default()
            );
            for link in &d.chain {
                text.push_str(&format!(
                    "  {} [{}] {} — {}\n",
                    crate::time::stamp(link.at),
                    link.loop_,
                    link.object,
                    link.what
                ));
            }
            text.push_str(&format!(
                "root cause ({} loop): {} — {}\nfix: {}\nconfidence: {}",
                d.root_cause.loop_,
                d.root_cause.object,
                d.root_cause.summary,
                d.fix,
                serde_json::to_value(d.confidence)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            ));
            status
                .set_type("diagnosis")
                .set_message(format!(
                    "root cause in the {} loop: {} — {}",
                    d.root_cause.loop_, d.root_cause.object, d.root_cause.summary
                ))
                .set_description(text);
            let mut case =
                TestCase::new(format!("{} {}", d.symptom.kind, d.symptom.object), status);
            case.set_classname(format!("day2.{}.diagnosis", l.as_str()));
            suite.add_test_case(case);
        }
        for item in &cl.items {
            let status = match item.status {
                Status::Pass => TestCaseStatus::success(),
                Status::Unknown => {
                    let mut s = TestCaseStatus::skipped();
                    s.set_message(
                        item.detail
                            .as_deref()
                            .unwrap_or("not enough input to judge"),
                    );
                    s
                }
                // A failing item is shown by the findings that fail it.
                Status::Fail => continue,
            };
            let mut case = TestCase::new(item.text.as_str(), status);
            case.set_classname(format!("day2.{}.checklist", l.as_str()));
            suite.add_test_case(case);
        }
        out.add_test_suite(suite);
    }
    let xml = out
        .to_string()
        .map_err(|e| RenderError::Junit(e.to_string()))?;
    // XML 1.0 cannot hold control characters; a message from the cluster
    // may. They are shown as `\u{1b}`, like in text output.
    Ok(match day2_model::escape::sanitize_terminal(&xml) {
        std::borrow::Cow::Borrowed(_) => xml,
        std::borrow::Cow::Owned(clean) => clean,
    })
}
