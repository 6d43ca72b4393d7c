// Finds the Log Analytics workspace that holds a vault's audit logs, from its diagnostic settings.
import { errorMessage } from '../errors.js';
import type { AzureContext } from './context.js';

interface DiagnosticSetting {
  name: string;
  properties: {
    workspaceId?: string | null;
    logs?: { category?: string | null; categoryGroup?: string | null; enabled: boolean }[];
  };
}

interface Workspace {
  properties: { customerId: string };
}

export type WorkspaceLookup = { found: true; workspaceId: string; setting: string } | { found: false; reason: string };

function sendsAuditEvents(setting: DiagnosticSetting): boolean {
  return (setting.properties.logs ?? []).some(
    (l) => l.enabled && (l.category === 'AuditEvent' || l.categoryGroup === 'audit' || l.categoryGroup === 'allLogs'),
  );
}

/** A failed read, saying which object could not be read (the vault's settings, or the workspace they name). */
function unreadable(what: string, error: unknown): WorkspaceLookup {
  return { found: false, reason: `could not read ${what}: ${errorMessage(error)}` };
}

/** Never throws for a failed read: the lookup says which read failed and why. */
export async function discoverWorkspace(az: AzureContext, vaultResourceId: string): Promise<WorkspaceLookup> {
  let settings: DiagnosticSetting[];
  try {
    settings = await az.arm.list<DiagnosticSetting>(
      `${vaultResourceId}/providers/Microsoft.Insights/diagnosticSettings`,
      '2021-05-01-preview',
    );
  } catch (error) {
    return unreadable("the vault's diagnostic settings", error);
  }
  const setting = settings.find((s) => s.properties.workspaceId && sendsAuditEvents(s));
  if (!setting?.properties.workspaceId) {
    return {
      found: false,
      reason:
        settings.length === 0
          ? 'the vault has no diagnostic settings'
          : 'no diagnostic setting of the vault sends AuditEvent logs to a Log Analytics workspace',
    };
  }
  const workspaceId = setting.properties.workspaceId;
  let workspace: Workspace | undefined;
  try {
    workspace = await az.arm.get<Workspace>(workspaceId, '2022-10-01');
  } catch (error) {
    const name = workspaceId.split('/').pop() ?? workspaceId;
    return unreadable(`the Log Analytics workspace ${name} (named by diagnostic setting ${setting.name})`, error);
  }
  if (!workspace) return { found: false, reason: `workspace ${workspaceId} was not found` };
  return { found: true, workspaceId: workspace.properties.customerId, setting: setting.name };
}
