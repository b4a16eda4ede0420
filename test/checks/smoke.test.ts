import { describe, expect, it } from "vitest";
import { CHECKS } from "../../src/checks/registry.js";
import { compliantFleet, run } from "./harness.js";

describe("the compliant fixture", () => {
  it.each(CHECKS.map((c) => c.id))("%s passes or is not applicable", (id) => {
    const r = run(id, compliantFleet());
    expect(["pass", "not_applicable"], `${id}: ${r.evidence}`).toContain(r.status);
  });
});
