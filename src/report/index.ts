/** Report formats. Only `json` is a contract (contracts.md §2); the others are for people. */
import type { AuditReport } from "../model/types.js";
import { renderCsv } from "./csv.js";
import { renderHtml } from "./html.js";
import { renderMarkdown } from "./markdown.js";
import { renderTable } from "./table.js";

export const FORMATS = ["json", "table", "markdown", "csv", "html"] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}

export interface RenderOptions {
  /** ANSI colours in `table` output; ignored by the other formats. */
  color: boolean;
  /** Terminal width for wrapping evidence in `table` output. */
  width?: number;
}

export function renderReport(report: AuditReport, format: Format, opts: RenderOptions): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(report, null, 2)}\n`;
    case "table":
      return renderTable(report, opts);
    case "markdown":
      return renderMarkdown(report);
    case "csv":
      return renderCsv(report);
    case "html":
      return renderHtml(report);
  }
}

export { renderCsv, renderHtml, renderMarkdown, renderTable };
