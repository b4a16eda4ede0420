/**
 * The Functions app's entry point (package.json `main` → dist/functions/index.js): validate the
 * settings — one message per bad or missing setting, and the app does not start without them — then
 * register every function. See register.ts for the list.
 */
import { app } from "@azure/functions";
import * as df from "durable-functions";
import { loadDigestSettingsFromProcess, loadFunctionsSettingsFromProcess } from "../config/settings.js";
import { createDigestSender } from "../digest/tick.js";
import { createDependencies } from "./dependencies.js";
import { registerFunctions } from "./register.js";
import { fromDurableClient } from "./shared/ports.js";

const settings = loadFunctionsSettingsFromProcess();
const digestSettings = loadDigestSettingsFromProcess();

registerFunctions(
  {
    http: (name, options) => app.http(name, options),
    timer: (name, options) => app.timer(name, options),
    eventGrid: (name, options) => app.eventGrid(name, options),
    orchestration: (name, handler) => df.app.orchestration(name, handler),
    activity: (name, options) => df.app.activity(name, options),
    durableClientInput: df.input.durableClient(),
    getClient: (context) => fromDurableClient(df.getClient(context)),
  },
  { ...createDependencies(settings), digest: { settings: digestSettings, sender: createDigestSender(digestSettings) } },
);
