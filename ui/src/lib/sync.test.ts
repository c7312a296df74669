import { describe, expect, it } from "vitest";
import type { SyncStatus } from "../bindings";
import {
  NO_CREDENTIALS,
  describeConcurrent,
  describeSync,
  plural,
  relativeTime,
  toCredentials,
  withoutConcurrent,
} from "./sync";

// Local times, so the tests pass in any time zone.
const now = new Date(2024, 2, 12, 15, 30).getTime();
const MIN = 60_000;

const base: SyncStatus = {
  remote: "file:///shared/library",
  state: "waiting",
  progress: null,
  last: {
    at_ms: now - 5 * MIN,
    sent_objects: 0,
    sent_bytes: 0,
    received_objects: 0,
    received_bytes: 0,
    changes_received: 0,
    refused: 0,
    history: [],
    waiting_for_keys: false,
    batches_waiting: 0,
  },
  pending_changes: 0,
  error: null,
  concurrent: 0,
  concurrent_documents: [],
};
const at = (ms: number): SyncStatus => ({ ...base, last: { ...base.last!, at_ms: ms } });

describe("relativeTime", () => {
  it("says just now for the last minute, and for a clock a little ahead", () => {
    expect(relativeTime(now, now)).toBe("just now");
    expect(relativeTime(now - 59_000, now)).toBe("just now");
    expect(relativeTime(now + 5_000, now)).toBe("just now");
  });
  it("counts minutes within the hour", () => {
    expect(relativeTime(now - MIN, now)).toBe("1 minute ago");
    expect(relativeTime(now - 5 * MIN - 30_000, now)).toBe("5 minutes ago");
    expect(relativeTime(now - 59 * MIN, now)).toBe("59 minutes ago");
  });
  it("gives the time earlier today and yesterday", () => {
    expect(relativeTime(new Date(2024, 2, 12, 14, 5).getTime(), now)).toBe("at 14:05");
    expect(relativeTime(new Date(2024, 2, 12, 0, 1).getTime(), now)).toBe("at 00:01");
    expect(relativeTime(new Date(2024, 2, 11, 23, 50).getTime(), now)).toBe("yesterday at 23:50");
  });
  it("gives the date when older", () => {
    expect(relativeTime(new Date(2024, 2, 10, 9, 0).getTime(), now)).toBe("on 10 Mar 2024");
    expect(relativeTime(new Date(2023, 11, 31, 9, 0).getTime(), now)).toBe("on 31 Dec 2023");
  });
});

