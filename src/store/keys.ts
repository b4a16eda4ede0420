/**
 * Table keys. PartitionKey and RowKey may not contain `/ \ # ?` or control characters (U+0000–U+001F,
 * U+007F–U+009F), and are at most 1 KiB. ARM ids are made of exactly those slashes, and resource
 * names may carry other characters, so keys are percent-encoded: `%` and every forbidden character
 * become `%XX`; everything else (unicode included) stays readable.
 */
import { parseArmId } from "../model/arm-id.js";

// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[%/\\#?\u0000-\u001f\u007f-\u009f]/g;

export function encodeKey(s: string): string {
  return s.replace(FORBIDDEN, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0"));
}

export function decodeKey(s: string): string {
  return s.replace(/%([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Partition of a cluster's rows: its subscription (lower-cased). */
export function clusterPartition(clusterId: string): string {
  const id = parseArmId(clusterId);
  return encodeKey((id.subscriptionId ?? "none").toLowerCase());
}

/** Row of a cluster within its subscription: the rest of its normalised id. */
export function clusterRow(clusterId: string): string {
  const id = parseArmId(clusterId);
  const rest = id.subscriptionId ? id.key.slice(`/subscriptions/${id.subscriptionId.toLowerCase()}`.length) : id.key;
  return encodeKey(rest);
}

/** Milliseconds until year 9999, zero-padded: row keys that sort newest first. */
export function invertedTime(ms: number): string {
  return (253402300799999 - ms).toString().padStart(15, "0");
}

/** The smallest string greater than every string that starts with `prefix` (for range queries). */
export function prefixEnd(prefix: string): string {
  return prefix + "\uffff";
}
