#!/usr/bin/env python3
"""Writes deploy/grafana/day2.json, the Grafana dashboard of the day2 agent.

Usage: deploy/grafana/generate.py            write day2.json
       deploy/grafana/generate.py --check    exit 1 when day2.json is stale

One row per loop (identity, compute, network, storage, observability), the
Cluster Readiness Checklist, the active incidents and the agent's own health
(evaluation latency, watches). Replicas of one agent export the same series,
so every query takes the max over `instance` and `pod` before it sums.
Variables: the Prometheus data source, `cluster` (the external label of each
cluster's Prometheus, as Thanos, Mimir or federation keep it) and `namespace`.
"""

import json
import pathlib
import sys

LOOPS = ["identity", "compute", "network", "storage", "observability"]
SEVERITIES = ["critical", "high", "medium", "low", "info"]
SEVERITY_COLOURS = {
    "critical": "dark-red",
    "high": "red",
    "medium": "orange",
    "low": "yellow",
    "info": "blue",
}
DS = {"type": "prometheus", "uid": "${datasource}"}
SEL = 'cluster=~"$cluster"'
NS = 'namespace=~"$namespace"'


def dedup(metric, matchers):
    """One series per agent, whatever its replica count."""
    return f"max without (instance, pod) ({metric}{{{matchers}}})"


class Layout:
    """Places panels left to right, rows of 24 grid units."""

    def __init__(self):
        self.panels = []
        self.y = 0
        self.x = 0
        self.row_height = 0
        self.next_id = 1

    def row(self, title):
        self._newline()
        self.panels.append(
            {
                "type": "row",
                "title": title,
                "id": self._id(),
                "collapsed": False,
                "gridPos": {"h": 1, "w": 24, "x": 0, "y": self.y},
                "panels": [],
            }
        )
        self.y += 1

    def add(self, panel, w, h):
        if self.x + w > 24:
            self._newline()
        panel["id"] = self._id()
        panel["gridPos"] = {"h": h, "w": w, "x": self.x, "y": self.y}
        panel["datasource"] = DS
        self.panels.append(panel)
        self.x += w
        self.row_height = max(self.row_height, h)

    def _newline(self):
        self.y += self.row_height
        self.x = 0
        self.row_height = 0

    def _id(self):
        i = self.next_id
        self.next_id += 1
        return i


def target(expr, legend="", instant=False, fmt="time_series", ref="A"):
    t = {"datasource": DS, "expr": expr, "refId": ref, "legendFormat": legend}
    if instant:
        t.update({"instant": True, "range": False, "format": fmt})
    return t


def severity_overrides():
    return [
        {
            "matcher": {"id": "byName", "options": s},
            "properties": [
                {"id": "color", "value": {"mode": "fixed", "fixedColor": c}}
            ],
        }
        for s, c in SEVERITY_COLOURS.items()
    ]


def stat_by_severity(title, matchers, description):
    return {
        "type": "stat",
        "title": title,
        "description": description,
        "targets": [
            target(
                f"sum by (severity) ({dedup('day2_findings', matchers)})",
                "{{severity}}",
                instant=True,
            )
        ],
        "options": {
            "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
            "colorMode": "background",
            "graphMode": "none",
            "textMode": "value_and_name",
            "orientation": "horizontal",
        },
        "fieldConfig": {
            "defaults": {"unit": "none", "noValue": "0", "color": {"mode": "fixed", "fixedColor": "green"}},
            "overrides": severity_overrides(),
        },
    }


