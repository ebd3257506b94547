"""The builder: plain data -> a Flow, or every problem found, in three phases.

`Builder.flow` runs them in this order (see engine.shape.references): collect ids, check parts
(the flow's own keys, then sources, facts, nodes and safety rules, each against the table of
parts; each reference is checked when met), report the references' problems. The nodes' own
parts (answers, items, routes, outcomes) are read by `engine.shape.nodes`.
"""

from __future__ import annotations

from engine.model import URGENCIES, Fact, Flow, Problem, Requirement, SafetyRule, Source
from engine.shape.context import At
from engine.shape.lines import line_of
from engine.shape.nodes import Nodes, item_ids


class Builder(Nodes):
    """Builds a Flow from plain data, collecting every problem instead of stopping."""

    def flow(self, data: object) -> Flow | None:
        """Build the whole flow; None if any problem was found (all are reported)."""
        top = self.mapping(data, 1, "flow", "the flow")
        if top is None:
            return None
        self.collect_ids(top)
        flow_id = self.value(top, "id")
        title = self.text(top, "title")
        version = self.text(top, "version")
        last_reviewed = self.value(top, "last_reviewed")
        review_status = self.value(top, "review_status")
        summary = self.text(top, "summary")
        sources = self.sources(top)
        facts = self.facts(top)
        nodes = self.nodes(top)
        start = self.text(top, "start")
        if start is not None:
            self.target(start, top.line_of("start"), "the flow", "starts at")
        safety = self.safety(top)
        self.report_references()
        if self.problems:
            return None
        assert flow_id and title and version and review_status and start
        return Flow(
            id=flow_id,
            title=title,
            version=version,
            last_reviewed=last_reviewed,
            review_status=review_status,
            start=start,
            nodes=nodes,
            sources=sources,
            facts=facts,
            safety=safety,
            summary=summary,
            path=self.path,
        )

    def collect_ids(self, top: At) -> None:
        """Phase 1: every node id and kind, every checklist's items, every source id."""
        nodes, sources = top.data.get("nodes"), top.data.get("sources")
        if isinstance(nodes, dict):
            self.ids.node_ids = dict.fromkeys(str(k) for k in nodes)
            for node_id, raw in nodes.items():
                if isinstance(raw, dict) and isinstance(raw.get("kind"), str):
                    self.ids.kind_of[str(node_id)] = raw["kind"]
                if isinstance(raw, dict) and isinstance(raw.get("items"), list):
                    self.ids.items_of[str(node_id)] = item_ids(raw["items"])
        if isinstance(sources, dict):
            self.ids.source_ids = dict.fromkeys(str(k) for k in sources)

    def sources(self, top: At) -> tuple[Source, ...]:
        result = []
        for source_id, at in self.id_parts(top, "sources"):
            citation = self.text(at, "citation")
            url = self.value(at, "url")
            label = self.text(at, "label")
            if citation is not None:
                meta = self.source_metadata(at)
                source = Source(source_id, citation.strip(), url, label, *meta, at.line)
                self.ids.sources[source_id] = source
                result.append(source)
        return tuple(result)

    def facts(self, top: At) -> tuple[Fact, ...]:
        result = []
        for fact_id, at in self.id_parts(top, "facts"):
            label = self.text(at, "label")
            values = self.names(at, "values")
            self.empty(at, at.key("values"), values)
            self.ids.facts[fact_id] = values
            if label is not None:
                result.append(Fact(fact_id, label, values, at.line))
        return tuple(result)

    def safety(self, top: At) -> tuple[SafetyRule, ...]:
        seen: dict[str, int] = {}
        result = []
        for _, item in self.parts(top, "safety", within=""):
            rule_id = self.value(item, "id")
            self.unique(seen, rule_id, item, "safety rule", "the flow")
            text = self.text(item, "text")
            when = self.when(item, "safety")
            require = self.requirement(item)
            hazard = self.hazard(item)
            if rule_id and text is not None and when is not None and require is not None:
                result.append(SafetyRule(rule_id, text, when, require, item.line, hazard))
        return tuple(result)

    def requirement(self, rule: At) -> Requirement | None:
        at = self.part(rule, "require", f"{rule.where} require")
        if at is None:
            return None
        if not at.data:
            self.report(
                at.line,
                f'{rule.where}: "require" must say urgency, recommends, never_recommends, '
                "outcome_tags or never_outcome_tags",
                rule="empty-value",
            )
            return None
        urgency = self.names(at, "urgency")
        for index, level in enumerate(urgency):
            if level not in URGENCIES:
                self.report(
                    line_of(at.data["urgency"], index, at.line),
                    f'{rule.where}: urgency "{level}" must be one of: ' + ", ".join(URGENCIES),
                    rule="bad-choice",
                )
                return None
        return Requirement(
            urgency,
            self.names(at, "recommends"),
            self.names(at, "never_recommends"),
            self.names(at, "outcome_tags"),
            self.names(at, "never_outcome_tags"),
        )


def build_flow(data: object, path: str) -> tuple[Flow | None, list[Problem]]:
    """Shape-check plain data and build a Flow (None when any problem was found)."""
    builder = Builder(path)
    flow = builder.flow(data)
    return flow, builder.problems
