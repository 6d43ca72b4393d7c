// A throwaway CA and a server certificate for the production Azure host names, made with openssl at start.
// The CA goes to a file for NODE_EXTRA_CA_CERTS (child processes) and stays in memory for in-process agents.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AZURE_HOSTS } from './types.js';

export interface SandboxTls {
  /** Path of the CA certificate (PEM), for NODE_EXTRA_CA_CERTS. */
  caPath: string;
  caPem: string;
  certPem: string;
  keyPem: string;
}

export const CERTIFICATE_NAMES = [
  'IP:127.0.0.1',
  `DNS:${AZURE_HOSTS.entra}`,
  `DNS:${AZURE_HOSTS.arm}`,
  `DNS:*${AZURE_HOSTS.keyvaultSuffix}`,
  `DNS:${AZURE_HOSTS.logs}`,
] as const;

function openssl(dir: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
    throw new Error(`sandbox: openssl ${args[0]} failed (is openssl on PATH?): ${stderr || String(error)}`);
  }
}

/** Writes ca.crt, server.crt and their P-256 keys (valid 2 days) into `dir`, which must exist. */
export function generateTls(dir: string): SandboxTls {
  // Keys from node (no process start); openssl only signs: once for the CA, once for the server certificate.
  const keyPem = (): string =>
    generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
  writeFileSync(join(dir, 'ca.key'), keyPem(), { mode: 0o600 });
  writeFileSync(join(dir, 'server.key'), keyPem(), { mode: 0o600 });
  openssl(dir, [
    'req',
    '-x509',
    '-key',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=kv-alert-playbook sandbox CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  openssl(dir, [
    'req',
    '-x509',
    '-key',
    'server.key',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-subj',
    '/CN=kv-alert-playbook sandbox',
    '-addext',
    `subjectAltName=${CERTIFICATE_NAMES.join(',')}`,
    '-addext',
    'extendedKeyUsage=serverAuth',
    '-addext',
    'basicConstraints=critical,CA:FALSE',
  ]);
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return {
    caPath: join(dir, 'ca.crt'),
    caPem: read('ca.crt'),
    certPem: read('server.crt'),
    keyPem: read('server.key'),
  };
}