def table(title, expr, columns, description, value_name=None):
    """An instant table; `columns` are the labels shown, in order."""
    organize = {"excludeByName": {"Time": True}, "indexByName": {}, "renameByName": {}}
    for i, c in enumerate(columns):
        organize["indexByName"][c] = i
    if value_name:
        organize["renameByName"]["Value"] = value_name
        organize["indexByName"]["Value"] = len(columns)
    else:
        organize["excludeByName"]["Value"] = True
    return {
        "type": "table",
        "title": title,
        "description": description,
        "targets": [target(expr, instant=True, fmt="table")],
        "transformations": [
            {"id": "labelsToFields", "options": {"mode": "columns"}},
            {"id": "merge", "options": {}},
            {"id": "filterFieldsByName", "options": {"include": {"names": columns + ["Value"]}}},
            {"id": "organize", "options": organize},
        ],
        "options": {"showHeader": True, "cellHeight": "sm", "footer": {"show": False}},
        "fieldConfig": {
            "defaults": {"custom": {"align": "auto", "filterable": True}},
            "overrides": [
                {
                    "matcher": {"id": "byName", "options": "status"},
                    "properties": [
                        {"id": "custom.cellOptions", "value": {"type": "color-background"}},
                        {
                            "id": "mappings",
                            "value": [
                                {
                                    "type": "value",
                                    "options": {
                                        "1": {"text": "pass", "color": "green", "index": 0},
                                        "0": {"text": "fail", "color": "red", "index": 1},
                                        "-1": {"text": "unknown", "color": "text", "index": 2},
                                    },
                                }
                            ],
                        },
                    ],
                },
                {
                    "matcher": {"id": "byName", "options": "severity"},
                    "properties": [
                        {"id": "custom.cellOptions", "value": {"type": "color-text"}},
                        {
                            "id": "mappings",
                            "value": [
                                {
                                    "type": "value",
                                    "options": {
                                        s: {"color": c, "index": i}
                                        for i, (s, c) in enumerate(SEVERITY_COLOURS.items())
                                    },
                                }
                            ],
                        },
                    ],
                },
            ],
        },
    }


def timeseries(title, targets, description, unit="none", stack=False):
    return {
        "type": "timeseries",
        "title": title,
        "description": description,
        "targets": targets,
        "fieldConfig": {
            "defaults": {
                "unit": unit,
                "custom": {
                    "drawStyle": "line",
                    "fillOpacity": 20 if stack else 0,
                    "stacking": {"mode": "normal" if stack else "none", "group": "A"},
                    "lineWidth": 1,
                },
            },
            "overrides": severity_overrides(),
        },
        "options": {"legend": {"displayMode": "list", "placement": "bottom"}, "tooltip": {"mode": "multi"}},
    }


def overview(l):
    l.row("Overview")
    l.add(
        stat_by_severity(
            "Findings by severity",
            f"{SEL}, {NS}",
            "Open findings of every rule, in every loop.",
        ),
        10,
        5,
    )
    l.add(
        {
            "type": "stat",
            "title": "Active incidents",
            "description": "Objects showing a symptom (Pending, ImagePullBackOff, no ready endpoints, …) that day2 traced to a cause.",
            "targets": [
                target(f"sum({dedup('day2_diagnoses', f'{SEL}, {NS}')}) or vector(0)", instant=True)
            ],
            "options": {"reduceOptions": {"calcs": ["lastNotNull"]}, "colorMode": "background", "graphMode": "none"},
            "fieldConfig": {
                "defaults": {
                    "thresholds": {"mode": "absolute", "steps": [{"color": "green", "value": None}, {"color": "red", "value": 1}]}
                },
                "overrides": [],
            },
        },
        4,
        5,
    )
    l.add(
        {
            "type": "stat",
            "title": "Checklist items failing",
            "description": "Cluster Readiness Checklist items whose current status is fail.",
            "targets": [
                target(
                    "count(" + dedup("day2_checklist_status", SEL) + " == 0) or vector(0)",
                    instant=True,
                )
            ],
            "options": {"reduceOptions": {"calcs": ["lastNotNull"]}, "colorMode": "background", "graphMode": "none"},
            "fieldConfig": {
                "defaults": {
                    "thresholds": {"mode": "absolute", "steps": [{"color": "green", "value": None}, {"color": "orange", "value": 1}]}
                },
                "overrides": [],
            },
        },
        5,
        5,
    )
    l.add(
        {
            "type": "stat",
            "title": "Last evaluation",
            "description": "Seconds since the agent last evaluated the cluster.",
            "targets": [
                target(f"time() - max({dedup('day2_last_evaluation_timestamp_seconds', SEL)})", instant=True)
            ],
            "options": {"reduceOptions": {"calcs": ["lastNotNull"]}, "colorMode": "value", "graphMode": "none"},
            "fieldConfig": {
                "defaults": {
                    "unit": "s",
                    "thresholds": {"mode": "absolute", "steps": [{"color": "green", "value": None}, {"color": "orange", "value": 300}, {"color": "red", "value": 600}]},
                },
                "overrides": [],
            },
        },
        5,
        5,
    )


