/** The timer: an instance id from the tick, no second fleet audit for a repeated tick or while one runs. */
import type { Timer } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { FLEET_AUDIT_ORCHESTRATOR, type FleetAuditInput } from "../../src/functions/fleetAuditOrchestrator.js";
import { createScheduledAuditHandler, SCHEDULED_AUDIT_FUNCTION } from "../../src/functions/scheduledAudit.js";
import { fleetAuditInstanceId } from "../../src/functions/shared/start.js";
import { context, FakeDurableClient, settings } from "./support.js";

const TIMER: Timer = { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: "2026-11-22T05:00:00Z", next: "2026-11-24T05:00:00Z", lastUpdated: "2026-11-23T05:00:00Z" } };
const TICK = new Date("2026-11-23T05:00:00.412Z");

function handler(client: FakeDurableClient, at = TICK) {
  return createScheduledAuditHandler({ client: () => client, settings: settings({ chunkSize: 250 }), clock: () => at });
}

describe("the scheduled audit", () => {
  it("starts the fleet orchestration with an instance id derived from the tick", async () => {
    const client = new FakeDurableClient();
    const r = await handler(client)(TIMER, context(SCHEDULED_AUDIT_FUNCTION));
    expect(r).toEqual({ started: true, instanceId: "fleet-audit-2026-11-23T05:00" });
    const inst = client.instances.get("fleet-audit-2026-11-23T05:00");
    expect(inst?.name).toBe(FLEET_AUDIT_ORCHESTRATOR);
    expect(inst?.input as FleetAuditInput).toEqual({ runId: "fleet-audit-2026-11-23T05:00", trigger: "timer", scope: { subscriptions: settings().subscriptions, managementGroups: [] }, chunkSize: 250, collectBatch: 50 });
  });

  it("does nothing for a repeated tick (the id exists, whatever its state)", async () => {
    const client = new FakeDurableClient();
    client.add(fleetAuditInstanceId(TICK), FLEET_AUDIT_ORCHESTRATOR, "Completed");
    const r = await handler(client, new Date("2026-11-23T05:00:59.000Z"))(TIMER, context(SCHEDULED_AUDIT_FUNCTION));
    expect(r).toMatchObject({ started: false, reason: "exists" });
    expect(client.calls.startNew).toBe(0);
  });

  it.each(["Running", "Pending", "ContinuedAsNew"] as const)("does not start while another fleet audit is %s", async (status) => {
    const client = new FakeDurableClient();
    client.add("fleet-audit-2026-11-22T05:00", FLEET_AUDIT_ORCHESTRATOR, status);
    const r = await handler(client)(TIMER, context(SCHEDULED_AUDIT_FUNCTION));
    expect(r).toEqual({ started: false, instanceId: "fleet-audit-2026-11-23T05:00", reason: "another-running", runningInstanceId: "fleet-audit-2026-11-22T05:00" });
    expect(client.calls.startNew).toBe(0);
  });

  it("is not held back by re-audits or by finished fleet audits", async () => {
    const client = new FakeDurableClient();
    client.add("reaudit-abc", "clusterReauditOrchestrator", "Running");
    client.add("fleet-audit-2026-11-22T05:00", FLEET_AUDIT_ORCHESTRATOR, "Failed");
    const r = await handler(client)(TIMER, context(SCHEDULED_AUDIT_FUNCTION));
    expect(r.started).toBe(true);
  });
});
