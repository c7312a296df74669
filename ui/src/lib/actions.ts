// Actions shared by the bulk bar and the document view that go through a picker.

import { commands } from "../api";
import { formatBytes } from "./format";

/** Ask for a folder and export the documents there; a line saying what was written, or
 *  null when the user cancelled. Errors are thrown for the caller to show. */
export async function exportTo(ids: string[]): Promise<string | null> {
  const folder = await commands.pick("folder", "Export to which folder?");
  if (folder === null) return null;
  const done = await commands.exportDocuments(ids, folder);
  return `${done.documents} ${done.documents === 1 ? "document" : "documents"} (${formatBytes(done.bytes)}) exported to ${done.folder}, with a manifest describing them.`;
}
