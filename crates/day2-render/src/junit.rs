//! JUnit XML for CI dashboards: a suite per loop, a failing case per finding,
//! a passing case per checklist line that passed.

use day2_model::Loop;
use day2_model::report::{Report, Status};
use std::fmt::Write;

pub(crate) fn xml_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => o.push(c),
        }
    }
    o
}

pub fn report(r: &Report) -> String {
    let mut suites = String::new();
    let (mut total_tests, mut total_failures) = (0, 0);
    for l in Loop::ALL {
        let mut cases = String::new();
        let (mut tests, mut failures) = (0, 0);
        for f in r.findings.iter().filter(|f| f.loop_ == l) {
            tests += 1;
            failures += 1;
            let loc = f
                .location
                .as_ref()
                .map(|l| format!(" ({l})"))
                .unwrap_or_default();
            let _ = write!(
                cases,
                "    <testcase classname=\"day2.{lp}.{rule}\" name=\"{name}\">\n      <failure type=\"{sev}\" message=\"{msg}\">{rule} {obj}{loc}: {msg}\nfix: {fix}</failure>\n    </testcase>\n",
                lp = l.as_str(),
                rule = xml_escape(&f.rule),
                name = xml_escape(&format!("{} {}", f.rule, f.object)),
                sev = f.severity.as_str(),
                msg = xml_escape(&f.message),
                obj = xml_escape(&f.object.to_string()),
                loc = xml_escape(&loc),
                fix = xml_escape(&f.fix),
            );
        }
        for d in r.diagnoses.iter().filter(|d| d.symptom.loop_ == l) {
            tests += 1;
            failures += 1;
            let _ = write!(
                cases,
                "    <testcase classname=\"day2.{lp}.diagnosis\" name=\"{name}\">\n      <failure type=\"diagnosis\" message=\"{msg}\">{msg}\nfix: {fix}</failure>\n    </testcase>\n",
                lp = l.as_str(),
                name = xml_escape(&format!("{} {}", d.symptom.kind, d.symptom.object)),
                msg = xml_escape(&format!(
                    "root cause ({}): {} — {}",
                    d.root_cause.loop_, d.root_cause.object, d.root_cause.summary
                )),
                fix = xml_escape(&d.fix),
            );
        }
        for item in &r.checklist.get(l).items {
            if item.status == Status::Pass {
                tests += 1;
                let _ = writeln!(
                    cases,
                    "    <testcase classname=\"day2.{}.checklist\" name=\"{}\"/>",
                    l.as_str(),
                    xml_escape(&item.text)
                );
            }
        }
        total_tests += tests;
        total_failures += failures;
        let _ = write!(
            suites,
            "  <testsuite name=\"day2.{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n{cases}  </testsuite>\n",
            l.as_str()
        );
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"day2\" tests=\"{total_tests}\" failures=\"{total_failures}\" errors=\"0\">\n{suites}</testsuites>\n"
    )
}
