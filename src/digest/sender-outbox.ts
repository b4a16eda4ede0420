/**
 * The local "email service": each message becomes `<period>--<group>.eml` (open it in any mail
 * program) plus `.html` (open it in a browser) in the outbox folder. Used when no email settings are
 * configured. A file is written under a temporary name and renamed, so a crash leaves either the whole
 * file or none; the `.eml` is written last and its presence is what the probe reports as delivered.
 */
import { createHash, randomBytes } from "node:crypto";
import { access, mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { toEml } from "./eml.js";
import type { DigestMessage, DigestSender, ProbeOutcome, SendOutcome } from "./types.js";

export function outboxBaseName(period: string, groupKey: string): string {
  const slug = groupKey.toLowerCase().replace(/[^a-z0-9@._-]+/g, "_").slice(0, 80);
  const hash = createHash("sha256").update(groupKey).digest("hex").slice(0, 8);
  return `${period.replace(/[^A-Za-z0-9-]/g, "_")}--${slug}-${hash}`;
}

async function writeAtomically(path: string, content: string): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}

export class OutboxSender implements DigestSender {
  readonly describe: string;
  /** The outbox knows forever whether a file was written. */
  readonly probeHorizonMs = Number.POSITIVE_INFINITY;

  constructor(
    private readonly dir: string,
    private readonly from = "aks-backup-auditor@localhost",
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.describe = `outbox folder ${dir}`;
  }

  /** The files a message is written to. */
  paths(m: Pick<DigestMessage, "period" | "groupKey">): { eml: string; html: string } {
    const base = join(this.dir, outboxBaseName(m.period, m.groupKey));
    return { eml: `${base}.eml`, html: `${base}.html` };
  }

  async send(message: DigestMessage): Promise<SendOutcome> {
    const p = this.paths(message);
    try {
      await mkdir(this.dir, { recursive: true });
      await writeAtomically(p.html, message.html);
      await writeAtomically(p.eml, toEml(message, { from: this.from, date: this.clock() }));
      return { kind: "sent", messageId: p.eml };
    } catch (e) {
      return { kind: "rejected", error: `could not write to the outbox: ${(e as Error).message}` };
    }
  }

  async probe(_operationId: string, message: Pick<DigestMessage, "period" | "groupKey">): Promise<ProbeOutcome> {
    const p = this.paths(message);
    try {
      await access(p.eml);
      return { kind: "succeeded", messageId: p.eml };
    } catch {
      return { kind: "not_found" };
    }
  }
}
