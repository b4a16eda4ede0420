/**
 * RFC 9457 problem details: every error answer of the HTTP API is `application/problem+json` with a
 * `type`, `title`, `status`, `detail` and (for validation) the list of what was wrong where.
 */
import type { HttpResponseInit } from "@azure/functions";
import type { z } from "zod";

export const PROBLEM_BASE = "https://github.com/aks-backup-auditor/aks-backup-auditor/blob/main/README.md#problems";

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string | undefined;
  instance?: string | undefined;
  errors?: { pointer: string; detail: string }[] | undefined;
  [extension: string]: unknown;
}

export function problem(status: number, slug: string, title: string, detail?: string, extra: Partial<Problem> = {}): HttpResponseInit {
  const body: Problem = { type: `${PROBLEM_BASE}-${slug}`, title, status, ...(detail ? { detail } : {}), ...extra };
  return { status, headers: { "content-type": "application/problem+json" }, jsonBody: body };
}

/** 400 from a zod error: one entry per issue, each with a JSON pointer into what was sent. */
export function validationProblem(where: "body" | "query" | "path", error: z.ZodError, instance?: string): HttpResponseInit {
  const errors = error.issues.map((i) => ({ pointer: `/${where}${i.path.length ? "/" + i.path.map((p) => String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("/") : ""}`, detail: i.message }));
  return problem(400, "validation", "The request is not valid", errors.map((e) => `${e.pointer}: ${e.detail}`).join("; "), { errors, ...(instance ? { instance } : {}) });
}

export const notFound = (detail: string, instance?: string): HttpResponseInit => problem(404, "not-found", "Not found", detail, instance ? { instance } : {});
export const internalError = (instance?: string): HttpResponseInit =>
  problem(500, "internal", "Internal error", "The request could not be completed; the failure was logged with this invocation id.", instance ? { instance } : {});
