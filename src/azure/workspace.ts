// Finds the Log Analytics workspace that holds a vault's audit logs, from its diagnostic settings.
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

export async function discoverWorkspace(az: AzureContext, vaultResourceId: string): Promise<WorkspaceLookup> {
  const settings = await az.arm.list<DiagnosticSetting>(
    `${vaultResourceId}/providers/Microsoft.Insights/diagnosticSettings`,
    '2021-05-01-preview',
  );
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
  const workspace = await az.arm.get<Workspace>(setting.properties.workspaceId, '2022-10-01');
  if (!workspace) return { found: false, reason: `workspace ${setting.properties.workspaceId} was not found` };
  return { found: true, workspaceId: workspace.properties.customerId, setting: setting.name };
}
