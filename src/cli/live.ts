/** The CLI's live inventory: clients from settings, a progress line on a terminal, --verbose logs. */
import type { TokenCredential } from "@azure/core-auth";
import { DefaultAzureCredential } from "@azure/identity";
import type { Settings } from "../config/settings.js";
import { CLOUDS, createClients } from "../inventory/live/clients.js";
import { collectFleet, type CollectResult, type CollectScope } from "../inventory/live/collector.js";

export interface LiveDeps {
  /** Injected in tests; DefaultAzureCredential otherwise. */
  credential?: TokenCredential | undefined;
  /** Extra CA (PEM) to trust, for a test server. */
  ca?: string | undefined;
}

export interface LiveOptions {
  scope: CollectScope;
  verbose: boolean;
  settings: Settings;
  stderr: { write(s: string): unknown; isTTY?: boolean | undefined };
  deps: LiveDeps;
}

export async function collectLive(o: LiveOptions): Promise<CollectResult> {
  const cloud = CLOUDS[o.settings.cloud];
  const endpoint = (o.settings.armEndpoint ?? cloud.endpoint).replace(/\/+$/, "");
  const audience = o.settings.armAudience ?? (o.settings.armEndpoint ? `${endpoint}/.default` : cloud.audience);
  const tty = !!o.stderr.isTTY;
  const counts = { pages: 0, rows: 0, kinds: 0, clusters: 0, arm: 0, armTotal: 0, waitMs: 0 };
  let lastDraw = 0;
  const draw = (force = false) => {
    if (!tty) return;
    const now = Date.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    o.stderr.write(
      `\r\x1b[2Kcollecting: ${counts.kinds} kind queries, ${counts.pages} pages, ${counts.rows} rows, ${counts.clusters} clusters` +
        `${counts.armTotal ? `, ARM ${counts.arm}/${counts.armTotal}` : ""}${counts.waitMs ? `, throttling waits ${(counts.waitMs / 1000).toFixed(1)} s` : ""}`,
    );
  };
  const clients = createClients({
    endpoint,
    audience,
    credential: o.deps.credential ?? new DefaultAzureCredential(),
    ca: o.deps.ca,
    observer: o.verbose
      ? (e) => {
          // Method, path and status only: never headers, so never a token.
          const u = new URL(e.url);
          o.stderr.write(`${tty ? "\r\x1b[2K" : ""}${e.method} ${u.pathname} → ${e.status ?? "no answer"} (${e.ms} ms)\n`);
        }
      : undefined,
  });
  try {
    return await collectFleet({
      clients,
      scope: o.scope,
      progress: {
        onPage: (_k, rows) => {
          counts.pages++;
          counts.rows += rows;
          draw();
        },
        onKindDone: (kind, rows) => {
          counts.kinds++;
          if (kind === "clusters") counts.clusters += rows;
          draw(true);
        },
        onArm: (_w, done, total) => {
          if (done === 1) counts.armTotal += total;
          counts.arm++;
          draw(done === total);
        },
        onWait: (_r, ms) => {
          counts.waitMs += ms;
          draw(true);
        },
      },
    });
  } finally {
    if (tty) o.stderr.write("\r\x1b[2K");
  }
}
