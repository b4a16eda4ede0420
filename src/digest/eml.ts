/**
 * A message as an RFC 5322 / MIME file (`.eml`) that any mail program opens: multipart/mixed holding a
 * multipart/alternative (text, then HTML — the last part is the preferred one) and the attachments.
 * Bodies are base64 (UTF-8 safe, no line-length limits to break long commands); non-ASCII header text
 * uses RFC 2047 encoded words. Header values never carry CR or LF.
 */
import { createHash } from "node:crypto";
import type { DigestMessage } from "./types.js";

function b64Lines(buf: Buffer): string {
  return (buf.toString("base64").match(/.{1,76}/g) ?? []).join("\r\n");
}

/** A header value: one line; RFC 2047 (UTF-8, base64) when it is not plain ASCII. */
export function headerValue(v: string): string {
  const one = v.replace(/[\r\n]+/g, " ");
  // eslint-disable-next-line no-control-regex
  if (/^[\x20-\x7e]*$/.test(one)) return one;
  const words: string[] = [];
  let chunk = "";
  for (const ch of one) {
    if (Buffer.byteLength(chunk + ch) > 45) {
      words.push(chunk);
      chunk = "";
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, "utf8").toString("base64")}?=`).join("\r\n ");
}

export function toEml(m: DigestMessage, o: { from: string; date: Date }): string {
  const id = createHash("sha256").update(`${m.period}|${m.groupKey}`).digest("hex").slice(0, 24);
  const mixed = `mixed-${id}`;
  const alt = `alt-${id}`;
  const lines: string[] = [
    `From: ${headerValue(o.from)}`,
    `To: ${m.to.map(headerValue).join(", ")}`,
    `Subject: ${headerValue(m.subject)}`,
    `Date: ${o.date.toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: <digest-${m.period}-${id}@aks-backup-auditor.invalid>`,
    `MIME-Version: 1.0`,
    `X-AKS-Backup-Auditor-Digest: ${headerValue(`${m.period} ${m.groupKey}`)}`,
    `Content-Type: multipart/mixed; boundary="${mixed}"`,
    ``,
    `--${mixed}`,
    `Content-Type: multipart/alternative; boundary="${alt}"`,
    ``,
    `--${alt}`,
    `Content-Type: text/plain; charset=utf-8`,
    `Content-Transfer-Encoding: base64`,
    ``,
    b64Lines(Buffer.from(m.text, "utf8")),
    `--${alt}`,
    `Content-Type: text/html; charset=utf-8`,
    `Content-Transfer-Encoding: base64`,
    ``,
    b64Lines(Buffer.from(m.html, "utf8")),
    `--${alt}--`,
  ];
  for (const a of m.attachments) {
    const name = a.name.replace(/["\\\r\n]/g, "_");
    lines.push(`--${mixed}`, `Content-Type: ${a.contentType}; name="${name}"`, `Content-Disposition: attachment; filename="${name}"`, `Content-Transfer-Encoding: base64`, ``, b64Lines(a.content));
  }
  lines.push(`--${mixed}--`, ``);
  return lines.join("\r\n");
}
