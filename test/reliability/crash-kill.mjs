// Loaded into the job's process by the crash suite (NODE_OPTIONS=--import): SIGKILLs the process, as a cancelled
// runner does, KV_CRASH_KILL_MS after its first write to Azure Resource Manager (remediate: the firewall; rotate:
// the temporary runner rule), where the work starts. Counting from there rather than from the process start keeps
// the kill inside the work when a loaded machine slows the start-up and the gate's checks. It only watches
// requests (diagnostics channel); it changes nothing.
import { subscribe } from 'node:diagnostics_channel';
import { setTimeout } from 'node:timers';

const delayMs = Number(process.env.KV_CRASH_KILL_MS);
if (!Number.isFinite(delayMs) || delayMs < 0) throw new Error('crash-kill: KV_CRASH_KILL_MS must be a number of ms');

let armed = false;
subscribe('http.client.request.start', ({ request }) => {
  if (armed || request.host !== 'management.azure.com' || request.method === 'GET') return;
  armed = true;
  // unref: a job that finishes first exits normally.
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), delayMs).unref();
});
