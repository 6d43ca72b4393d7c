// Our own runner behind the vault firewall: when a data-plane call is denied with ForbiddenByFirewall, allow the
// runner's address (from the denial) with a temporary /32 rule, retry, and remove the rule when the run ends.
// ARM calls are not subject to the vault firewall, so the rule can always be managed. The alternative is a
// self-hosted runner inside an allowed network (docs/setup).
import type { Plan } from '../plan/types.js';
import type { AzureContext } from '../azure/context.js';
import { vaultClient } from '../azure/vault.js';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { parseIp } from '../net/ip.js';
import { backoffMs, describeError, sleep, statusOf, type RetryTimings } from './rotate-calls.js';

/** What the run did to the vault firewall; recorded on the issue. */
export interface TemporaryFirewallRule {
  vault: string;
  /** e.g. 198.51.100.10/32 */
  rule: string;
  /** The rule is ours to remove: added by this run, or by an earlier one (leftByEarlierRun) when found here. */
  added: boolean;
  removed: boolean;
  /** The rule was found (before a retry or at the end of this run), left by an earlier run that was interrupted. */
  leftByEarlierRun?: boolean;
  /** Why adding or removing failed; a rule left in place must be removed by hand. */
  error?: string;
}

/** How often a call is retried while a new rule propagates (Key Vault takes seconds to a minute or two). */
const PROPAGATION_ATTEMPTS = 8;

/** Vault tag naming the temporary rule while it exists: the write-ahead record that lets any later run remove it. */
export const TAG_TEMPORARY_RULE = 'kv-alert-playbook.temporary-ip-rule';

/** ARM may hand a /32 back as the bare address. */
function sameRule(value: string, cidr: string): boolean {
  return value === cidr || `${value}/32` === cidr;
}

interface DenialBody {
  error?: { innererror?: { code?: unknown }; innerError?: { code?: unknown } };
}

/** The client address of a ForbiddenByFirewall denial, or undefined for any other error. */
export function firewallDeniedAddress(error: unknown): string | undefined {
  if (statusOf(error) !== 403) return undefined;
  const e = error as { details?: unknown; response?: { bodyAsText?: string | null }; message?: unknown };
  let body = e.details as DenialBody | undefined;
  if (!body?.error && e.response?.bodyAsText) {
    try {
      body = JSON.parse(e.response.bodyAsText) as DenialBody;
    } catch {
      body = undefined;
    }
  }
  const inner = body?.error?.innererror?.code ?? body?.error?.innerError?.code;
  if (inner !== 'ForbiddenByFirewall') return undefined;
  const match = /Client address:\s*([0-9A-Fa-f.:]+)/.exec(typeof e.message === 'string' ? e.message : '');
  return match?.[1] ? parseIp(match[1]) : undefined;
}

/** True when the error kept the service's answer (SDK paging errors drop it and keep only the status). */
function hasBody(error: unknown): boolean {
  const e = error as { details?: unknown; response?: { bodyAsText?: string | null } };
  return e.details !== undefined || Boolean(e.response?.bodyAsText);
}

export interface FirewallException {
  /** Runs a data-plane call; on a firewall denial of our address, adds the temporary rule and retries. */
  guard<T>(call: () => Promise<T>): Promise<T>;
  /** The rule this run added or found, if any. */
  readonly rule: TemporaryFirewallRule | undefined;
  /** Removes our rule if there is one (idempotent; never throws: a failure is recorded on the rule). */
  remove(): Promise<void>;
}