def checklist(l):
    l.row("Cluster Readiness Checklist")
    l.add(
        table(
            "Checklist",
            f"max by (loop, item) ({dedup('day2_checklist_status', SEL)})",
            ["loop", "item"],
            "Every item of the Cluster Readiness Checklist with its current status (pass, fail or unknown: no data to decide).",
            value_name="status",
        ),
        24,
        10,
    )


def incidents(l):
    l.row("Active incidents")
    l.add(
        table(
            "Active incidents",
            f"sum by (namespace, symptom, cause_loop) ({dedup('day2_diagnoses', f'{SEL}, {NS}')}) > 0",
            ["namespace", "symptom", "cause_loop"],
            "Symptoms seen now, by namespace, with the loop day2 traces their cause to. `day2 diagnose -n NAMESPACE` shows the chain and the fix.",
            value_name="objects",
        ),
        24,
        8,
    )


def loop_row(l, loop):
    m = f'{SEL}, {NS}, loop="{loop}"'
    l.row(f"{loop} loop")
    l.add(
        stat_by_severity(
            f"{loop}: findings",
            m,
            f"Open findings of the {loop} loop's rules.",
        ),
        6,
        7,
    )
    l.add(
        timeseries(
            f"{loop}: findings over time",
            [target(f"sum by (severity) ({dedup('day2_findings', m)})", "{{severity}}")],
            f"Findings of the {loop} loop by severity.",
            stack=True,
        ),
        9,
        7,
    )
    l.add(
        table(
            f"{loop}: checklist",
            "max by (item) (" + dedup("day2_checklist_status", f'{SEL}, loop="{loop}"') + ")",
            ["item"],
            f"The {loop} loop's checklist items.",
            value_name="status",
        ),
        9,
        7,
    )
    l.add(
        table(
            f"{loop}: findings by rule",
            f"sort_desc(sum by (rule, severity) ({dedup('day2_findings', m)}) > 0)",
            ["rule", "severity"],
            f"Rules of the {loop} loop with open findings; `day2 rule CODE` explains each.",
            value_name="findings",
        ),
        8,
        8,
    )
    l.add(
        table(
            f"{loop}: findings by namespace",
            f"sort_desc(sum by (namespace, severity) ({dedup('day2_findings', m)}) > 0)",
            ["namespace", "severity"],
            f"Where the {loop} loop's findings are (an empty namespace: cluster-scoped objects).",
            value_name="findings",
        ),
        8,
        8,
    )
    l.add(
        table(
            f"{loop}: incidents caused here",
            "sum by (namespace, symptom) (" + dedup("day2_diagnoses", f'{SEL}, {NS}, cause_loop="{loop}"') + ") > 0",
            ["namespace", "symptom"],
            f"Active incidents whose root cause day2 found in the {loop} loop, wherever the symptom shows.",
            value_name="objects",
        ),
        8,
        8,
    )


