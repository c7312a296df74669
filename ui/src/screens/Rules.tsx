// The rules screen: intake rules in the order they run, an editor, a test button that
// lists what a rule would change in the documents filed so far, and applying it.

import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { commands, describe } from "../api";
import type { RuleAction, RuleCondition, RuleForm, RuleHit, RulePattern, SavedRule } from "../bindings";
import { ErrorNote } from "../components/ErrorNote";
import { ConfirmButton } from "../components/Confirm";
import { gate, useAccess } from "../lib/access";

const blank = (position: number): RuleForm => ({
  name: "",
  position,
  enabled: true,
  when: [{ on: "file_name", pattern: { match: "words", value: "" } }],
  then: [{ set: "type", value: "" }],
});

export function Rules({ onOpenDocument }: { onOpenDocument: (id: string) => void }) {
  const access = useAccess();
  const rules = useQuery({ queryKey: ["library", "rules"], queryFn: () => commands.rules() });
  const [editing, setEditing] = useState<{ id: string | null; rule: RuleForm } | null>(null);
  const next = ((rules.data ?? []).reduce((m, r) => Math.max(m, Number(r.rule.position)), 0) || 0) + 10;
  return (
    <div className="screen" data-testid="rules">
      <header className="screen-head">
        <h2 className="grow">Intake rules</h2>
        <button onClick={() => setEditing({ id: null, rule: blank(next) })} {...gate(access?.edit)} data-testid="rule-new">
          New rule
        </button>
      </header>
      <div className="scroller pad">
        <p className="small muted">
          Rules file new documents as they arrive, and again once their text is read: in this order, each filling only
          what is still empty. They never undo what someone filed by hand.
        </p>
        {rules.isError && <ErrorNote {...describe(rules.error)} />}
        {rules.data?.length === 0 && !editing && <p className="empty">No rules yet.</p>}
        <ol className="plain rule-list">
          {rules.data?.map((r) => (
            <li key={r.id} data-testid="rule-row">
              <button className="link" onClick={() => setEditing({ id: r.id, rule: r.rule })}>
                {r.rule.name}
              </button>{" "}
              <span className="muted small">
                {r.rule.enabled ? "" : "(off) "}
                {summary(r)}
              </span>
            </li>
          ))}
        </ol>
        {editing && (
          <RuleEditor
            key={editing.id ?? "new"}
            id={editing.id}
            initial={editing.rule}
            onClose={() => setEditing(null)}
            onSaved={(id, rule) => setEditing({ id, rule })}
            onOpenDocument={onOpenDocument}
          />
        )}
      </div>
    </div>
  );
}

/** The rule as typed, without empty tags and spaces around them. */
function cleaned(rule: RuleForm): RuleForm {
  return {
    ...rule,
    name: rule.name.trim(),
    then: rule.then.map((a) => (a.set === "tags" ? { ...a, values: a.values.map((t) => t.trim()).filter(Boolean) } : a)),
  };
}

function summary(r: SavedRule): string {
  const when = r.rule.when.map((c) => (c.on === "mime" ? `type ${c.mime}` : `${c.on.replace("_", " ")} ${c.pattern.value}`));
  const then = r.rule.then.map((a) => `sets ${a.set}`);
  return `${when.length ? `when ${when.join(" and ")}` : "every document"}: ${then.join(", ")}`;
}