export function firewallException(
  az: AzureContext,
  vault: Plan['vault'],
  options: {
    dryRun: boolean;
    log: Logger;
    timings: RetryTimings;
    /**
     * A data-plane call whose denial keeps the service's answer, made when a listing was denied with a bare 403:
     * only the answer tells a firewall denial (and the client address) from a missing role.
     */
    probe: () => Promise<unknown>;
  },
): FirewallException {
  const arm = () => vaultClient(az, vault.subscriptionId);
  let rule: TemporaryFirewallRule | undefined;
  let adding: Promise<void> | undefined;

  async function add(address: string): Promise<void> {
    if (address.includes(':')) {
      throw new UserError(
        `vault ${vault.name}: the firewall denies this runner's IPv6 address ${address}; Key Vault IP rules take IPv4 only: run from an allowed network`,
      );
    }
    const cidr = `${address}/32`;
    if (options.dryRun) {
      throw new UserError(
        `vault ${vault.name}: the firewall denies this runner (${address}); a real run adds the temporary rule ${cidr} and removes it afterwards`,
      );
    }
    const current = await arm().vaults.get(vault.resourceGroup, vault.name);
    const acls = current.properties.networkAcls ?? {};
    const ipRules = acls.ipRules ?? [];
    const ours = current.tags?.[TAG_TEMPORARY_RULE] === cidr;
    if (ipRules.some((r) => sameRule(r.value, cidr))) {
      // Present already: ours (an earlier run stopped before removing it) or someone else's, which stays.
      rule = {
        vault: vault.name,
        rule: cidr,
        added: ours,
        removed: false,
        ...(ours ? { leftByEarlierRun: true } : {}),
      };
      options.log.info(`vault ${vault.name}: firewall rule ${cidr} already present; waiting for it to take effect`);
      return;
    }
    options.log.warning(
      `vault ${vault.name}: adding temporary firewall rule ${cidr} for this runner (removed at the end of the run)`,
    );
    // The rule and the tag naming it go in one request: a run killed at any point leaves either both or neither.
    try {
      await arm().vaults.update(vault.resourceGroup, vault.name, {
        tags: { ...current.tags, [TAG_TEMPORARY_RULE]: cidr },
        properties: { networkAcls: { ...acls, ipRules: [...ipRules, { value: cidr }] } },
      });
    } catch (error) {
      throw new Error(
        `vault ${vault.name}: adding the temporary firewall rule ${cidr} failed (Azure: ${describeError(error)}); it needs Key Vault Contributor on the vault, or run the job inside an allowed network`,
      );
    }
    rule = { vault: vault.name, rule: cidr, added: true, removed: false };
  }

  /**
   * For a bare 403 (a listing whose answer the SDK dropped): the firewall-denied address the probe shows, or, when
   * the probe was denied for another reason (a missing role or access policy), an error that names that reason.
   */
  async function probeDenial(error: unknown): Promise<string | undefined> {
    if (statusOf(error) !== 403 || hasBody(error)) return undefined;
    try {
      await options.probe();
      return undefined;
    } catch (probeError) {
      const address = firewallDeniedAddress(probeError);
      if (address || statusOf(probeError) !== 403 || !hasBody(probeError)) return address;
      throw Object.assign(
        new Error(
          `the listing was denied without a reason; a read of vault ${vault.name} was denied too, which says why: ${describeError(probeError)}`,
        ),
        { statusCode: 403 },
      );
    }
  }

  async function guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const address = firewallDeniedAddress(error) ?? (await probeDenial(error));
      // A bare 403 the probe could not explain (the probe itself failed, or ran once another call's rule was in
      // place) while the rule is being added: retry behind the rule like the calls it was added for.
      if (!address && !(adding && statusOf(error) === 403)) throw error;
      // Concurrent calls denied at the same time share one change.
      if (address) {
        adding ??= add(address).catch((failure: unknown) => {
          if (rule) rule.error = `adding the rule failed: ${describeError(failure)}`;
          throw failure;
        });
      }
      await adding;
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await call();
        } catch (retryError) {
          const denied = firewallDeniedAddress(retryError) ?? (await probeDenial(retryError));
          if (!denied || attempt + 1 >= PROPAGATION_ATTEMPTS) throw retryError;
          await sleep(backoffMs(attempt, options.timings));
        }
      }
    }
  }

  /**
   * Removes the rule the vault's tag names (this run's, or one an interrupted run left), with the tag, in one
   * request. Reads the vault even when this run added nothing, so a leftover never outlives the next run.
   */
  async function remove(): Promise<void> {
    await adding?.catch(() => undefined);
    if (options.dryRun) return;
    let cidr = rule?.added ? rule.rule : undefined;
    try {
      const current = await arm().vaults.get(vault.resourceGroup, vault.name);
      const tagged = current.tags?.[TAG_TEMPORARY_RULE];
      cidr = tagged ?? cidr;
      if (!cidr) return;
      const target = cidr;
      if (!rule || rule.rule !== target) {
        rule = { vault: vault.name, rule: target, added: false, removed: false, leftByEarlierRun: true };
      }
      const acls = current.properties.networkAcls ?? {};
      const ipRules = acls.ipRules ?? [];
      const tags = Object.fromEntries(Object.entries(current.tags ?? {}).filter(([k]) => k !== TAG_TEMPORARY_RULE));
      await arm().vaults.update(vault.resourceGroup, vault.name, {
        tags,
        properties: { networkAcls: { ...acls, ipRules: ipRules.filter((r) => !sameRule(r.value, target)) } },
      });
      rule.removed = true;
      options.log.info(`vault ${vault.name}: removed temporary firewall rule ${target}`);
    } catch (error) {
      if (!cidr) {
        // Nothing of ours to remove as far as we know; the vault could not be read.
        options.log.debug(
          `vault ${vault.name}: could not check for a temporary firewall rule: ${describeError(error)}`,
        );
        return;
      }
      if (rule) {
        rule.error = `removing it failed (Azure: ${describeError(error)}); remove ${cidr} from the vault firewall (and the vault tag ${TAG_TEMPORARY_RULE}) by hand, or run the job again`;
        // A warning: the run's one error line (modes/rotate.ts) says the rule is still there.
        options.log.warning(`vault ${vault.name}: temporary firewall rule ${cidr}: ${rule.error}`);
      }
    }
  }

  return {
    guard,
    get rule() {
      return rule;
    },
    remove,
  };
}
