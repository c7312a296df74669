// One document: preview, metadata, versions and its audit trail.

import { useEffect, useRef, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, contentUrl, describe, pageUrl } from "../api";
import type { Document, Mark, SyncStatus } from "../bindings";
import { formatBytes, formatDate, isPicture, kindOf } from "../lib/format";
import { gate, useAccess } from "../lib/access";
import { ErrorNote } from "../components/ErrorNote";
import { CompareView } from "../components/CompareView";
import { exportTo } from "../lib/actions";
import { withoutConcurrent } from "../lib/sync";
import { FieldInputs, FieldsEditor } from "../components/TypedFields";
import { Suggestions } from "../components/Suggestions";

type Tab = "preview" | "details" | "versions" | "history";

/** Where a document opens: the page of its search hit, with the search's words marked. */
export type OpenAt = { page: number; query: string };

export function DocumentView({
  id,
  at = null,
  note,
  onClose,
  onOpenPerson,
}: {
  id: string;
  at?: OpenAt | null;
  note: string | null;
  onClose: () => void;
  onOpenPerson: (id: string) => void;
}) {
  const doc = useQuery({ queryKey: ["library", "document", id], queryFn: () => commands.document(id) });
  const sitting = useSitting(id);
  const [tab, setTab] = useState<Tab>("preview");
  const [done, setDone] = useState<string | null>(null);
  if (doc.isPending) return <div className="muted pad">Loading…</div>;
  if (doc.isError) {
    // Gone (deleted for good here or on another desktop) or unreadable: said, and closable.
    const e = describe(doc.error);
    return (
      <div className="document">
        <header>
          <div />
          <div className="actions">
            <button className="icon" title="Close" onClick={onClose}>
              ×
            </button>
          </div>
        </header>
        <ErrorNote {...e} />
      </div>
    );
  }
  const d = doc.data;
  const current = d.versions.find((v) => v.current)?.number ?? d.versions.length;
  const exportIt = () =>
    void exportTo([d.id]).then(
      (m) => m && setDone(m),
      (e) => setDone(describe(e).message),
    );
  return (
    <div className="document" data-testid="document">
      <header>
        <div>
          <h2 data-testid="doc-title">{d.title}</h2>
          <div className="muted small">
            {d.doc_type ?? kindOf(d.mime)} · {formatBytes(d.size)} · {d.versions.length}{" "}
            {d.versions.length === 1 ? "version" : "versions"}
            {d.trashed && " · in the trash"}
          </div>
          {d.person && (
            <div className="small">
              About{" "}
              <button className="link" onClick={() => onOpenPerson(d.person!.id)} data-testid="doc-person">
                {d.person.name} ({d.person.number})
              </button>
            </div>
          )}
        </div>
        <div className="actions">
          <button onClick={exportIt}>Export…</button>
          <TrashButton doc={d} />
          <button className="icon" title="Close" onClick={onClose}>
            ×
          </button>
        </div>
      </header>
      {(note ?? done) && <div className="note small">{note ?? done}</div>}
      {!d.trashed && <Suggestions id={d.id} />}
      {d.concurrent_versions && tab !== "versions" && (
        <div className="note small">
          Changed on two desktops at the same time.{" "}
          <button className="link" onClick={() => setTab("versions")}>
            Choose the version to keep
          </button>
        </div>
      )}
      <nav className="tabs" role="tablist">
        {(["preview", "details", "versions", "history"] as Tab[]).map((t) => (
          <button key={t} role="tab" aria-selected={tab === t} onClick={() => setTab(t)} data-testid={`tab-${t}`}>
            {{ preview: "Preview", details: "Details", versions: "Versions", history: "History" }[t]}
          </button>
        ))}
      </nav>
      {/* Focusable, so its scrolling (long previews) answers the keyboard too. */}
      <div className="tab-body" role="tabpanel" tabIndex={0} aria-label={{ preview: "Preview", details: "Details", versions: "Versions", history: "History" }[tab]}>
        {tab === "preview" &&
          (sitting.error ? (
            <ErrorNote {...sitting.error} />
          ) : sitting.open ? (
            <Preview doc={d} version={current} at={at} />
          ) : (
            <div className="muted pad">Opening…</div>
          ))}
        {tab === "details" && <Details doc={d} />}
        {tab === "versions" && <Versions doc={d} />}
        {tab === "history" && (
          <ul className="history" data-testid="audit">
            {[...d.audit].reverse().map((a, i) => (
              <li key={i}>
                <strong>{a.action}</strong> {a.detail && <span>{a.detail}</span>}
                <div className="muted small">
                  {formatDate(a.time, true)} · {a.user} on {a.device}
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

/** The document's sitting: opened with the view, before anything of it is shown (the
 *  access log records a sitting's first view), and ended when the view closes. */
function useSitting(id: string): { open: boolean; error: ReturnType<typeof describe> | null } {
  const [state, setState] = useState<{ open: boolean; error: ReturnType<typeof describe> | null }>({
    open: false,
    error: null,
  });
  useEffect(() => {
    let live = true;
    setState({ open: false, error: null });
    commands.documentOpened(id, null).then(
      () => live && setState({ open: true, error: null }),
      (e: unknown) => live && setState({ open: false, error: describe(e) }),
    );
    return () => {
      live = false;
      void commands.documentClosed(id).catch(() => undefined);
    };
  }, [id]);
  return state;
}

function TrashButton({ doc }: { doc: Document }) {
  const client = useQueryClient();
  const access = useAccess();
  const act = useMutation({
    mutationFn: () => (doc.trashed ? commands.untrash([doc.id]) : commands.trash([doc.id])),
    onSuccess: () => client.invalidateQueries({ queryKey: ["library"] }),
  });
  return (
    <>
      <button
        className={doc.trashed ? undefined : "danger"}
        onClick={() => act.mutate()}
        disabled={act.isPending}
        {...gate(access?.edit)}
        data-testid={doc.trashed ? "untrash" : "trash"}
      >
        {doc.trashed ? "Restore from trash" : "Move to trash"}
      </button>
      {act.isError && <ErrorNote {...describe(act.error)} />}
    </>
  );
}

const PAGE_WIDTH = 900;

function Preview({ doc, version, at }: { doc: Document; version: number; at: OpenAt | null }) {
  const [zoom, setZoom] = useState(1);
  if (doc.protected) return <div className="muted pad">This file is password protected: it is kept, but cannot be shown.</div>;
  if (doc.unreadable !== null) {
    return (
      <div className="muted pad" data-testid="unreadable">
        Dossier could not read this file: {doc.unreadable}. It cannot be shown or searched by its content, but
        it can be exported.
      </div>
    );
  }
  if (isPicture(doc.mime)) {
    return (
      <div className="picture">
        <div className="zoom">
          <button onClick={() => setZoom((z) => Math.max(0.25, z / 1.25))}>−</button>
          <span>{Math.round(zoom * 100)}%</span>
          <button onClick={() => setZoom((z) => Math.min(8, z * 1.25))}>+</button>
        </div>
        <Picture doc={doc} version={version} at={at} zoom={zoom} />
      </div>
    );
  }
  if (doc.page_images && doc.pages && doc.pages > 0) {
    return <Pages doc={doc} pages={doc.pages} version={version} at={at} />;
  }
  return <TextPreview id={doc.id} />;
}

/** Where a search's words are on `page` (null: no page asked about). */
function useMarks(doc: Document, version: number, page: number | null, query: string | undefined) {
  return useQuery({
    queryKey: ["library", "marks", doc.id, version, page, query],
    queryFn: () => commands.pageMarks(doc.id, version, page!, query!),
    enabled: page !== null && query !== undefined,
  });
}

/** A search's words marked on a page: boxes placed as fractions of the page. */
function MarkLayer({ marks }: { marks: Mark[] | undefined }) {
  return (
    <>
      {marks?.map((m, k) => (
        <span
          key={k}
          className="mark"
          style={{
            left: `${(m.left ?? 0) * 100}%`,
            top: `${(m.top ?? 0) * 100}%`,
            width: `${(m.width ?? 0) * 100}%`,
            height: `${(m.height ?? 0) * 100}%`,
          }}
          data-testid="page-mark"
        />
      ))}
    </>
  );
}

/** A picture (a scan, a photo) with a search's words marked where it was read by OCR
 *  (the first page of a multi-page TIFF is the one shown). */
function Picture({ doc, version, at, zoom }: { doc: Document; version: number; at: OpenAt | null; zoom: number }) {
  const page = at && at.page === 1 ? 1 : null;
  const marks = useMarks(doc, version, page, at?.query);
  return (
    <div className="page-wrap" style={{ width: `${zoom * 100}%` }} data-page={1} data-marked={page ? (marks.data?.length ?? 0) : undefined}>
      <img className="page" src={contentUrl(doc.id, version)} style={{ width: "100%" }} alt={doc.title} data-testid="picture" />
      <MarkLayer marks={marks.data} />
    </div>
  );
}

/** The pages as images; opened for a search hit, at the hit's page with its words marked. */
function Pages({ doc, pages, version, at }: { doc: Document; pages: number; version: number; at: OpenAt | null }) {
  const target = at && at.page >= 1 && at.page <= pages ? at.page : null;
  const marks = useMarks(doc, version, target, at?.query);
  const targetRef = useRef<HTMLDivElement>(null);
  // Until the reader scrolls, the hit's page stays in view as the pages before it load.
  const [moved, setMoved] = useState(false);
  const keep = () => {
    if (!moved) targetRef.current?.scrollIntoView({ block: "start" });
  };
  useEffect(() => {
    setMoved(false);
  }, [doc.id, target]);
  useEffect(keep);
  return (
    <div className="pages" data-testid="pages" onWheel={() => setMoved(true)} onPointerDown={() => setMoved(true)}>
      {Array.from({ length: pages }, (_, i) => {
        const n = i + 1;
        const here = n === target;
        return (
          <div key={n} className="page-wrap" ref={here ? targetRef : undefined} data-page={n} data-marked={here ? (marks.data?.length ?? 0) : undefined}>
            <img
              className="page"
              loading={target !== null && n <= target ? "eager" : "lazy"}
              src={pageUrl(doc.id, n, PAGE_WIDTH, version)}
              alt={`Page ${n}`}
              onLoad={n <= (target ?? 0) ? keep : undefined}
              data-testid="page-image"
            />
            {here && <MarkLayer marks={marks.data} />}
          </div>
        );
      })}
    </div>
  );
}

function TextPreview({ id }: { id: string }) {
  const text = useQuery({ queryKey: ["library", "text", id], queryFn: () => commands.documentText(id, null) });
  if (text.isPending) return <div className="muted pad">Loading…</div>;
  if (text.isError) return <ErrorNote {...describe(text.error)} />;
  if (text.data.length === 0) return <div className="muted pad">No text has been read from this file yet.</div>;
  return (
    <div className="text-preview" data-testid="text-preview">
      {text.data.map((p) => (
        <section key={p.page}>
          {text.data.length > 1 && <h4 className="muted small">Page {p.page}{p.ocr ? " (read by OCR)" : ""}</h4>}
          <pre>{p.text}</pre>
        </section>
      ))}
    </div>
  );
}

function Details({ doc }: { doc: Document }) {
  const client = useQueryClient();
  const access = useAccess();
  const [title, setTitle] = useState(doc.title);
  const [type, setType] = useState(doc.doc_type ?? "");
  const [subjectId, setSubjectId] = useState(doc.subject_id ?? "");
  const [subjectName, setSubjectName] = useState(doc.subject_name ?? "");
  const [tags, setTags] = useState(doc.tags.join(", "));
  const [fields, setFields] = useState<Record<string, string>>(doc.fields);
  const [defining, setDefining] = useState(false);
  useEffect(() => {
    setTitle(doc.title);
    setType(doc.doc_type ?? "");
    setSubjectId(doc.subject_id ?? "");
    setSubjectName(doc.subject_name ?? "");
    setTags(doc.tags.join(", "));
    setFields(doc.fields);
  }, [doc]);
  const save = useMutation({
    mutationFn: () => {
      const wanted = tags
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean);
      const changed = <T,>(now: T, was: T) => (now === was ? null : now);
      return commands.editMetadata(doc.id, {
        title: changed(title.trim(), doc.title),
        doc_type: changed(type.trim(), doc.doc_type ?? ""),
        subject_id: changed(subjectId.trim(), doc.subject_id ?? ""),
        subject_name: changed(subjectName.trim(), doc.subject_name ?? ""),
        add_tags: wanted.filter((t) => !doc.tags.includes(t)),
        remove_tags: doc.tags.filter((t) => !wanted.includes(t)),
        fields: Object.fromEntries(
          Object.entries(fields).filter(([k, v]) => v.trim() !== (doc.fields[k] ?? "")).map(([k, v]) => [k, v.trim()]),
        ),
      });
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ["library"] }),
  });
  return (
    <form
      className="details"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <label>
        Title
        <input value={title} onChange={(e) => setTitle(e.target.value)} data-testid="edit-title" />
      </label>
      <label>
        Type
        <input value={type} onChange={(e) => setType(e.target.value)} placeholder="e.g. Transcript" data-testid="edit-type" />
      </label>
      <label>
        Student or staff number
        <input value={subjectId} onChange={(e) => setSubjectId(e.target.value)} data-testid="edit-subject-id" />
        {doc.subject_id && !doc.person && (
          <span className="small muted">No one with this number is among the people yet; add them or import the roster.</span>
        )}
      </label>
      <label>
        Student or staff name
        <input value={subjectName} onChange={(e) => setSubjectName(e.target.value)} />
      </label>
      <label>
        Tags (separated by commas)
        <input value={tags} onChange={(e) => setTags(e.target.value)} data-testid="edit-tags" />
      </label>
      <FieldInputs doc={doc} values={fields} onChange={(name, value) => setFields((f) => ({ ...f, [name]: value }))} />
      {doc.doc_type &&
        (defining ? (
          <FieldsEditor docType={doc.doc_type} fields={doc.field_defs} onDone={() => setDefining(false)} />
        ) : (
          <button type="button" className="link small" onClick={() => setDefining(true)} data-testid="define-fields">
            Fields of every {doc.doc_type}…
          </button>
        ))}
      {save.isError && <ErrorNote {...describe(save.error)} />}
      {access?.edit.allowed === false && (
        <p className="muted small" data-testid="edit-reason">
          {access.edit.reason}
        </p>
      )}
      <button className="primary" type="submit" disabled={save.isPending} {...gate(access?.edit)} data-testid="save">
        {save.isPending ? "Saving…" : save.isSuccess ? "Saved" : "Save"}
      </button>
      <Keeping doc={doc} />
    </form>
  );
}

/** Legal hold and retention: what keeps the document from being deleted for good. */
function Keeping({ doc }: { doc: Document }) {
  const client = useQueryClient();
  const access = useAccess();
  const [reason, setReason] = useState("");
  const [until, setUntil] = useState(doc.retain_until ?? "");
  useEffect(() => setUntil(doc.retain_until ?? ""), [doc.retain_until]);
  const done = () => client.invalidateQueries({ queryKey: ["library"] });
  const hold = useMutation({
    mutationFn: () => commands.setLegalHold(doc.id, !doc.legal_hold, reason.trim() || null),
    onSuccess: () => {
      setReason("");
      return done();
    },
  });
  const retain = useMutation({
    mutationFn: (date: string | null) => commands.setRetention(doc.id, date),
    onSuccess: done,
  });
  return (
    <fieldset className="keeping" data-testid="keeping">
      <legend>Keeping</legend>
      {access?.dispose.allowed === false && (
        <p className="muted small" data-testid="dispose-reason">
          {access.dispose.reason}
        </p>
      )}
      <p className="muted small" data-testid="hold-state">
        {doc.legal_hold
          ? "Under a legal hold: it cannot be deleted for good, on any desktop, until the hold is lifted."
          : "No legal hold."}
      </p>
      <label>
        Reason (kept in the history)
        <input value={reason} onChange={(e) => setReason(e.target.value)} data-testid="hold-reason" />
      </label>
      <button
        type="button"
        onClick={() => hold.mutate()}
        disabled={hold.isPending}
        {...gate(access?.dispose)}
        data-testid="hold-toggle"
      >
        {doc.legal_hold ? "Lift the legal hold" : "Place a legal hold"}
      </button>
      {hold.isError && <ErrorNote {...describe(hold.error)} />}
      <label>
        Keep at least until
        <input type="date" value={until} onChange={(e) => setUntil(e.target.value)} data-testid="retain-until" />
      </label>
      <div className="keeping-actions">
        <button
          type="button"
          onClick={() => retain.mutate(until || null)}
          disabled={retain.isPending || until === (doc.retain_until ?? "")}
          {...gate(access?.dispose)}
          data-testid="retain-save"
        >
          Keep until this date
        </button>
        {doc.retain_until && (
          <button type="button" onClick={() => retain.mutate(null)} disabled={retain.isPending}>
            No retention period
          </button>
        )}
      </div>
      {retain.isError && <ErrorNote {...describe(retain.error)} />}
    </fieldset>
  );
}

function Versions({ doc }: { doc: Document }) {
  const access = useAccess();
  const client = useQueryClient();
  const [comparing, setComparing] = useState<number | null>(null);
  const restore = useMutation({
    mutationFn: (n: number) => commands.restoreVersion(doc.id, n),
    onSuccess: () => client.invalidateQueries({ queryKey: ["library"] }),
  });
  const keep = useMutation({
    mutationFn: (n: number) => commands.resolveVersions(doc.id, n),
    onSuccess: () => {
      // The status bar's count catches up at the next sync; show it settled already.
      client.setQueryData<SyncStatus>(["sync"], (s) => s && withoutConcurrent(s, doc.id));
      return client.invalidateQueries({ queryKey: ["library"] });
    },
  });
  const [versionNote, setVersionNote] = useState("");
  const upload = useMutation({
    mutationFn: async () => {
      const file = await commands.pick("file", "Choose the new version of this document");
      if (file !== null) await commands.addVersion(doc.id, file, versionNote.trim() || null);
      return file;
    },
    onSuccess: (file) => {
      if (file !== null) setVersionNote("");
      return client.invalidateQueries({ queryKey: ["library"] });
    },
  });
  const current = doc.versions.find((v) => v.current)?.number ?? doc.versions.length;
  if (comparing !== null) {
    return <CompareView id={doc.id} old={comparing} current={current} onClose={() => setComparing(null)} />;
  }
  return (
    <div>
      {doc.concurrent_versions && (
        <div className="note" data-testid="concurrent-note">
          Two desktops changed this document at the same time. Both versions are kept below: which one should be
          the current one? The other stays in the list.
        </div>
      )}
      {keep.isError && <ErrorNote {...describe(keep.error)} />}
      <div className="line">
        <input
          value={versionNote}
          onChange={(e) => setVersionNote(e.target.value)}
          placeholder="What changed (optional)"
          aria-label="Note for the new version"
        />
        <button onClick={() => upload.mutate()} disabled={upload.isPending} {...gate(access?.edit)} data-testid="upload-version">
          {upload.isPending ? "Adding…" : "Add a new version…"}
        </button>
      </div>
      <p className="muted small">Or drop a file on this panel.</p>
      {upload.isError && <ErrorNote {...describe(upload.error)} />}
      <ol className="versions" data-testid="versions">
        {[...doc.versions].reverse().map((v) => (
          <li key={v.number} className={v.current ? "current" : undefined}>
            <div>
              <strong>Version {v.number}</strong> {v.current && <span className="badge">current</span>}
              {v.restored_from !== null && <span className="muted small"> (restored from version {v.restored_from})</span>}
            </div>
            <div className="muted small">
              {formatDate(v.created, true)} · {v.author}
              {doc.concurrent_versions && ` on ${v.device}`} · {v.file_name} · {formatBytes(v.size)}
            </div>
            {v.note && <div className="small">{v.note}</div>}
            {((doc.concurrent_versions && v.head) || !v.current) && (
              <div className="row-actions">
                {doc.concurrent_versions && v.head && (
                  <button
                    className="primary"
                    onClick={() => keep.mutate(v.number)}
                    disabled={keep.isPending}
                    data-testid={`keep-version-${v.number}`}
                  >
                    Keep this one
                  </button>
                )}
                {!v.current && (
                  <>
                    <button onClick={() => setComparing(v.number)} data-testid={`compare-${v.number}`}>
                      Compare with current
                    </button>
                    <button
                      onClick={() => restore.mutate(v.number)}
                      disabled={restore.isPending}
                      data-testid={`restore-${v.number}`}
                    >
                      Restore this version
                    </button>
                  </>
                )}
              </div>
            )}
          </li>
        ))}
      </ol>
      {restore.isError && <ErrorNote {...describe(restore.error)} />}
    </div>
  );
}