function RuleEditor({
  id,
  initial,
  onClose,
  onSaved,
  onOpenDocument,
}: {
  id: string | null;
  initial: RuleForm;
  onClose: () => void;
  onSaved: (id: string, rule: RuleForm) => void;
  onOpenDocument: (id: string) => void;
}) {
  const [rule, setRule] = useState<RuleForm>(initial);
  const [hits, setHits] = useState<RuleHit[] | null>(null);
  const [applied, setApplied] = useState<number | null>(null);
  const [error, setError] = useState<ReturnType<typeof describe> | null>(null);
  const attempt = async (f: () => Promise<void>) => {
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(describe(e));
    }
  };
  const setCondition = (i: number, c: RuleCondition) => setRule({ ...rule, when: rule.when.map((x, j) => (j === i ? c : x)) });
  const setAction = (i: number, a: RuleAction) => setRule({ ...rule, then: rule.then.map((x, j) => (j === i ? a : x)) });
  return (
    <section className="panel rule-editor" data-testid="rule-editor" aria-label="Rule">
      <div className="line">
        <input
          aria-label="Rule name"
          placeholder="Name, e.g. Transcripts"
          value={rule.name}
          onChange={(e) => setRule({ ...rule, name: e.target.value })}
          data-testid="rule-name"
        />
        <label className="inline small">
          Order
          <input
            type="number"
            style={{ width: 70 }}
            value={Number(rule.position)}
            onChange={(e) => setRule({ ...rule, position: Number(e.target.value) })}
          />
        </label>
        <label className="check small">
          <input type="checkbox" checked={rule.enabled} onChange={(e) => setRule({ ...rule, enabled: e.target.checked })} />
          On
        </label>
      </div>
      <h3>When all of these hold</h3>
      {rule.when.map((c, i) => (
        <div className="line" key={i} data-testid="rule-condition">
          <select
            aria-label="Look at"
            value={c.on}
            onChange={(e) => {
              const on = e.target.value as RuleCondition["on"];
              const pattern: RulePattern = c.on === "mime" ? { match: "words", value: "" } : c.pattern;
              setCondition(i, on === "mime" ? { on, mime: "" } : { on, pattern });
            }}
          >
            <option value="file_name">File name</option>
            <option value="folder">Folder</option>
            <option value="mime">File type</option>
            <option value="text">Text</option>
          </select>
          {c.on === "mime" ? (
            <input
              aria-label="File type"
              placeholder="application/pdf or image/"
              value={c.mime}
              onChange={(e) => setCondition(i, { on: "mime", mime: e.target.value })}
            />
          ) : (
            <>
              <select
                aria-label="How it matches"
                value={c.pattern.match}
                onChange={(e) =>
                  setCondition(i, { ...c, pattern: { match: e.target.value as RulePattern["match"], value: c.pattern.value } })
                }
              >
                <option value="words">has the words</option>
                <option value="phrase">has the phrase</option>
                <option value="regex">matches the pattern</option>
              </select>
              <input
                aria-label="Words, phrase or pattern"
                value={c.pattern.value}
                onChange={(e) => setCondition(i, { ...c, pattern: { ...c.pattern, value: e.target.value } })}
                data-testid="rule-condition-value"
              />
            </>
          )}
          <button className="icon" title="Remove this condition" onClick={() => setRule({ ...rule, when: rule.when.filter((_, j) => j !== i) })}>
            ×
          </button>
        </div>
      ))}
      <button onClick={() => setRule({ ...rule, when: [...rule.when, { on: "text", pattern: { match: "phrase", value: "" } }] })}>
        Add a condition
      </button>
      <h3>Then set</h3>
      {rule.then.map((a, i) => (
        <div className="line" key={i} data-testid="rule-action">
          <select aria-label="Set" value={a.set} onChange={(e) => setAction(i, emptyAction(e.target.value as RuleAction["set"]))}>
            <option value="type">Type</option>
            <option value="tags">Tags</option>
            <option value="subject">Person (number found by a pattern)</option>
            <option value="field">Field</option>
            <option value="title">Title (template)</option>
            <option value="collection">Collection</option>
          </select>
          <ActionInputs action={a} onChange={(x) => setAction(i, x)} />
          <button className="icon" title="Remove this action" onClick={() => setRule({ ...rule, then: rule.then.filter((_, j) => j !== i) })}>
            ×
          </button>
        </div>
      ))}
      <button onClick={() => setRule({ ...rule, then: [...rule.then, emptyAction("tags")] })}>Add an action</button>
      <div className="line actions-line">
        <button onClick={() => void attempt(async () => setHits(await commands.testRule(cleaned(rule))))} data-testid="rule-test">
          Test
        </button>
        <button
          className="primary"
          onClick={() =>
            void attempt(async () => {
              const clean = cleaned(rule);
              const saved = await commands.saveRule(id, clean);
              onSaved(saved, clean);
            })
          }
          data-testid="rule-save"
        >
          Save
        </button>
        {id && (
          <button
            onClick={() =>
              void attempt(async () => {
                const done = await commands.applyRule(id);
                setApplied(done.length);
                setHits(null);
              })
            }
            data-testid="rule-apply"
          >
            Apply to filed documents
          </button>
        )}
        {id && (
          <ConfirmButton
            label="Delete"
            question="Delete this rule? What it filed stays filed."
            confirm="Delete"
            onConfirm={() => void attempt(async () => {
              await commands.deleteRule(id);
              onClose();
            })}
          />
        )}
        <button onClick={onClose}>Close</button>
      </div>
      {error && <ErrorNote {...error} />}
      {applied !== null && <div className="note">Applied: {applied} {applied === 1 ? "document" : "documents"} filed.</div>}
      {hits && (
        <div data-testid="rule-hits" data-count={hits.length}>
          <h3>
            It would change {hits.length} {hits.length === 1 ? "document" : "documents"} filed so far
          </h3>
          <ul className="plain">
            {hits.slice(0, 200).map((h) => (
              <li key={h.doc}>
                <button className="link" onClick={() => onOpenDocument(h.doc)}>
                  {h.title}
                </button>{" "}
                <span className="small muted">{h.changes.join("; ")}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

function emptyAction(set: RuleAction["set"]): RuleAction {
  switch (set) {
    case "type":
    case "collection":
      return { set, value: "" };
    case "tags":
      return { set, values: [] };
    case "subject":
      return { set, pattern: "", from: "either" };
    case "field":
      return { set, name: "", value: "" };
    case "title":
      return { set, template: "{type} – {name}" };
  }
}

function ActionInputs({ action, onChange }: { action: RuleAction; onChange: (a: RuleAction) => void }) {
  switch (action.set) {
    case "type":
    case "collection":
      return (
        <input
          aria-label={action.set === "type" ? "Type" : "Collection"}
          value={action.value}
          onChange={(e) => onChange({ ...action, value: e.target.value })}
          data-testid="rule-action-value"
        />
      );
    case "tags":
      return (
        <input
          aria-label="Tags, separated by commas"
          placeholder="tags, separated by commas"
          value={action.values.join(", ")}
          onChange={(e) => onChange({ ...action, values: e.target.value.split(",").map((t) => t.trimStart()) })}
        />
      );
    case "subject":
      return (
        <>
          <input
            aria-label="Pattern of the person's number"
            placeholder="e.g. (\d{4}-\d{4})"
            value={action.pattern}
            onChange={(e) => onChange({ ...action, pattern: e.target.value })}
          />
          <select
            aria-label="Look for it in"
            value={action.from}
            onChange={(e) => onChange({ ...action, from: e.target.value as typeof action.from })}
          >
            <option value="either">name, then text</option>
            <option value="file_name">file name</option>
            <option value="text">text</option>
          </select>
        </>
      );
    case "field":
      return (
        <>
          <input aria-label="Field name" placeholder="field" value={action.name} onChange={(e) => onChange({ ...action, name: e.target.value })} />
          <input aria-label="Field value" placeholder="value" value={action.value} onChange={(e) => onChange({ ...action, value: e.target.value })} />
        </>
      );
    case "title":
      return (
        <input
          aria-label="Title template"
          title="{type}, {name}, {number}, {file_name}, {date}, {year}"
          value={action.template}
          onChange={(e) => onChange({ ...action, template: e.target.value })}
        />
      );
  }
}
