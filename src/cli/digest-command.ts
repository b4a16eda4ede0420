/**
 * `aks-backup-audit digest`: the compliance digest from the stored results.
 *   --preview out.html   render it (the whole fleet, or what --recipient receives); sends and claims nothing
 *   --send               deliver this period's digests exactly as the digest timer does (ACS when configured,
 *                        else the outbox folder); safe to run again: what was sent is not sent twice
 */
import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { loadDigestSettings } from "../config/settings.js";
import type { AcsSenderOptions } from "../digest/sender-acs.js";
import { createDigestSender, previewDigest, runDigestTick, type GroupResult } from "../digest/tick.js";
import type { ResultsStore } from "../store/results-store.js";
import type { Io } from "./main.js";

export interface DigestCommandHelpers {
  /** main.ts's store opener: resolves --store / the settings, ensures the tables, closes afterwards. */
  withStore<T>(option: string | undefined, io: Io, fn: (store: ResultsStore, where: string) => Promise<T>): Promise<T>;
  /** Sets the process exit code (main.ts's `code`). */
  setExitCode(code: number): void;
  /** Tests: a fixed clock. */
  clock?: () => Date;
  /** Tests: options for the ACS client (TLS trust for a loopback server, fast polling). */
  acs?: Partial<AcsSenderOptions>;
}

const STORE_HELP = 'where results are stored (as for "audit"): "local" (default), "memory", a table endpoint URL or a connection string';

const kb = (n: number): string => `${Math.max(1, Math.round(n / 1024))} KB`;

function outcomeLine(g: GroupResult): string {
  const who = g.recipients.join(", ");
  const what = `${g.clusters} cluster${g.clusters === 1 ? "" : "s"}`;
  const detail = g.detail ? ` — ${g.detail}` : "";
  return `${g.outcome.padEnd(12)} ${who} (${what})${g.subject && (g.outcome === "sent" || g.outcome === "recovered") ? `: ${g.subject}` : detail}\n`;
}

export function registerDigestCommand(program: Command, io: Io, helpers: DigestCommandHelpers): Command {
  const clock = helpers.clock ?? (() => new Date());
  return program
    .command("digest")
    .description("Compose the compliance digest from the stored results: preview it, or send this period's digests.")
    .option("--preview <file>", "write the digest's HTML to this file; nothing is sent or recorded")
    .option("--send", "send this period's digest to every recipient group (ACS when configured, else the outbox folder); never sends a group twice per period")
    .option("--recipient <address>", "with --preview: the digest this address receives (its routed clusters only)")
    .option("--text <file>", 'with --preview: also write the plain-text part ("-" for standard output)')
    .option("--csv <file>", "with --preview: also write the attachment (every finding)")
    .option("--store <target>", STORE_HELP)
    .addHelpText(
      "after",
      `
Settings (environment): AKS_BACKUP_AUDITOR_DIGEST_RECIPIENTS (everything), AKS_BACKUP_AUDITOR_DIGEST_ROUTES (JSON:
[{"subscription":"<id>","to":["team@contoso.com"]}, {"tag":"env","value":"prod","to":["prod@contoso.com"]}, {"tag":"backup-owner"}]),
AKS_BACKUP_AUDITOR_EMAIL_ENDPOINT (managed identity) or _EMAIL_CONNECTION_STRING, AKS_BACKUP_AUDITOR_EMAIL_SENDER,
AKS_BACKUP_AUDITOR_DIGEST_PERIOD (week|day|month), _DIGEST_SEND_EMPTY, _DIGEST_OUTBOX_DIR, _DIGEST_TAG_DOMAINS.

Exit codes for --send: 0 every group delivered (or nothing to send), 1 a digest could not be delivered yet (the next
run retries it), 2 usage error.

Examples:
  aks-backup-audit digest --preview digest.html
  aks-backup-audit digest --preview team.html --recipient team@contoso.com --text -
  aks-backup-audit digest --send`,
    )
    .action(async (o: { preview?: string; send?: boolean; recipient?: string; text?: string; csv?: string; store?: string }) => {
      if (!!o.preview === !!o.send) throw new Error("give exactly one of --preview <file> or --send");
      if (o.send && (o.recipient || o.text || o.csv)) throw new Error("--recipient, --text and --csv go with --preview");
      const settings = loadDigestSettings(io.env);

      if (o.preview) {
        const out = o.preview;
        const r = await helpers.withStore(o.store, io, (store) => previewDigest({ store, settings, clock, recipient: o.recipient }));
        if (r.kind === "no_such_recipient") {
          throw new Error(`no digest goes to ${r.recipient}${r.known.length ? ` (recipients: ${r.known.slice(0, 10).join(", ")}${r.known.length > 10 ? ", …" : ""})` : " (no recipients are configured)"}`);
        }
        await writeFile(out, r.message.html);
        if (o.text === "-") io.stdout.write(r.message.text);
        else if (o.text) await writeFile(o.text, r.message.text);
        const att = r.message.attachments[0];
        if (o.csv && att) await writeFile(o.csv, att.content);
        const t = r.model.totals;
        io.stderr.write(
          `digest ${r.model.period.key} for ${o.recipient ?? "the whole fleet"}: ${t.clusters} clusters, ${t.nonCompliant} non-compliant, ${t.unknown} unknown, ${t.compliant} compliant` +
            ` — written to ${out} (${kb(Buffer.byteLength(r.message.html))} HTML${att ? `, ${r.model.findingCount} findings in ${att.name}` : ""}; the email would be ${kb(r.message.requestBytes)})` +
            `${r.model.empty ? "; nothing to report, so it would not be sent unless AKS_BACKUP_AUDITOR_DIGEST_SEND_EMPTY=true" : ""}\n`,
        );
        return;
      }

      const sender = createDigestSender(settings, { cwd: io.cwd, clock, acs: helpers.acs });
      const result = await helpers.withStore(o.store, io, (store) => runDigestTick({ store, settings, clock, sender }));
      for (const w of result.warnings) io.stderr.write(`warning: ${w}\n`);
      for (const g of result.groups) io.stdout.write(outcomeLine(g));
      const counts = new Map<string, number>();
      for (const g of result.groups) counts.set(g.outcome, (counts.get(g.outcome) ?? 0) + 1);
      const summary = [...counts.entries()].map(([k, n]) => `${n} ${k.replace("_", " ")}`).join(", ") || "no recipient groups";
      io.stderr.write(`digest ${result.period} via ${result.sender}: ${summary}\n`);
      if (result.groups.some((g) => g.outcome === "failed" || g.outcome === "pending" || g.outcome === "unknown")) helpers.setExitCode(1);
    });
}