def agent(l):
    l.row("Agent: evaluation and watches")
    hist = f"sum by (le) (rate(day2_evaluation_duration_seconds_bucket{{{SEL}}}[$__rate_interval]))"
    l.add(
        timeseries(
            "Evaluation latency",
            [
                target(f"histogram_quantile(0.5, {hist})", "p50", ref="A"),
                target(f"histogram_quantile(0.95, {hist})", "p95", ref="B"),
                target(f"histogram_quantile(0.99, {hist})", "p99", ref="C"),
            ],
            "Time to re-evaluate after a change (incremental) or on the interval.",
            unit="s",
        ),
        8,
        8,
    )
    l.add(
        timeseries(
            "Evaluations per second",
            [target(f"sum(rate(day2_evaluation_duration_seconds_count{{{SEL}}}[$__rate_interval]))", "evaluations")],
            "How often the agent re-evaluates; flat when nothing changes.",
            unit="ops",
        ),
        8,
        8,
    )
    l.add(
        timeseries(
            "Objects watched",
            [target(f"sum by (kind) ({dedup('day2_objects', SEL)})", "{{kind}}")],
            "Objects in the agent's model, by kind.",
        ),
        8,
        8,
    )
    l.add(
        table(
            "Watch health",
            f"min by (kind) ({dedup('day2_watch_up', SEL)})",
            ["kind"],
            "1: the watch of this kind is up; 0: down (the agent's logs name the HTTP status). Secret stays 0 when the agent may not read Secrets (the chart's default, rbac.readSecrets: false).",
            value_name="up",
        ),
        12,
        8,
    )
    l.add(
        timeseries(
            "Watch restarts",
            [target(f"sum by (kind) (increase(day2_watch_restarts_total{{{SEL}}}[$__rate_interval]))", "{{kind}}")],
            "Watches restarted (timeouts, 410 Gone, dropped connections); a steady stream means an unstable API server or network path.",
        ),
        12,
        8,
    )


def dashboard():
    l = Layout()
    overview(l)
    checklist(l)
    incidents(l)
    for loop in LOOPS:
        loop_row(l, loop)
    agent(l)
    return {
        "uid": "day2-agent",
        "title": "day2: four control loops",
        "description": "Findings, incidents and the Cluster Readiness Checklist from the day2 agent, one row per loop.",
        "tags": ["day2", "kubernetes"],
        "editable": True,
        "graphTooltip": 1,
        "refresh": "1m",
        "schemaVersion": 39,
        "time": {"from": "now-6h", "to": "now"},
        "timezone": "",
        "version": 1,
        "links": [],
        "annotations": {"list": []},
        "templating": {
            "list": [
                {
                    "name": "datasource",
                    "label": "Data source",
                    "type": "datasource",
                    "query": "prometheus",
                    "current": {},
                    "hide": 0,
                },
                {
                    "name": "cluster",
                    "label": "Cluster",
                    "type": "query",
                    "datasource": DS,
                    "query": {"query": "label_values(day2_last_evaluation_timestamp_seconds, cluster)", "refId": "cluster"},
                    "definition": "label_values(day2_last_evaluation_timestamp_seconds, cluster)",
                    "includeAll": True,
                    "allValue": ".*",
                    "multi": True,
                    "refresh": 2,
                    "current": {},
                    "hide": 0,
                    "sort": 1,
                },
                {
                    "name": "namespace",
                    "label": "Namespace",
                    "type": "query",
                    "datasource": DS,
                    "query": {"query": 'label_values(day2_findings{cluster=~"$cluster"}, namespace)', "refId": "namespace"},
                    "definition": 'label_values(day2_findings{cluster=~"$cluster"}, namespace)',
                    "includeAll": True,
                    "allValue": ".*",
                    "multi": True,
                    "refresh": 2,
                    "current": {},
                    "hide": 0,
                    "sort": 1,
                },
            ]
        },
        "panels": l.panels,
    }


def main():
    path = pathlib.Path(__file__).with_name("day2.json")
    text = json.dumps(dashboard(), indent=2) + "\n"
    if sys.argv[1:] == ["--check"]:
        if not path.exists() or path.read_text() != text:
            print(f"{path} is stale; run {sys.argv[0]}", file=sys.stderr)
            return 1
        return 0
    if sys.argv[1:]:
        print(f"usage: {sys.argv[0]} [--check]", file=sys.stderr)
        return 2
    path.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