describe("describeSync", () => {
  it("off: only on this desktop, or starting once a remote is added", () => {
    expect(describeSync({ ...base, remote: null, state: "off", last: null }, now)).toEqual({
      text: "Only on this desktop",
      tone: "off",
    });
    expect(describeSync({ ...base, state: "off", last: null }, now)).toEqual({ text: "Starting to sync…", tone: "busy" });
  });
  it("syncing, with and without progress", () => {
    const syncing = { ...base, state: "syncing" as const };
    expect(describeSync(syncing, now)).toEqual({ text: "Syncing…", tone: "busy" });
    const step = (s: "sending" | "receiving" | "downloading", done: number, total: number) =>
      describeSync({ ...syncing, progress: { step: s, done, total } }, now).text;
    expect(step("sending", 3, 10)).toBe("Sending changes… 3 of 10");
    expect(step("receiving", 2, 5)).toBe("Receiving changes… 2 of 5");
    expect(step("downloading", 40, 120)).toBe("Downloading documents… 40 of 120");
    expect(step("downloading", 999, 1200)).toBe("Downloading documents… 999 of 1,200");
  });
  it("waiting: when it last synced", () => {
    expect(describeSync(at(now - 10_000), now)).toEqual({ text: "Synced just now", tone: "ok" });
    expect(describeSync(base, now).text).toBe("Synced 5 minutes ago");
    expect(describeSync(at(now - MIN), now).text).toBe("Synced 1 minute ago");
    expect(describeSync(at(new Date(2024, 2, 12, 14, 5).getTime()), now).text).toBe("Synced at 14:05");
    expect(describeSync(at(new Date(2024, 1, 1, 14, 5).getTime()), now).text).toBe("Synced on 1 Feb 2024");
  });
  it("waiting: with changes still to send", () => {
    expect(describeSync({ ...base, pending_changes: 1 }, now).text).toBe("Synced 5 minutes ago · 1 change to send");
    expect(describeSync({ ...base, pending_changes: 3 }, now).text).toBe("Synced 5 minutes ago · 3 changes to send");
  });
  it("waiting: history the shared storage lost, or items it refused, is a warning", () => {
    const lost = "change batch 7 of device 0190 has gone from the remote; sent again from this desktop's copy";
    expect(describeSync({ ...base, last: { ...base.last!, history: [lost] } }, now)).toEqual({
      text: `Synced 5 minutes ago · Changes are missing from the shared storage: ${lost}`,
      tone: "warn",
    });
    expect(describeSync({ ...base, last: { ...base.last!, refused: 2 } }, now)).toEqual({
      text: "Synced 5 minutes ago · 2 items on the shared storage failed their check and were not used",
      tone: "warn",
    });
  });
  it("waiting: changes held until the owner's desktop gives the members new keys", () => {
    expect(describeSync({ ...base, pending_changes: 2, last: { ...base.last!, waiting_for_keys: true } }, now)).toEqual({
      text: "Synced 5 minutes ago · 2 changes wait to be sent: someone who held the library's keys has left, and the owner's desktop has not synced since",
      tone: "warn",
    });
  });
  it("waiting: colleagues' changes a desktop that reads every record has to seal again", () => {
    expect(describeSync({ ...base, last: { ...base.last!, batches_waiting: 3 } }, now)).toEqual({
      text: "Synced 5 minutes ago · Some changes from colleagues arrive once the owner's or registrar's desktop has synced",
      tone: "busy",
    });
  });
  it("waiting before any sync", () => {
    expect(describeSync({ ...base, last: null }, now)).toEqual({ text: "Not synced yet", tone: "busy" });
    expect(describeSync({ ...base, last: null, pending_changes: 2 }, now).text).toBe("Not synced yet · 2 changes to send");
  });
  it("offline", () => {
    const error = { kind: "system" as const, message: "The remote cannot be reached.", hint: null };
    expect(describeSync({ ...base, state: "offline", error }, now)).toEqual({
      text: "Offline — changes are kept here and sent when the network is back",
      tone: "warn",
    });
  });
  it("failed, with or without the reason", () => {
    const error = { kind: "wrong_passphrase" as const, message: "The access key was refused.", hint: "Check it." };
    expect(describeSync({ ...base, state: "failed", error }, now)).toEqual({
      text: "Sync failed: The access key was refused.",
      tone: "error",
    });
    expect(describeSync({ ...base, state: "failed" }, now)).toEqual({ text: "Sync failed", tone: "error" });
  });
});

describe("describeConcurrent and plural", () => {
  it("says one and many in plain words", () => {
    expect(describeConcurrent(1)).toBe("1 document has concurrent versions");
    expect(describeConcurrent(4)).toBe("4 documents have concurrent versions");
    expect(plural(0, "change")).toBe("0 changes");
    expect(plural(1, "change")).toBe("1 change");
    expect(plural(1500, "change")).toBe("1,500 changes");
  });
});

describe("toCredentials", () => {
  it("sends empty boxes as null", () => {
    expect(toCredentials(NO_CREDENTIALS)).toEqual({
      access_key_id: null,
      secret_access_key: null,
      password: null,
      account_key: null,
    });
  });
  it("keeps what was typed; only the key id loses stray spaces", () => {
    expect(toCredentials({ keyId: " AKIA1 ", secret: " s3cret", password: "pw " })).toEqual({
      access_key_id: "AKIA1",
      secret_access_key: " s3cret",
      password: "pw ",
      account_key: null,
    });
    expect(toCredentials({ keyId: "  ", secret: "", password: "" }).access_key_id).toBeNull();
  });
});

describe("withoutConcurrent", () => {
  const flagged: SyncStatus = {
    ...base,
    concurrent: 2,
    concurrent_documents: [
      { id: "a", title: "Report A" },
      { id: "b", title: "Report B" },
    ],
  };
  it("drops a settled document from the list and the count", () => {
    const s = withoutConcurrent(flagged, "a");
    expect(s.concurrent).toBe(1);
    expect(s.concurrent_documents).toEqual([{ id: "b", title: "Report B" }]);
  });
  it("leaves the status alone for a document it does not list", () => {
    expect(withoutConcurrent(flagged, "z")).toBe(flagged);
  });
});
